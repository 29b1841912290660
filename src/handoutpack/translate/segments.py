"""A Markdown body cut into translatable blocks, with its markup protected by placeholders.

A body becomes a skeleton (the lines, with every translatable block replaced by a slot) and a list
of segments (the blocks' text). Inline markup a translator must not break becomes a placeholder:
`<x1/>` for something kept whole (code, a URL, a Jinja expression, an image, a footnote call) and
`<g1>...</g1>` around text that stays translatable (a link's text, bold, italic). The placeholders
look like XLIFF's inline tags, which Poedit, Weblate and Crowdin show as tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inline import (INLINE, TAG, PlaceholderError, check_placeholders, has_words,  # noqa: F401
                     _describe_pair, protect, restore)


@dataclass(frozen=True)
class Segment:
    """One translatable block: its text with placeholders, what kind of block, where it is."""

    text: str
    kind: str
    line: int
    """The line of the source file the block starts on."""
    markup: dict[str, str | tuple[str, str]] = field(default_factory=dict, compare=False)
    """What each placeholder stands for: x-names the text, g-names (opening, closing)."""
    context: str | None = None
    """The PO msgctxt: a front matter key or a label's name (the same English may be elsewhere)."""

    def legend(self) -> str:
        """For the translator: what each placeholder stands for."""
        parts = []
        for name, value in self.markup.items():
            if isinstance(value, tuple):
                parts.append(f"<{name}>…</{name}> = {_describe_pair(value)}")
            else:
                parts.append(f"<{name}/> = {value}")
        return "; ".join(parts)


