"""Rendered pages onto paper: right-hand starts for duplex, a print shop's boxes, booklets."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject,
                           NameObject, RectangleObject, StreamObject)

from . import paper

BLEED_PT = paper.BLEED_MM * paper.POINTS_PER_MM


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


def pad(writer: PdfWriter, count: int) -> None:
    """Add blank pages until the writer holds `count`; each takes the size and boxes of the page
    before it and has no content at all, so no header, footer or mark is printed on it."""
    while len(writer.pages) < count:
        like = writer.pages[-1]
        blank = writer.add_blank_page(float(like.mediabox.width), float(like.mediabox.height))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in like:
                blank[NameObject(box)] = RectangleObject(like[box])


def set_bleed_boxes(pages) -> None:
    """WeasyPrint puts the BleedBox at most 10 pt outside the TrimBox, wherever the CSS bleed
    (which also holds the crop marks) ends; a print shop's bleed is BLEED_MM."""
    for page in pages:
        trim = page.trimbox
        page.bleedbox = RectangleObject([trim.left - BLEED_PT, trim.bottom - BLEED_PT,
                                         trim.right + BLEED_PT, trim.top + BLEED_PT])


def print_ready(pdf: bytes) -> bytes:
    """A document rendered with bleed and crop marks, with its BleedBox where the bleed is."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    set_bleed_boxes(writer.pages)
    return to_bytes(writer)


def stamp(writer: PdfWriter, stamps: PdfReader, indexes: list[int]) -> None:
    """Draw page i of `stamps` over page i of `writer` for each i in `indexes`: a pack's own
    page numbers over its documents' pages. Drawn as a Form XObject (the page's stream is never
    parsed, which is ten times faster than merging pages) and marked as an artifact, since a
    page number is not part of the text a screen reader reads."""
    for index in indexes:
        form = _form(writer, stamps.pages[index])
        if form is None:
            continue
        page = writer.pages[index]
        # pages of one document share their resources: give each page its own copy, shallow
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/PackPageNumber")] = form
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        # the page's own drawing may leave its coordinates changed (WeasyPrint's flip the page
        # upside down): save the state before it and restore it after, then draw the number
        before = writer._add_object(_stream(b"q\n"))
        after = writer._add_object(_stream(b"Q\n/Artifact BMC q /PackPageNumber Do Q EMC\n"))
        page[NameObject("/Contents")] = ArrayObject(
            [before, *_content_streams(writer, page), after])


def _content_streams(writer: PdfWriter, page: PageObject) -> list[IndirectObject]:
    """A page's content streams as references, the form an array of them needs."""
    contents = page["/Contents"]
    if isinstance(contents.get_object(), ArrayObject):
        return list(contents.get_object())
    if isinstance(contents, IndirectObject):
        return [contents]
    return [writer._add_object(contents)]  # a direct stream: arrays hold only references


def booklet_order(count: int) -> list[tuple[int, int]]:
    """The (left, right) 0-based page indexes on each side of each sheet of a saddle-stitched
    booklet of `count` pages (a multiple of four): front then back, outermost sheet first."""
    sides = []
    for sheet in range(count // 4):
        sides.append((count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, count - 2 - 2 * sheet))
    return sides


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


def booklet(pdf: bytes, sheet: str, thickness_mm: float = 0.0) -> tuple[bytes, int]:
    """`pdf`'s pages two-up on landscape `sheet`s in booklet order, padded with blank pages to
    a multiple of four: print on both sides (flip on the short edge), fold, staple. Each page is
    placed whole as a vector Form XObject, trimmed to its TrimBox, each half clipped at the fold;
    links and bookmarks have no place on paper. Creep is compensated for `thickness_mm` paper."""
    reader = PdfReader(io.BytesIO(pdf))
    height, width = paper.points(sheet)  # the sheet turned landscape: two pages side by side
    writer = PdfWriter()
    forms = [_form(writer, page) for page in reader.pages]
    forms += [None] * (-len(forms) % 4)  # blank pages at the back
    creep = creep_offsets(len(forms), thickness_mm)
    for side, (left, right) in enumerate(booklet_order(len(forms))):
        shift = creep[side // 2] * paper.POINTS_PER_MM
        _print_side(writer, [(forms[left], 0, shift), (forms[right], width / 2, -shift)],
                    width / 2, height)
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items()})
    if "/Lang" in reader.trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    return to_bytes(writer), len(writer.pages)


def _print_side(writer: PdfWriter, halves: list[tuple[IndirectObject | None, float, float]],
                half_width: float, height: float) -> None:
    """A new sheet side with each (page's Form XObject or None, left edge, shift towards the
    spine) half drawn on it."""
    side = writer.add_blank_page(half_width * 2, height)
    placed = [(f"/Page{n}", form, left, shift)
              for n, (form, left, shift) in enumerate(halves) if form]
    side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject(name): form for name, form, _, _ in placed})})
    drawing = "".join(_draw(name, form.get_object(), left, half_width, height, shift)
                      for name, form, left, shift in placed)
    side[NameObject("/Contents")] = writer._add_object(_stream(drawing.encode()))


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject | None:
    """`page` as a Form XObject in `writer`: its content stream copied as it is (never parsed),
    its resources cloned, clipped to its TrimBox. None for a blank page."""
    contents = page.get_contents()
    if contents is None:
        return None
    form = _stream(contents.get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): RectangleObject(page.trimbox),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return writer._add_object(form)  # pypdf's own way to add an object; it has no public one


def _draw(name: str, form: StreamObject, left: float, width: float, height: float,
          shift: float = 0.0) -> str:
    """PDF operators drawing Form XObject `name` in the middle of the `width` x `height` area at
    `left`, shrunk if it is larger, moved `shift` to the right, clipped to the area."""
    trim = RectangleObject(form["/BBox"])
    scale = min(1.0, width / float(trim.width), height / float(trim.height))
    x = left + shift + (width - float(trim.width) * scale) / 2 - float(trim.left) * scale
    y = (height - float(trim.height) * scale) / 2 - float(trim.bottom) * scale
    return (f"q {left:.4f} 0 {width:.4f} {height:.4f} re W n "
            f"{scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm {name} Do Q\n")


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def to_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
