"""Pages with almost nothing on them: ink on fewer than 20 % of the text area's rows (a cover
and a page left blank on purpose apart); and slides whose lower part stands empty."""

from __future__ import annotations

from collections.abc import Iterator

from .area import is_cover, page_area, text_area
from .context import Context
from .findings import Finding
from .layout import Box, Page

LEAST_INKED = 0.20
SLIDE_FOOT = 0.12
"""A slide's running foot (its number, the organisation) takes its last 12 %."""


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    file_area = text_area(pages)
    for page in pages:
        area = page_area(page, file_area)
        if page.booklet:
            continue
        if page.slide:
            yield from _slide(page)
        elif area is not None and not is_cover(page):
            inked = inked_share(page, area)
            if 0 < inked < LEAST_INKED:
                yield Finding("empty-page", page.file, page.number,
                              f"ink on {inked:.0%} of the text area's rows",
                              "pull the lines back onto the page before (tighter spacing, "
                              "a smaller figure) or give the page more to hold", area)


def inked_share(page: Page, area: Box) -> float:
    """The share of the text area's height that holds a line, a drawing or a slide (a
    handout's slides are pictures, however little their text)."""
    spans = sorted((max(b.top, area.top), min(b.bottom, area.bottom))
                   for b in [line.box for line in page.lines] + page.graphics + page.frames
                   if b.bottom > area.top and b.top < area.bottom and b.x1 > area.x0
                   and b.x0 < area.x1 and b.height < area.height * 0.9)
    covered, reach = 0.0, area.top
    for top, bottom in spans:
        top = max(top, reach)
        if bottom > top:
            covered += bottom - top
            reach = bottom
    return covered / area.height if area.height > 0 else 1.0


def _slide(page: Page) -> Iterator[Finding]:
    foot = page.trim.bottom - SLIDE_FOOT * page.trim.height
    boxes = [line.box for line in page.lines if line.box.bottom < foot]
    boxes += [b for b in page.graphics if b.bottom < foot and b.height < page.trim.height * 0.8]
    if not boxes:
        return
    top = min(b.top for b in boxes)
    bottom = max(b.bottom for b in boxes)
    empty = (foot - bottom) / (foot - page.trim.top)
    if empty > 0.35 and top - page.trim.top < 0.3 * page.trim.height:
        yield Finding("slide-space", page.file, page.number,
                      f"the lower {empty:.0%} of the slide stands empty",
                      "centre the slide's content or set it larger", Box(
                          page.trim.x0, bottom, page.trim.x1, foot))
