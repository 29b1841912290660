"""A print shop's preflight, read from the PDF itself: images too coarse at the size they are
printed, RGB left in a print file, fonts not embedded, text too close to the trim."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
from pikepdf import Name

PRINT_PPI = 300
"""What offset printing needs at the printed size."""
SCREEN_PPI = 150
"""Enough for screens and office printers."""
SAFE_MM = 5.0
"""Text closer to the trim than this risks being cut off."""
POINTS_PER_MM = 72 / 25.4
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp")


@dataclass(frozen=True)
class Placed:
    """An image as drawn on a page: its pixels and its printed size."""

    page: int
    """1-based."""
    pixels: tuple[int, int]
    points: tuple[float, float]

    @property
    def ppi(self) -> float:
        return min(self.pixels[0] / (self.points[0] / 72), self.pixels[1] / (self.points[1] / 72))

    @property
    def printed_mm(self) -> str:
        return f"{self.points[0] / POINTS_PER_MM:.0f} × {self.points[1] / POINTS_PER_MM:.0f} mm"


def placed_images(pdf: bytes) -> list[Placed]:
    """Every image drawn on every page, with the size the page draws it at."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            _walk(page.obj, page.obj.get(Name.Resources), [1, 0, 0, 1, 0, 0], number, found, 0)
    return found


def _walk(stream, resources, matrix, page: int, found: list, depth: int) -> None:
    if depth > 8 or resources is None:
        return
    stack = []
    for instruction in pikepdf.parse_content_stream(stream):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        if operator == "q":
            stack.append(matrix)
        elif operator == "Q" and stack:
            matrix = stack.pop()
        elif operator == "cm":
            matrix = _multiply([float(v) for v in instruction.operands], matrix)
        elif operator == "Do":
            xobjects = resources.get(Name.XObject)
            xobject = xobjects.get(instruction.operands[0]) if xobjects is not None else None
            if xobject is None:
                continue
            if xobject.get(Name.Subtype) == Name.Image and not xobject.get(Name.ImageMask):
                width = math.hypot(matrix[0], matrix[1])
                height = math.hypot(matrix[2], matrix[3])
                if width > 1 and height > 1:
                    found.append(Placed(page, (int(xobject.Width), int(xobject.Height)),
                                        (width, height)))
            elif xobject.get(Name.Subtype) == Name.Form:
                inner = [float(v) for v in xobject.get(Name.Matrix, [1, 0, 0, 1, 0, 0])]
                _walk(xobject, xobject.get(Name.Resources, resources),
                      _multiply(inner, matrix), page, found, depth + 1)


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The PDF matrix a × b (a applied first)."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def image_sizes(dependencies, roots: list[Path]) -> dict[tuple[int, int], str]:
    """The pixel size of each image file a render read → its path as a user names it."""
    from PIL import Image

    sizes = {}
    for url, _ in dependencies:
        path = Path(unquote(urlsplit(url).path))
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            continue
        try:
            with Image.open(path) as image:
                size = image.size
        except OSError:
            continue
        shown = next((str(path.relative_to(r)) for r in roots if path.is_relative_to(r)), path.name)
        sizes.setdefault(size, shown)
    return sizes


