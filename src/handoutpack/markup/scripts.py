"""Writing systems: which way a language reads (from Babel's CLDR data), and keeping URLs left
to right inside right-to-left text."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

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


SCRIPT_FONTS = {
    "ar": ("Noto Naskh Arabic", "Noto Sans Arabic"), "fa": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "ur": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "hi": ("Noto Serif Devanagari", "Noto Sans Devanagari"),
    "mr": ("Noto Serif Devanagari", "Noto Sans Devanagari"),
    "ne": ("Noto Serif Devanagari", "Noto Sans Devanagari"),
    "ja": ("Noto Serif CJK JP", "Noto Sans CJK JP"), "zh": ("Noto Serif CJK SC", "Noto Sans CJK SC"),
    "ko": ("Noto Serif CJK KR", "Noto Sans CJK KR"),
}
"""The serif and the sans serif (Debian's Noto fonts) that set a script the brand's fonts lack,
by language: the same families handout.css names for elements in those languages."""


def script_fonts(langs, style: str) -> Markup:
    """', "Noto Sans Arabic"': the families to put after a brand font in a page's font variables
    (style 'serif' or 'sans'), so that text anywhere on a page in `langs` (its page numbers and
    labels in margin boxes, which no :lang() rule reaches) is set in its script's font, not in
    whatever font the system picks."""
    families = []
    for lang in filter(None, langs):
        pair = SCRIPT_FONTS.get(lang.split("-")[0].lower())
        if pair and pair[style == "sans"] not in families:
            families.append(pair[style == "sans"])
    return Markup("".join(f', "{family}"' for family in families))
