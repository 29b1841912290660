"""In a right-to-left page, left-to-right runs (a phone number, an email address, a URL,
"501(c)(3)") printed in another order than the source: unisolated, the bidi algorithm moves
their pieces ("5678 234 1 51+")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .layout import Page

PIECE = re.compile(r"[A-Za-z0-9]+")
MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")
"""Brackets in a right-to-left run print mirrored: the glyph of ')' shows as '('."""


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    if not context.rtl:
        return
    runs = [(run, PIECE.findall(run)) for run in context.ltr_runs]
    for page in pages:
        for line in page.lines:
            text = line.text
            squeezed = re.sub(r"\s+", "", text)
            for run, pieces in runs:
                if re.sub(r"\s+", "", run) in squeezed:
                    continue
                printed = _printed(text, pieces)
                if printed:
                    yield Finding("bidi", page.file, page.number,
                                  f'"{run}" prints as "{printed}"',
                                  "isolate it as a left-to-right run (<bdi dir=ltr>, or "
                                  "unicode-bidi: isolate)", line.box)


def _printed(text: str, pieces: list[str]) -> str:
    """The stretch of `text` whose tokens are the run's pieces side by side in another order:
    what the page shows instead of the run ('' when no stretch does)."""
    tokens = list(PIECE.finditer(text))
    wanted = sorted(pieces)
    for start in range(len(tokens) - len(pieces) + 1):
        window = tokens[start:start + len(pieces)]
        words = [m.group() for m in window]
        if sorted(words) == wanted and words != pieces:
            start, end = window[0].start(), window[-1].end()
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            return text[start:end].translate(MIRRORED)
    return ""
