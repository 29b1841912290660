"""Bare URLs before another script's punctuation: `https://cerise-sptf.org؛` is the address and
an Arabic semicolon. MagicLink (pymdownx), which links bare URLs, stops at ASCII punctuation but
takes the Arabic comma and semicolon, the ideographic full stop and the like into the link, so
its QR code and its link would lead nowhere. What follows the address is given back to the
text after the link; a link written as [text](url) is left as its author wrote it."""

from __future__ import annotations

import unicodedata

import markdown
from markdown.treeprocessors import Treeprocessor


def _end(url: str) -> int:
    """Where the address in `url` ends: at its first punctuation outside ASCII (a URL's own
    characters are ASCII, or the letters of a domain name written in its script; Chinese and
    Japanese put no space after a full stop, so what follows it is text too)."""
    return next((index for index, character in enumerate(url) if ord(character) > 127
                 and unicodedata.category(character).startswith("P")), len(url))


class BareUrlEnds(Treeprocessor):
    def run(self, root):
        for link in root.iter("a"):
            href, text = link.get("href", ""), link.text or ""
            end = _end(href)
            cut = len(href) - end
            if not cut or len(link) or not text.endswith(href[end:]):
                continue  # not a bare URL as MagicLink links one: its text is the address
            link.set("href", href[:end])
            link.text = text[:-cut]
            link.tail = href[end:] + (link.tail or "")


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(BareUrlEnds(md), "bare_url_ends", 7)  # after inline (20)
