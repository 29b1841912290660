"""In a right-to-left page, left-to-right runs (a phone number, an email address, a URL,
"501(c)(3)") printed in another order than the source: unisolated, the bidi algorithm moves
their pieces ("5678 234 1 51+"), within a line or across the lines a run is broken over."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .layout import Page

PIECE = re.compile(r"[A-Za-z0-9]+")
OTHER_WORD = re.compile(r"[^\W_]")
"""A letter or digit that is not one of a run's pieces (where it stands: Arabic, say)."""
MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")
"""Brackets in a right-to-left run print mirrored: the glyph of ')' shows as '('."""


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    if not context.rtl:
        return
    runs = [(run, re.sub(r"\s+", "", run), PIECE.findall(run)) for run in context.ltr_runs]
    for page in pages:
        for index, line in enumerate(page.lines):
            text = line.text
            squeezed, words = re.sub(r"\s+", "", text), set(PIECE.findall(text))
            first = _edge(text, "start")  # where a run broken after this line would start
            for run, whole, pieces in runs:
                if whole in squeezed:
                    continue
                printed = (_printed(text, pieces) if words.issuperset(pieces) else "") or (
                    _broken(page.lines, index, first, pieces) if first and first[0] in pieces
                    else "")
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


def _broken(lines: list, index: int, first: list[str], pieces: list[str]) -> str:
    """The run's pieces as printed when it is broken over `lines[index]` (whose text starts
    with the pieces `first`) and the lines after, in another order than its own ('' when it is
    not broken there, or prints in order). On a right-to-left page the run's start ends a line,
    at its left (the start of its text, read left to right); its middle fills lines of its own;
    its end starts the next line, at its right (the end of its text)."""
    for split in range(1, min(len(first), len(pieces) - 1) + 1):
        if sorted(first[:split]) != sorted(pieces[:split]):
            continue
        printed, rest = [first[:split]], pieces[split:]
        for line in lines[index + 1:]:
            tokens = PIECE.findall(line.text)
            if len(tokens) < len(rest) and _only_pieces(line.text):  # the run's middle
                if sorted(tokens) != sorted(rest[:len(tokens)]):
                    break
                printed.append(tokens)
                rest = rest[len(tokens):]
                continue
            end = _edge(line.text, "end")[-len(rest):]
            if sorted(end) == sorted(rest):
                printed.append(end)
                words = [w for part in printed for w in part]
                if words != pieces:
                    return " / ".join(" ".join(part) for part in printed)
            break
    return ""


def _edge(text: str, side: str) -> list[str]:
    """The pieces at the `side` ('start' or 'end') of a line's text with nothing but spaces and
    punctuation between them (no word of another script)."""
    tokens = list(PIECE.finditer(text))
    at_start = side == "start"
    edge, position = [], 0 if at_start else len(text)
    for token in tokens if at_start else reversed(tokens):
        between = text[position:token.start()] if at_start else text[token.end():position]
        if OTHER_WORD.search(between):
            break
        edge.append(token.group())
        position = token.end() if at_start else token.start()
    return edge if at_start else edge[::-1]


def _only_pieces(text: str) -> bool:
    return bool(text.strip()) and not OTHER_WORD.search(PIECE.sub("", text))
