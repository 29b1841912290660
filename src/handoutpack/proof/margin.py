"""Text past the margin: a line that runs beyond the edges the file's body text keeps to (an
email address too long for its column)."""

from __future__ import annotations

from collections.abc import Iterator

from .area import is_cover, page_area, text_area, text_lines
from .context import Context
from .findings import Finding, short
from .layout import MM, Page

SLACK = 2 * MM
"""Past the column's edge by more than this: a ragged line may stand a little further out."""


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    file_area = text_area(pages)
    for page in pages:
        if is_cover(page) or page.slide or page.booklet or page.sheet:
            continue
        area = page_area(page, file_area)
        if area is None:
            continue
        for line in text_lines(page):
            if not area.top <= line.box.top <= area.bottom:
                continue
            past = max(area.x0 - line.box.x0, line.box.x1 - area.x1)
            if past > SLACK and _inside_before(line, area):
                yield Finding("margin", page.file, page.number,
                              f'"{short(line.text)}" runs {past / MM:.1f} mm past the margin',
                              "let it wrap (a long address may break) or shorten it", line.box)


def _inside_before(line, area) -> bool:
    """A line that starts in the column and ends past it (text in the margin on purpose, a
    note number beside a QR code, stands wholly outside)."""
    return line.box.x1 > area.x0 and line.box.x0 < area.x1
