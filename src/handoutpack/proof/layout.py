"""A PDF's pages as the proof reads them: lines of words with their boxes, graphics, fonts, and
the page's trim; read back with pdfplumber (positions in points, from the top left)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .cells import cells
from .objects import page_objects
from .read_before import PageStore, page_digests

MM = 72 / 25.4
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def overlap(self, other: Box) -> float:
        """The area both boxes cover (0 when they only touch)."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return width * height if width > 0 and height > 0 else 0.0

    def inset(self, by: float) -> Box:
        return Box(self.x0 + by, self.top + by, self.x1 - by, self.bottom - by)

    def rounded(self) -> list[float]:
        return [round(v, 1) for v in (self.x0, self.top, self.x1, self.bottom)]


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    size: float
    font: str
    baseline: float
    """Where the letters stand (a box's height depends on its font: Arabic fonts' are taller)."""


@dataclass
class Line:
    """Words on one baseline with no wide gap between them (a column's line, a label...)."""

    words: list[Word]

    @cached_property
    def box(self) -> Box:
        return Box(min(w.box.x0 for w in self.words), min(w.box.top for w in self.words),
                   max(w.box.x1 for w in self.words), max(w.box.bottom for w in self.words))

    @cached_property
    def text(self) -> str:
        """The words as they stand on paper, left to right (visual order)."""
        return " ".join(w.text for w in self.words)

    @cached_property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @cached_property
    def baseline(self) -> float:
        """Where its text stands: its largest word's baseline (a link's number is raised)."""
        return max(self.words, key=lambda w: w.size).baseline

    @cached_property
    def rtl(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return sum(unicodedata.bidirectional(c) in ("R", "AL") for c in letters) > len(letters) / 2

    @property
    def characters(self) -> int:
        return len(self.text)


@dataclass
class Page:
    file: str
    number: int
    """1-based, as a PDF reader shows it."""
    trim: Box
    media: Box
    lines: list[Line] = field(default_factory=list)
    graphics: list[Box] = field(default_factory=list)
    """Images and drawn shapes (a logo, a QR code); rules and background rectangles apart."""
    fonts: set[str] = field(default_factory=set)
    booklet: bool = False
    """A booklet's sheet: two pages side by side, folded down the middle."""
    strokes: list[Box] = field(default_factory=list)
    """Rectangles and strokes (a QR code's modules, a badge, a panel)."""
    frames: list[Box] = field(default_factory=list)
    """The 16:9 frames a handout's or notes' page places its slides in."""
    cells: list[Box] = field(default_factory=list)
    """The boxes of its tables' cells (see cells.py)."""

    @cached_property
    def in_cells(self) -> list[Line]:
        """The lines that stand in a table's cells."""
        return [line for line in self.lines if any(_holds(cell, line.box) for cell in self.cells)]

    @property
    def running(self) -> list[Line]:
        """Its lines but those in tables' cells: the running text, headings, captions..."""
        inside = {id(line) for line in self.in_cells}
        return [line for line in self.lines if id(line) not in inside]

    @property
    def sheet(self) -> bool:
        """A handout's or notes' page: slides placed in 16:9 frames, not flowing text."""
        return bool(self.frames)

    @property
    def slide(self) -> bool:
        return self.trim.width > self.trim.height * 1.2 and not self.booklet

    @cached_property
    def body_size(self) -> float:
        """The size most of the page's words outside tables are set in (on a page of tables,
        with a heading or two and its running head and foot, the tables' size)."""
        running = self.running
        if 3 * sum(len(line.text) for line in running) < sum(len(l.text) for l in self.lines):
            running = self.lines
        sizes: dict[float, int] = {}
        for line in running:
            for word in line.words:
                sizes[round(word.size, 1)] = sizes.get(round(word.size, 1), 0) + len(word.text)
        return max(sizes, key=sizes.get) if sizes else 0.0


def read(path: Path, name: str | None = None, first: int | None = None,
         store: PageStore | None = None) -> Iterator[Page]:
    """Every page of the PDF at `path` (or its `first` pages), as lines and graphics; a page
    `store` holds already (read_before) is taken from it, and the others are put there."""
    import pdfplumber

    from pdfplumber.utils.exceptions import PdfminerException

    from ..errors import HandoutpackError

    booklet = path.name.endswith("-booklet.pdf")
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, OSError) as error:
        raise HandoutpackError(f"not a PDF that can be read ({error}); proof reads the PDFs "
                               "handoutpack makes: give those, or a folder of them",
                               file=str(name or path)) from None
    shown = name or path.name
    with pdf:
        digests = page_digests(path, first) if store else []
        for index, page in enumerate(pdf.pages[:first]):
            known = store.get(digests[index], booklet, shown, index + 1) if store else None
            if known is None:
                known = _page(page, shown, booklet)
                if store:
                    store.put(digests[index], known)
            yield known
            page.close()  # pdfplumber keeps each page's objects otherwise


