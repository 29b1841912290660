"""Pandoc's Markdown beyond its attributes and fenced divs (attributes.py, fenced_divs.py),
rewritten before Jinja into what Python-Markdown reads: inline notes `^[text]` become footnotes,
as `[^1]` makes them; `\\newpage` or `\\pagebreak` on a line of its own is a page break, as in
Pandoc's PDF; a heading's `{-}` is `{.unnumbered}`; a raw block ```` ```{=html} ```` keeps its
HTML, and one for another format (```` ```{=latex} ````), which Pandoc leaves out of HTML, is left
out with a note. Sub- and superscripts (`H~2~O`, `2^10^`) and ~~strikeout~~ are pymdownx's
(markup/markdown.py)."""

from __future__ import annotations

import re

from .prose import Notes, Page, code_ranges, inside, replace_outside_code

INLINE_NOTE = re.compile(r"\^\[")
PAGE_BREAK = re.compile(r"^[ \t]*\\(?:newpage|pagebreak|clearpage)[ \t]*$", re.M)
UNNUMBERED = re.compile(r"^(?P<heading>#{1,6}[ \t].*?\{[^}\n]*?)(?<=[{ \t])-(?=[ \t}])", re.M)
RAW_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{=(?P<format>[\w-]+)\}"
                       r"[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$", re.M | re.S)
PAGE_BREAK_HTML = '<div class="page-break"></div>'


def convert(text: str, page: Page, notes: Notes) -> str:
    text = _raw_blocks(text, notes)
    text = replace_outside_code(PAGE_BREAK, lambda m: f"\n{PAGE_BREAK_HTML}\n", text)
    text = replace_outside_code(UNNUMBERED, lambda m: m["heading"] + ".unnumbered", text)
    return _inline_notes(text)


def _raw_blocks(text: str, notes: Notes) -> str:
    """```{=html} blocks as their HTML; those of another format left out, with a note."""
    def block(match: re.Match) -> str:
        if match["format"].lower() == "html":
            return f"\n{match['body'].rstrip()}\n"
        notes.add(match[0].splitlines()[0].strip(),
                  f"a raw {match['format']} block, which only Pandoc's {match['format']} output "
                  "prints, is left out; write what it shows in Markdown to print it")
        return ""
    return RAW_BLOCK.sub(block, text)


def _inline_notes(text: str) -> str:
    """Each `^[text]` outside code as a footnote reference, the notes' texts after the body."""
    if "^[" not in text:
        return text
    code = code_ranges(text)
    out, notes, position = [], [], 0
    for match in INLINE_NOTE.finditer(text):
        if match.start() < position or inside(code, match.start()):
            continue
        end = _closing_bracket(text, match.end())
        if end is None:
            continue
        notes.append(" ".join(text[match.end():end].split()))
        out += [text[position:match.start()], f"[^inline-note-{len(notes)}]"]
        position = end + 1
    if not notes:
        return text
    definitions = "".join(f"\n[^inline-note-{n}]: {note}\n" for n, note in enumerate(notes, 1))
    return "".join(out) + text[position:] + "\n" + definitions


def _closing_bracket(text: str, start: int) -> int | None:
    """Where the bracket opened just before `start` closes (brackets inside, as links write
    them, nest), within its paragraph; None when it does not."""
    depth = 1
    for index in range(start, min(len(text), start + 2000)):
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n" and text[index + 1:index + 2] == "\n":
            return None
    return None
