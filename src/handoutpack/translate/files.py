"""`translate export` and `translate import`: PO files under translations/<lang>/, written from
the English and read back into content/<section>/<slug>.<lang>.md; and each translation's
status against the English now, for `check` and `list`."""

from __future__ import annotations

from pathlib import Path

import polib

from ..project.parts import Translating
from ..project.texts import ConfigText
from ..project.keys import suggest
from ..sources.content import Document
from ..errors import HandoutpackError
from ..store.writing import write_atomic
from . import catalog, config_texts, labels, patch, xliff
from .catalog import Written, read
from .segments import has_words


def languages_to_translate(translating: Translating, lang: str) -> None:
    """A language files can be made for: one of the project's, not the source's."""
    every = translating.languages.all
    if lang == translating.languages.default:
        raise HandoutpackError(f"--lang {lang}: that is the language documents are written in; "
                               "name the language to translate into")
    if lang not in every:
        raise HandoutpackError(f"--lang {lang}: not in languages.available "
                               f"({', '.join(every)}){suggest(lang, every)}; "
                               f"add it there in {translating.folders.config.name} first")


def chosen(documents: dict[str, Document], slugs: tuple[str, ...]) -> list[Document]:
    unknown = [slug for slug in slugs if slug not in documents]
    if unknown:
        raise HandoutpackError(f"no document '{unknown[0]}'{suggest(unknown[0], documents)}; "
                               "`handoutpack list` shows them")
    return [documents[slug] for slug in slugs] if slugs else list(documents.values())


def export(translating: Translating, documents: dict[str, Document], lang: str,
           slugs: tuple[str, ...] = (), with_xliff: bool = False,
           printed: list[ConfigText] | None = None) -> list[Written]:
    """Write (or bring up to date) translations/<lang>/<slug>.po for each chosen document (and
    <slug>.xlf beside it, `with_xliff`), and when no document is named the labels' catalogue
    and the catalogue of the config's `printed` texts (Project.printed_texts)."""
    languages_to_translate(translating, lang)
    written = [export_document(translating, document, lang, with_xliff)
               for document in chosen(documents, slugs)]
    if not slugs:
        written.append(labels.export(translating, lang))
        written.append(config_texts.export(translating, lang, printed or []))
    return written


def export_document(translating: Translating, document: Document, lang: str,
                    with_xliff: bool = False) -> Written:
    path = catalog.po_path(translating.root, document.slug, lang)
    po = merged(translating, document, lang)
    before = catalog.write_if_changed(path, po)
    if with_xliff:
        xliff.write(po, path, translating.languages.default, lang)
    how = "aligned from " + translating.folders.shown(document.translations[lang].path) \
        if before is None and lang in document.translations else \
        "new" if before is None else "unchanged" if catalog.po_bytes(po) == before else "updated"
    return Written(path, f"{catalog.describe(catalog.status(po))} ({how})")


def merged(translating: Translating, document: Document, lang: str) -> polib.POFile:
    """The document's catalogue in `lang` merged with the English now: the PO file's, or one
    aligned from the hand-made translation, or a new one."""
    segments, _ = catalog.source_segments(translating.languages.default, document)
    source = document.main(translating.languages.default)
    path = catalog.po_path(translating.root, document.slug, lang)
    if path.is_file():
        po = read(translating.folders, path)
    elif lang in document.translations:
        translation = document.translations[lang]
        old = None
        if translation.meta.source_revision and translation.meta.source_revision != source.revision:
            from ..sources.history import english_at  # git history: only when it can help
            found = english_at(translating.root, source.path, translation.meta.source_revision)
            old = found[1] if found else None
        po = catalog.align(translating, document, translation, segments, old)
    else:
        po = catalog.new_catalogue(translating, document, lang)
    po = catalog.merge(po, segments, translating.folders.shown(source.path), source.revision)
    if path.is_file() and lang in document.translations:
        _figures_from_document(translating, document, lang, segments, po)
    return po


def _figures_from_document(translating: Translating, document: Document, lang: str, segments,
                           po: polib.POFile) -> None:
    """Table cells of figures alone (1 000, 36 %) are entries since a figure's format is the
    language's; a catalogue made before lacks them: their translation is the document's own."""
    have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    wanted = [seg for seg in segments if not has_words(seg.text)
              and not getattr(have.get((seg.context, seg.text)), "msgstr", "")]
    if not wanted:
        return
    aligned = catalog.align(translating, document, document.translations[lang], segments, None)
    found = {(e.msgctxt, e.msgid): e.msgstr for e in aligned if e.msgstr}
    for seg in wanted:
        text = found.get((seg.context, seg.text), "")
        if (seg.context, seg.text) in have:
            have[(seg.context, seg.text)].msgstr = text
        elif text:
            po.append(polib.POEntry(msgctxt=seg.context, msgid=seg.text, msgstr=text))


def import_(translating: Translating, documents: dict[str, Document], lang: str | None,
            slugs: tuple[str, ...] = ()) -> tuple[list[Written], list[str]]:
    """Write content/<section>/<slug>.<lang>.md from each translations/<lang>/<slug>.po."""
    folder = translating.root / catalog.FOLDER
    langs = [lang] if lang else sorted(p.name for p in folder.iterdir() if p.is_dir()) \
        if folder.is_dir() else []
    written, warnings, default = [], [], translating.languages.default
    for code in langs:
        languages_to_translate(translating, code)
        for document in chosen(documents, slugs):
            path = catalog.po_path(translating.root, document.slug, code)
            if not path.is_file():
                continue
            po = read(translating.folders, path)
            _take_xliff(translating, po, path)
            if not any(e.msgstr for e in po if not e.obsolete):
                continue  # exported, not translated yet: no document in English under its name
            name = translating.folders.shown(path)
            if code in document.translations:
                _figures_from_document(translating, document, code,
                                       catalog.source_segments(default, document)[0], po)
            text, notes = catalog.translated_markdown(default, document, po, name, code)
            warnings += notes
            source = document.main(default)
            target = source.path.with_name(f"{document.slug}.{code}.md")
            if target.is_file():  # what the catalogue did not change keeps the file's lines
                text = patch.keep_lines(target.read_text(encoding="utf-8"), text,
                                        notes=source.meta.kind == "presentation")
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                write_atomic(target, text.encode("utf-8"), sync=False)
                written.append(Written(target, f"from {name}"))
        if not slugs:
            warnings += labels.check_file(translating.root, code)
    return written, warnings


def _take_xliff(translating: Translating, po: polib.POFile, path: Path) -> None:
    """A translator's XLIFF file newer than its PO file: its targets go into the PO file first."""
    xlf = xliff.path_for(path)
    if xlf.is_file() and xlf.stat().st_mtime > path.stat().st_mtime:
        if xliff.read_into(po, xlf, translating.folders.shown(xlf)):
            catalog.write_if_changed(path, po)
