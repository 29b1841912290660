"""Slides on paper: which pages each slide of a slides render takes, and slides placed into the
frames of handout and notes pages."""

from __future__ import annotations

import re

import pikepdf

from .files import read, to_bytes
from .fontshare import share_fonts
from .forms import draw_over, fit, page_form
from .placeholders import SLIDE_LINK, placeholders
from .tagging import tag_link

SLIDE_ANCHOR = re.compile(r"^slide-(\d+)$")
"""slides.html gives each slide's first page the anchor 'slide-N'."""


def slide_pages(slides: bytes) -> dict[int, range]:
    """The pages (0-based) each slide takes, from the 'slide-N' anchors of a slides render."""
    with read(slides) as pdf:
        return _slide_pages(pdf)


def _slide_pages(pdf: pikepdf.Pdf) -> dict[int, range]:
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    starts = sorted((index[dest[0].objgen], int(match[1]))
                    for name, dest in named_destinations(pdf).items()
                    if (match := SLIDE_ANCHOR.match(name)) and dest[0].objgen in index)
    ends = [page for page, _ in starts[1:]] + [len(pdf.pages)]
    return {number: range(page, end) for (page, number), end in zip(starts, ends)}


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Array]:
    """Every named destination of `pdf` as its explicit [page /XYZ left top zoom] array."""
    found = {}
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        found.update(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    if "/Dests" in pdf.Root:
        found.update(pdf.Root.Dests.items())
    return {str(name).lstrip("/"): (dest.D if isinstance(dest, pikepdf.Dictionary) else dest)
            for name, dest in found.items()}


def place_slides(sheets: bytes, slides: bytes) -> tuple[bytes, int]:
    """`sheets` (handout or notes pages) with slide N's first page drawn, as a vector Form
    XObject scaled to fit, into each frame the pages mark with a link to SLIDE_LINK + N."""
    with read(sheets) as target, read(slides) as source:
        first_pages = {number: source.pages[pages.start]
                       for number, pages in _slide_pages(source).items()}
        forms: dict[int, pikepdf.Object] = {}
        for page in target.pages:
            placed = []
            for annotation, value in list(placeholders(page, SLIDE_LINK)):
                _remove_annotation(page, annotation)
                number = int(value)
                if number not in first_pages:
                    continue
                if number not in forms:
                    forms[number] = page_form(target, first_pages[number])
                placed.append((number, fit(forms[number], *_area(annotation.Rect))))
            if placed:
                draw_over(page, [(f"/Slide{number}", forms[number], matrix)
                                 for number, matrix in placed])
                for number, matrix in placed:
                    _copy_links(target, page, first_pages[number], matrix)
        share_fonts(target)  # the slides' subsets and the page's own, of the same faces
        return to_bytes(target, target.pdf_version), len(target.pages)


def _area(rect) -> tuple[float, float, float, float]:
    """left, bottom, width, height of a rectangle given by any two corners."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    (left, right), (bottom, top) = sorted((x0, x1)), sorted((y0, y1))
    return left, bottom, right - left, top - bottom


def _remove_annotation(page: pikepdf.Page, annotation: pikepdf.Dictionary) -> None:
    annotations = page.obj.Annots
    for index in range(len(annotations)):
        if annotations[index].objgen == annotation.objgen:
            del annotations[index]
            return


def _copy_links(pdf: pikepdf.Pdf, page: pikepdf.Page, slide: pikepdf.Page,
                matrix: tuple[float, ...]) -> None:
    """Keep the slide's web links clickable where it is placed."""
    scale, _, _, _, x, y = matrix
    for annotation in slide.obj.get("/Annots", []):
        action = annotation.get("/A")
        if annotation.get("/Subtype") != pikepdf.Name.Link or action is None \
                or "/URI" not in action:
            continue
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
            Rect=[x + x0 * scale, y + y0 * scale, x + x1 * scale, y + y1 * scale],
            Border=[0, 0, 0],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=action.URI)))
        if "/Annots" not in page.obj:
            page.obj.Annots = pikepdf.Array()
        page.obj.Annots.append(link)
        tag_link(pdf, page, link, str(annotation.get("/Contents", action.URI)))
