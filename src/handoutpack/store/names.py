"""Names legal on every system: slugs and ids, and the names Windows reserves."""

from __future__ import annotations

import re

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
"""\\Z, not $: '$' also matches before a final newline, and "media\\n" is no id."""
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})
"""Names Windows will not create a file under: no slug or pack id may be one, or the zips
would not unpack there."""


def usable_name(name: str) -> bool:
    """A slug or id: lower-case letters, digits and hyphens, and not a name Windows reserves."""
    return bool(ID_RE.match(name)) and name not in WINDOWS_RESERVED
