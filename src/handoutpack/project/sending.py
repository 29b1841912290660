"""The [email] table: who the messages come from, the mail server and how to reach it, the pace
of a run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import setting

ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

SMTP_SECURITY = {"starttls": 587, "tls": 465, "none": 25}
"""How to secure the SMTP connection, and the port each uses by default."""


@dataclass(frozen=True)
class Smtp:
    """The mail server `handoutpack email --send` hands messages to. The password is never here:
    it is read from the environment variable `password_env`."""

    host: str = ""
    """The mail server's name."""
    port: int = setting(587, integer=True)
    """The port of the `security` chosen when not given: 587 for starttls, 465 for tls, 25
    for none."""
    security: str = setting("starttls", choices=SMTP_SECURITY)
    """How the connection is secured."""
    user: str = ""
    """Who logs in; nobody when empty (then no password is read)."""
    password_env: str = setting("HANDOUTPACK_SMTP_PASSWORD", pattern=ENV_NAME_RE,
                                hint=" (the name of an environment variable)")
    """The environment variable the password is read from."""


@dataclass(frozen=True)
class Email:
    """Sending packs by email: who it is from, how big an attachment may be, how fast to send."""

    sender: str = setting(toml="from", hint=" (e.g. 'Name <name@example.org>')")
    """Who the messages are from."""
    reply_to: str = ""
    """Where answers go, when not to `from`."""
    max_attachment_mb: float = 10.0
    """A larger pack is refused, with advice on making it smaller (`build --image-dpi 150`)."""
    pace_seconds: float = 2.0
    """Pause between two messages, so that the server (and spam filters) are not flooded."""
    smtp: Smtp = Smtp()
    """The server `email --send` hands the messages to."""
