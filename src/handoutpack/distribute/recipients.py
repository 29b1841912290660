"""The people on a list: who each is, their address and language, and every field of their row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    line: int
    email: str
    """Normalised: what the message is addressed to and what the sent-log remembers."""
    name: str
    lang: str
    fields: dict[str, str]
    """Every column of the row, for the message."""
    ascii_email: str = ""
    """The address in ASCII (an IDN domain as xn--...), or '' when its local part is not:
    such an address needs a server that takes SMTPUTF8."""

    @property
    def address(self) -> str:
        """What the envelope and the To header carry: the ASCII form wherever there is one."""
        return self.ascii_email or self.email

    @property
    def key(self) -> str:
        return self.email.lower()
