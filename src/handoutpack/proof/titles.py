"""A heading or title whose last line holds one word ("Conference / Pack")."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .flow import next_line, previous_line
from .layout import Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        if page.booklet or page.sheet:  # a notes page's text is large beside its slide's
            continue
        big = 1.25 * page.body_size
        for line in page.running:  # a table's cells hold no titles
            if line.size < big or len(line.words) != 1 or len(line.text) < 2:
                continue
            before = previous_line(page, line)
            if before is None or next_line(page, line) is not None:
                continue
            yield Finding("title-last-line", page.file, page.number,
                          f'the title "{before.text} {line.text}" leaves "{line.text}" '
                          "alone on its last line",
                          "balance the title's lines (text-wrap: balance, or a narrower "
                          "box) or keep its last words together", line.box)
