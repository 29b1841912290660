"""Numbered lists that start past 1 (`7. Seventh`, as Markdown writes a list continued after a
paragraph) print their own numbers: Python-Markdown writes `<ol start="7">`, which browsers
follow and WeasyPrint does not, so the list's counter is set where it starts."""

from __future__ import annotations

import re

import markdown
from markdown.treeprocessors import Treeprocessor


class ListStart(Treeprocessor):
    def run(self, root):
        for numbered in root.iter("ol"):
            start = numbered.get("start", "")
            if not re.fullmatch(r"-?\d{1,9}", start) or int(start) == 1:
                continue
            reset = f"counter-reset: list-item {int(start) - 1}"
            style = numbered.get("style", "").strip().rstrip(";")
            numbered.set("style", f"{style}; {reset}" if style else reset)


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(ListStart(md), "list_start", 5)
