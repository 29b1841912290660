"""What is there to hand on: every built PDF with its title, language, size and pages, said in the
reader's language, by pack and section."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from babel.units import format_unit

from ..markup import formats, labels, numbers
from ..project.parts import Publishing
from ..project.settings import PackSpec, Typography
from ..sources.content import Document
from ..store.outputs import (
    Output,
    Staging,
    bundle_path,
    document_path,
    layouts,
    pack_path,
)
from .thumbnails import Thumbnail

Log = Callable[[str], None]
"""Hears what publishing does, a line at a time."""


def size_text(size: int, lang: str) -> str:
    """A file size the way a reader of `lang` writes it: '340 kB', '1,2 Mo'."""
    locale = _locale(lang)
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                           locale=locale)
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short",
                       locale=locale, format="#,##0.#")


def pages_text(words: dict[str, str], pages: int, lang: str, typography: Typography) -> str:
    """'1 page', '12 pages', '١٢ صفحة': the count label in the plural form CLDR gives the
    number in `lang`, in the digits `typography` gives the language."""
    return numbers.counted(words, "n_pages", pages, lang,
                           numbers.numerals(typography.numerals, lang))


def layout_label(words: dict[str, str], layout: str) -> str:
    """'Participant handout', 'Slides', 'Presenter notes': a presentation's PDFs, named."""
    return words[f"{layout}_label"] if layout != "document" else ""


def own_name(lang: str) -> str:
    """A language's name in itself: 'français'."""
    return formats.language_name(lang, _locale(lang))


def _locale(lang: str) -> str:
    return lang.replace("-", "_")


@dataclass(frozen=True)
class Download:
    """One file the page offers."""

    href: str
    lang: str
    language: str
    """The file's language, named in itself."""
    details: str
    """'PDF · 4 pages · 120 kB' in the page's language."""


