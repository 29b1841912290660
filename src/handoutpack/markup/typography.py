"""Typesetting the HTML: language-aware punctuation, footnotes at the foot of the page, numbered figures."""

from __future__ import annotations

import copy
import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

from markdown import Extension, Markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

from ..project.settings import Typography
from .scripts import direction, isolate

NNBSP = "\u202f"  # narrow no-break space: French spacing before ; : ! ? and inside « »
QUOTE_MARKS = {"en": "“”", "fr": "«»", "es": "«»"}
"""Each language's quotation marks, opening and closing; [typography] quote_marks overrides."""

SKIPPED = {"code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "svg", "math"}
RAW_TEXT = {"script", "style"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
          "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}

URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bmailto:|\bwww\.)[^\s<>\"«»“”،؛]*[^\s<>\"«»“”.,;:!?)،؛]"
                 r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                 r"|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/[^\s<>\"«»“”،؛]*[^\s<>\"«»“”.,;:!?)،؛]", re.I)
"""URLs, e-mail addresses and bare 'domain.org/path' links: their characters are never changed.
Arabic's comma and semicolon (، ؛) end one, as a Latin comma does."""

EM_DASH = re.compile(r"(?<!-)---(?!-)")
EN_DASH = re.compile(r"(?<!-)--(?!-)")
SPACED_HYPHEN = re.compile(r"(?<=\s)-(?=\s)")
APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|'(?=\d\ds?\b)")  # it's, the '90s
OPENING = r"(?<=[\s(\[{\u2014\u2013/«“‘])"
OPEN_DOUBLE = re.compile(OPENING + '"')
OPEN_SINGLE = re.compile(OPENING + "'")
CLOSE_SINGLE = re.compile(r"(?<=\S)'(?!\w)")
FRENCH_BEFORE = re.compile(r"(?<=[^\s(\[{«])[ \u00a0\u202f]*([;:!?][!?]*)(?![\w/])")
FRENCH_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
FRENCH_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
NAME_LIKE = (r"\w*[a-z\d]\w*?[A-Z]\w*"       # a capital inside: MicroRate, eMFP
             r"|[A-Z][A-Z\d]+(?:[-'’]?\w+)?"  # an acronym: CERISE, SPI4, MFIs
             r"|\w+(?:\+\w+)+")               # joined with '+': Cerise+SPTF
"""Words that are names whatever the language: never broken with a hyphen."""


# ---------------------------------------------------------------- punctuation in text nodes


def punctuate(text: str, lang: str, settings: Typography, before: str = " ") -> str:
    """`text` with the language's punctuation; `before` is the character that precedes it."""
    parts, start = [], 0
    for url in URL.finditer(text):
        parts.append(_punctuate(text[start:url.start()], lang, settings,
                                (parts[-1][-1:] if parts and parts[-1] else "") or before))
        parts.append(isolate(url.group()) if direction(lang) == "rtl" else url.group())
        start = url.end()
    parts.append(_punctuate(text[start:], lang, settings,
                            (parts[-1][-1:] if parts and parts[-1] else "") or before))
    return "".join(parts)


def _punctuate(text: str, lang: str, settings: Typography, before: str) -> str:
    if not text:
        return text
    text = before + text  # one character of context, which no rule below may change
    language = lang.split("-")[0].lower()
    if settings.dashes:
        text = _sub(EM_DASH, "\u2014", text)
        text = _sub(EN_DASH, "\u2013", text)
        text = _sub(SPACED_HYPHEN, "\u2013", text)
    if settings.apostrophes:
        text = _sub(APOSTROPHE, "\u2019", text)
    if settings.quotes:
        marks = settings.quote_marks.get(lang) or settings.quote_marks.get(language) \
            or QUOTE_MARKS.get(language)
        if marks:
            text = _sub(OPEN_DOUBLE, marks[0], text).replace('"', marks[1])
        text = _sub(CLOSE_SINGLE, "\u2019", _sub(OPEN_SINGLE, "\u2018", text))
    if language == "fr" and settings.french_spacing:
        text = _sub(FRENCH_BEFORE, lambda m: NNBSP + m[1], text)
        text = _sub(FRENCH_AFTER_OPENING, "«" + NNBSP, text)
        text = _sub(FRENCH_BEFORE_CLOSING, NNBSP + "»", text)
    return text[1:]


def _sub(pattern: re.Pattern, replacement, text: str) -> str:
    """pattern.sub, leaving the first (context) character alone; lookbehinds still see it."""
    out, last = [], 1
    for match in pattern.finditer(text, 1):
        new = replacement(match) if callable(replacement) else replacement
        out += [text[last:match.start()], new]
        last = match.end()
    return text[:1] + "".join(out) + text[last:]


def unbreakable_words(settings: Typography) -> re.Pattern:
    """Names, acronyms and the [typography] never_hyphenate words, as whole words."""
    listed = "|".join(re.escape(w) for w in sorted(settings.never_hyphenate, key=len, reverse=True))
    return re.compile(rf"(?<![\w+])(?:{listed + '|' if listed else ''}{NAME_LIKE})(?![\w+])")


def keep_whole(text: str, words: re.Pattern, space_inside: bool = False) -> str:
    """Escaped `text`, each name in it in a span that hyphenation leaves alone (with the space
    before it inside, when `space_inside`: see SPACE_INSIDE)."""
    out, last = [], 0
    for match in words.finditer(text):
        if len(match[0]) < 5:  # too short to be hyphenated anyway
            continue
        before, lead = text[last:match.start()], ""
        if space_inside and before.endswith(" "):
            before, lead = before[:-1], " "
        out += [html.escape(before, quote=False),
                f'<span class="no-hyphens">{lead}{html.escape(match[0], quote=False)}</span>']
        last = match.end()
    return "".join(out) + html.escape(text[last:], quote=False)


SPACE_INSIDE = {"strong", "em", "b", "i"}
"""Emphasis whose space before it moves inside it (the same text), on pages for paper, as does
a name kept whole (keep_whole): WeasyPrint 70, when the text before such an element runs a
hair past the line's end, may break the line after its FIRST word instead ("The" alone, then
the rest; an Arabic flyer's "الفريق" when "Cerise+SPTF" was in a span); with the break inside the element
it breaks where it should. A heading's last two words, kept together in a span that may not
break (see _last_words), get the space before them in a span of its own instead. Emails and
web pages keep their markup as written."""


class _Typesetter(HTMLParser):
    """Re-emits an HTML page unchanged but for the text of its body, which it punctuates.

    Tags and attributes are copied as they were written; text inside code, URLs and the like is
    left alone; each element's `lang` attribute picks the rules for the text within it."""

    def __init__(self, lang: str, settings: Typography):
        super().__init__(convert_charrefs=True)
        self.settings = settings
        self.out: list[str] = []
        self.stack: list[tuple[str, str, bool]] = [("", lang, True)]  # tag, lang, skipped
        self.previous = " "  # the last character of text in the current block, for context
        self.link = ""  # the href of the link being read: a link that shows its URL is kept
        self.names = unbreakable_words(settings) if settings.hyphenate else None
        self.paper = False
        self.titled: int | None = None  # the depth of the stack under a TITLED element

    def handle_starttag(self, tag, attrs):
        if tag == "html":  # a page for paper (base.html names its paper): WeasyPrint lays it out
            self.paper = "paper-" in (dict(attrs).get("class") or "")
        space_inside = (self.paper and tag in SPACE_INSIDE and not self.stack[-1][2] and self.out
                        and self.out[-1].endswith(" "))
        if space_inside:  # "about <strong>doing" -> "about<strong> doing": see SPACE_INSIDE
            self.out[-1] = self.out[-1][:-1]
        self.out.append(self.get_starttag_text() + (" " if space_inside else ""))
        if tag not in INLINE:
            self.previous = " "
        if tag in VOID:
            return
        _, lang, skipped = self.stack[-1]
        values = dict(attrs)
        if tag == "a":
            self.link = values.get("href") or ""
        if tag == "body":
            skipped = False
        if self.titled is None and TITLED.search(values.get("class") or ""):
            self.titled = len(self.stack)
        self.stack.append((tag, values.get("lang") or lang, skipped or tag in SKIPPED))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag == "a":
            self.link = ""
        if tag not in INLINE:
            self.previous = " "
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break
        if self.titled is not None and len(self.stack) <= self.titled:
            self.titled = None

    def handle_data(self, data):
        tag, lang, skipped = self.stack[-1]
        if tag in RAW_TEXT:
            self.out.append(data)
            return
        if not skipped and not _shows(self.link, data):
            data = punctuate(data, lang, self.settings, self.previous)
        together = ""
        if not skipped and (self.titled is not None
                            or any(entry[0] in HEADINGS for entry in self.stack)):
            data, together = _last_words(data)
        gap = ""
        if together and self.paper and data.endswith(" "):  # see SPACE_INSIDE: the space apart
            data, gap = data.rstrip(" "), '<span class="gap"> </span>'
        # Right to left, no span: WeasyPrint orders the boxes of a Latin run split by spans as
        # Arabic ("Foundation Grameen"), and nothing is hyphenated there anyway (handout.css)
        if (not skipped and self.names and tag not in ("title", "option", "textarea")
                and direction(lang) == "ltr"):
            self.out.append(keep_whole(data, self.names, self.paper))
        else:
            self.out.append(html.escape(data, quote=False))
        if together:
            self.out.append(f'{gap}<span class="together">{html.escape(together, quote=False)}'
                            "</span>")
        if data:
            self.previous = data[-1]

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


HEADINGS = {"h1", "h2", "h3"}
TITLED = re.compile(r"\btitle-band\b")
"""Classes of elements whose text is set as a title (a title slide's band: its subtitle)."""
LAST_WORDS = re.compile(r"(\S+) +(\S+)(\s*)$")


def _last_words(text: str) -> tuple[str, str]:
    """A heading's text, and its last two words apart, to keep on one line (a span styled
    `white-space: nowrap`), so that no title ends with one word alone ("Conference / Pack");
    two long words stay free to part. The text is unchanged: bookmarks read it as written."""
    match = LAST_WORDS.search(text)
    if not match or len(match[1]) + len(match[2]) > 22:
        return text, ""
    return text[:match.start()], text[match.start():]


def _shows(href: str, text: str) -> bool:
    """Whether a link's text is its own address (with or without the scheme)."""
    text = text.strip()
    return bool(href and text) and (text == href or href.split(":", 1)[-1].lstrip("/") == text)


def typeset(page: str, lang: str, settings: Typography) -> str:
    """A full HTML page with its body's punctuation set for `lang` (and each element's `lang`)."""
    parser = _Typesetter(lang, settings)
    parser.feed(page)
    parser.close()
    return "".join(parser.out)


# ---------------------------------------------------------------- Markdown: footnotes and figures


class PrintExtension(Extension):
    """Footnotes placed where they are called (for CSS `float: footnote`) and numbered figures."""

    def __init__(self, figure_label: str = "Figure {number}", **kwargs):
        self.figure_label = figure_label
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # after attribute lists (8), before the table of contents (5)
        md.treeprocessors.register(_PrintTree(md, self.figure_label), "print", 6)


class _PrintTree(Treeprocessor):
    def __init__(self, md: Markdown, figure_label: str):
        super().__init__(md)
        self.figure_label = figure_label

    def run(self, root: etree.Element) -> None:
        _footnotes_in_place(root)
        _figures(root, self.figure_label)


def _parents(root: etree.Element) -> dict[etree.Element, etree.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _footnotes_in_place(root: etree.Element) -> None:
    """Move each footnote's text from the list at the end into a span where it is called."""
    parents = _parents(root)
    lists = [div for div in root.iter("div") if div.get("class") == "footnote"]
    notes = {li.get("id"): li for div in lists for li in div.iter("li")}
    for sup in list(root.iter("sup")):
        link = sup.find("a")
        if link is None or link.get("class") != "footnote-ref":
            continue
        note = notes.get(link.get("href", "").lstrip("#"))
        if note is None:
            continue
        span = _footnote_span(note)
        span.tail = sup.tail
        parent = parents[sup]
        parent.insert(list(parent).index(sup), span)
        parent.remove(sup)
    for div in lists:
        parents[div].remove(div)


def _footnote_span(note: etree.Element) -> etree.Element:
    """The footnote as inline content: its paragraphs become block spans, back-links go."""
    span = etree.Element("span", {"class": "footnote"})
    for block in copy.deepcopy(list(note)):
        backlinks = [(parent, a) for parent in block.iter() for a in parent
                     if a.tag == "a" and a.get("class") == "footnote-backref"]
        for parent, link in backlinks:
            _drop(parent, link)
        for element in block.iter():
            element.text = (element.text or "").replace(NBSP_PLACEHOLDER, "") or None
            element.tail = (element.tail or "").replace(NBSP_PLACEHOLDER, "") or None
        if not (block.text or "").strip() and not len(block):
            continue
        block.attrib = {"class": f"footnote-{block.tag}"}
        block.tag = "span"
        span.append(block)
    if len(span) == 1 and span[0].get("class") == "footnote-p":  # one paragraph: inline
        only = span[0]
        span.remove(only)
        span.text = only.text
        span.extend(list(only))
    return span


def _drop(parent: etree.Element, child: etree.Element) -> None:
    """Remove `child`, keeping the text that follows it."""
    index = list(parent).index(child)
    if child.tail:
        if index:
            parent[index - 1].tail = (parent[index - 1].tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _figures(root: etree.Element, label: str) -> None:
    """A paragraph holding only an image becomes a figure; a caption numbers it."""
    number = 0
    for paragraph in list(root.iter("p")):
        if len(paragraph) != 1 or paragraph[0].tag != "img" or (paragraph.text or "").strip() \
                or (paragraph[0].tail or "").strip():
            continue
        image = paragraph[0]
        caption = image.attrib.pop("caption", None) or image.attrib.pop("title", None)
        paragraph.tag, paragraph.text = "figure", None
        image.tail = None
        if caption:
            number += 1
            figcaption = etree.SubElement(paragraph, "figcaption")
            number_label = etree.SubElement(figcaption, "span", {"class": "figure-number"})
            number_label.text = label.format(number=number)
            number_label.tail = " " + caption
