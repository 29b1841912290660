"""Emoji print in colour from a font that has them (Debian's fonts-noto-color-emoji, which the
Makefile installs): each is wrapped in a span the theme sets in that font, so that a body font's
own black-and-white glyphs or an empty box never stand in. Without such a font they are printed
as their names, in brackets, and `check` warns."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor
from ..store.memos import memo

PICTOGRAPH = r"(?:[\U0001F000-\U0001FAFF]|[\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF]\uFE0F)"
EMOJI = re.compile(PICTOGRAPH + r"(?:[\uFE0F\u200D\U0001F3FB-\U0001F3FF\u20E3]|" + PICTOGRAPH
                   + r"|[\u2600-\u27BF])*")
SKIPPED = {"script", "style"}


@memo("machine")
def font_available() -> bool:
    """Whether fontconfig knows a font with emoji (one that draws U+1F600)."""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(["fc-list", ":charset=1f600", "family"], capture_output=True,
                               text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.strip())


def name(emoji: str) -> str:
    """'[party popper]' for 🎉: the names of its pictographs."""
    names = [unicodedata.name(c, "").lower() for c in emoji
             if c not in "\ufe0f\u200d" and unicodedata.name(c, "")]
    return "[" + " + ".join(n for n in names if not n.startswith("emoji modifier")) + "]"


def wrap(text: str, parent: etree.Element, before: etree.Element | None) -> str:
    """Put each emoji of `text` in a span inserted into `parent` (after `before`, or at its
    start); return the text left before the first one."""
    pieces = EMOJI.split(text)
    found = EMOJI.findall(text)
    if not found:
        return text
    if not font_available():
        return "".join(p + (name(e) if i < len(found) else "")
                       for i, (p, e) in enumerate(zip(pieces, [*found, ""])))
    index = list(parent).index(before) + 1 if before is not None else 0
    for offset, (emoji, tail) in enumerate(zip(found, pieces[1:])):
        span = etree.Element("span", {"class": "emoji"})
        span.text, span.tail = emoji, tail
        parent.insert(index + offset, span)
    return pieces[0]


class Emoji(Treeprocessor):
    def run(self, root):
        for element in list(root.iter()):
            if element.tag in SKIPPED or element.get("class") == "emoji":
                continue
            if element.text:
                element.text = wrap(element.text, element, None)
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tail and child.get("class") != "emoji":
                    child.tail = wrap(child.tail, parent, child)


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(Emoji(md), "emoji", 1)
