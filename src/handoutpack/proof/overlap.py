"""Boxes over boxes: text over text, or a drawing (a logo, a QR code) over text; a panel or a
background holding the text whole is no overlap."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .layout import Box, Page
from .safe_area import _short


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        yield from _text_over_text(page)
        yield from _drawing_over_text(page)


def _text_over_text(page: Page) -> Iterator[Finding]:
    lines = page.lines
    for i, line in enumerate(lines):
        for word, after in zip(line.words, line.words[1:]):  # set on one baseline, one over the other
            if after.box.overlap(word.box) > 0.3 * min(_area(after.box), _area(word.box)):
                yield Finding("overlap", page.file, page.number,
                              f'"{word.text}" is printed over "{after.text}"',
                              "give each its own room (a wider box, or a smaller text)",
                              word.box)
                break
        for other in lines[i + 1:]:
            if other.box.top > line.box.bottom:
                break
            for word in line.words:
                hit = next((w for w in other.words
                            if w.box.overlap(word.box) > 0.3 * min(_area(w.box), _area(word.box))), None)
                if hit:
                    yield Finding("overlap", page.file, page.number,
                                  f'"{word.text}" is printed over "{hit.text}"',
                                  "give each its own room (a wider box, or a smaller text)",
                                  word.box)
                    break


def _drawing_over_text(page: Page) -> Iterator[Finding]:
    for drawing in drawings(page):
        for line in page.lines:
            for word in line.words:
                shared = drawing.overlap(word.box)
                if shared > 0.15 * _area(word.box) and not _holds(drawing, word.box):
                    yield Finding("overlap", page.file, page.number,
                                  f'an image or drawing covers "{_short(line.text)}"',
                                  "move the image (a logo, a QR code) off the text, or give "
                                  "it its own row", drawing)
                    break
            else:
                continue
            break


def drawings(page: Page, boxes: list[Box] | None = None) -> list[Box]:
    """The page's drawings merged into the objects they make (a logo of several shapes that
    touch is one box)."""
    merged: list[Box] = []
    for box in sorted(page.graphics if boxes is None else boxes, key=lambda b: b.x0):
        for i, other in enumerate(merged):
            if _near(other, box):
                merged[i] = Box(min(other.x0, box.x0), min(other.top, box.top),
                                max(other.x1, box.x1), max(other.bottom, box.bottom))
                break
        else:
            merged.append(box)
    return merged


def _near(a: Box, b: Box, gap: float = 2.0) -> bool:
    return (a.x0 - gap <= b.x1 and b.x0 <= a.x1 + gap
            and a.top - gap <= b.bottom and b.top <= a.bottom + gap)


def _holds(outer: Box, inner: Box, slack: float = 0.5) -> bool:
    return (outer.x0 - slack <= inner.x0 and inner.x1 <= outer.x1 + slack
            and outer.top - slack <= inner.top and inner.bottom <= outer.bottom + slack)


def _area(box: Box) -> float:
    return max(box.width, 0.1) * max(box.height, 0.1)
