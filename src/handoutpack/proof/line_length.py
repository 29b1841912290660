"""Body lines longer than 80 characters: past 75 the eye loses the next line (60 to 75 reads
best)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .area import body_lines, is_cover
from .context import Context
from .findings import Finding
from .layout import Page

LONGEST = 80
LEADER = re.compile(r"(?:\s*[.·…]){3,}\s*")
"""A contents line's dot leader: space, not characters to read."""


def characters(line) -> int:
    return len(LEADER.sub(" ", line.text))


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        if page.booklet or page.slide or page.sheet or is_cover(page):
            continue
        long = [line for line in body_lines(page) if characters(line) > LONGEST
                and not any("mono" in w.font.lower() for w in line.words)]
        if len(long) >= 3:  # one long line is a table row or an address, a paragraph is a measure
            worst = max(long, key=characters)
            yield Finding("line-length", page.file, page.number,
                          f"{len(long)} body lines run past {LONGEST} characters "
                          f"(up to {characters(worst)})",
                          "narrow the text column (wider margins, or a larger body size) to "
                          "60-75 characters", worst.box)
