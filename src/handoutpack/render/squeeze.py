"""A document whose last page would hold a few lines alone (three lines on an otherwise empty
A5 page) is set again a little tighter, so those lines come back onto the page before; when
they do not fit there, a little looser, so that the last page holds more of the text. A last
page left half empty is also tried tighter: a page saved is a sheet of paper in every copy."""

from __future__ import annotations

import re

LEAST_SHARE = 0.4
"""A last page whose line boxes cover less of its text area's height is worth setting again:
`handoutpack proof` calls a page with ink on fewer than 20 % of those rows near-empty, and a
line box, with its leading, is about half as tall again as the letters' ink."""
HALF_EMPTY = 0.55
"""A last page whose line boxes cover less than this is tried tighter (about half the page's
rows inked): set a little tighter, the pages before often take it."""
HTML_CLASS = re.compile(r'(<html\b[^>]*\bclass=")')


def wants_squeeze(document, html: str, under: float = LEAST_SHARE) -> bool:
    """Whether a document (not a deck or a cover) runs onto a last page whose line boxes
    cover less than `under` of its text area."""
    if len(document.pages) < 2 or '<main class="body"' not in html:
        return False
    return _filled_share(document.pages[-1]) < under


LEVELS = ("squeeze", "squeeze squeeze-more", "squeeze squeeze-more squeeze-most")
"""The classes tried in turn on <html>: handout.css sets each a little tighter."""
LOOSER = "loosen"
"""The class that sets the text a little looser (handout.css)."""


def better(document, html: str, render) -> object:
    """The render to keep: `document`, or one set tighter with a page fewer (the gentlest level
    that saves it), or one set looser whose last page holds more (`render(html)` lays out a
    variant of the page)."""
    if not wants_squeeze(document, html, HALF_EMPTY):
        return document
    tighter = gentlest(LEVELS, lambda level: render(squeezed(html, level)), len(document.pages))
    if tighter is not None:
        return tighter
    if not wants_squeeze(document, html):
        return document
    looser = render(squeezed(html, LOOSER))
    if (len(looser.pages) == len(document.pages)
            and _filled_share(looser.pages[-1]) > _filled_share(document.pages[-1])):
        return looser
    return document


def gentlest(levels: tuple[str, ...], render, pages: int):
    """The render at the gentlest of `levels` (gentlest first) with fewer than `pages` pages,
    or None. Setting text tighter never makes it longer, so the levels are halved rather than
    tried in turn: two layouts for three levels whatever the outcome, where trying them in turn
    took three for a document the tightest saves and for one none saves (most of those tried)."""
    found, low, high = None, 0, len(levels)
    while low < high:
        middle = (low + high) // 2
        tried = render(levels[middle])
        if len(tried.pages) < pages:
            found, high = tried, middle
        else:
            low = middle + 1
    return found


def squeezed(html: str, level: str = LEVELS[0]) -> str:
    """The page with the classes of `level` on <html>."""
    return HTML_CLASS.sub(rf"\1{level} ", html, count=1)


def _filled_share(page) -> float:
    """The share of the page's text area's height its lines cover, as the proof measures it.
    WeasyPrint's laid-out page box (the one private name the engine reads; see overflows)."""
    page_box = page._page_box
    spans = sorted((box.position_y, box.position_y + box.height)
                   for box in (_line_boxes(page_box.children[0]) if page_box.children else ()))
    covered, reach = 0.0, page_box.content_box_y()
    for top, bottom in spans:
        top = max(top, reach)
        if bottom > top:
            covered += bottom - top
            reach = bottom
    return covered / page_box.height if page_box.height else 1.0


def _line_boxes(box):
    if box.style["position"] in ("absolute", "fixed"):
        return
    if type(box).__name__ == "LineBox":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)
