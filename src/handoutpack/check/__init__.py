"""Find every problem in a project before anything is printed: config, content, Jinja, links,
accessibility, translations, packs and fonts; one module per topic."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ..errors import Problem, Problems
from ..plan.selection import Selection
from ..project import config, loader
from ..project.presenter import PROFILES_DIR
from ..plan.inputs import setting
from ..project.parts import Checking
from ..project.settings import PackSpec
from ..store import memos
from ..sources import content
from ..sources.content import Document, Translation
from .findings import Report, found, rel, text_report
from .frontmatter import ignored_keys
from .fonts import check_fonts
from .jinja import check_jinja
from .kept import kept_findings
from .packs import empty_packs
from .pages import Pages, check_page
from .translations import check_translation, coverage
from .words import untranslated_words

__all__ = ["Report", "inspect", "preflight", "run", "text_report"]


def run(root: Path, overrides: dict[str, str] | None = None, for_print: bool = False,
        profile: Path | None = None) -> Report:
    """Check the project at `root` (as presented with `profile`, an ambassador's, if given);
    HandoutpackError only when it cannot be checked at all. `for_print` adds the print shop's
    preflight (topic `print`), which renders the project."""
    try:
        project = loader.load(root, overrides, None, profile)
    except Problems as problems:
        return Report(found(problems.problems, "config"))
    documents, problems = content.scan(project.reading)
    report = Report(found(problems, "content"), project.languages)
    report.findings += inspect(project.checking, documents, Selection(), history=True)
    report.coverage = coverage(project.translating, documents)
    if profile is None:
        report.findings += _profile_problems(root, overrides)
    if for_print and not report.errors:
        from ..build import print_files_preflight  # renders: only `check --print` pays for it

        report.findings += found(print_files_preflight(project, documents), "print")
    report.findings.sort(key=lambda f: (f.file != config.CONFIG_NAME, f.file, f.line or 0))
    return report


def _profile_problems(root: Path, overrides: dict[str, str] | None) -> list[Problem]:
    """The profiles kept in profiles/ (the workbench saves them there), each read as `build
    --as` reads it: a logo or photo that is missing, a folder or a named pipe is found before
    anyone builds with it."""
    problems = []
    for path in sorted((root / PROFILES_DIR).glob("*.toml")):
        try:
            loader.load(root, overrides, None, path)
        except Problems as found_there:
            problems += found([p for p in found_there.problems if p.file != config.CONFIG_NAME],
                              "config")
    return problems


SHOWN_IN_BUILD = {"markdown", "front matter", "paths", "untranslated"}
"""Warnings a build prints too: text printed as written, images left out, keys ignored, words
that print in another language."""


def preflight(checking: Checking, documents: dict[str, Document], selection: Selection,
              strict: bool = False) -> list[Problem]:
    """The blocking part of the check, before a build: errors (and, when strict, warnings).
    Returns the warnings about what will print differently from the source (SHOWN_IN_BUILD)."""
    found = inspect(checking, documents, selection, history=False)
    blocking = [f for f in found if f.severity == "error" or strict]
    if blocking:
        raise Problems(blocking)
    return [f for f in found if f.topic in SHOWN_IN_BUILD]


def triage(checking: Checking, documents: dict[str, Document], selection: Selection,
           strict: bool, unread: list) -> tuple[list[Problem], list[Problem]]:
    """As preflight, for a build that keeps going: (the warnings to print, the errors of
    documents, whose documents are left out while the rest is built). Errors elsewhere (config,
    packs, fonts, templates) still stop it, and so does any warning when strict. `unread` are
    the problems of sources that could not be read at all."""
    found_now = found(unread, "content") + inspect(checking, documents, selection, history=False)
    errors = [f for f in found_now if f.severity == "error"]
    blocking = [f for f in found_now if f.severity in ("error", "warning")] if strict else errors
    folders = checking.folders
    sources = {rel(folders, path) for path in folders.content.rglob("*.md")}
    if strict and blocking or any(f.file not in sources for f in errors):
        raise Problems(blocking)
    return [f for f in found_now if f.topic in SHOWN_IN_BUILD], errors


def inspect(checking: Checking, documents: dict[str, Document], selection: Selection,
            history: bool) -> list[Problem]:
    """Every check on a loaded project, limited to the packs and languages selected: each
    topic is given the slice of the project it reads."""
    planning, folders, languages = checking.planning, checking.folders, checking.languages
    selection.check(planning.packs, languages)
    langs = selection.langs(languages)
    wanted = _wanted(planning.packs, documents, selection)
    unreadable = {match["slug"] for path in folders.content.rglob("*.md")
                  if (match := content.FILE_RE.match(path.name)) and match["slug"] not in documents}
    findings = found(content.pack_problems(folders, planning.packs, documents, unreadable),
                     "packs")
    findings += ignored_keys(folders, wanted, langs)
    findings += check_fonts(planning.theme, checking.render_settings)
    findings += empty_packs(planning, documents, selection)
    findings += untranslated_words(planning.theme, folders, list(checking.printed), langs)
    pages = Pages(planning, documents)
    shared = memos.once_a_build("setting", (repr(checking),),
                                lambda: setting(folders, checking))
    for document in wanted.values():
        for lang, translation in document.translations.items():
            if lang not in langs:
                continue
            check = partial(_topics, checking, documents, document, translation, pages, history)
            findings += (check() if history  # git history: not a build's, never kept
                         else kept_findings(shared, documents, translation, pages.read, check))
    return list(dict.fromkeys(findings))


def _topics(checking: Checking, documents: dict[str, Document], document: Document,
            translation: Translation, pages: Pages, history: bool) -> list[Problem]:
    """A translation's own checks: its Jinja and its links as a build would plan them, its
    page's files as a render loads them (links, images, headings) and, for a translation, its
    status against the English and its catalogue."""
    findings = check_jinja(checking.planning, documents, translation)
    if (page := pages.html(translation)) is not None:
        findings += check_page(checking.render_settings, translation, page, pages)
    findings += pages.problems.pop(translation.path, [])
    default = checking.languages.default
    if translation.lang != default:
        pages.read.add(document.main(default).path.resolve())
        findings += check_translation(checking.translating, document, translation, history)
    return findings


def _wanted(packs: dict[str, PackSpec], documents: dict[str, Document],
            selection: Selection) -> dict[str, Document]:
    if not selection.packs:
        return documents
    slugs = {slug for spec in selection.pack_specs(packs) for slug in spec.documents}
    return {slug: d for slug, d in documents.items() if slug in slugs}
