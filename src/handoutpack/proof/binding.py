"""A booklet bound on the side its language reads from: the cover on the right half of the
first sheet for left-to-right text, on the left half for right-to-left text (bound on the
right). The cover is the half of the first sheet holding the largest type (the title)."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .layout import Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    if not pages or not pages[0].booklet or not pages[0].lines:
        return
    sheet = pages[0]
    fold = (sheet.trim.x0 + sheet.trim.x1) / 2
    title = max(sheet.lines, key=lambda line: line.size)
    on_left = title.box.x1 <= fold
    if on_left != context.rtl:
        wanted = "left (bound on the right)" if context.rtl else "right (bound on the left)"
        yield Finding("binding", sheet.file, 1,
                      f"the cover stands on the {'left' if on_left else 'right'} half of the "
                      f"first sheet: the booklet is bound on the wrong side for {context.lang}",
                      f"impose it with the cover on the {wanted} half", title.box)
