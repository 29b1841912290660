"""Names legal on every system: slugs and ids, the names Windows reserves, and `portable`, which
makes any name a user typed (a recipient's, an organisation's) one that Windows, macOS and Linux
can all create."""

from __future__ import annotations

import re
import unicodedata

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
"""\\Z, not $: '$' also matches before a final newline, and "media\\n" is no id."""
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                              *(f"com{n}" for n in "0123456789¹²³"),
                              *(f"lpt{n}" for n in "0123456789¹²³")})
"""Names Windows will not create a file under, whatever follows them ('con.pdf', 'nul.tar.gz'):
they name devices. No slug or pack id may be one, or the zips would not unpack there."""
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
"""Characters Windows refuses in a name (and '/', which no system takes, and controls)."""
MAX_BYTES = 200
"""Linux and macOS take 255 bytes a name; less, so that a suffix such as '-2' or '.tmp' fits."""


def usable_name(name: str) -> bool:
    """A slug or id: lower-case letters, digits and hyphens, and not a name Windows reserves."""
    return bool(ID_RE.match(name)) and name not in WINDOWS_RESERVED


def is_reserved(name: str) -> bool:
    """Whether Windows reserves `name` for a device: its part before the first dot, less any
    trailing spaces, is CON, NUL, COM1... in any case."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_RESERVED


def portable(name: str, fallback: str = "file") -> str:
    """`name` as a file name every system can create: without the characters Windows refuses,
    without trailing dots or spaces (Windows drops them), not a reserved device name (an '_'
    follows it: 'con_.pdf'), composed (NFC) and at most MAX_BYTES in UTF-8; `fallback` when
    nothing is left."""
    name = FORBIDDEN.sub("_", unicodedata.normalize("NFC", name)).strip().rstrip(". ")
    stem, dot, suffix = name.partition(".")
    if is_reserved(name):
        name = f"{stem.rstrip(' ')}_{dot}{suffix}"
    while len(name.encode("utf-8")) > MAX_BYTES:
        name = _shortened(name)
    return name.rstrip(". ") or fallback


def _shortened(name: str) -> str:
    """One character less, taken from the stem so that the suffix stays."""
    stem, dot, suffix = name.rpartition(".")
    if dot and 0 < len(suffix) <= 8 and len(stem) > 1:
        return f"{stem[:-1]}.{suffix}"
    return name[:-1]
