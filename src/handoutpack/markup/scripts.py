"""Writing systems: which way a language reads (from Babel's CLDR data), and keeping URLs left
to right inside right-to-left text."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from ..store.memos import memo

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
"""Unicode's left-to-right isolate: a URL inside Arabic text keeps its own order."""


@memo("inputs")
def direction(lang: str) -> str:
    """'rtl' for a language written right to left (ar, fa, he, ur...), else 'ltr'."""
    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def isolate(text: str) -> str:
    """`text` (a URL, an e-mail address) marked to read left to right wherever it stands."""
    return f"{LRI}{text}{PDI}"


def isolated(text: str, text_lang: str, page_lang: str) -> str:
    """`text` in its own direction when the page reads the other way (an English title in an
    Arabic contents), so its punctuation stays where its own language puts it."""
    wanted = direction(text_lang)
    if wanted == direction(page_lang):
        return text
    return f"{LRI if wanted == 'ltr' else RLI}{text}{PDI}"


def own_direction(text: str) -> str:
    """`text` (a place, a name a user typed) in the direction of its own first letter, kept
    apart from what stands around it: 'Lima · 14 يونيو 2027' does not read '14 · Lima'."""
    return f"{FSI}{text}{PDI}" if text else text
