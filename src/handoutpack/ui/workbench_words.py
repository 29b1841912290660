"""The workbench's words: the page in the user's language, and every message it shows in plain
words of that language, naming the field or the row of their file, never a config key or a path
of ours. The words are labels (`wb_*` in templates/labels.toml), so translators translate them
where they translate the packs' labels, in translations/<lang>/labels.po."""

from __future__ import annotations

import re

from ..markup import labels
from ..markup.scripts import direction
from ..project import config
from ..project.presenter import MIN_LOGO_PIXELS
from ..publish.catalogue import own_name

PREFIX = "wb_"
FIELD_KEY = re.compile(r"^(event\.(name|date|place)|presenter\.\w+|partners\.\d\.(name|logo)"
                       r"|packs|languages)$")


def page_language(project: config.Project, asked: str, accept_language: str) -> str:
    """The page's language: the one asked for (?lang=), else the browser's first that the project
    has (Accept-Language, in its order of preference), else the project's default."""
    if asked in project.languages:
        return asked
    for lang in _preferred(accept_language):
        for known in project.languages:
            if known.lower() == lang or known.lower().split("-")[0] == lang.split("-")[0]:
                return known
    return project.default_language


def _preferred(header: str) -> list[str]:
    """Accept-Language's languages, most wanted first ('fr-CH, fr;q=0.9, en;q=0.8')."""
    ranked = []
    for index, part in enumerate(header.split(",")[:20]):
        lang, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            quality = 0.0
        if lang and lang != "*" and quality > 0:
            ranked.append((-quality, index, lang.lower()))
    return [lang for *_, lang in sorted(ranked)]


class Words(dict):
    """The page's words in one language; `rtl` when it is written right to left."""

    rtl: bool = False


def words(project: config.Project, lang: str) -> Words:
    """The page's words in `lang` (English where a word is not translated yet)."""
    found = Words({k: v for k, v in labels.labels(project.theme, lang).items()
                   if k.startswith(PREFIX)})
    found.rtl = direction(lang) == "rtl"
    return found


def say(words: dict[str, str], key: str, **values) -> str:
    """A message of the page, its {names} filled in (a translation that lost one still reads).
    In a right-to-left language each value is isolated: an address or a date keeps its order."""
    text = words.get(key, key)
    for name, value in values.items():
        shown = f"\u2068{value}\u2069" if getattr(words, "rtl", False) else str(value)
        text = text.replace("{" + name + "}", shown)
    return text


def page_languages(project: config.Project) -> list[tuple[str, str]]:
    return [(lang, own_name(lang)) for lang in project.languages]


def field_problem(words: dict[str, str], key: str, message: str) -> str:
    """A problem the profile reader found with a field, said in plain words beside the field."""
    quoted = re.match(r"'([^']*)'", message)
    value = quoted[1] if quoted else ""
    if "required" in message or "is empty" in message:
        return say(words, "wb_err_required")
    if key == "event.date":
        return say(words, "wb_err_date", value=value)
    if key.endswith(".email"):
        return say(words, "wb_err_email", value=value)
    if key.endswith(".phone"):
        return say(words, "wb_err_phone", value=value)
    if key.endswith((".logo", ".photo")):
        size = re.search(r"is (\d+) × (\d+) pixels", message)
        if size:
            return say(words, "wb_err_logo_small", name=value, width=size[1], height=size[2],
                       needed=MIN_LOGO_PIXELS)
        return say(words, "wb_err_picture", name=value or "?")
    if key in ("packs", "languages"):
        return say(words, f"wb_err_choose_{key}")
    return say(words, "wb_err_field")


def row_problem(words: dict[str, str], file_name: str, message: str) -> str:
    """A problem with a row of the user's list: 'Row 10 of journalists.csv: ...' in their
    language, the detail as the list reader gives it."""
    found = re.match(r"^[^:]*?:(\d+):?\s*(.*)$", message, re.S)
    if not found:
        return message
    return say(words, "wb_list_row_problem", row=found[1], file=file_name, problem=found[2])
