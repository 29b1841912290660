"""Rendered pages onto paper: right-hand starts for duplex, a print shop's boxes, booklets with
creep and sheet marks."""

from __future__ import annotations

import pikepdf

from ..project import paper
from .files import read, to_bytes
from .forms import fit_box, form_box, page_form

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
    (which also holds the crop marks) ends; a print shop's bleed is BLEED_MM, as far as the
    page reaches: never outside its MediaBox (PDF/X), which a page made without bleed (a
    slide) ends at its trim."""
    for page in pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        m_left, m_bottom, m_right, m_top = (float(v) for v in page.mediabox)
        page.obj.BleedBox = pikepdf.Array([
            max(left - BLEED_PT, m_left), max(bottom - BLEED_PT, m_bottom),
            min(right + BLEED_PT, m_right), min(top + BLEED_PT, m_top)])


def print_ready(pdf: bytes) -> bytes:
    """A document rendered with bleed and crop marks, with its BleedBox where the bleed is."""
    with read(pdf) as document:
        set_bleed_boxes(document.pages)
        return to_bytes(document, document.pdf_version)


def booklet_order(count: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The (left, right) 0-based page indexes on each side of each sheet of a saddle-stitched
    booklet of `count` pages (a multiple of four): front then back, outermost sheet first. A
    right-to-left booklet is bound on the right: its cover is the left half of the first side,
    and every spread reads from the right."""
    sides = []
    for sheet in range(count // 4):
        sides.append((count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, count - 2 - 2 * sheet))
    return [(right, left) for left, right in sides] if right_to_left else sides


CREEP_FROM_PAGES = 24
"""Booklets of more pages than this have their inner sheets' pages moved towards the spine."""


def creep_offsets(count: int, thickness_mm: float) -> list[float]:
    """How far (mm) the pages of each sheet of a `count`-page booklet move towards the spine,
    outermost sheet first. Folded together, each sheet wraps around the ones inside it, so the
    inner sheets stick out at the fore-edge by a sheet's thickness more each: moving their
    pages in by as much keeps every page's margins the same after trimming."""
    sheets = (count + -count % 4) // 4
    if count <= CREEP_FROM_PAGES:
        return [0.0] * sheets
    return [round(sheet * thickness_mm, 4) for sheet in range(sheets)]


Half = tuple[pikepdf.Object | None, float, float]
"""What one half of a sheet side shows: a page's Form XObject (None: blank), the half's left
edge, and how far the page moves to the right (creep)."""


def booklet(pdf: bytes, sheet: str, thickness_mm: float = 0.0, marks: bool = False,
            right_to_left: bool = False, back_cover: bool = False) -> tuple[bytes, int]:
    """`pdf`'s pages two-up on landscape `sheet`s in booklet order, padded with blank pages to
    a multiple of four: print on both sides (flip on the short edge), fold, staple. Each page is
    placed whole as a vector Form XObject, trimmed to its TrimBox, each half clipped at the fold;
    links and bookmarks have no place on paper. Creep is compensated for `thickness_mm` paper.
    With `marks` (pages rendered print-ready), each sheet is a print shop's: the pages' bleed
    kept at the sheet's edges, crop marks at its corners, fold marks at the spine. A
    `right_to_left` booklet (Arabic, Hebrew...) is bound on the right. With `back_cover`, the
    last page (a presenter's contact page) stays on the outside back cover, and the blank pages
    go before it."""
    height, width = paper.points(sheet)  # the sheet turned landscape: two pages side by side
    bleed = BLEED_PT if marks else 0.0
    with read(pdf) as source:
        imposed = pikepdf.new()
        forms = [_halves(imposed, page, bleed) for page in source.pages]
        blanks = [(None, None)] * (-len(forms) % 4)  # blank pages at the back
        at = len(forms) - 1 if back_cover and len(forms) > 1 else len(forms)
        forms[at:at] = blanks
        creep = creep_offsets(len(forms), thickness_mm)
        for side, (left, right) in enumerate(booklet_order(len(forms), right_to_left)):
            shift = creep[side // 2] * paper.POINTS_PER_MM
            _print_side(imposed, [(forms[left][0], 0.0, shift),
                                  (forms[right][1], width / 2, -shift)], width / 2, height, bleed)
        for key, value in source.docinfo.items():
            imposed.docinfo[key] = value
        if "/Lang" in source.Root:
            imposed.Root.Lang = source.Root.Lang
        return to_bytes(imposed, source.pdf_version), len(imposed.pages)


def _halves(pdf: pikepdf.Pdf, page: pikepdf.Page, bleed: float) -> tuple:
    """`page` as the Form XObject of a left half and of a right half: the same one, unless the
    page brings its bleed to the sheet's outer edge (left on a left half, right on a right one,
    and the top and foot on both)."""
    if not bleed:
        form = page_form(pdf, page)
        return form, form
    return (page_form(pdf, page, (bleed, bleed, 0.0, bleed)),
            page_form(pdf, page, (0.0, bleed, bleed, bleed)))


def _print_side(pdf: pikepdf.Pdf, halves: list[Half], half_width: float, height: float,
                bleed: float) -> None:
    """A new sheet side with each half drawn on it; with a `bleed`, the sheet has room for it
    and for marks around."""
    margin = bleed and bleed + paper.MARKS_MM * paper.POINTS_PER_MM
    pdf.add_blank_page(page_size=(half_width * 2 + 2 * margin, height + 2 * margin))
    side = pdf.pages[-1]
    placed = [(f"/Page{n}", form, left, shift)
              for n, (form, left, shift) in enumerate(halves) if form is not None]
    side.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        {name: form for name, form, _, _ in placed}))
    drawing = "".join(_draw_half(name, form, left, half_width, height, shift, bleed)
                      for name, form, left, shift in placed)
    if margin:
        drawing = (f"q 1 0 0 1 {margin:.4f} {margin:.4f} cm\n{drawing}Q\n"
                   + _marks(margin, half_width * 2, height, bleed))
        _set_sheet_boxes(side, margin, half_width * 2, height, bleed)
    side.obj.Contents = pdf.make_stream(drawing.encode("ascii"))


