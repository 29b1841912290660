"""Boxes over boxes: text over text, or a drawing (a logo, a QR code) over text; a panel or a
background holding the text whole is no overlap."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding, short
from .layout import Box, Page
from .shapes import area, drawings, holds


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        yield from _text_over_text(page)
        yield from _drawing_over_text(page)


def _text_over_text(page: Page) -> Iterator[Finding]:
    lines = page.lines
    for i, line in enumerate(lines):
        for word, after in zip(line.words, line.words[1:]):  # one baseline, one over the other
            if after.box.overlap(word.box) > 0.3 * min(area(after.box), area(word.box)):
                yield Finding("overlap", page.file, page.number,
                              f'"{word.text}" is printed over "{after.text}"',
                              "give each its own room (a wider box, or a smaller text)",
                              word.box)
                break
        for other in lines[i + 1:]:
            if other.box.top > line.box.bottom:
                break
            for word in line.words:
                hit = next((w for w in other.words if _ink(w).overlap(_ink(word)) > 0), None)
                if hit:
                    yield Finding("overlap", page.file, page.number,
                                  f'"{word.text}" is printed over "{hit.text}"',
                                  "give each its own room (a wider box, or a smaller text)",
                                  word.box)
                    break


def _ink(word) -> Box:
    """Where a word's letters are: from its x-height above the baseline to just below it (the
    font's box, with room for accents and descenders, may reach into the next line)."""
    return Box(word.box.x0 + 0.5, word.baseline - 0.45 * word.size, word.box.x1 - 0.5,
               word.baseline)


def _drawing_over_text(page: Page) -> Iterator[Finding]:
    for drawing in drawings(page):
        for line in page.lines:
            for word in line.words:
                shared = drawing.overlap(word.box)
                if shared > 0.15 * area(word.box) and not holds(drawing, word.box):
                    yield Finding("overlap", page.file, page.number,
                                  f'an image or drawing covers "{short(line.text)}"',
                                  "move the image (a logo, a QR code) off the text, or give "
                                  "it its own row", drawing)
                    break
            else:
                continue
            break
