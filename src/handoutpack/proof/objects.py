"""A page's characters, rectangles, lines, curves and images as the proof reads them: taken
straight from pdfminer's layout of the page, with pdfplumber's coordinates (points from the
page's top left, moved by the MediaBox's origin as pdfplumber moves them).

pdfplumber's own objects hold every attribute of every object, each resolved recursively (the
colours, the dash pattern, an image's stream, a curve's path point by point): a quarter of the
time the proof spent reading pages, for values it never reads. Words are still grouped by
pdfplumber (utils.extract_words), from these characters; tests/test_proof_objects.py holds
them equal to pdfplumber's own on the keys kept here."""

from __future__ import annotations

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

KINDS = {LTChar: "char", LTRect: "rect", LTLine: "line", LTCurve: "curve", LTImage: "image"}
"""pdfplumber's names for pdfminer's objects (by exact class, as pdfplumber names them)."""

Objects = dict[str, list[dict]]


def page_objects(page) -> Objects:
    """The objects of a pdfplumber page by kind ('char', 'rect', 'line', 'curve', 'image'),
    each a dict of its box (x0, x1, top, bottom, doctop, width, height); a character also has
    its text, size, fontname, upright and matrix, a shape whether it is filled."""
    found: Objects = {kind: [] for kind in KINDS.values()}
    origin_x, origin_top = page.mediabox[0], page.mediabox[1]
    height, doctop = page.height, page.initial_doctop

    def visit(items) -> None:
        for item in items:
            kind = KINDS.get(type(item))
            if kind is None:
                if isinstance(item, LTContainer):  # a form XObject's figure: what it draws
                    visit(item)
                continue
            top = height - item.y1 + origin_top
            found[kind].append(_attributes(item, kind, {
                "x0": item.x0 + origin_x, "x1": item.x1 + origin_x, "top": top,
                "bottom": height - item.y0 + origin_top, "doctop": doctop + top,
                "width": item.width, "height": item.height}))

    visit(_layout(page))
    return found


def _layout(page):
    """pdfplumber's page.layout, read by the FastInterpreter (proof/interpreter.py)."""
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    from .interpreter import FastInterpreter

    device = PDFPageAggregatorWithMarkedContent(page.pdf.rsrcmgr, pageno=page.page_number,
                                                laparams=page.pdf.laparams)
    try:
        FastInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as error:  # as pdfplumber's own page.layout reports any failure
        raise PdfminerException(error) from error
    return device.get_result()


def _attributes(item, kind: str, box: dict) -> dict:
    if kind == "char":
        box.update(text=item.get_text(), size=item.size, fontname=_name(item.fontname),
                   upright=item.upright, matrix=item.matrix)
    elif kind != "image":
        box["fill"] = item.fill
    return box


def _name(fontname: str | bytes) -> str:
    """A font's name (pdfminer gives a few fonts' as bytes)."""
    if isinstance(fontname, bytes):
        from pdfplumber.page import fix_fontname_bytes

        return fix_fontname_bytes(fontname)
    return fontname
