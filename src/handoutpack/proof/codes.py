"""A QR code beside the paragraph whose link it serves: the code (found by the number printed
with it in the margin) shares some of its height with the paragraph holding the same number's
badge in the text."""

from __future__ import annotations

from collections.abc import Iterator

from .area import page_area, text_area
from .context import Context
from .findings import Finding
from .flow import next_line, previous_line
from .layout import MM, Box, Line, Page, Word
from .shapes import drawings

SHARED = 1 * MM
"""How much of its height a code shares with its paragraph at least."""


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    file_area = text_area(pages)
    for page in pages:
        area = page_area(page, file_area)
        if page.slide or page.booklet or page.sheet or area is None:
            continue
        badges = _numbers(page)
        for label, line in badges:
            if area.x0 - 1 <= label.box.x0 and label.box.x1 <= area.x1 + 1:
                continue  # in the text: a link's badge, not a code's number
            served = [(w, l) for w, l in badges if w.text == label.text and w is not label
                      and area.x0 - 1 <= w.box.x0 and w.box.x1 <= area.x1 + 1]
            if not served:
                continue
            near = min(served, key=lambda pair: abs(pair[0].box.top - label.box.top))
            paragraph = _paragraph(page, near[1])
            code = _code(page, label)
            if code.bottom < paragraph.top + SHARED or code.top > paragraph.bottom - SHARED:
                yield Finding("qr-place", page.file, page.number,
                              f"the QR code of link {label.text} stands "
                              f"{abs(label.box.top - near[0].box.top) / MM:.0f} mm from its link, "
                              "beside another paragraph",
                              "place the code beside the paragraph with its link", label.box)


def _code(page: Page, label: Word) -> Box:
    """The QR code a number in the margin labels: the drawing beside it, else the number."""
    def gap(d: Box) -> float:
        return max(d.x0 - label.box.x1, label.box.x0 - d.x1, 0)

    beside = [d for d in drawings(page, page.graphics + page.strokes)
              if d.top - 1 <= label.box.top <= d.bottom and gap(d) < 3 * MM and d.height > 5 * MM]
    return min(beside, key=gap, default=label.box)


def _numbers(page: Page) -> list[tuple[Word, Line]]:
    """The small figures of link badges and codes' numbers, each with its line (not a
    table's figures)."""
    small = 0.8 * page.body_size
    return [(word, line) for line in page.running for word in line.words
            if word.text.isdigit() and word.size < small]


def _paragraph(page: Page, line: Line) -> Box:
    """The lines above and below `line` that continue its paragraph."""
    first = last = line
    while (before := previous_line(page, first)) is not None and before is not line:
        first = before
    while (after := next_line(page, last)) is not None and after is not line:
        last = after
    return Box(line.box.x0, first.box.top, line.box.x1, last.box.bottom)
