"""Pandoc's fenced divs (`::: note`, `:::: {.challenge #first}` ... `::::`), nested or not, become
`<div class="...">` blocks whose Markdown is read as usual (by md_in_html). A `title="..."`
attribute (Quarto's callouts) becomes the block's title line."""

from __future__ import annotations

import html
import re

import markdown
from markdown.preprocessors import Preprocessor

from .attributes import parse

OPENING = re.compile(r"^ {0,3}:{3,}\s*(?P<attrs>\{[^}]*\}|[^\s:{}][^\s{}]*)\s*:*\s*$")
CLOSING = re.compile(r"^ {0,3}:{3,}\s*$")
CODE_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")


def code_fences(lines: list[str]):
    """Yield (line, inside a fenced code block?) for each line."""
    fence = None
    for line in lines:
        match = CODE_FENCE.match(line)
        if fence is None and match:
            fence = match["fence"]
            yield line, True
        elif fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            yield line, True
        else:
            yield line, False


def opening(attrs: dict[str, str]) -> list[str]:
    classes = attrs.get("class", "")
    names = " ".join(dict.fromkeys(["block", *classes.split()]))
    tag = f'<div class="{html.escape(names)}"'
    if "id" in attrs:
        tag += f' id="{html.escape(attrs["id"])}"'
    lines = ["", tag + ' markdown="1">', ""]
    if title := attrs.get("title"):
        lines[2:2] = [f'<p class="block-title">{html.escape(html.unescape(title))}</p>']
    return lines


class FencedDivs(Preprocessor):
    def run(self, lines):
        result, depth = [], 0
        for line, in_code in code_fences(lines):
            if in_code:
                result.append(line)
            elif match := OPENING.match(line):
                attrs = match["attrs"]
                result += opening(parse(attrs[1:-1] if attrs.startswith("{") else attrs))
                depth += 1
            elif depth and CLOSING.match(line):
                result += ["", "</div>", ""]
                depth -= 1
            else:
                result.append(line)
        return result + ["", "</div>", ""] * depth  # an unclosed div ends with the document


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(FencedDivs(md), "fenced_divs", 29)  # before raw HTML (20)
