"""Translations: coverage by language, missing source revisions, and stale translations with
what changed in the source since (from git history)."""

from __future__ import annotations

import difflib

from ..project.config import Project
from ..sources.content import Document, Translation
from ..errors import HandoutpackError, Problem
from .findings import finding, rel
from ..sources.history import english_at

DIFF_LINES = 40


def coverage(project: Project, documents: dict[str, Document]) -> dict[str, dict[str, str]]:
    return {slug: {lang: _status(project, d, lang) for lang in project.languages}
            for slug, d in documents.items()}


def coverage_of(project: Project, document: Document, lang: str) -> str:
    """source, current, stale, unknown (no source_revision) or missing."""
    return _status(project, document, lang)


def _status(project: Project, document: Document, lang: str) -> str:
    if lang == project.default_language:
        return "source"
    translation = document.translations.get(lang)
    if translation is None:
        return "missing"
    if (found := paragraphs(project, document, lang)) is not None:
        return "current" if found.current == found.total else "stale"
    if translation.meta.source_revision is None:
        return "unknown"
    current = document.main(project.default_language).revision
    return "current" if translation.meta.source_revision == current else "stale"


def check_translation(project: Project, document: Document, translation: Translation,
                      history: bool) -> list[Problem]:
    if (found := paragraphs(project, document, translation.lang)) is not None:
        return _paragraph_findings(project, document, translation, found)
    source = document.main(project.default_language)
    name, source_name = rel(project, translation.path), rel(project, source.path)
    status = _status(project, document, translation.lang)
    line = _front_matter_line(translation, "source_revision")
    if status == "unknown":
        return [finding("warning", "translations", name, 1,
                        f"no source_revision, so nobody can tell whether it is up to date. Record "
                        f"the revision of the English it was made from: for a translation made "
                        f"from {source_name} as it is now, 'source_revision: {source.revision}'; "
                        f"for one brought in from elsewhere, the revision at the date it was "
                        f"made, which `handoutpack revision {source_name} --as-of YYYY-MM-DD` "
                        "reads from git history (then check lists what changed since)")]
    if status != "stale":
        return []
    old = (english_at(project.root, source.path, translation.meta.source_revision)
           if history else None)
    if old is None:
        details = ("(what changed cannot be shown: the English text of that revision is not in "
                   "this project's git history; keep the project in git to see it)",) if history else ()
    else:
        details = tuple(changes(old[1], source.body, old[0]))
    return [finding("warning", "translations", name, line,
                    f"stale translation: {source_name} has changed since it was translated "
                    f"(source_revision {translation.meta.source_revision}, now {source.revision}); "
                    f"update the translation, then set source_revision: {source.revision}",
                    details)]


def paragraphs(project: Project, document: Document, lang: str):
    """The status, block by block, of a translation kept in a PO file; None without one."""
    from ..translate import catalog, files

    if not catalog.po_path(project.root, document.slug, lang).is_file():
        return None
    try:
        return catalog.status(files.merged(project.translating, document, lang))
    except HandoutpackError:
        return None  # unreadable: `translate import` says why


def _paragraph_findings(project: Project, document: Document, translation: Translation,
                        found) -> list[Problem]:
    """'12 of 14 paragraphs current; 2 changed (lines 31, 48)', with the English of each."""
    from ..translate import catalog

    if found.current == found.total:
        return _not_imported(project, document, translation)
    po = rel(project, catalog.po_path(project.root, document.slug, translation.lang))
    parts = [f"{found.current} of {found.total} paragraphs current"]
    if found.changed:
        parts.append(f"{len(found.changed)} changed "
                     f"({_lines([line for line, _, _ in found.changed])})")
    if found.untranslated:
        parts.append(f"{len(found.untranslated)} not translated ({_lines(found.untranslated)})")
    details = []
    for line, old, new in found.changed:
        details += [f"line {line}, English when translated: {old}", f"line {line}, English now: {new}"]
    source = rel(project, document.main(project.default_language).path)
    return [finding("warning", "translations", rel(project, translation.path), None,
                    f"{'; '.join(parts)} in {source}; run `handoutpack translate export --lang "
                    f"{translation.lang} {document.slug}`, translate the fuzzy and empty entries "
                    f"of {po}, then `handoutpack translate import`", tuple(details))]


def _lines(numbers: list[int]) -> str:
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(map(str, numbers))


def _not_imported(project: Project, document: Document, translation: Translation) -> list[Problem]:
    """A PO file whose translations are not yet in the document: the translator delivered,
    nobody imported (or the document was edited by hand, and the next import will undo it)."""
    from ..translate import catalog, files, patch

    po_name = rel(project, catalog.po_path(project.root, document.slug, translation.lang))
    try:
        text, _ = catalog.translated_markdown(project.default_language, document, files.merged(
            project.translating, document, translation.lang), po_name, translation.lang)
    except HandoutpackError as error:
        return [finding("warning", "translations", po_name, None, str(error))]
    current = translation.path.read_text(encoding="utf-8")
    notes = document.main(project.default_language).meta.kind == "presentation"
    if patch.keep_lines(current, text, notes) == current:  # what an import would leave as it is
        return []
    return [finding("warning", "translations", rel(project, translation.path), None,
                    f"differs from what {po_name} says: run `handoutpack translate import` (edit "
                    "the PO file, not this one: import rewrites it)")]


def _front_matter_line(translation: Translation, key: str) -> int | None:
    text = translation.path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines()[: translation.body_line], 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def changes(old: str, new: str, when: str) -> list[str]:
    """What changed in the English since a translation was made, as a short unified diff."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                     f"English when translated ({when})", "English now",
                                     lineterm="", n=1))
    if len(diff) > DIFF_LINES:
        diff = diff[:DIFF_LINES] + [f"... and {len(diff) - DIFF_LINES} more lines"]
    return diff
