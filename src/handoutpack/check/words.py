"""Words that would print in another language: per language, the config texts (event, rights,
download page, pack titles, audiences) and the theme's labels it has no translation of. A
Portuguese cover that says "Online" and "Presented by" is a fault a reader sees at once and a
build would otherwise make without a word."""

from __future__ import annotations

from ..markup.labels import labels as labels_in, theme_labels
from ..markup.formats import language_name
from ..project import texts
from ..project.parts import Folders, Theme
from ..errors import Problem
from .findings import finding


WORKBENCH = "wb_"
"""The workbench's own words (its page, not the packs): its languages are its own concern."""


def untranslated_words(theme: Theme, folders: Folders, printed: list[texts.ConfigText],
                       langs: tuple[str, ...]) -> list[Problem]:
    """Per language, the labels and the config's `printed` texts (Project.printed_texts) that
    would print in the default language instead."""
    english = labels_in(theme, theme.languages.default)
    findings = []
    for lang in langs:
        if lang == theme.languages.default:
            continue
        configured = texts.untranslated(printed, lang)
        translated = theme_labels(theme, lang)
        labels = [key for key in english if not translated.get(key)
                  and not key.startswith(WORKBENCH)]
        if configured or labels:
            findings.append(_finding(theme, folders, lang, configured, labels))
        findings += [finding("warning", "untranslated", f"translations/{lang}/config.po", line,
                             "the translation adds template code, HTML, a link or an "
                             "address its English does not have, so it is not used; write it "
                             "as plain text", key=key)
                     for line, key in texts.refused(folders.root, lang)]
    return findings


def _finding(theme: Theme, folders: Folders, lang: str, configured: list[texts.ConfigText],
             labels: list[str]) -> Problem:
    source = theme.languages.default
    english = labels_in(theme, source)
    every = len(labels) == len([k for k in english if not k.startswith(WORKBENCH)]) > 3
    what = " and ".join(part for part in (
        _count(len(configured), "config text"), _count(len(labels), "label")) if part)
    where = " and ".join(name for name, wanted in (
        (f"translations/{lang}/config.po", configured),
        (f"translations/{lang}/labels.po", labels)) if wanted)
    details = tuple([f"{folders.where(text.key)}: {_short(text.texts[source])!r}"
                     for text in configured]
                    + ([] if every else [f"label {key}: {_short(english[key])!r}"
                                         for key in labels]))
    names = [text.key for text in configured] + (
        ["every label"] if every else [f"label {key}" for key in labels])
    return finding("warning", "untranslated", folders.config.name, None,
                   f"{lang}: {what} would print in {language_name(source, 'en')} instead: "
                   f"{', '.join(names)}; translate "
                   f"them in {where} (`handoutpack translate export --lang {lang}` writes "
                   f"{'them' if configured and labels else 'it'}), or in the config",
                   details=details)


def _count(n: int, noun: str) -> str:
    return "" if not n else f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
