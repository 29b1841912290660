"""kramdown's block attribute lists on a line of their own after a block (`{: .challenge}` after
a blockquote, as Jekyll lessons write them, nested quotes included): the attributes go to that
block. Python-Markdown's attr_list reads IALs at the end of a block's own last line only.
And kramdown's table of contents: a one-item list marked `{:toc}` (`* TOC`, as Jekyll themes
write it) is the document's contents, as `[TOC]` makes it in Python-Markdown, without the
headings marked `{:.no_toc}`. And kramdown's extensions: `{::comment}...{:/comment}` is left
out, `{::nomarkdown}...{:/}` keeps its text (HTML, as written), `{::options ... /}` (the
parser's settings) goes."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .attributes import parse
from .fenced_divs import code_fences
from .prose import replace_outside_code, replace_pairs

IAL_LINE = re.compile(r"^(?P<quotes>(?:>\s?)*)\{:(?P<attrs>[^}]*)\}\s*$")
QUOTES = re.compile(r"^(?:>\s?)*")
TABLE_ROW = re.compile(r"^(?:>\s?)*\s{0,3}\|")
LIST_ITEM = re.compile(r"^\s{0,3}(?:[*+-]|\d{1,9}[.)])\s+\S")
TOC_MARK = re.compile(r"(?:^|\s)toc(?:\s|$)")
EXTENSION = re.compile(r"\{::(?P<name>comment|nomarkdown)\}")
EXTENSION_END = re.compile(r"\{:/(?:comment|nomarkdown)?\}")
OPTIONS = re.compile(r"\{::options\b[^}\n]*/\}")
STASHED = re.compile(r"\x02?wzxhzdk:(\d+)\x03?")
"""A paragraph Python-Markdown holds a block of HTML in (markdown.util.HTML_PLACEHOLDER): a
fenced code block's, until it is written out."""
PRE = re.compile(r'<pre(?: class="(?P<class>[^"]*)")?>')
NO_TOC = "no_toc"
CONTENTS = "document-contents"
"""The class of a document's own contents (`[TOC]`, `{:toc}`); a pack's contents are `.toc`."""


def depth(line: str) -> int:
    return QUOTES.match(line)[0].count(">")


class QuoteAttributes(Preprocessor):
    """An IAL line that ends a deeper quote becomes a paragraph of its own, last in that quote
    (without this, it would be read as the end of the quote's last paragraph); one right after
    a table's last row becomes a paragraph after the table (else the table reads it as a row)."""

    def run(self, lines):
        result, previous = [], 0
        for line, in_code in code_fences(lines):
            match = None if in_code else IAL_LINE.match(line)
            if match and previous > depth(line):
                prefix = "> " * previous
                result += [prefix.rstrip(), prefix + "{:" + match["attrs"] + "}"]
                previous = depth(line)  # the deeper quote is closed now
                continue
            if match and result and TABLE_ROW.match(result[-1]):
                result.append(QUOTES.match(line)[0].rstrip())
            result.append(line)
            if line.strip():
                previous = depth(line)
        return result


class Extensions(Preprocessor):
    """kramdown's `{::name}` extensions outside code: a comment goes (its lines kept blank, so
    that the lines after it keep their numbers), nomarkdown's text stays as written, options
    go."""

    def run(self, lines):
        text = "\n".join(lines)
        if "{::" not in text:
            return lines
        text = replace_pairs(EXTENSION, EXTENSION_END, _extension, text)
        return replace_outside_code(OPTIONS, lambda match: "", text).split("\n")


def _extension(tag: re.Match, inner: str, end: re.Match) -> str:
    return "\n" * inner.count("\n") if tag["name"] == "comment" else inner


class ContentsList(Preprocessor):
    """`* TOC` then `{:toc}`: the list stands for the contents, and becomes Python-Markdown's
    `[TOC]` marker (which the toc extension replaces with the headings' list)."""

    def run(self, lines):
        result = []
        for line, in_code in code_fences(lines):
            match = None if in_code else IAL_LINE.match(line)
            if (match and not match["quotes"] and TOC_MARK.search(match["attrs"])
                    and result and LIST_ITEM.match(result[-1])
                    and (len(result) == 1 or not result[-2].strip())):
                result[-1] = "[TOC]"
                continue
            result.append(line)
        return result


