"""A word hyphenated with fewer than three letters on one side of the break ("a-", "-ly")."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .flow import next_line
from .layout import Page

HYPHENS = "\u2010\u00ad"
"""The hyphens hyphenation prints; a word's own hyphen (co-founded) is U+002D and may end a line."""
LEAST = 3


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        if page.booklet:
            continue
        for line in page.lines:
            last = line.words[-1].text
            if last[-1:] not in HYPHENS or not last[-2:-1].isalpha():
                continue
            after = next_line(page, line)
            if after is None or not after.words[0].text[:1].islower():
                continue
            before = _letters(last.rstrip(HYPHENS).split("-")[-1])
            rest = _letters(after.words[0].text)
            if min(len(before), len(rest)) < LEAST:
                yield Finding("hyphen", page.file, page.number,
                              f'"{before}-{rest}" leaves {min(len(before), len(rest))} letters '
                              "on one side of the hyphen",
                              "hyphenate with at least three letters each side "
                              "(hyphenate-limit-chars)", line.words[-1].box)


def _letters(word: str) -> str:
    start = 0
    while start < len(word) and not word[start].isalpha():
        start += 1
    end = start
    while end < len(word) and (word[end].isalpha() or word[end] in "'’"):
        end += 1
    return word[start:end].rstrip("'’")
