"""`translate export` and `translate import`: PO files under translations/<lang>/, written from
the English and read back into content/<section>/<slug>.<lang>.md; and each translation's
status against the English now, for `check` and `list`."""

from __future__ import annotations

from pathlib import Path

import polib

from ..project.config import Project
from ..project.keys import suggest
from ..sources.content import Document
from ..errors import HandoutpackError
from ..store.writing import write_atomic
from . import catalog, config_texts, labels, patch, xliff
from .catalog import Written, _rel, read
from .segments import has_words


def languages_to_translate(project: Project, lang: str) -> None:
    """A language files can be made for: one of the project's, not the source's."""
    if lang == project.default_language:
        raise HandoutpackError(f"--lang {lang}: that is the language documents are written in; "
                               "name the language to translate into")
    if lang not in project.languages:
        raise HandoutpackError(f"--lang {lang}: not in languages.available "
                               f"({', '.join(project.languages)}){suggest(lang, project.languages)}; "
                               f"add it there in {project.config_path.name} first")


def chosen(documents: dict[str, Document], slugs: tuple[str, ...]) -> list[Document]:
    unknown = [slug for slug in slugs if slug not in documents]
    if unknown:
        raise HandoutpackError(f"no document '{unknown[0]}'{suggest(unknown[0], documents)}; "
                               "`handoutpack list` shows them")
    return [documents[slug] for slug in slugs] if slugs else list(documents.values())


def export(project: Project, documents: dict[str, Document], lang: str,
           slugs: tuple[str, ...] = (), with_xliff: bool = False) -> list[Written]:
    """Write (or bring up to date) translations/<lang>/<slug>.po for each chosen document (and
    <slug>.xlf beside it, `with_xliff`), and the labels' catalogue when no document is named."""
    languages_to_translate(project, lang)
    written = [export_document(project, document, lang, with_xliff)
               for document in chosen(documents, slugs)]
    if not slugs:
        written.append(labels.export(project, lang))
        written.append(config_texts.export(project, lang))
    return written


def export_document(project: Project, document: Document, lang: str,
                    with_xliff: bool = False) -> Written:
    path = catalog.po_path(project, document.slug, lang)
    po = merged(project, document, lang)
    before = catalog.write_if_changed(path, po)
    if with_xliff:
        xliff.write(po, path, project.default_language, lang)
    how = "aligned from " + _rel(project, document.translations[lang].path) \
        if before is None and lang in document.translations else \
        "new" if before is None else "unchanged" if catalog.po_bytes(po) == before else "updated"
    return Written(path, f"{catalog.describe(catalog.status(po))} ({how})")


def merged(project: Project, document: Document, lang: str) -> polib.POFile:
    """The document's catalogue in `lang` merged with the English now: the PO file's, or one
    aligned from the hand-made translation, or a new one."""
    segments, _ = catalog.source_segments(project, document)
    source = document.main(project.default_language)
    path = catalog.po_path(project, document.slug, lang)
    if path.is_file():
        po = read(project, path)
    elif lang in document.translations:
        translation = document.translations[lang]
        old = None
        if translation.meta.source_revision and translation.meta.source_revision != source.revision:
            from ..sources.history import english_at  # git history: only when it can help
            found = english_at(project, source.path, translation.meta.source_revision)
            old = found[1] if found else None
        po = catalog.align(project, document, translation, segments, old)
    else:
        po = catalog.new_catalogue(project, document, lang)
    po = catalog.merge(po, segments, _rel(project, source.path), source.revision)
    if path.is_file() and lang in document.translations:
        _figures_from_document(project, document, lang, segments, po)
    return po


def _figures_from_document(project: Project, document: Document, lang: str, segments,
                           po: polib.POFile) -> None:
    """Table cells of figures alone (1 000, 36 %) are entries since a figure's format is the
    language's; a catalogue made before lacks them: their translation is the document's own."""
    have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    wanted = [seg for seg in segments if not has_words(seg.text)
              and not getattr(have.get((seg.context, seg.text)), "msgstr", "")]
    if not wanted:
        return
    aligned = catalog.align(project, document, document.translations[lang], segments, None)
    found = {(e.msgctxt, e.msgid): e.msgstr for e in aligned if e.msgstr}
    for seg in wanted:
        text = found.get((seg.context, seg.text), "")
        if (seg.context, seg.text) in have:
            have[(seg.context, seg.text)].msgstr = text
        elif text:
            po.append(polib.POEntry(msgctxt=seg.context, msgid=seg.text, msgstr=text))


def import_(project: Project, documents: dict[str, Document], lang: str | None,
            slugs: tuple[str, ...] = ()) -> tuple[list[Written], list[str]]:
    """Write content/<section>/<slug>.<lang>.md from each translations/<lang>/<slug>.po."""
    folder = project.root / catalog.FOLDER
    langs = [lang] if lang else sorted(p.name for p in folder.iterdir() if p.is_dir()) \
        if folder.is_dir() else []
    written, warnings = [], []
    for code in langs:
        languages_to_translate(project, code)
        for document in chosen(documents, slugs):
            path = catalog.po_path(project, document.slug, code)
            if not path.is_file():
                continue
            po = read(project, path)
            _take_xliff(project, po, path)
            if not any(e.msgstr for e in po if not e.obsolete):
                continue  # exported, not translated yet: no document in English under its name
            name = _rel(project, path)
            if code in document.translations:
                _figures_from_document(project, document, code,
                                       catalog.source_segments(project, document)[0], po)
            text, notes = catalog.translated_markdown(project, document, po, name, code)
            warnings += notes
            source = document.main(project.default_language).path
            target = source.with_name(f"{document.slug}.{code}.md")
            if target.is_file():  # what the catalogue did not change keeps the file's lines
                text = patch.keep_lines(target.read_text(encoding="utf-8"), text,
                                        notes=document.main(project.default_language).meta.kind
                                        == "presentation")
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                write_atomic(target, text.encode("utf-8"), sync=False)
                written.append(Written(target, f"from {name}"))
        if not slugs:
            warnings += labels.check_file(project, code)
    return written, warnings


def _take_xliff(project: Project, po: polib.POFile, path: Path) -> None:
    """A translator's XLIFF file newer than its PO file: its targets go into the PO file first."""
    xlf = xliff.path_for(path)
    if xlf.is_file() and xlf.stat().st_mtime > path.stat().st_mtime:
        if xliff.read_into(po, xlf, _rel(project, xlf)):
            catalog.write_if_changed(path, po)
