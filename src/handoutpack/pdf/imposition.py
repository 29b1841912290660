"""Rendered pages onto paper: right-hand starts for duplex, a print shop's boxes, booklets."""

from __future__ import annotations

import pikepdf

from .. import paper
from .files import read, to_bytes
from .forms import draw_forms, fit, page_form

BLEED_PT = paper.BLEED_MM * paper.POINTS_PER_MM
BOXES = ("/MediaBox", "/TrimBox", "/BleedBox")


def starts(lengths: list[int], duplex: bool) -> list[int]:
    """The first page (1-based) of each part laid end to end; in duplex each starts on a
    right-hand page, the odd pages of a document printed on both sides."""
    result, page = [], 1
    for length in lengths:
        if duplex and page % 2 == 0:
            page += 1
        result.append(page)
        page += length
    return result


def pad(pdf: pikepdf.Pdf, count: int) -> None:
    """Add blank pages until `pdf` holds `count`; each takes the size and boxes of the page
    before it and has no content at all, so no header, footer or mark is printed on it."""
    while len(pdf.pages) < count:
        like = pdf.pages[-1].obj
        pdf.add_blank_page(page_size=(10, 10))
        blank = pdf.pages[-1].obj
        for box in BOXES:
            if box in like:
                blank[box] = pikepdf.Array(list(like[box]))
        del blank["/Contents"]


def set_bleed_boxes(pages) -> None:
    """WeasyPrint puts the BleedBox at most 10 pt outside the TrimBox, wherever the CSS bleed
    (which also holds the crop marks) ends; a print shop's bleed is BLEED_MM."""
    for page in pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        page.obj.BleedBox = pikepdf.Array([left - BLEED_PT, bottom - BLEED_PT,
                                           right + BLEED_PT, top + BLEED_PT])


def print_ready(pdf: bytes) -> bytes:
    """A document rendered with bleed and crop marks, with its BleedBox where the bleed is."""
    with read(pdf) as document:
        set_bleed_boxes(document.pages)
        return to_bytes(document, document.pdf_version)


def booklet_order(count: int) -> list[tuple[int, int]]:
    """The (left, right) 0-based page indexes on each side of each sheet of a saddle-stitched
    booklet of `count` pages (a multiple of four): front then back, outermost sheet first."""
    sides = []
    for sheet in range(count // 4):
        sides.append((count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, count - 2 - 2 * sheet))
    return sides


def booklet(pdf: bytes, sheet: str) -> tuple[bytes, int]:
    """`pdf`'s pages two-up on landscape `sheet`s in booklet order, padded with blank pages to
    a multiple of four: print on both sides (flip on the short edge), fold, staple. Each page is
    placed whole as a vector Form XObject, trimmed to its TrimBox; links and bookmarks have no
    place on paper."""
    height, width = paper.points(sheet)  # the sheet turned landscape: two pages side by side
    with read(pdf) as source:
        imposed = pikepdf.new()
        forms = [page_form(imposed, page) for page in source.pages]
        forms += [None] * (-len(forms) % 4)  # blank pages at the back
        for left, right in booklet_order(len(forms)):
            _print_side(imposed, [(forms[left], 0.0), (forms[right], width / 2)],
                        width / 2, height)
        for key, value in source.docinfo.items():
            imposed.docinfo[key] = value
        if "/Lang" in source.Root:
            imposed.Root.Lang = source.Root.Lang
        return to_bytes(imposed, source.pdf_version), len(imposed.pages)


def _print_side(pdf: pikepdf.Pdf, halves: list[tuple[pikepdf.Object | None, float]],
                half_width: float, height: float) -> None:
    """A new sheet side with each (page's Form XObject or None, left edge) half drawn on it."""
    pdf.add_blank_page(page_size=(half_width * 2, height))
    side = pdf.pages[-1]
    placed = {f"Page{n}": (form, left) for n, (form, left) in enumerate(halves) if form}
    side.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        {f"/{name}": form for name, (form, _) in placed.items()}))
    drawing = draw_forms([(f"/{name}", fit(form, left, 0, half_width, height, grow=False))
                          for name, (form, left) in placed.items()])
    side.obj.Contents = pdf.make_stream(drawing.encode("ascii"))
