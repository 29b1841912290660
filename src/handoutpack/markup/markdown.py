"""Markdown to HTML: the extensions and syntax dialects, figures numbered, a document's body made
whole (Jinja, Markdown, typesetting)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import markdown
from pymdownx.emoji import emojione
from pymdownx.emoji import to_alt as emoji_to_alt

from .. import bounds, syntax
from ..errors import HandoutpackError
from ..sources.content import Translation
from ..store.memos import memo
from . import typography
from .jinja import Context, expand
from .memory import kept_call

H1_LINE = re.compile(r"#[ \t]+\S")
LEADING_H1 = re.compile(r"\s*<h1\b[^>]*>(?P<text>.*?)</h1>\s*", re.S)
MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "toc", "pymdownx.magiclink", "admonition",
                       "pymdownx.emoji", "pymdownx.tilde", "pymdownx.caret", "pymdownx.mark",
                       "pymdownx.keys"]
"""admonition and pymdownx.emoji read MkDocs' `!!! note` blocks and `:smile:` short codes;
tilde and caret Pandoc's and GitHub's ~~strikeout~~, H~2~O and 2^10^ (and ^^inserted^^), mark
and keys Material for MkDocs' ==marked== text and ++ctrl+alt+del++ keys."""


@memo("process")
def _emoji_index() -> dict:
    """pymdownx's EmojiOne table, copied once per process. Its default index deep-copies the
    table (thousands of entries) for every Markdown instance: 23 ms a document, over ten seconds
    of a cold build. The table is the library's constant data and the extension only reads it."""
    return emojione({}, None)


def heading_slug(value: str, separator: str = "-") -> str:
    """A heading's anchor as GitHub and Hugo make it: lower case, punctuation dropped, spaces
    as hyphens, and every letter kept whole, combining marks included (Markdown's own
    slugify_unicode drops them: Devanagari's vowel signs, Arabic's harakat), so
    `[…](#अन्य-कोड-एडिटर)` written for GitHub finds its heading here too."""
    kept = "".join(c for c in value if c.isalnum() or c in "_-" or c.isspace()
                   or unicodedata.category(c).startswith("M"))
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, kept.strip().lower())


MARKDOWN_CONFIG = {"toc": {"slugify": heading_slug, "permalink": False,
                           "toc_class": syntax.kramdown.CONTENTS},
                   "pymdownx.magiclink": {"hide_protocol": True},
                   "pymdownx.emoji": {"emoji_generator": emoji_to_alt,
                                      "emoji_index": lambda options, md: _emoji_index()}}


@memo("inputs", maxsize=256)  # within a build, a deck's slides are made into several layouts
def to_html(text: str, figure_label: str = "Figure {number}", line_breaks: bool = False) -> str:
    """Markdown to HTML, with footnotes where they are called and numbered figures; with
    `line_breaks`, each line break stays one (as in an email)."""
    return kept_call("markdown", (text, figure_label, str(line_breaks)),
                      lambda: _to_html(text, figure_label, line_breaks))


def _to_html(text: str, figure_label: str, line_breaks: bool) -> str:
    return converter(figure_label, line_breaks).convert(text)


def converter(figure_label: str = "Figure {number}", line_breaks: bool = False
              ) -> markdown.Markdown:
    """A Markdown converter as to_html uses; one kept for many texts needs `reset()` between
    them (making one sets up every extension again)."""
    extensions = [*MARKDOWN_EXTENSIONS, *syntax.extensions(), typography.PrintExtension(figure_label),
                  *(["nl2br"] if line_breaks else []), bounds.Clock()]
    return markdown.Markdown(extensions=extensions, extension_configs=MARKDOWN_CONFIG)


def document_body(translation: Translation, context: Context,
                  words: dict[str, str] | None = None) -> str:
    """The document's HTML body. `words` are the labels in its language (for "Figure 2")."""
    text = expand(translation, context)
    with bounded_markdown(translation, text):
        body = to_html(text, figure_label(translation, words))
    return without_repeated_title(body, translation.meta.title)


@contextmanager
def bounded_markdown(translation: Translation, text: str) -> Iterator[None]:
    """Turn `text` (the translation's expanded source) into HTML within the block, refusing the
    shapes Python-Markdown is slow or recursive on, and stopping it when it takes too long."""
    name = translation.path.name
    bounds.check_markdown(name, text)
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, name):
            yield
    except RecursionError:
        raise HandoutpackError("its Markdown is nested too deeply (quotes, lists or "
                               "HTML inside each other); flatten it", file=name) from None


def without_repeated_title(body: str, title: str) -> str:
    """`body` without a first `# heading` that repeats the title (as pages written for MkDocs or
    Jekyll start), which the page prints above it already."""
    first = LEADING_H1.match(body)
    if first and _plain(first["text"]) == _plain(html.escape(title, quote=False)):
        return body[first.end():]
    return body


def _plain(markup_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup_text)).split()).casefold()


def figure_label(translation: Translation, words: dict[str, str] | None) -> str:
    """The label numbered figures get in this translation, e.g. "Figure {number}"."""
    label = (words or {}).get("figure", "Figure {number}")
    try:
        label.format(number=1)
    except (KeyError, IndexError, ValueError):
        raise HandoutpackError(f"figure = {label!r} ({translation.lang}): write the number as "
                               "{number}, e.g. \"Figure {number}\"", file="labels") from None
    return label

