"""Starlight's and Docusaurus' admonitions (`:::tip`, `:::note[A title]`, `:::caution Title`),
rewritten before Jinja as Pandoc's fenced divs with a title (`::: {.tip title="A title"}`), which
fenced_divs prints as a titled box. With no title of their own they get the site's: Note, Tip...
in the document's language. Inside a list item (indented), where a box cannot go, one becomes
a quote of that class with its title in bold. Pandoc's own `::: note` is left to fenced_divs."""

from __future__ import annotations

import re

from .prose import Notes, Page, callout, outside_code, word

KINDS = "note|tip|info|caution|danger|warning|important|success|secondary"
OPENING = re.compile(rf"^(?P<indent>[ \t]*)(?P<colons>:{{3,}})(?:(?P<kind>{KINDS})"
                     rf"(?:\[(?P<title>[^\]\n]*)\])?|[ \t]*(?P<spaced>{KINDS})[ \t]*\[(?P<title2>"
                     rf"[^\]\n]*)\])(?:[ \t]+(?P<rest>[^{{\n]*?))?[ \t]*(?P<attrs>\{{[^}}\n]*\}})?"
                     rf"[ \t]*$", re.M)
CLOSING = re.compile(r"^[ \t]*:{3,}[ \t]*$", re.M)


def convert(text: str, page: Page, notes: Notes) -> str:
    out, position = [], 0
    openings = outside_code(OPENING, text)
    while True:
        match = next((m for m in openings if m.start() >= position), None)
        if match is None:
            return "".join(out) + text[position:]
        kind = match["kind"] or match["spaced"]
        title = (match["title"] or match["title2"] or (match["rest"] or "").strip()
                 or word(kind, page.lang))
        indent = match["indent"]
        if len(indent.expandtabs(4)) < 4:  # a box: fenced_divs closes it
            escaped = title.replace("\\", "\\\\").replace('"', '\\"')
            out += [text[position:match.start()],
                    f'{indent}{match["colons"]} {{.{kind} title="{escaped}"}}']
            position = match.end()
            continue
        closing = CLOSING.search(text, match.end())
        end = closing.start() if closing else len(text)
        out += [text[position:match.start()], indent,
                callout(kind, title, text[match.end():end], indent).strip("\n")]
        position = closing.end() if closing else len(text)
