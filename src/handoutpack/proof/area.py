"""A file's text area, read from its pages: where its body lines start and end, across and down
(the proof has no CSS, so it takes the margins from where most of the body text stands)."""

from __future__ import annotations

from collections import Counter

from .layout import MM, Box, Line, Page


def body_lines(page: Page) -> list[Line]:
    """The lines set at the page's body size (running heads, notes and captions apart)."""
    size = page.body_size
    return [line for line in page.lines if abs(line.size - size) < 0.25]


def is_cover(page: Page) -> bool:
    """A pack's first page: a title, a few lines, no running text."""
    return page.number == 1 and len(body_lines(page)) < 8


def text_area(pages: list[Page]) -> Box | None:
    """The box the body text of these pages keeps to (covers, slides and booklets apart, and
    pages of the other direction than most: an English document in an Arabic pack has its own
    column): the edge their lines start at (most lines share it), the edge they end at (the
    one justified lines share, or else see _ragged_edge), and the highest and lowest body
    line."""
    bodies = [(page, body_lines(page)) for page in pages
              if not (is_cover(page) or page.slide or page.booklet or page.sheet)]
    bodies = [(page, lines) for page, lines in bodies if lines]
    rtl = sum(_rtl(lines) for _, lines in bodies) > len(bodies) / 2
    bodies = [(page, lines) for page, lines in bodies if _rtl(lines) == rtl]
    lines = [line for _, page_lines in bodies for line in page_lines]
    if len(lines) < 10:
        return None
    starts = Counter(round(line.box.x1 if rtl else line.box.x0) for line in lines)
    ends = Counter(round(line.box.x0 if rtl else line.box.x1) for line in lines)
    if ends.most_common(1)[0][1] >= 0.2 * len(lines):  # justified: most lines end at one edge
        end = _edge(ends, min if rtl else max)
    else:
        end = _ragged_edge([(line.box.x0 if rtl else line.box.x1, page.number)
                            for page, page_lines in bodies for line in page_lines], rtl)
    start = _edge(starts, max if rtl else min)
    top, bottom = min(line.box.top for line in lines), max(line.box.bottom for line in lines)
    return Box(end, top, start, bottom) if rtl else Box(start, top, end, bottom)


def _ragged_edge(ends: list[tuple[float, int]], rtl: bool) -> float:
    """The outermost edge lines of two pages reach (within 1 mm of each other; two lines of
    any page, when there are fewer than three): ragged text comes near the column's edge on every page, and what
    runs past the margin stands alone, or on a page of its own (a contact page's addresses)."""
    ends = sorted(ends, reverse=not rtl)  # outermost first
    pages = len({page for _, page in ends})
    for i, (edge, page) in enumerate(ends):
        for other, other_page in ends[i + 1:]:
            if abs(edge - other) > MM:
                break
            if pages < 3 or other_page != page:
                return edge
    return ends[-1][0]


def _rtl(lines: list[Line]) -> bool:
    return sum(line.rtl for line in lines) > len(lines) / 2


def _edge(counts: Counter, pick) -> float:
    """The outermost edge many lines share: each line of a paragraph starts there, and an
    indented list starts further in than the text it belongs to."""
    most = counts.most_common(1)[0][1]
    shared = [x for x, n in counts.items() if n >= max(3, most / 4)]
    return pick(shared or counts)
