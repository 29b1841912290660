"""Decks on paper: check that each slide fits its page, and place slides into handout and notes pages."""

from __future__ import annotations

import io
import re
from functools import lru_cache

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NumberObject)

from .pdf.placeholders import SLIDE_LINK, placeholders
from .render import Rendered

SLIDE_ANCHOR = re.compile(r"^slide-(\d+)$")
"""slides.html gives each slide's first page the anchor 'slide-N'."""


def slide_pages(pdf: PdfReader) -> dict[int, range]:
    """The pages (0-based) each slide takes, from the 'slide-N' anchors of a slides render."""
    starts = sorted((pdf.get_destination_page_number(dest), int(match[1]))
                    for name, dest in pdf.named_destinations.items()
                    if (match := SLIDE_ANCHOR.match(str(name))))
    ends = [page for page, _ in starts[1:]] + [len(pdf.pages)]
    return {number: range(page, end) for (page, number), end in zip(starts, ends)}


@lru_cache(maxsize=8)
def _read_slides(pdf: bytes) -> tuple[PdfReader, dict[int, range]]:
    """A slides render read once, however many handouts and notes it is placed into."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader, slide_pages(reader)


def overflow_warnings(slides: Rendered) -> list[str]:
    """One warning for each slide whose content runs past the foot of its page."""
    return [f"slide {number} overflows: its content needs {len(pages)} slide pages. The slides "
            "PDF shows it all, over several pages; handouts and notes show its first page. "
            "Shorten the slide, or split it in two with a '---' line."
            for number, pages in _read_slides(slides.pdf)[1].items() if len(pages) > 1]


def place_slides(sheets: Rendered, slides: Rendered) -> Rendered:
    """`sheets` (handout or notes pages) with slide N's first page drawn, as a vector form
    XObject scaled to fit, into each frame the pages mark with a link to SLIDE_LINK + N."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sheets.pdf)))
    source, pages_of = _read_slides(slides.pdf)
    first_pages = {number: source.pages[pages.start] for number, pages in pages_of.items()}
    forms: dict[int, IndirectObject] = {}
    for page in writer.pages:
        drawing = []
        for annotation, value in list(placeholders(page, SLIDE_LINK)):
            page["/Annots"].get_object().remove(annotation.indirect_reference)
            number = int(value)
            if number not in first_pages:
                continue
            if number not in forms:
                forms[number] = _form(writer, first_pages[number])
            name = f"/Slide{number}"
            _resources(page, "/XObject")[NameObject(name)] = forms[number]
            matrix = _fit(first_pages[number], annotation["/Rect"])
            drawing.append(f"q {' '.join(f'{v:.4f}' for v in matrix)} cm {name} Do Q")
            _copy_links(writer, page, first_pages[number], matrix)
        if drawing:
            _draw_over(writer, page, "\n".join(["/Artifact BMC", *drawing, "EMC"]))
    out = io.BytesIO()
    writer.write(out)
    return Rendered(out.getvalue(), len(writer.pages), sheets.warnings)


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A page as a form XObject: its drawing and resources, reusable anywhere."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return writer._add_object(form.flate_encode())


def _fit(page: PageObject, rect) -> tuple[float, ...]:
    """The matrix that scales `page` to fit `rect`, centred in it."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    (left, right), (bottom, top) = sorted((x0, x1)), sorted((y0, y1))
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    scale = min((right - left) / width, (top - bottom) / height)
    x = left + ((right - left) - width * scale) / 2 - float(page.mediabox.left) * scale
    y = bottom + ((top - bottom) - height * scale) / 2 - float(page.mediabox.bottom) * scale
    return (scale, 0.0, 0.0, scale, x, y)


def _resources(page: PageObject, kind: str) -> DictionaryObject:
    resources = page[NameObject("/Resources")].get_object()
    if kind not in resources:
        resources[NameObject(kind)] = DictionaryObject()
    return resources[kind].get_object()


def _draw_over(writer: PdfWriter, page: PageObject, operators: str) -> None:
    """Draw after the page's own content, in the untransformed page space."""
    streams = []
    for data in (b"q\n", b"\nQ\n" + operators.encode("ascii") + b"\n"):
        stream = DecodedStreamObject()
        stream.set_data(data)
        streams.append(writer._add_object(stream))
    contents = page.raw_get("/Contents")  # the reference: a stream must stay indirect
    existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) \
        else [contents]
    page[NameObject("/Contents")] = ArrayObject([streams[0], *existing, streams[1]])


def _copy_links(writer: PdfWriter, page: PageObject, slide: PageObject,
                matrix: tuple[float, ...]) -> None:
    """Keep the slide's web links clickable where it is placed."""
    scale, _, _, _, x, y = matrix
    for annotation in slide.get("/Annots", []):
        annotation = annotation.get_object()
        action = annotation.get("/A")
        if annotation.get("/Subtype") != "/Link" or not action or "/URI" not in action:
            continue
        x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
        link = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in (
                x + x0 * scale, y + y0 * scale, x + x1 * scale, y + y1 * scale)),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/A"): action.get_object().clone(writer),
        })
        page[NameObject("/Annots")].get_object().append(writer._add_object(link))
