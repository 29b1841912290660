"""A file's text area, read from its pages: where its body lines start and end, across and down
(the proof has no CSS, so it takes the margins from where most of the body text stands)."""

from __future__ import annotations

from collections import Counter

from .layout import Box, Line, Page


def body_lines(page: Page) -> list[Line]:
    """The lines set at the page's body size (running heads, notes and captions apart)."""
    size = page.body_size
    return [line for line in page.lines if abs(line.size - size) < 0.25]


def is_cover(page: Page) -> bool:
    """A pack's first page: a title, a few lines, no running text."""
    return page.number == 1 and len(body_lines(page)) < 8


def text_area(pages: list[Page]) -> Box | None:
    """The box the body text of these pages keeps to: the edges most body lines start and end
    at, and the highest and lowest body line (covers and slides apart)."""
    lefts, rights, tops, bottoms = Counter(), Counter(), [], []
    for page in pages:
        if is_cover(page) or page.slide or page.booklet:
            continue
        for line in body_lines(page):
            lefts[round(line.box.x0)] += 1
            rights[round(line.box.x1)] += 1
            tops.append(line.box.top)
            bottoms.append(line.box.bottom)
    if len(tops) < 10:
        return None
    left = _edge(lefts, min)
    right = _edge(rights, max)
    return Box(left, min(tops), right, max(bottoms))


def _edge(counts: Counter, pick) -> float:
    """The outermost edge many lines share: justified text ends at one right edge, and an
    indented list starts further in than the text it belongs to."""
    most = counts.most_common(1)[0][1]
    shared = [x for x, n in counts.items() if n >= max(3, most / 4)]
    return pick(shared or counts)  # ragged text: its outermost line
