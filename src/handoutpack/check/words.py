"""Words that would print in another language: per language, the config texts (event, rights,
download page, pack titles, audiences) and the theme's labels it has no translation of. A
Portuguese cover that says "Online" and "Presented by" is a fault a reader sees at once and a
build would otherwise make without a word."""

from __future__ import annotations

from ..markup.labels import labels as labels_in, theme_labels
from ..markup.formats import language_name
from ..project import texts
from ..project.config import Project
from ..errors import Problem
from .findings import finding


WORKBENCH = "wb_"
"""The workbench's own words (its page, not the packs): its languages are its own concern."""


def untranslated_words(project: Project, langs: tuple[str, ...]) -> list[Problem]:
    english = labels_in(project.theme, project.default_language)
    findings = []
    for lang in langs:
        if lang == project.default_language:
            continue
        configured = texts.untranslated(project, lang)
        translated = theme_labels(project.theme, lang)
        labels = [key for key in english if not translated.get(key)
                  and not key.startswith(WORKBENCH)]
        if configured or labels:
            findings.append(_finding(project, lang, configured, labels))
        findings += [finding("warning", "untranslated", f"translations/{lang}/config.po", line,
                             "the translation adds template code, HTML, a link or an "
                             "address its English does not have, so it is not used; write it "
                             "as plain text", key=key)
                     for line, key in texts.refused(project.root, lang)]
    return findings


def _finding(project: Project, lang: str, configured: list[texts.ConfigText],
             labels: list[str]) -> Problem:
    source = project.default_language
    english = labels_in(project.theme, source)
    every = len(labels) == len([k for k in english if not k.startswith(WORKBENCH)]) > 3
    what = " and ".join(part for part in (
        _count(len(configured), "config text"), _count(len(labels), "label")) if part)
    where = " and ".join(name for name, wanted in (
        (f"translations/{lang}/config.po", configured),
        (f"translations/{lang}/labels.po", labels)) if wanted)
    details = tuple([f"{project.where(text.key)}: {_short(text.texts[source])!r}"
                     for text in configured]
                    + ([] if every else [f"label {key}: {_short(english[key])!r}"
                                         for key in labels]))
    names = [text.key for text in configured] + (
        ["every label"] if every else [f"label {key}" for key in labels])
    return finding("warning", "untranslated", project.config_path.name, None,
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
