"""translations/<lang>/config.po: the texts of handoutpack.toml that print (event, rights, the
download page's title and introduction, pack titles, audience names), for translators. A project
reads the file back when it loads (project/texts.py), so a translated text needs no edit of the
config; a text the config already has in the language is written in as the translation."""

from __future__ import annotations

import polib

from ..project import texts
from ..project.parts import Translating
from . import catalog, labels
from .segments import Segment

WHERE = {"org.rights": "what readers may do with the materials: pack covers, download page, "
                       "README files",
         "event.name": "the event on the title slide of a presentation built on its own",
         "event.place": "where that event is",
         "download.title": "the download page's heading",
         "download.intro": "the download page's introduction (Markdown: keep *emphasis* and "
                           "blank lines between paragraphs)"}


def export(translating: Translating, lang: str, printed: list[texts.ConfigText]
           ) -> catalog.Written:
    """Write translations/<lang>/config.po: the config's `printed` texts
    (Project.printed_texts) that print in `lang`."""
    target = texts.path(translating.root, lang)
    org_name, default = translating.theme.org.name, translating.languages.default
    if target.is_file():
        po = catalog.read(translating.folders, target)
    else:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {**labels.header(org_name, lang),
                       "Project-Id-Version": f"{org_name} config texts"}
    wanted = [text for text in printed if lang in text.languages]
    for text in wanted:  # the config's own translation, when it has one, is the one
        own = text.texts.get(lang, "")
        entry = po.find(text.texts[default], msgctxt=text.key)
        if own and (entry is None or not entry.msgstr):
            po.append(polib.POEntry(msgctxt=text.key, msgid=text.texts[default], msgstr=own))
    segments = [Segment(text.texts[default], "config text", 0, context=text.key)
                for text in wanted]
    config_name = translating.folders.config.name
    merged = catalog.merge(po, segments, config_name, "")
    for entry in merged:
        entry.occurrences = []
        entry.comment = f"{config_name}: {entry.msgctxt}; {_where(entry.msgctxt)}"
    merged.metadata.pop("X-Source-File", None)
    merged.metadata.pop("X-Source-Revision", None)
    catalog.write_if_changed(target, merged)
    return catalog.Written(target, catalog.describe(catalog.status(merged)))


def _where(key: str | None) -> str:
    key = key or ""
    if key in WHERE:
        return WHERE[key]
    if key.endswith(".title"):
        return "the pack's title: its cover, its contents and the download page"
    if key.endswith(".event.name"):
        return "the event on the pack's cover"
    if key.endswith(".event.place"):
        return "where the pack's event is"
    return "the pack's audience: 'Prepared for …' on covers, 'For …' on the download page; " \
           "write it as it reads after those words"
