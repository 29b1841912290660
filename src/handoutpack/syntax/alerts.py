"""GitHub's alerts, which Hugo, GitLab and Obsidian read too: a quote whose first line is
`> [!NOTE]` (TIP, IMPORTANT, WARNING, CAUTION; Obsidian's `> [!tip] A title of its own`, and its
folding `[!note]-`), rewritten before Jinja as Pandoc's fenced divs with a title, as
admonitions.py rewrites Starlight's, so that it prints as the same titled box; the quote's lines
lose their `>`. Kinds other tools add (Obsidian's `[!example]`) print as a note with their
own name as the title."""

from __future__ import annotations

import re

from .prose import WORDS, Notes, Page, outside_code, word

ALERT = re.compile(r"^(?P<indent>[ \t]{0,3})>[ \t]?\[!(?P<kind>[A-Za-z]+)\][-+]?[ \t]*"
                   r"(?P<title>[^\n]*)\n(?P<body>(?:[ \t]{0,3}>[^\n]*(?:\n|$))*)", re.M)
QUOTE_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)


def convert(text: str, page: Page, notes: Notes) -> str:
    out, position = [], 0
    for match in outside_code(ALERT, text):
        if match.start() < position:
            continue
        named = match["kind"].lower()
        kind = named if named in WORDS else "note"
        title = match["title"].strip() or (
            word(kind, page.lang) if named in WORDS else match["kind"].capitalize())
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        body = QUOTE_MARK.sub("", match["body"]).rstrip("\n")
        out += [text[position:match.start()], f'::: {{.{kind} title="{escaped}"}}\n{body}\n:::\n']
        position = match.end()
    return "".join(out) + text[position:]
