"""Documents end to end in one PDF: their pages, bookmarks, links and tags kept; blank pages
between them; page numbers drawn over them; placeholder links turned into jumps."""

from __future__ import annotations

from collections.abc import Callable

import pikepdf
from pikepdf import Array, Name

from . import imposition
from .files import read, to_bytes
from .fontshare import share_fonts
from .forms import IDENTITY, draw_over, page_form
from .placeholders import link_to_page, placeholders
from .slides import named_destinations
from .structure import StructureMerger
from ..markup.scripts import direction


class Merger:
    """A PDF being made of other PDFs, page ranges appended one after the other."""

    def __init__(self):
        self.pdf = pikepdf.new()
        self.tags = StructureMerger(self.pdf)
        self.bookmarks: list[pikepdf.OutlineItem] = []
        self.sources: list[pikepdf.Pdf] = []  # qpdf reads copied streams from them when saving
        self.version = ""

    def append(self, pdf: bytes, lang: str, bookmark: str | None = None,
               own_bookmarks: bool = False) -> int:
        """Append every page of `pdf` with its tags; `bookmark` adds one bookmark to its first
        page, `own_bookmarks` keeps its bookmarks. Its internal links keep working (they point
        at pages, not at names that would clash between documents). Returns its first page's
        0-based index."""
        source = read(pdf)
        self.sources.append(source)
        self.version = self.version or source.pdf_version
        names = named_destinations(source)
        _explicit_links(source, names)
        start = len(self.pdf.pages)
        self.pdf.pages.extend(source.pages)
        pages = list(self.pdf.pages)[start:]
        self.tags.add(source, pages, lang)
        if bookmark is not None:
            self.bookmarks.append(pikepdf.OutlineItem(bookmark, Array([pages[0].obj, Name.Fit])))
        if own_bookmarks:
            with source.open_outline() as outline:
                self.bookmarks += [self._copy_bookmark(source, item, names)
                                   for item in outline.root]
        return start

    def _copy_bookmark(self, source: pikepdf.Pdf, item: pikepdf.OutlineItem,
                       names: dict[str, Array]) -> pikepdf.OutlineItem:
        destination = _destination(item.destination, names)
        if destination is None and item.action is not None:
            destination = _destination(item.action.get("/D"), names)
        copy = pikepdf.OutlineItem(item.title, self.tags.copy(source, destination)
                                   if destination is not None else None)
        copy.children.extend(self._copy_bookmark(source, kid, names) for kid in item.children)
        return copy

    def pad(self, count: int) -> None:
        imposition.pad(self.pdf, count)

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

    def stamp(self, stamps: bytes, indexes: list[int]) -> None:
        """Draw page i of `stamps` over page i for each i in `indexes`: a pack's own page
        numbers over its documents' pages. Drawn as a Form XObject (the page's stream is never
        parsed) and marked as an artifact, since a page number is not part of the text a screen
        reader reads."""
        source = read(stamps)
        self.sources.append(source)
        for index in indexes:
            form = page_form(self.pdf, source.pages[index])
            if form is not None:
                draw_over(self.pdf.pages[index], [("/PackPageNumber", form, IDENTITY)])

    def link_pages(self, first: int, last: int, prefix: str,
                   page_of: Callable[[str], int], titles: dict[int, str]) -> None:
        """Turn the placeholder links on pages first..last-1 (0-based) into jumps to pages of
        this PDF: `page_of` gives the 1-based page a placeholder's value stands for, `titles`
        what starts on a page (what a link to it says it goes to)."""
        for page in list(self.pdf.pages)[first:last]:
            for annotation, value in placeholders(page, prefix):
                number = page_of(value)
                link_to_page(annotation, self.pdf.pages[number - 1], titles.get(number, ""))

    def finish(self, lang: str, info: dict[str, str], print_ready: bool) -> bytes:
        """The PDF's bytes: tags, bookmarks (shown on opening), language and document info, and
        one font file per face for all its parts."""
        if print_ready:
            imposition.set_bleed_boxes(self.pdf.pages)
        self.tags.finish(lang, self.sources[0])
        with self.pdf.open_outline() as outline:
            outline.root.extend(self.bookmarks)
        for key, value in info.items():
            self.pdf.docinfo[Name(key)] = value
        if "/Metadata" in self.pdf.Root:  # the first part's XMP says what the Info says now
            with self.pdf.open_metadata(set_pikepdf_as_editor=False,
                                        update_docinfo=False) as xmp:
                xmp.load_from_docinfo(self.pdf.docinfo, raise_failure=False)
        self.pdf.Root.Lang = pikepdf.String(lang)
        self.pdf.Root.PageMode = Name.UseOutlines
        if direction(lang) == "rtl":  # spreads read right to left (PDF 1.7, 12.2)
            preferences = self.pdf.Root.get("/ViewerPreferences")
            if not isinstance(preferences, pikepdf.Dictionary):
                preferences = self.pdf.Root.ViewerPreferences = pikepdf.Dictionary()
            preferences.Direction = Name.R2L
        share_fonts(self.pdf)
        data = to_bytes(self.pdf, self.version)
        for source in self.sources:
            source.close()
        return data


def _destination(value, names: dict[str, Array]) -> Array | None:
    """An explicit destination array for a destination given by name or explicitly."""
    if isinstance(value, (pikepdf.String, Name)):
        return names.get(str(value).lstrip("/"))
    return value if isinstance(value, Array) else None


def _explicit_links(source: pikepdf.Pdf, names: dict[str, Array]) -> None:
    """Point a document's internal links at their pages directly: named destinations would
    clash in the pack, where every document may have its own '#introduction'."""
    for page in source.pages:
        for annotation in page.obj.get("/Annots", []):
            named = annotation.get("/Dest")
            action = annotation.get("/A")
            if named is None and action is not None and action.get("/S") == Name.GoTo:
                named = action.get("/D")
            target = _destination(named, names) if named is not None else None
            if target is not None and not isinstance(named, Array):
                if action is not None and "/Dest" not in annotation:
                    del annotation["/A"]
                annotation.Dest = Array(list(target))