def _page(page, name: str, booklet: bool) -> Page:
    from pdfplumber.utils import extract_words

    media = Box(*page.bbox)  # pdfplumber's boxes and objects share one space, from the top
    trim = Box(*(getattr(page, "trimbox", None) or page.bbox))
    found = page_objects(page)
    chars, rects, lines = found["char"], found["rect"], found["line"]
    words = [Word(w["text"], Box(w["x0"], w["top"], w["x1"], w["bottom"]), w["size"],
                  SUBSET_TAG.sub("", w["fontname"]), page.height - w["chars"][0]["matrix"][5])
             for w in extract_words(chars, x_tolerance=1.5, extra_attrs=["size", "fontname"],
                                    return_chars=True)
             if w["text"].strip()]
    graphics = [Box(i["x0"], i["top"], i["x1"], i["bottom"])
                for i in found["image"] + found["curve"]]
    # QR codes are drawn as strokes, badges and panels as rectangles: the safe area counts them
    # (hairline rules apart); they sit on text on purpose, so the overlaps do not
    shapes = [r for r in rects if min(r["width"], r["height"]) > 0.2] + lines
    strokes = [Box(r["x0"], r["top"], r["x1"], r["bottom"]) for r in shapes
               if max(r["width"], r["height"]) < 200]
    fonts = {SUBSET_TAG.sub("", c["fontname"]) for c in chars if c["text"].strip()}
    return Page(name, page.page_number, trim, media, lines_of(words), graphics, fonts, booklet,
                strokes, _slide_frames(page, rects), [Box(*c) for c in cells(rects, lines)])


def _holds(cell: Box, line: Box) -> bool:
    """Whether a line stands in a cell: across, wholly; down, by its middle (an Arabic font's
    box stands taller than its letters)."""
    return (cell.x0 - 1 <= line.x0 and line.x1 <= cell.x1 + 1
            and cell.top <= (line.top + line.bottom) / 2 <= cell.bottom)


def _slide_frames(page, rects: list[dict]) -> list[Box]:
    """The frames a portrait page shows slides in: 16:9 rectangles over a third as wide as the
    page, drawn with a border (a second 16:9 rectangle just inside: a box of text in a flyer's
    column may happen to be 16:9 too)."""
    if page.width >= page.height:
        return []
    wide = [Box(r["x0"], r["top"], r["x1"], r["bottom"]) for r in rects
            if r["width"] > page.width / 3 and 1.7 < r["width"] / max(r["height"], 1) < 1.85]
    return [box for box in wide if any(_ring(box, other) for other in wide)]


def _ring(outer: Box, inner: Box) -> bool:
    """Whether `inner` stands just inside `outer` on all four sides: a border's width apart."""
    gaps = (inner.x0 - outer.x0, inner.top - outer.top, outer.x1 - inner.x1,
            outer.bottom - inner.bottom)
    return all(0.1 < gap < 3 for gap in gaps)


def lines_of(words: list[Word]) -> list[Line]:
    """Words grouped into lines: the same baseline (a raised link number too: 6.5 pt beside
    Arabic text's 12 pt), and no gap wider than the text is tall (a wider one parts two
    columns, or a label and its value)."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.baseline):
        if rows:
            last = rows[-1][0]
            if (abs(word.baseline - last.baseline) < 0.35 * max(last.size, word.size)
                    and 0.5 < word.size / last.size < 2):
                rows[-1].append(word)
                continue
        rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.box.x0)
        current = [row[0]]
        for word in row[1:]:
            if word.box.x0 - current[-1].box.x1 > 1.2 * max(word.size, current[-1].size):
                lines.append(Line(current))
                current = []
            current.append(word)
        lines.append(Line(current))
    lines.sort(key=lambda line: (line.box.top, line.box.x0))
    return lines
