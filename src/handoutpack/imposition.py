"""Booklets with creep and sheet marks, on pypdf until they move into pdf.imposition (which owns
right-hand starts, blank pages, bleed boxes and the booklet page order)."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                           RectangleObject, StreamObject)

from . import paper
from .pdf.imposition import booklet_order

BLEED_PT = paper.BLEED_MM * paper.POINTS_PER_MM


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


def booklet(pdf: bytes, sheet: str, thickness_mm: float = 0.0,
            marks: bool = False) -> tuple[bytes, int]:
    """`pdf`'s pages two-up on landscape `sheet`s in booklet order, padded with blank pages to
    a multiple of four: print on both sides (flip on the short edge), fold, staple. Each page is
    placed whole as a vector Form XObject, trimmed to its TrimBox, each half clipped at the fold;
    links and bookmarks have no place on paper. Creep is compensated for `thickness_mm` paper.
    With `marks` (pages rendered print-ready), each sheet is a print shop's: the pages' bleed
    kept at the sheet's edges, crop marks at its corners, fold marks at the spine."""
    reader = PdfReader(io.BytesIO(pdf))
    height, width = paper.points(sheet)  # the sheet turned landscape: two pages side by side
    writer = PdfWriter()
    bleed = BLEED_PT if marks else 0.0
    forms = [_halves(writer, page, bleed) for page in reader.pages]
    forms += [(None, None)] * (-len(forms) % 4)  # blank pages at the back
    creep = creep_offsets(len(forms), thickness_mm)
    for side, (left, right) in enumerate(booklet_order(len(forms))):
        shift = creep[side // 2] * paper.POINTS_PER_MM
        _print_side(writer, [(forms[left][0], 0, shift), (forms[right][1], width / 2, -shift)],
                    width / 2, height, bleed)
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items()})
    if "/Lang" in reader.trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    return to_bytes(writer), len(writer.pages)


def _print_side(writer: PdfWriter, halves: list[tuple[IndirectObject | None, float, float]],
                half_width: float, height: float, bleed: float = 0.0) -> None:
    """A new sheet side with each (page's Form XObject or None, left edge, shift towards the
    spine) half drawn on it; with a `bleed`, the sheet has room for it and for marks around."""
    margin = bleed and bleed + paper.MARKS_MM * paper.POINTS_PER_MM
    side = writer.add_blank_page(half_width * 2 + 2 * margin, height + 2 * margin)
    placed = [(f"/Page{n}", form, left, shift)
              for n, (form, left, shift) in enumerate(halves) if form]
    side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject(name): form for name, form, _, _ in placed})})
    drawing = (f"q 1 0 0 1 {margin:.4f} {margin:.4f} cm\n" if margin else "") + "".join(
        _draw(name, form.get_object(), left, half_width, height, shift, bleed)
        for name, form, left, shift in placed)
    if margin:
        drawing += "Q\n" + _marks(margin, half_width * 2, height, bleed)
        trim = [margin, margin, margin + half_width * 2, margin + height]
        side[NameObject("/TrimBox")] = RectangleObject(trim)
        side[NameObject("/BleedBox")] = RectangleObject(
            [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed])
    side[NameObject("/Contents")] = writer._add_object(_stream(drawing.encode()))


def _halves(writer: PdfWriter, page: PageObject, bleed: float) -> tuple:
    """`page` as the Form XObject of a left half and of a right half: the same one, unless the
    page brings its bleed to the sheet's outer edge."""
    if not bleed:
        form = _form(writer, page)
        return form, form
    return _form(writer, page, (bleed, 0.0)), _form(writer, page, (0.0, bleed))


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


def _form(writer: PdfWriter, page: PageObject,
          bleed: tuple[float, float] = (0.0, 0.0)) -> IndirectObject | None:
    """`page` as a Form XObject in `writer`: its content stream copied as it is (never parsed),
    its resources cloned, clipped to its TrimBox, widened by `bleed` (left, right) and by the
    larger of them at the top and foot. None for a blank page."""
    contents = page.get_contents()
    if contents is None:
        return None
    trim, outer = page.trimbox, max(bleed)
    form = _stream(contents.get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): RectangleObject([trim.left - bleed[0], trim.bottom - outer,
                                              trim.right + bleed[1], trim.top + outer]),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return writer._add_object(form)  # pypdf's own way to add an object; it has no public one


def _draw(name: str, form: StreamObject, left: float, width: float, height: float,
          shift: float = 0.0, bleed: float = 0.0) -> str:
    """PDF operators drawing Form XObject `name` in the middle of the `width` x `height` area at
    `left`, shrunk if it is larger, moved `shift` to the right, clipped to the area and its
    `bleed` on every side but the spine."""
    box = RectangleObject(form["/BBox"])
    trim = [float(box.left), float(box.bottom), float(box.right), float(box.top)]
    if bleed:  # the trim inside the bleed the form carries on its outer sides
        outer_left = left == 0
        trim = [trim[0] + (bleed if outer_left else 0), trim[1] + bleed,
                trim[2] - (0 if outer_left else bleed), trim[3] - bleed]
    trim_width, trim_height = trim[2] - trim[0], trim[3] - trim[1]
    scale = min(1.0, width / trim_width, height / trim_height)
    x = left + shift + (width - trim_width * scale) / 2 - trim[0] * scale
    y = (height - trim_height * scale) / 2 - trim[1] * scale
    clip_left = left - (bleed if left == 0 else 0)
    return (f"q {clip_left:.4f} {-bleed:.4f} {width + bleed:.4f} {height + 2 * bleed:.4f} re W n "
            f"{scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm {name} Do Q\n")


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def to_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
