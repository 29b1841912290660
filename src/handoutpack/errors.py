"""Errors a user can act on: each names the file, the key or line, and what to do."""

from __future__ import annotations


class HandoutpackError(Exception):
    """A problem in the user's project; the CLI prints the message and exits with code 2."""

    exit_code = 2


class Problems(HandoutpackError):
    """Several problems found at once, so the user can fix them all in one pass."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def collect(messages: list[str]) -> None:
    """Raise every message at once, if there are any."""
    if messages:
        raise Problems(messages)
