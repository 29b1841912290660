"""A line of one word when the next word would have fitted: something beside the paragraph (a
float, a QR code) squeezed its first line, or a word kept whole ran past the end of the line
before and the breaker left one word alone. A paragraph's last line may be short, and a line
after a short one may be a line break's."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .flow import next_line, previous_line
from .layout import Line, Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        if page.booklet:
            continue
        for line in page.running:  # a table's cell may hold one word a line
            if len(line.words) != 1 or not any(c.isalpha() for c in line.text):
                continue
            after = next_line(page, line)
            if after is None or len(after.words) < 3:
                continue  # a paragraph's last line, or a short paragraph
            before = previous_line(page, line)
            if before is not None and not _inside_a_paragraph(before, line, after):
                continue  # a paragraph's last line, the next one's first after it
            if _shares_its_baseline(page, line):
                continue  # more words stand on it, parted by a wide space (Arabic, as read)
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


LIST_MARK = re.compile(r"^(\d+[.)]|[•◦▪‣–-])$")


def _inside_a_paragraph(before: Line, line: Line, after: Line) -> bool:
    """Whether `line` stands inside one paragraph with the lines around it: the one before
    runs to the column's edge (not a line break's), the two steps down are the same (a new
    paragraph or list stands further down), and the next line is no list's item."""
    pitch_before, pitch_after = line.baseline - before.baseline, after.baseline - line.baseline
    return (before.box.width >= 0.8 * after.box.width
            and abs(pitch_after - pitch_before) < 0.1 * line.size
            and not LIST_MARK.match(after.words[-1 if after.rtl else 0].text))


def _shares_its_baseline(page: Page, line) -> bool:
    """Whether other words of its size stand on the same line: pdfplumber may part an Arabic
    line where a word's marks widen the space before the next (a line of words, not one)."""
    return any(other is not line and abs(other.size - line.size) < 0.3
               and abs(other.box.bottom - line.box.bottom) < 0.3 * line.size
               for other in page.running)
