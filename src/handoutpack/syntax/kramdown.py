"""kramdown's block attribute lists on a line of their own after a block (`{: .challenge}` after
a blockquote, as Jekyll lessons write them, nested quotes included): the attributes go to that
block. Python-Markdown's attr_list reads IALs at the end of a block's own last line only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .attributes import parse
from .fenced_divs import code_fences

IAL_LINE = re.compile(r"^(?P<quotes>(?:>\s?)*)\{:(?P<attrs>[^}]*)\}\s*$")
QUOTES = re.compile(r"^(?:>\s?)*")
TABLE_ROW = re.compile(r"^(?:>\s?)*\s{0,3}\|")


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
        for name, value in parse(IAL_LINE.match(paragraph.text)["attrs"]).items():
            if name == "class" and target.get("class"):
                value = f"{target.get('class')} {value}"
            target.set(name, value)
        parent.remove(paragraph)


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(QuoteAttributes(md), "kramdown_quote_attributes", 28)
        md.treeprocessors.register(BlockAttributes(md), "kramdown_block_attributes", 7.5)
