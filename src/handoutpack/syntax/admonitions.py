"""Starlight's and Docusaurus' admonitions (`:::tip`, `:::note[A title]`, `:::caution Title`),
rewritten before Jinja as Pandoc's fenced divs with a title (`::: {.tip title="A title"}`), which
fenced_divs prints as a titled box. With no title of their own they get the site's: Note, Tip...
in the document's language. Pandoc's own `::: note` (with a space) is left to fenced_divs."""

from __future__ import annotations

import re

from .prose import Notes, Page, code_ranges, word

KINDS = "note|tip|info|caution|danger|warning|important|success|secondary"
OPENING = re.compile(rf"^(?P<indent> {{0,3}})(?P<colons>:{{3,}})(?:(?P<kind>{KINDS})"
                     rf"(?:\[(?P<title>[^\]\n]*)\])?|[ \t]*(?P<spaced>{KINDS})[ \t]*\[(?P<title2>"
                     rf"[^\]\n]*)\])(?:[ \t]+(?P<rest>[^{{\n]*?))?[ \t]*(?P<attrs>\{{[^}}\n]*\}})?"
                     rf"[ \t]*$", re.M)


def convert(text: str, page: Page, notes: Notes) -> str:
    ranges = code_ranges(text)

    def rewrite(match: re.Match) -> str:
        if any(a <= match.start() < b for a, b in ranges):
            return match[0]
        kind = match["kind"] or match["spaced"]
        title = match["title"] or match["title2"] or (match["rest"] or "").strip() \
            or word(kind, page.lang)
        title = title.replace("\\", "\\\\").replace('"', '\\"')
        return f'{match["indent"]}{match["colons"]} {{.{kind} title="{title}"}}'

    return OPENING.sub(rewrite, text)
