"""Pandoc's Markdown beyond its attributes and fenced divs (attributes.py, fenced_divs.py),
rewritten before Jinja into what Python-Markdown reads: inline notes `^[text]` become footnotes,
as `[^1]` makes them; `\\newpage` or `\\pagebreak` on a line of its own is a page break, as in
Pandoc's PDF; a heading's `{-}` is `{.unnumbered}`; line blocks (`| ` before each line, for
addresses and verse) keep their lines; raw blocks ```` ```{=html} ```` and inline raw
`` `<b>x</b>`{=html} `` keep their HTML, and those of another format (```` ```{=latex} ````),
which Pandoc leaves out of HTML, are left out with a note (but `` `\\newpage`{=latex} ``, a page
break). Sub- and superscripts (`H~2~O`, `2^10^`) and ~~strikeout~~ are pymdownx's
(markup/markdown.py)."""

from __future__ import annotations

import re

from .prose import Notes, Page, code_ranges, inside, replace_outside_code

INLINE_NOTE = re.compile(r"\^\[")
PAGE_BREAK = re.compile(r"^[ \t]*\\(?:newpage|pagebreak|clearpage)[ \t]*$", re.M)
UNNUMBERED = re.compile(r"^(?P<heading>#{1,6}[ \t][^\n{]{0,300}\{[^}\n]{0,100}?)(?<=[{ \t])-(?=[ \t}])",
                        re.M)
"""A heading's attribute list (its first braces, within its first 300 characters) with `-`."""
CLOSING_FENCE = re.compile(r"[ \t]*(?:`{3,}|~{3,})[ \t]*")
RAW_OPENING = re.compile(r"[ \t]*(?:`{3,}|~{3,})[ \t]*\{=(?P<format>[\w-]+)\}[ \t]*(?:\n|$)")
INLINE_RAW = re.compile(r"(?<!`)(?P<ticks>`+)(?P<body>[^`\n]+?)(?P=ticks)\{=(?P<format>[\w-]+)\}")
LINE_BLOCK = re.compile(r"(?:\A|(?<=\n\n))(?P<block>(?:\|(?: [^\n]*)?\n(?: [^|\n][^\n]*\n)*)+)")
"""A block of lines each starting with '| ' (a line starting with a space continues the one
before), after a blank line: a '|' line inside a paragraph is the paragraph's."""
LINE_BLOCK_LINE = re.compile(r"(?m)^\|(?: [^|\n]*)?$")
PAGE_BREAK_HTML = '<div class="page-break"></div>'
MAX_NOTE_CHARS = 2000
"""An inline note longer than this is not one (a stray '^[' is looked at this far)."""


def convert(text: str, page: Page, notes: Notes) -> str:
    text = _raw_blocks(text, notes)
    text = _inline_raw(text, notes)
    # each pass looks for code (where nothing is rewritten): only when its syntax is there
    if LINE_BLOCK_LINE.search(text):
        text = replace_outside_code(LINE_BLOCK, _line_block, text)
    if PAGE_BREAK.search(text):
        text = replace_outside_code(PAGE_BREAK, lambda m: f"\n{PAGE_BREAK_HTML}\n", text)
    if UNNUMBERED.search(text):
        text = replace_outside_code(UNNUMBERED, lambda m: m["heading"] + ".unnumbered", text)
    return _inline_notes(text)


def _raw_blocks(text: str, notes: Notes) -> str:
    """```{=html} blocks as their HTML; those of another format left out, with a note. (Each
    is a fenced block, as code_ranges finds them: one pass.)"""
    if "{=" not in text:
        return text
    out, position = [], 0
    for start, end in code_ranges(text):
        opening = RAW_OPENING.match(text, start)
        if opening is None or "\n" not in text[start:end]:
            continue
        lines = text[opening.end():end].split("\n")
        if CLOSING_FENCE.fullmatch(lines[-1]):
            lines.pop()
        out += [text[position:start], _raw(opening, "\n".join(lines), notes)]
        position = end
    return "".join(out) + text[position:]


def _raw(opening: re.Match, body: str, notes: Notes) -> str:
    kind = opening["format"]
    if kind.lower() == "html":
        return f"\n{body.rstrip()}\n"
    notes.add(opening[0].strip(), f"a raw {kind} block, which only Pandoc's {kind} output "
              "prints, is left out; write what it shows in Markdown to print it")
    return ""


def _inline_raw(text: str, notes: Notes) -> str:
    """`` `<b>x</b>`{=html} `` as its HTML, `` `\\newpage`{=latex} `` as a page break (where it
    stands, as in Pandoc's PDF); another format's left out, with a note. Not in fenced code."""
    if "{=" not in text:
        return text
    fenced = [(start, end) for start, end in code_ranges(text) if "\n" in text[start:end]]

    def raw(match: re.Match) -> str:
        if inside(fenced, match.start()):
            return match[0]
        body, kind = match["body"].strip(), match["format"].lower()
        if kind == "html":
            return body
        if kind in ("latex", "tex") and PAGE_BREAK.fullmatch(body):
            return f"\n{PAGE_BREAK_HTML}\n"
        notes.add(match[0], f"raw {match['format']} (`...`{{={match['format']}}}), which only "
                  f"Pandoc's {match['format']} output prints, is left out; write what it shows "
                  "in Markdown to print it")
        return ""
    return INLINE_RAW.sub(raw, text)


def _line_block(match: re.Match) -> str:
    """A Pandoc line block: each `| ` line a line of its own, its leading spaces kept; a line
    that starts with a space continues the one before. Unless it reads as a table (a line with
    another `|`), which it is then."""
    lines = match["block"].rstrip("\n").split("\n")
    if any("|" in line[1:] for line in lines):
        return match[0]
    joined: list[str] = []
    for line in lines:
        if line.startswith("|"):
            content = line[2:]
            kept = len(content) - len(content.lstrip(" "))
            joined.append("\u00a0" * kept + content.lstrip(" ") or "\u00a0")  # "|": a blank line
        else:
            joined[-1] += " " + line.strip()
    return "  \n".join(joined) + "\n"


def _inline_notes(text: str) -> str:
    """Each `^[text]` outside code as a footnote reference, the notes' texts after the body."""
    if "^[" not in text:
        return text
    code = code_ranges(text)
    out, notes, position, unclosed_until = [], [], 0, 0
    for match in INLINE_NOTE.finditer(text):
        if match.start() < max(position, unclosed_until) or inside(code, match.start()):
            continue  # (one that does not close: neither do those it passed over)
        end = _closing_bracket(text, match.end())
        if end is None:
            unclosed_until = match.end() + MAX_NOTE_CHARS
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
    for index in range(start, min(len(text), start + MAX_NOTE_CHARS)):
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
