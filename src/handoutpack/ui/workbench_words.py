"""The workbench's words: the page in the user's language, and every message it shows in plain
words of that language, naming the field or the row of their file, never a config key or a path
of ours. The words are labels (`wb_*` in templates/labels.toml), so translators translate them
where they translate the packs' labels, in translations/<lang>/labels.po."""

from __future__ import annotations

import re

from ..errors import Problem
from ..markup import labels
from ..markup.scripts import direction
from ..project import config
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


def field_problem(words: dict[str, str], key: str, problem: Problem) -> str:
    """A problem the profile reader found with the field `key`, said in plain words of the page
    beside the field: in the words of its label when it has one; a picture that cannot be used,
    named; else, to look at the field."""
    values = dict(problem.values)
    if problem.label in words:
        return say(words, problem.label, **values)
    if key.endswith((".logo", ".photo")):
        return say(words, "wb_err_picture", name=values.get("name") or "?")
    return say(words, "wb_err_field")


def row_problem(words: dict[str, str], file_name: str, problem: Problem) -> str:
    """A problem with a row of the user's list: 'Row 10 of journalists.csv: ...', all of it in
    their language (the detail in the words of the problem's label, when it has one)."""
    detail = (say(words, problem.label, **dict(problem.values)) if problem.label in words
              else problem.message)
    if problem.line is None:
        return detail
    return say(words, "wb_list_row_problem", row=problem.line, file=file_name, problem=detail)