def rgb_left(pdf: bytes) -> list[str]:
    """Where RGB is still used: a page's colour operators, images, shadings, groups."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            for what in _rgb_on(page.obj, page.obj.get(Name.Resources), set()):
                found.append(f"page {number}: {what}")
    return list(dict.fromkeys(found))


RGB_OPERATORS = "rg RG cs CS sh Do"
"""The operators that can bring RGB onto a page: only these are parsed (pikepdf leaves the
rest, most of a page, in C++)."""


def _rgb_on(stream, resources, seen: set) -> list[str]:
    if stream.objgen != (0, 0) and stream.objgen in seen:
        return []
    seen.add(stream.objgen)
    found = []
    group = stream.get(Name.Group)
    if group is not None and _is_rgb(group.get(Name.CS)):
        found.append("a transparency group in RGB")
    for instruction in pikepdf.parse_content_stream(stream, RGB_OPERATORS):
        operator = str(instruction.operator)
        if operator in ("rg", "RG"):
            found.append("text or shapes in RGB")
        elif operator in ("cs", "CS") and _is_rgb(_named(resources, Name.ColorSpace,
                                                          instruction.operands[0])):
            found.append("text or shapes in an RGB colour space")
        elif operator == "sh":
            shading = _named(resources, Name.Shading, instruction.operands[0])
            if shading is not None and _is_rgb(shading.get(Name.ColorSpace)):
                found.append("a gradient in RGB")
        elif operator == "Do":
            xobject = _named(resources, Name.XObject, instruction.operands[0])
            if xobject is None:
                continue
            if xobject.get(Name.Subtype) == Name.Image and _is_rgb(xobject.get(Name.ColorSpace)):
                found.append(f"an RGB image ({xobject.Width} × {xobject.Height} px)")
            elif xobject.get(Name.Subtype) == Name.Form:
                found += _rgb_on(xobject, xobject.get(Name.Resources, resources), seen)
    return found


def _named(resources, kind, name):
    if resources is None:
        return None
    table = resources.get(kind)
    if table is None:
        return name if kind == Name.ColorSpace else None
    return table.get(name, name if kind == Name.ColorSpace else None)


def _is_rgb(space) -> bool:
    if isinstance(space, pikepdf.Name):
        return str(space) in ("/DeviceRGB", "/CalRGB")
    if isinstance(space, pikepdf.Array) and len(space):
        if space[0] == Name.ICCBased:
            return int(space[1].get(Name.N, 0)) == 3
        return str(space[0]) == "/CalRGB"
    return False


def fonts_not_embedded(pdf: bytes) -> list[str]:
    """The names of fonts a PDF uses without embedding them (Type 3 fonts are drawings)."""
    missing: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            _fonts_in(page.obj.get(Name.Resources), missing, set())
    return sorted(missing)


def _fonts_in(resources, missing: set[str], seen: set) -> None:
    """Add to `missing` the fonts of `resources` (and of the forms it holds) not embedded."""
    if resources is None:
        return
    for font in (resources.get(Name.Font) or {}).values():
        if font.get(Name.Subtype) == Name.Type3:
            continue
        described = font.DescendantFonts[0] if Name.DescendantFonts in font else font
        descriptor = described.get(Name.FontDescriptor)
        if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(
                descriptor.keys()):
            missing.add(str(font.get(Name.BaseFont, "a font")).lstrip("/"))
    for xobject in (resources.get(Name.XObject) or {}).values():
        if xobject.get(Name.Subtype) == Name.Form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            _fonts_in(xobject.get(Name.Resources), missing, seen)


def text_near_trim(pdf: bytes, safe_mm: float = SAFE_MM) -> list[tuple[int, str]]:
    """(page, the text) for each page with characters closer than `safe_mm` to its TrimBox's
    edge (the page number a print shop may cut through, a heading run into the margin)."""
    import pypdfium2 as pdfium

    safe = safe_mm * POINTS_PER_MM
    found = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            left, bottom, right, top = page.get_trimbox()
            text = page.get_textpage()
            inner = (left + safe, bottom + safe, right - safe, top - safe)
            if all(_within(text.get_rect(line), inner) for line in range(text.count_rects())):
                continue  # every run of text is clear: no need to look at each character
            near = []
            for char in range(text.count_chars()):
                x0, y0, x1, y1 = text.get_charbox(char)
                if x1 - x0 <= 0 or not text.get_text_range(char, 1).strip():
                    continue
                if (x0 < left + safe or x1 > right - safe or y0 < bottom + safe
                        or y1 > top - safe):
                    near.append(text.get_text_range(char, 1))
            if near:
                found.append((index + 1, "".join(near).strip()[:40]))
    finally:
        document.close()
    return found


def _within(box: tuple[float, float, float, float],
            area: tuple[float, float, float, float]) -> bool:
    """Whether `box` (left, bottom, right, top) lies inside `area`. pdfium's text rectangles
    are its characters' boxes run together, so characters inside one are inside too."""
    return (box[0] >= area[0] and box[1] >= area[1] and box[2] <= area[2]
            and box[3] <= area[3])


RICH_BLACK_K = 0.5
"""Text with at least this much black, and other inks besides, is rich black."""
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
INK_OPERATORS = "q Q k g rg cs sc scn Do " + " ".join(TEXT_SHOWING)
"""The operators that set the fill colour, save or restore it, or show text."""


def rich_black_text(pdf: bytes) -> list[tuple[int, str]]:
    """(page, the inks as 'C79 M67 Y59 K64') for each page with text set in a dark CMYK colour
    made of several inks: it blurs when the plates are not in register, and the theme promises
    black ink alone for text."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            for inks in dict.fromkeys(_rich_text(page.obj, page.obj.get(Name.Resources), set())):
                found.append((number, inks))
    return found


def _rich_text(stream, resources, seen: set) -> list[str]:
    if stream.objgen != (0, 0) and stream.objgen in seen:
        return []
    seen.add(stream.objgen)
    found, fill, saved, space = [], None, [], None
    for instruction in pikepdf.parse_content_stream(stream, INK_OPERATORS):
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "q":
            saved.append((fill, space))
        elif operator == "Q" and saved:
            fill, space = saved.pop()
        elif operator == "k":
            fill = [float(v) for v in operands]
        elif operator in ("g", "rg"):
            fill = None
        elif operator == "cs":
            space, fill = operands[0], None
        elif operator in ("sc", "scn") and space == Name.DeviceCMYK and len(operands) == 4:
            fill = [float(v) for v in operands]
        elif operator in TEXT_SHOWING and fill and fill[3] >= RICH_BLACK_K \
                and sum(fill[:3]) > 0.15:
            found.append(" ".join(f"{ink}{round(value * 100)}"
                                  for ink, value in zip("CMYK", fill)))
        elif operator == "Do" and resources is not None:
            xobject = (resources.get(Name.XObject) or {}).get(operands[0])
            if xobject is not None and xobject.get(Name.Subtype) == Name.Form:
                found += _rich_text(xobject, xobject.get(Name.Resources, resources), seen)
    return found


BOXES = ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")


def boxes_outside_media(pdf: bytes) -> list[tuple[int, str]]:
    """(page, which box) for each box that reaches outside its page's MediaBox, which PDF/X
    forbids (a print shop's software would cut or refuse the page)."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            media = [float(v) for v in page.mediabox]
            for key in BOXES:
                if key not in page.obj:
                    continue
                box = [float(v) for v in page.obj[key]]
                if (min(box[0], box[2]) < media[0] - 0.01 or min(box[1], box[3]) < media[1] - 0.01
                        or max(box[0], box[2]) > media[2] + 0.01
                        or max(box[1], box[3]) > media[3] + 0.01):
                    found.append((number, key.lstrip("/")))
    return found
