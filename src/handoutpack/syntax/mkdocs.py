"""Material for MkDocs' own blocks, rewritten before Jinja into what prints on paper: a
collapsible admonition (`??? note "Title"`, `???+ tip`) is the admonition, open (`!!!`, which
Python-Markdown's admonition extension reads); content tabs (`=== "Linux"` over an indented
body) are headed sections, one per tab, as Hugo's and MDX's tabs print; a snippet
(`--8<-- "file.md"`) is the file's text when the file is in the project, else a note."""

from __future__ import annotations

import re

from .prose import (Notes, Page, dedent, find_file, heading_levels, replace_outside_code,
                    section)

COLLAPSIBLE = re.compile(r"^(?P<indent>[ \t]*)\?\?\?\+?(?=[ \t]+\w)", re.M)
TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?[ \t]+"(?P<title>[^"\n]*)"[ \t]*\n'
                 r"(?P<body>(?:(?:(?P=indent)(?: {4}|\t)[^\n]*)?\n)*)", re.M)
SNIPPET = re.compile(r'^(?P<indent>[ \t]*)-{2,}8<-{2,}[ \t]+["\']?(?P<name>[^"\'\n]+?)["\']?[ \t]*$',
                     re.M)
MAX_SNIPPET_BYTES = 200_000


def convert(text: str, page: Page, notes: Notes) -> str:
    if "???" in text:  # (each pass looks for code: only when its syntax is there)
        text = replace_outside_code(COLLAPSIBLE, lambda m: m["indent"] + "!!!", text)
    if '=== "' in text or '===+ "' in text:
        levels = heading_levels(text)
        text = replace_outside_code(TAB, lambda m: section(m["title"], levels(m.start()),
                                                          dedent(m["body"]), m["indent"]), text)
    if "8<" in text:
        text = replace_outside_code(SNIPPET, lambda m: _snippet(m, page, notes), text)
    return text


def _snippet(match: re.Match, page: Page, notes: Notes) -> str:
    name = match["name"].strip()
    found = find_file(name, page)
    if found is not None and found.stat().st_size <= MAX_SNIPPET_BYTES:
        return found.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    notes.add(match[0].strip(), f"the snippet '{name}' (MkDocs' --8<--) is not in the project "
              "(looked beside the document and in the folders above it), so nothing prints in "
              "its place; copy the file into the project, or paste its text here")
    return ""