def _draw_half(name: str, form: pikepdf.Object, left: float, width: float, height: float,
               shift: float, bleed: float) -> str:
    """PDF operators drawing Form XObject `name` in the middle of the `width` x `height` half
    at `left`, shrunk if it is larger, moved `shift` to the right, clipped to the half and its
    `bleed` on every side but the spine (so a page moved by creep never crosses the fold)."""
    outer_left = left == 0
    x0, y0, form_width, form_height = form_box(form)
    trim = (x0 + (bleed if outer_left else 0.0), y0 + bleed, form_width - bleed,
            form_height - 2 * bleed)  # the page's trim inside the bleed its form carries
    scale, _, _, _, x, y = fit_box(trim, left, 0.0, width, height, grow=False)
    clip_left = left - (bleed if outer_left else 0.0)
    return (f"q {clip_left:.4f} {-bleed:.4f} {width + bleed:.4f} {height + 2 * bleed:.4f} re W n "
            f"{scale:.6f} 0 0 {scale:.6f} {x + shift:.4f} {y:.4f} cm {name} Do Q\n")


def _marks(margin: float, width: float, height: float, bleed: float) -> str:
    """Crop marks at a sheet's four corners and fold marks at its spine, outside the bleed, in
    registration colour (every ink), hairline."""
    start, end = bleed, margin - 0.5  # from outside the bleed to near the sheet's edge
    left, right, bottom, top = margin, margin + width, margin, margin + height
    lines = []
    for x, outward in ((left, -1), (right, 1)):
        for y, upward in ((bottom, -1), (top, 1)):
            lines.append((x + outward * start, y, x + outward * end, y))
            lines.append((x, y + upward * start, x, y + upward * end))
    spine = margin + width / 2
    lines += [(spine, top + start, spine, top + end), (spine, bottom - start, spine, bottom - end)]
    path = "".join(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S\n" for x0, y0, x1, y1 in lines)
    return f"q 1 1 1 1 K 0.25 w\n{path}Q\n"


def _set_sheet_boxes(side: pikepdf.Page, margin: float, width: float, height: float,
                     bleed: float) -> None:
    """A print shop's sheet: trimmed to the two pages, with their bleed around."""
    trim = [margin, margin, margin + width, margin + height]
    side.obj.TrimBox = pikepdf.Array(trim)
    side.obj.BleedBox = pikepdf.Array([trim[0] - bleed, trim[1] - bleed,
                                       trim[2] + bleed, trim[3] + bleed])
