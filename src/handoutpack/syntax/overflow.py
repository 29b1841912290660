"""Nothing cut off at the page edge: code lines longer than a page line are broken (at a space
when there is one) with a visible continuation mark, and tables with many columns are marked for
the theme to set smaller. The theme also lets whatever is still too wide wrap (see handout.css)."""

from __future__ import annotations

import html
import re

import markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

CODE_COLUMNS = 80
"""Characters of code on a line: what fits an A4 or Letter page in the theme's code type, with
room for the continuation mark and a box's padding."""
CONTINUATION = "↪"
MARK = f'<span class="wrap-mark" aria-hidden="true">{CONTINUATION}</span>'
CODE_BLOCK = re.compile(r"(<pre[^>]*><code[^>]*>)(.*?)(</code></pre>)", re.S)
WIDE_TABLE = 5
"""Columns from which a table is set smaller."""


def break_line(line: str, width: int = CODE_COLUMNS) -> list[str]:
    """`line` in pieces of at most `width` characters, broken after a space when one falls in
    the second half of the piece, else in the middle of a word."""
    pieces = []
    while len(line) > width:
        space = line.rfind(" ", width // 2, width)
        cut = space + 1 if space > 0 else width
        pieces.append(line[:cut])
        line = line[cut:]
        width = CODE_COLUMNS - 2  # the mark and its space start each following piece
    return [*pieces, line]


HIGHLIGHT = ('<mark class="code-line">', "</mark>")
"""A highlighted line's tags (see fences.py), kept through the escaping as \x01 and \x02."""


def wrap_code(code: str) -> str:
    """A code block's escaped HTML with its long lines broken and marked."""
    lines = []
    code = code.replace(HIGHLIGHT[0], "\x01").replace(HIGHLIGHT[1], "\x02")
    for line in html.unescape(code).split("\n"):
        pieces = [html.escape(piece, quote=False) for piece in break_line(line)]
        lines.append(f"\n{MARK} ".join(pieces))
    return "\n".join(lines).replace("\x01", HIGHLIGHT[0]).replace("\x02", HIGHLIGHT[1])


class LongCodeLines(Postprocessor):
    def run(self, text):
        return CODE_BLOCK.sub(lambda m: m[1] + wrap_code(m[2]) + m[3], text)


class WideTables(Treeprocessor):
    def run(self, root):
        for table in root.iter("table"):
            row = table.find(".//tr")
            columns = len(row) if row is not None else 0
            if columns >= WIDE_TABLE:
                table.set("class", " ".join(filter(None, [table.get("class"), "wide"])))


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.postprocessors.register(LongCodeLines(md), "long_code_lines", 5)
        md.treeprocessors.register(WideTables(md), "wide_tables", 5)