@dataclass(frozen=True)
class Entry:
    """A document or a pack as the page shows it."""

    id: str
    title: str
    summary: str
    lang: str
    """The language of the title and summary: the page's, or the default where untranslated."""
    thumbnail: Thumbnail
    files: list[Download]
    """The PDF in every language it exists in, the page's language first."""
    bundle: Download | None = None
    contents: list[tuple[str, str, str]] = field(default_factory=list)
    """(title, "in English" or '', the title's language) for each document of a pack."""
    """A pack's documents: (title, '' or 'in English' where untranslated)."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    entries: list[Entry]


class Catalogue:
    """The built PDFs of a project as the download page and the bundles need them, and what
    they are published with (`publishing`: its theme, packs and languages)."""

    def __init__(self, publishing: Publishing, documents: dict[str, Document], stage: Staging,
                 outputs: dict[str, Output], thumbnails: dict[str, Thumbnail]):
        self.documents, self.stage = documents, stage
        self.theme, self.specs = publishing.theme, publishing.packs
        self.languages = publishing.theme.languages
        self.outputs, self.thumbnails = outputs, thumbnails

    def document_pdf(self, slug: str, lang: str, layout: str | None = None) -> Output | None:
        """A document's PDF in `lang`: a presentation's handout (or its `layout`)."""
        return self.outputs.get(document_path(lang, slug, layout or self.layouts(slug)[0]))

    def layouts(self, slug: str) -> tuple[str, ...]:
        return layouts(self.documents[slug].main(self.languages.default).meta.kind)

    def pack_pdf(self, pack: str, lang: str) -> Output | None:
        return self.outputs.get(pack_path(lang, pack))

    def pack_documents(self, spec: PackSpec, lang: str) -> list[tuple[Document, Output | None]]:
        """A pack's documents as its bundle holds them: in `lang`, or the default language's
        PDF where the pack fell back to it."""
        pack = self.pack_pdf(spec.id, lang)
        fallbacks = set(pack.fallbacks) if pack else set()
        default = self.languages.default
        return [(self.documents[slug],
                 self.document_pdf(slug, default if slug in fallbacks else lang,
                                   spec.presentations if len(self.layouts(slug)) > 1 else None))
                for slug in spec.documents if slug in self.documents]

    def sections(self, lang: str, root: str) -> list[Section]:
        words = labels.labels(self.theme, lang)
        sections: dict[str, list[Entry]] = {}
        for slug, document in self.documents.items():
            pdfs = self._by_language(lambda code: self.document_pdf(slug, code))
            if not pdfs:
                continue
            translation = document.best(lang, self.languages.default)
            shown = pdfs.get(lang) or pdfs.get(translation.lang) or next(iter(pdfs.values()))
            files = [file for layout in self.layouts(slug) for file in self._files(
                self._by_language(lambda code: self.document_pdf(slug, code, layout)), lang, root,
                words, kind=layout_label(words, layout))]
            sections.setdefault(document.section, []).append(Entry(
                slug, translation.meta.title, translation.meta.summary, translation.lang,
                self.thumbnails[shown.path], files))
        return [Section(name, words.get(f"section_{name}", name.replace("-", " ").capitalize()),
                        entries) for name, entries in sections.items()]

    def packs(self, lang: str, root: str) -> list[Entry]:
        words = labels.labels(self.theme, lang)
        entries = []
        default = self.languages.default
        for spec in self.specs.values():
            pdfs = self._by_language(lambda code: self.pack_pdf(spec.id, code))
            if not pdfs:
                continue
            # a pack not made in the reader's language is offered in the default one
            shown = lang if lang in pdfs else default if default in pdfs else next(iter(pdfs))
            audience = self.theme.audience(spec.audience, lang)
            summary = " · ".join(filter(None, [numbers.fill(words["for_audience"], lang,
                                                            audience=audience),
                                               in_language(words, shown, lang)]))
            bundle = bundle_path(shown, spec.id)
            entries.append(Entry(
                spec.id, self.theme.text(spec.titles, shown), summary, shown,
                self.thumbnails[pdfs[shown].path], self._files(pdfs, shown, root, words, lang),
                bundle=Download(root + bundle, shown, own_name(shown),
                                f"ZIP · {size_text(self.size(bundle), lang)}")
                if self.stage.exists(bundle) else None,
                contents=[(t.meta.title, in_language(words, t.lang, lang), t.lang) for t in (
                    self.documents[slug].best(shown, default) for slug in spec.documents)]))
        return entries

    def size(self, relative: str) -> int:
        """The bytes of a file in build/, as this build leaves it."""
        return self.stage.path(relative).stat().st_size

    def _by_language(self, pdf: Callable[[str], Output | None]) -> dict[str, Output]:
        """The PDFs `pdf` finds for each of the project's languages, where built."""
        found = {code: pdf(code) for code in self.languages.all}
        return {code: output for code, output in found.items() if output}

    def _files(self, pdfs: dict[str, Output], first: str, root: str, words: dict[str, str],
               lang: str | None = None, kind: str = "") -> list[Download]:
        """The PDFs, the one in `first` first, described in the page's language (`lang`,
        `first` when not given); `kind` names a presentation's layout ('Slides')."""
        lang = lang or first
        ordered = sorted(pdfs.values(), key=lambda pdf: pdf.lang != first)
        return [Download(root + pdf.path, pdf.lang, own_name(pdf.lang), " · ".join(filter(None, [
                    kind, "PDF", pages_text(words, pdf.pages, lang, self.theme.typography),
                    size_text(pdf.bytes, lang)])))
                for pdf in ordered]


def in_language(words: dict[str, str], lang: str, page_lang: str) -> str:
    """'' when `lang` is the reader's own `page_lang`, else 'in English', in the reader's words."""
    if lang == page_lang:
        return ""
    return words["fallback_toc"].format(source_language=formats.language_name(lang, page_lang))
