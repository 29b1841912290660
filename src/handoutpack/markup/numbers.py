"""Counts and digits as each language writes them: CLDR's plural categories (Babel) choose the
form of a count label ('1 page', '2 pages'; Arabic's six forms), a language's digits are Western
(0-9) or Eastern Arabic (٠-٩, ۰-۹) by the project's setting, and Arabic's preposition ل joins
the article ال as the grammar wants ('للمشاركين', not 'لـالمشاركين')."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from ..store.memos import memo

WESTERN, EASTERN = "western", "eastern"
NUMERALS = (WESTERN, EASTERN)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
"""Extended Arabic-Indic digits: Persian, Urdu, Pashto, Sindhi write these."""
EXTENDED = {"fa", "ur", "ps", "sd", "ks"}
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _base(lang: str) -> str:
    return lang.replace("-", "_").split("_")[0]


def numerals(settings: dict[str, str], lang: str) -> str:
    """The digits `lang` is written with: typography.numerals' choice, Western by default."""
    return settings.get(lang) or settings.get(_base(lang)) or WESTERN


def digits(text: str, lang: str, style: str) -> str:
    """`text` with its digits 0-9 written in `style` for `lang`."""
    if style != EASTERN:
        return text
    return text.translate(PERSIAN if _base(lang) in EXTENDED else ARABIC_INDIC)


def counter(name: str, lang: str, style: str) -> str:
    """A CSS counter ('page', 'pages') in `lang`'s digits."""
    if style != EASTERN:
        return f"counter({name})"
    return f"counter({name}, {'persian' if _base(lang) in EXTENDED else 'arabic-indic'})"


@memo("inputs")
def _rule(lang: str):
    try:
        return Locale.parse(lang.replace("-", "_")).plural_form
    except (ValueError, UnknownLocaleError):
        return Locale("en").plural_form


def plural_category(lang: str, n: int) -> str:
    """CLDR's plural category of `n` in `lang`: zero, one, two, few, many or other."""
    return _rule(lang)(n)


def categories(lang: str) -> tuple[str, ...]:
    """The plural categories `lang` has, in CLDR's order ('other' last)."""
    tags = _rule(lang).tags | {"other"}
    return tuple(tag for tag in CATEGORIES if tag in tags)


def rule_text(lang: str, category: str) -> str:
    """For translators: which numbers a category holds in `lang` (CLDR's rule)."""
    return _rule(lang).rules.get(category, "every other number")


def counted(words: dict[str, str], key: str, n: int, lang: str, style: str = WESTERN) -> str:
    """A count label for `n`: the form of `n`'s plural category (`key.few`...), else `key`'s."""
    template = words.get(f"{key}.{plural_category(lang, n)}") or words[key]
    return fill(template, lang, n=digits(str(n), lang, style))


FIELD = re.compile(r"(?P<prefix>(?<![\u0621-\u064a])لـ?)?\{(?P<name>\w+)\}")
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def fill(template: str, lang: str, **fields: str) -> str:
    """A label with its {fields} filled in. In Arabic a field after the preposition ل joins it
    as the grammar wants: ل + المشاركين is للمشاركين (the article's alif drops), ل + جمعيات is
    لجمعيات (no tatweel); before a Latin name or a digit, لـ stays."""
    arabic = _base(lang) == "ar"

    def value(match: re.Match) -> str:
        text = str(fields.get(match["name"], match.group()))
        prefix = match["prefix"] or ""
        if not prefix or not arabic:
            return prefix + text
        if text.startswith("ال"):
            return "لل" + text[2:]
        return ("ل" if ARABIC_LETTER.match(text) else "لـ") + text
    return FIELD.sub(value, template)
