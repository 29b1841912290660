"""The config's texts that readers see (the event's name and place, the rights line, the download
page's title and introduction, pack titles, audience names), as translators get them.

`translate export` writes them to translations/<lang>/config.po; a project reads back every text
that file translates and handoutpack.toml does not have in that language (the config's own text
wins: it is what the project's author wrote). `check` lists, per language, the texts that would
still print in another language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import polib

from .config import Event, Project
from .parts import ConfigText


def path(root: Path, lang: str) -> Path:
    return root / "translations" / lang / "config.po"


def untranslated(printed: list[ConfigText], lang: str) -> list[ConfigText]:
    """The config texts (of those `printed`: Project.printed_texts) that would print in another language
    in `lang`."""
    return [text for text in printed
            if lang in text.languages and not text.texts.get(lang, "").strip()]


MARKUP = re.compile(r"\{[{%#]|</?[A-Za-z][^>]*>|\]\(|https?://|www\.|mailto:|\w@\w")
"""What a config text's translation may not add to its English: template code, HTML, a link or
an address (the download page's introduction is Markdown)."""


def read(root: Path, lang: str) -> dict[str, str]:
    """The texts translations/<lang>/config.po translates (not fuzzy ones: their English
    changed; not ones adding markup: see `refused`), by config key; {} when there is none or it
    cannot be read (`check` says why)."""
    return {e.msgctxt: e.msgstr for e in _entries(root, lang) if not _adds_markup(e)}


def refused(root: Path, lang: str) -> list[tuple[int, str]]:
    """(line, config key) of the translations `read` leaves out for the markup they add."""
    return [(e.linenum, e.msgctxt) for e in _entries(root, lang) if _adds_markup(e)]


def _entries(root: Path, lang: str) -> list[polib.POEntry]:
    target = path(root, lang)
    if not target.is_file():
        return []
    try:
        po = polib.pofile(str(target))
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    return [e for e in po if e.msgctxt and e.msgstr.strip() and not e.fuzzy and not e.obsolete]


def _adds_markup(entry: polib.POEntry) -> bool:
    return len(MARKUP.findall(entry.msgstr)) > len(MARKUP.findall(entry.msgid))


def completed(project: Project) -> Project:
    """The project with each config text the config lacks in a language taken from that
    language's config.po."""
    found = {lang: read(project.root, lang) for lang in project.languages
             if lang != project.default_language}
    if not any(found.values()):
        return project

    def fill(key: str, texts: dict[str, str]) -> dict[str, str]:
        if not texts.get(project.default_language):
            return texts
        extra = {lang: given[key] for lang, given in found.items()
                 if key in given and not texts.get(lang)}
        return {**texts, **extra} if extra else texts

    def event(key: str, given: Event) -> Event:
        return replace(given, name=fill(f"{key}.name", given.name),
                       place=fill(f"{key}.place", given.place))

    return replace(
        project,
        org=replace(project.org, rights=fill("org.rights", project.org.rights)),
        event=event("event", project.event),
        download=replace(project.download, titles=fill("download.title", project.download.titles),
                         intros=fill("download.intro", project.download.intros)),
        packs={pack_id: replace(spec, titles=fill(f"packs.{pack_id}.title", spec.titles),
                                event=event(f"packs.{pack_id}.event", spec.event))
               for pack_id, spec in project.packs.items()},
        audiences={audience_id: replace(audience, names=fill(f"audiences.{audience_id}.name",
                                                             audience.names))
                   for audience_id, audience in project.audiences.items()})
