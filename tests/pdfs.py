"""Reading built PDFs back, as a reader's PDF viewer would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader


def _words(text: str) -> list[str]:
    """A line's words in any order: a right-to-left line comes out of a PDF reordered."""
    return sorted(re.findall(r"\w+", text))


@dataclass
class Bookmark:
    title: str
    page: int  # 1-based
    children: list["Bookmark"] = field(default_factory=list)
    top: float | None = None  # where on the page it points, in points from the foot

    def walk(self):
        """This bookmark and every one beneath it."""
        yield self
        for child in self.children:
            yield from child.walk()


def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


def page_text(path: Path, page: int) -> str:
    """The text of a 1-based page, with whitespace folded."""
    return " ".join(reader(path).pages[page - 1].extract_text().split())


HYPHENATED = re.compile("\u2010[ \t]*\n[ \t]*")
"""A word hyphenated at a line's end (WeasyPrint's hyphenate-character is U+2010): one word."""


def all_text(path: Path) -> str:
    return " ".join(" ".join(HYPHENATED.sub("", p.extract_text()).split())
                    for p in reader(path).pages)


def bookmarks(path: Path) -> list[Bookmark]:
    pdf = reader(path)

    def walk(items) -> list[Bookmark]:
        result: list[Bookmark] = []
        for item in items:
            if isinstance(item, list):
                result[-1].children = walk(item)
            else:
                top = item.get("/Top")
                result.append(Bookmark(item.title, pdf.get_destination_page_number(item) + 1,
                                       top=float(top) if top is not None else None))
        return result

    return walk(pdf.outline)


def text_lines(path: Path, page: int) -> list[tuple[float, str]]:
    """A 1-based page's lines of text, top to bottom, each with its baseline's height above the
    page's foot (points)."""
    found: dict[int, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(round(y), []).append(text)

    reader(path).pages[page - 1].extract_text(visitor_text=visit)
    return [(y, "".join(parts)) for y, parts in sorted(found.items(), reverse=True)]


def link_targets(path: Path, page: int) -> list[int]:
    """1-based target pages of the internal links on a page, top to bottom."""
    pdf = reader(path)
    numbers = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(pdf.pages)}
    named = pdf.named_destinations  # a document's own links name their anchors
    targets = []
    for annotation in pdf.pages[page - 1].get("/Annots", []):
        annotation = annotation.get_object()
        dest = annotation.get("/Dest")
        if isinstance(dest, str):
            targets.append((float(annotation["/Rect"][3]), pdf.get_page_number(
                named[dest].page) + 1))
        elif dest is not None:
            targets.append((float(annotation["/Rect"][3]), numbers[dest[0].idnum]))
    return [page for _, page in sorted(targets, reverse=True)]


def fonts(path: Path) -> dict[str, bool]:
    """Every font used, and whether its file is embedded."""
    found = {}
    for page in reader(path).pages:
        resources = page.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found[str(font.get("/BaseFont"))] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def language(path: Path) -> str | None:
    value = reader(path).trailer["/Root"].get("/Lang")
    return str(value) if value is not None else None


@dataclass
class Placed:
    """A form XObject drawn on a page, and the rectangle it covers (points, from bottom left)."""

    name: str
    left: float
    bottom: float
    right: float
    top: float


def placed_forms(path: Path, page: int) -> list[Placed]:
    """The form XObjects (such as placed slides) drawn on a 1-based page, in drawing order."""
    from pypdf.generic import ContentStream

    pdf = reader(path)
    pdf_page = pdf.pages[page - 1]
    xobjects = pdf_page["/Resources"].get("/XObject", {})
    placed, matrix = [], None
    for operands, operator in ContentStream(pdf_page.get_contents(), pdf).operations:
        if operator == b"cm":
            matrix = [float(v) for v in operands]
        elif operator == b"Do" and xobjects[operands[0]].get("/Subtype") == "/Form":
            a, _, _, d, e, f = matrix
            x0, y0, x1, y1 = (float(v) for v in xobjects[operands[0]]["/BBox"])
            placed.append(Placed(str(operands[0]), e + a * x0, f + d * y0, e + a * x1, f + d * y1))
    return placed


def gray_pixels(path: Path, page: int, dpi: int = 72) -> tuple[int, int, bytes]:
    """A 1-based page as poppler draws it: width, height and one grey byte a pixel."""
    import subprocess

    pgm = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                          str(path)], check=True, capture_output=True).stdout
    fields = pgm.split(maxsplit=4)  # P5, width, height, maximum, pixels
    return int(fields[1]), int(fields[2]), fields[4]


def dark_runs(pixels: tuple[int, int, bytes], x: int, y0: int, y1: int, below: int = 240) -> int:
    """How many separate strokes (pixels darker than `below`, white being 255) cross the column x
    between rows y0 and y1."""
    width, _, data = pixels
    runs, dark = 0, False
    for y in range(y0, y1):
        now = data[y * width + x] < below
        runs += now and not dark
        dark = now
    return runs
