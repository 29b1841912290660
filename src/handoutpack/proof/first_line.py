"""A line broken after its first word when the next word would have fitted: something beside
the paragraph (a float, a QR code) squeezed it, and one word stands alone."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .flow import next_line, previous_line
from .layout import Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        if page.booklet:
            continue
        for line in page.lines:
            if len(line.words) != 1 or not any(c.isalpha() for c in line.text):
                continue
            after = next_line(page, line)
            if after is None or len(after.words) < 3 or previous_line(page, line) is not None:
                continue  # a paragraph's FIRST line (a last line may be short)
            space = 0.3 * line.size
            if line.rtl:
                word = after.words[-1]  # the first word read, at the right
                fits = line.box.x0 - space - word.box.width >= after.box.x0
            else:
                word = after.words[0]
                fits = line.box.x1 + space + word.box.width <= after.box.x1
            if fits:
                yield Finding("first-line", page.file, page.number,
                              f'"{line.text}" stands alone on its line, and "{word.text}" '
                              f"would have fitted beside it",
                              "give the paragraph the column's whole width (move what "
                              "squeezes it, e.g. a QR code, beside another paragraph or "
                              "below it)", line.box)
