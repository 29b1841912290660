"""Decks in Markdown: slides split at ---, notes from comments, headings and ids made a deck's own."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..errors import HandoutpackError
from ..sources.content import Translation
from .jinja import Context, expand
from .markdown import H1_LINE, bounded_markdown, figure_label, to_html

SLIDE_BREAK = re.compile(r"\n[ \t]*---[ \t]*\n")


NOTES = re.compile(r"<!--(.*?)-->", re.S)


SUBHEADING = re.compile(r"^##", re.M)


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


FIRST_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)


SLIDE_SEPARATOR = "\x00"
"""Never in HTML: joins a deck's slides while their headings are levelled as one outline."""


ANCHOR = re.compile(r'\b(id="|href="#)')


def split_slides(text: str) -> list[str]:
    """Marp's convention: slides are separated by a line holding only '---'."""
    return [slide.strip("\n") for slide in SLIDE_BREAK.split("\n" + text + "\n") if slide.strip()]


def slide_notes(slide: str) -> tuple[str, str]:
    """(the slide without its HTML comments, the comments' text as speaker notes)."""
    notes = "\n\n".join(n.strip() for n in NOTES.findall(slide) if not n.strip().startswith("_"))
    return NOTES.sub("", slide).strip(), notes


@dataclass(frozen=True)
class Slide:
    """One slide of a deck, as HTML, with its speaker notes."""

    number: int
    kind: str
    """'title' (the first slide, headed '#'), 'section' (only a '#' heading) or 'content'."""
    title: str
    """Its heading as plain text ('' when it has none): for bookmarks and captions."""
    level: int
    """Its heading's level in the deck's outline (0 when it has none): 1 for the title slide,
    2 for sections and for slides before the first section, 3 for the slides of a section."""
    html: str
    notes_html: str


def deck(translation: Translation, context: Context,
         words: dict[str, str] | None = None) -> list[Slide]:
    """A presentation's slides, Marp-style: '---' between slides, notes in HTML comments.
    `words` are the labels in its language (for "Figure 2")."""
    label = figure_label(translation, words)
    expanded = expand(translation, context)
    sources = [slide_notes(s) for s in split_slides(expanded)]
    if not sources:
        raise HandoutpackError("has no slides; a presentation starts with a title slide "
                               "('# Title', then a subtitle line)", file=translation.path.name)
    kinds = [_slide_kind(number, text) for number, (text, _) in enumerate(sources, 1)]
    with bounded_markdown(translation, expanded):
        bodies = [_own_ids(to_html(text, label), f"s{number}-")
                  for number, (text, _) in enumerate(sources, 1)]
        notes_html = [_own_ids(to_html(notes, label), f"n{number}-")
                      for number, (_, notes) in enumerate(sources, 1)]
    titles = [_heading_text(body) for body in bodies]
    return [Slide(number, kind, title, _heading_level(body), _mark_heading(body), notes)
            for number, (kind, title, body, notes)
            in enumerate(zip(kinds, titles, _outline(bodies, kinds), notes_html), 1)]


def _outline(bodies: list[str], kinds: list[str]) -> list[str]:
    """The slides' headings as one outline: the title slide's at level 1, then sections and
    slides beneath it, never skipping a level (as screen readers and `check` expect)."""
    title = bodies[:1] if kinds[0] == "title" else []
    rest = SLIDE_SEPARATOR.join(bodies[len(title):])
    return title + _shift_headings(rest, top=2).split(SLIDE_SEPARATOR) if rest else title


def _shift_headings(body: str, top: int) -> str:
    """Headings from level `top` down, each one level below the nearest heading above it of a
    higher rank: never skipping a level, and slides of one rank staying siblings (a deck's first
    slides may be ## before any # section slide)."""
    ranks: list[int] = []  # the source levels of the headings enclosing this one

    def level(match: re.Match) -> str:
        if not match[1]:  # an opening tag; its closing tag follows before the next heading
            while ranks and ranks[-1] >= int(match[2]):
                ranks.pop()
            ranks.append(int(match[2]))
        return f"<{match[1]}h{min(top + len(ranks) - 1, 6)}"

    return HEADING_TAG.sub(level, body)


def _mark_heading(body: str) -> str:
    """Mark a slide's own heading (its first), for styles that do not depend on its level."""
    return FIRST_HEADING.sub(lambda m: f'<h{m[1]} class="slide-heading"{m[2]}>{m[3]}</h{m[1]}>',
                             body, count=1)


def _slide_kind(number: int, text: str) -> str:
    if not H1_LINE.match(text):
        return "content"
    if number == 1 and not SUBHEADING.search(text):
        return "title"  # '# Title', then a subtitle line or two
    return "section" if "\n" not in text else "content"


def _heading_level(body: str) -> int:
    match = FIRST_HEADING.search(body)
    return int(match[1]) if match else 0


def _heading_text(body: str) -> str:
    match = FIRST_HEADING.search(body)
    return html.unescape(re.sub(r"<[^>]+>", "", match[3])).strip() if match else ""


def _own_ids(body: str, prefix: str) -> str:
    """Prefix ids and in-page links, so that two slides never share an anchor."""
    return ANCHOR.sub(lambda m: m[1] + prefix, body)