@dataclass
class Skeleton:
    """A body's lines: each a list of literal text and slots (indexes into `segments`)."""

    lines: list[list[str | int]]
    segments: list[Segment]
    units: list[tuple[int, int, int, int]] = field(default_factory=list)
    """The body cut as it was read, one step at a time: (first source line, end, first of
    `lines`, end), indexes from 0; what lets an import keep a block's own lines."""

    def fill(self, texts: list[str]) -> str:
        """The body with the i-th slot replaced by texts[i] (Markdown, markup restored)."""
        out = []
        for parts in self.lines:
            out.append("".join(part if isinstance(part, str) else texts[part] for part in parts))
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------- blocks

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(?P<prefix>#{1,6}\s+)(?P<text>.*?)(?P<suffix>\s+\{[^}]*\})?\s*$")
LIST_ITEM = re.compile(r"^(?P<prefix>\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)(?P<text>\S.*)$")
QUOTE = re.compile(r"^(?P<prefix>(?:>\s?)+)(?P<text>.*)$")
FOOTNOTE = re.compile(r"^(?P<prefix>\[\^[^\]]+\]:\s*)(?P<text>.*)$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
BREAK = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
JINJA_LINE = re.compile(r"^\s*\{[%#].*[%#]\}\s*$")
JINJA_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")
DIRECTIVE = re.compile(r"^\s*<!--\s*_?[\w-]+\s*:.*-->\s*$")
ATTRIBUTES = re.compile(r"^\s*\{:[^}]*\}\s*$")
DEFINITION = re.compile(r"^(?P<prefix>(?:Table)?:\s+)(?P<text>\S.*)$")
"""A definition (`: text` under its term, Pandoc, kramdown, PHP Markdown Extra, MkDocs), or a
table's caption (`Table: text` or `: text` after the table, Pandoc)."""
DIV_FENCE = re.compile(r"^\s*:{3,}")
ADMONITION = re.compile(r'^(?P<prefix>\s*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*[ \t]+")'
                        r'(?P<text>[^"]*)(?P<suffix>"\s*)$')
"""An admonition with its title (`!!! note "Title"`, MkDocs); its text is the indented lines."""
ADMONITION_LINE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s")
ALERT = re.compile(r"^\s*\[!\w+\]\s*$")
"""A GitHub alert's marker (`> [!NOTE]`): syntax, not text."""


def segment(body: str, first_line: int = 1, notes: bool = False) -> Skeleton:
    """Cut a Markdown body into its skeleton and translatable segments; `first_line` is the
    body's first line in its file; `notes`: HTML comments are speaker notes (decks)."""
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cutter = _Cutter(lines, first_line, notes)
    cutter.run()
    return Skeleton(cutter.out, cutter.segments, cutter.units)


class _Cutter:
    def __init__(self, lines: list[str], first_line: int, notes: bool):
        self.lines, self.first_line, self.notes = lines, first_line, notes
        self.out: list[list[str | int]] = []
        self.segments: list[Segment] = []
        self.units: list[tuple[int, int, int, int]] = []
        self.i = 0

    def slot(self, text: str, kind: str, index: int) -> str | int:
        """A slot for `text` (joined lines), or the text itself when there is nothing to translate."""
        msgid, markup = protect(text.strip())
        numbers = kind == "table cell" and any(ch.isdigit() for ch in TAG.sub("", msgid))
        if not has_words(msgid) and not numbers:  # a figure's format is the language's: 1,5 %
            return text.strip()
        self.segments.append(Segment(msgid, kind, self.first_line + index, markup))
        return len(self.segments) - 1

    def run(self) -> None:
        while self.i < len(self.lines):
            line, start, first_out = self.lines[self.i], self.i, len(self.out)
            for step in (self.fence, self.verbatim, self.comment, self.jinja, self.heading,
                         self.table, self.list_item, self.admonition, self.definition,
                         self.prefixed):
                if step(line):
                    break
            else:
                self.paragraph()
            self.units.append((start, self.i, first_out, len(self.out)))

    def fence(self, line: str) -> bool:
        match = FENCE.match(line)
        if not match:
            return False
        self.out.append([line])
        self.i += 1
        while self.i < len(self.lines):
            self.out.append([self.lines[self.i]])
            self.i += 1
            if self.lines[self.i - 1].strip().startswith(match[1]):
                break
        return True

    def verbatim(self, line: str) -> bool:
        if line.strip() and not BREAK.match(line) and not DIRECTIVE.match(line) \
                and not ATTRIBUTES.match(line) and not DIV_FENCE.match(line) \
                and not (ADMONITION_LINE.match(line) and not ADMONITION.match(line)) \
                and not line.lstrip().startswith(("<div", "</div")):
            return False
        self.out.append([line])
        self.i += 1
        return True

    def comment(self, line: str) -> bool:
        if not line.lstrip().startswith("<!--"):
            return False
        start = self.i
        while self.i < len(self.lines) and "-->" not in self.lines[self.i]:
            self.i += 1
        self.i = min(self.i, len(self.lines) - 1)
        block = self.lines[start:self.i + 1]
        self.i += 1
        inner = "\n".join(block).strip()[4:-3]
        if not self.notes or not has_words(inner) or "-->" not in block[-1]:
            self.out += [[text] for text in block]
            return True
        self.out.append(["<!--"])
        paragraphs = [p for p in re.split(r"\n\s*\n", inner.strip("\n"))]
        offset = start + (0 if block[0].strip() != "<!--" else 1)
        for number, paragraph in enumerate(paragraphs):
            if number:
                self.out.append([""])
            self.out.append([self.slot(" ".join(paragraph.split()), "speaker note", offset)])
            offset += paragraph.count("\n") + 2
        self.out.append(["-->"])
        return True

    def jinja(self, line: str) -> bool:
        """A Jinja statement alone on its line: kept, but the text of a call's string arguments
        (a call-out's title) is translatable."""
        if not JINJA_LINE.match(line):
            return False
        parts: list[str | int] = []
        start = 0
        if line.lstrip().startswith("{% call"):
            for match in JINJA_STRING.finditer(line):
                text = match[1] if match[1] is not None else match[2]
                if not has_words(text):
                    continue
                parts.append(line[start:match.start() + 1])
                parts.append(self.slot(text, "call-out title", self.i))
                start = match.end() - 1
        parts.append(line[start:])
        self.out.append(parts)
        self.i += 1
        return True

    def heading(self, line: str) -> bool:
        match = HEADING.match(line)
        if not match:
            return False
        return self._framed(match, "heading")

    def table(self, line: str) -> bool:
        if not line.lstrip().startswith("|"):
            return False
        if TABLE_RULE.match(line):
            self.out.append([line])
        else:
            parts: list[str | int] = []
            for piece in re.split(r"((?<!\\)\|)", line):
                if piece == "|" or not piece.strip():
                    parts.append(piece)
                else:
                    lead = piece[:len(piece) - len(piece.lstrip())]
                    trail = piece[len(piece.rstrip()):]
                    parts += [lead, self.slot(piece, "table cell", self.i), trail]
            self.out.append(parts)
        self.i += 1
        return True

    def list_item(self, line: str) -> bool:
        match = LIST_ITEM.match(line)
        if not match:
            return False
        return self._joined(match, "list item")

    def admonition(self, line: str) -> bool:
        match = ADMONITION.match(line)
        if not match:
            return False
        return self._framed(match, "note title")

    def definition(self, line: str) -> bool:
        """A definition or a caption: a block of its own, its `:` kept, its lines joined."""
        match = DEFINITION.match(line)
        if not match:
            return False
        above = next((text for text in (_literal(parts) for parts in reversed(self.out))
                      if text.strip()), "")
        caption = line.startswith("Table:") or above.lstrip().startswith("|")
        return self._joined(match, "caption" if caption else "definition")

    def _framed(self, match: re.Match, kind: str) -> bool:
        """A one-line block: its markup before and after, its text one entry."""
        self.out.append([match["prefix"], self.slot(match["text"], kind, self.i),
                         match["suffix"] or ""])
        self.i += 1
        return True

    def _joined(self, match: re.Match, kind: str) -> bool:
        """A block whose indented following lines continue it: one entry, its lines joined."""
        start, text = self.i, [match["text"]]
        self.i += 1
        while self.i < len(self.lines) and self._continues(self.lines[self.i], indented=True):
            text.append(self.lines[self.i].strip())
            self.i += 1
        self.out.append([match["prefix"], self.slot(" ".join(text), kind, start)])
        return True

    def prefixed(self, line: str) -> bool:
        """A quotation or a footnote's text: its prefix kept, the rest a paragraph."""
        match = QUOTE.match(line) or FOOTNOTE.match(line)
        if not match:
            return False
        if ALERT.match(match["text"]):
            self.out.append([line])
            self.i += 1
            return True
        self.out.append([match["prefix"], self.slot(match["text"], "paragraph", self.i)])
        self.i += 1
        return True

    def paragraph(self) -> None:
        start = self.i
        text = [self.lines[self.i].strip()]
        self.i += 1
        while self.i < len(self.lines) and self._continues(self.lines[self.i], indented=False):
            text.append(self.lines[self.i].strip())
            self.i += 1
        indent = self.lines[start][:len(self.lines[start]) - len(self.lines[start].lstrip())]
        term = len(text) == 1 and self.i < len(self.lines) and DEFINITION.match(self.lines[self.i])
        self.out.append([indent, self.slot(" ".join(text), "term" if term else "paragraph",
                                           start)])

    def _continues(self, line: str, indented: bool) -> bool:
        """Whether `line` goes on the block above (a paragraph's or a list item's next line)."""
        if not line.strip() or FENCE.match(line) or BREAK.match(line) or JINJA_LINE.match(line):
            return False
        if HEADING.match(line) or line.lstrip().startswith(("|", "<!--", ">")):
            return False
        if LIST_ITEM.match(line) or ATTRIBUTES.match(line) or DEFINITION.match(line) \
                or DIV_FENCE.match(line) or ADMONITION_LINE.match(line):
            return False
        return line.startswith((" ", "\t")) or not indented


def _literal(parts: list[str | int]) -> str:
    """A skeleton line's own text (its slots left out)."""
    return "".join(part for part in parts if isinstance(part, str))
