"""Pandoc's attribute lists: `{#id .class key=value}` after images, links, headings (Python-
Markdown's attr_list reads those) and on bracketed spans `[text]{.class}` (read here). Images
honour width and height as sizes, which WeasyPrint does not take from HTML attributes."""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

SPAN = r"\[(?P<text>[^\]\n]+)\]\{(?P<attrs>[^}\n]*)\}"
LENGTH = re.compile(r"^\d+(\.\d+)?$")
ID_LIST = re.compile(r"\{#(?=[^}\n]*(?<!#)\})")
"""`{#intro .wide}`: a Pandoc attribute list, which Jinja would take for the start of a comment
(`{# ... #}`, which ends with '#}' instead)."""
SAFE_ATTRIBUTES = {"id", "class", "lang", "dir", "title", "alt", "width", "height", "style"}
"""What an attribute list may set; event handlers and the like are dropped."""


def protect_from_jinja(source: str) -> str:
    """`source` with each `{#` that opens an attribute list written so that Jinja prints it."""
    return ID_LIST.sub('{{ "{#" }}', source)


def parse(text: str) -> dict[str, str]:
    """`#id .a .b key="a value" key2=v` as HTML attributes (classes joined)."""
    try:
        words = shlex.split(text.strip().lstrip(":"))
    except ValueError:  # an unclosed quote: read it word by word
        words = text.strip().lstrip(":").split()
    found: dict[str, str] = {}
    classes = []
    for word in words:
        if word.startswith("#") and len(word) > 1:
            found["id"] = word[1:]
        elif word.startswith(".") and len(word) > 1:
            classes.append(word[1:])
        elif "=" in word:
            name, _, value = word.partition("=")
            if name.lower() in SAFE_ATTRIBUTES or name.startswith("data-"):
                found[name.lower()] = value
        elif word:
            classes.append(word)  # Pandoc's `::: note`: a bare word is a class
    if classes:
        found["class"] = " ".join(classes)
    return found


def size_style(element: etree.Element) -> None:
    """width="40%" and height=120 as CSS sizes (a bare number counts pixels, as in HTML)."""
    sizes = []
    for name in ("width", "height"):
        value = element.attrib.pop(name, "").strip()
        if value:
            sizes.append(f"{name}: {value}px" if LENGTH.match(value) else f"{name}: {value}")
    if sizes:
        style = element.get("style", "").rstrip("; ")
        element.set("style", "; ".join(filter(None, [style, *sizes])))


class SpanProcessor(InlineProcessor):
    def handleMatch(self, match, data):
        span = etree.Element("span")
        for name, value in parse(match["attrs"]).items():
            span.set(name, value)
        span.text = match["text"]
        return span, match.start(0), match.end(0)


class ImageSizes(Treeprocessor):
    def run(self, root):
        for image in root.iter("img"):
            size_style(image)
            for name in [n for n in image.attrib if n.lower().startswith("on")]:
                del image.attrib[name]


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(SpanProcessor(SPAN, md), "bracketed_span", 175)
        md.treeprocessors.register(ImageSizes(md), "image_sizes", 7)  # after attr_list (8)