class ContentsEntries(Treeprocessor):
    """The contents without the headings marked `.no_toc` (their entries' own entries move up
    in their place), and without a root that only repeats the page's leading heading."""

    def run(self, root):
        found = [e for e in root.iter("div") if e.get("class") == CONTENTS]
        if not found:  # (most documents: no walk for headings)
            return
        skipped = {h.get("id") for h in root.iter() if NO_TOC in h.get("class", "").split()}
        leading = root[0].get("id") if len(root) and root[0].tag == "h1" else None
        for contents in found:
            for parent in list(contents.iter()):
                for item in [c for c in parent if c.tag == "li"]:
                    if _target(item) in skipped:
                        _lift(parent, item)
            roots = [item for top in contents.findall("ul") for item in top.findall("li")]
            if len(roots) == 1 and leading and _target(roots[0]) == leading:
                _lift(contents.find("ul"), roots[0])
            _without_empty_lists(contents)
            if not list(contents.iter("li")):
                _parent(root, contents).remove(contents)


def _target(item: etree.Element) -> str | None:
    link = item.find("a")
    return (link.get("href") or "")[1:] if link is not None else None


def _without_empty_lists(element: etree.Element) -> None:
    for child in list(element):
        _without_empty_lists(child)
        if child.tag == "ul" and not len(child):
            element.remove(child)


def _parent(root: etree.Element, element: etree.Element) -> etree.Element:
    return next(p for p in root.iter() if element in list(p))


def _lift(parent: etree.Element, item: etree.Element) -> None:
    """`item` out of its list, the entries under it in its place."""
    at = list(parent).index(item)
    parent.remove(item)
    for sublist in item.findall("ul"):
        for entry in reversed(list(sublist)):
            parent.insert(at, entry)


class BlockAttributes(Treeprocessor):
    """A paragraph holding only an IAL gives its attributes to the block before it, or to its
    quote when it is the quote's last paragraph."""

    def run(self, root):
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "p" and len(child) == 0 and IAL_LINE.match(child.text or ""):
                    self._apply(parent, child)

    def _apply(self, parent: etree.Element, paragraph: etree.Element) -> None:
        children = list(parent)
        index = children.index(paragraph)
        target = (parent if parent.tag == "blockquote" and index == len(children) - 1
                  else children[index - 1] if index else None)
        if target is None:
            return
        attributes = parse(IAL_LINE.match(paragraph.text)["attrs"])
        parent.remove(paragraph)
        stashed = STASHED.fullmatch((target.text or "").strip()) \
            if target.tag == "p" and not len(target) else None
        if stashed:  # a code block (`{: .language-bash}` after it): its <pre> takes them
            self._to_stashed(int(stashed[1]), attributes)
            return
        for name, value in attributes.items():
            if name == "class" and target.get("class"):
                value = f"{target.get('class')} {value}"
            target.set(name, value)

    def _to_stashed(self, index: int, attributes: dict[str, str]) -> None:
        blocks = self.md.htmlStash.rawHtmlBlocks
        found = PRE.search(blocks[index])
        if found is None:
            return
        written = "".join(f' {name}="{html.escape(value)}"' for name, value in attributes.items()
                          if name != "class")
        classes = " ".join(filter(None, [found["class"], attributes.get("class", "")]))
        classes = f' class="{html.escape(classes)}"' if classes else ""
        blocks[index] = blocks[index][:found.start()] + f"<pre{classes}{written}>" + \
            blocks[index][found.end():]


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(QuoteAttributes(md), "kramdown_quote_attributes", 28)
        md.preprocessors.register(Extensions(md), "kramdown_extensions", 29)
        md.preprocessors.register(ContentsList(md), "kramdown_contents_list", 27)
        md.treeprocessors.register(BlockAttributes(md), "kramdown_block_attributes", 7.5)
        md.treeprocessors.register(ContentsEntries(md), "kramdown_contents_entries", 4)  # after toc
