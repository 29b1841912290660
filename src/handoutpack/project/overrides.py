"""--set: event fields given on the command line."""

from __future__ import annotations

import datetime as dt

from ..errors import HandoutpackError


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """--set key=value pairs; only event fields may be set from the command line."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in ("event.name", "event.date", "event.place"):
            raise HandoutpackError(
                f"--set {pair}: expected event.name=..., event.date=YYYY-MM-DD or event.place=...")
        if key == "event.date" and value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise HandoutpackError(f"--set {pair}: not a date; write it as YYYY-MM-DD") from None
        overrides[key.split(".", 1)[1]] = value
    return overrides
