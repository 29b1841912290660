"""Lines that follow one another in the same paragraph, as the page shows them."""

from __future__ import annotations

from .layout import Line, Page


def next_line(page: Page, line: Line) -> Line | None:
    """The line after `line` in its paragraph: just below, the same size, from the same
    starting edge (the left one, or the right one in right-to-left text: a line of an Arabic
    paragraph that is mostly an address in Latin letters starts on the right too)."""
    step = 1.8 * line.size  # baselines, not tops: an Arabic line's top depends on its letters
    for other in page.lines:
        if other is line or not 0 < other.baseline - line.baseline <= step:
            continue
        if abs(other.size - line.size) > 0.3:
            continue
        if (line.rtl or other.rtl) and abs(other.box.x1 - line.box.x1) < 1.5:
            return other
        if not line.rtl and abs(other.box.x0 - line.box.x0) < 1.5:
            return other
    return None


def previous_line(page: Page, line: Line) -> Line | None:
    for other in page.lines:
        if next_line(page, other) is line:
            return other
    return None
