"""Markdown-looking text that reached the page unconverted: a fenced div line that opened or
closed nothing, an attribute list attached to nothing, an HTML entity printed as written, a
template tag of a document whose templating is off (Liquid's `{% include %}`, `{{ site.title }}`),
a Pandoc citation (`[@smith2020]`), TeX math (`$$E = mc^2$$`).
`check` (and so every build) warns about each, with its line: it is never printed silently."""

from __future__ import annotations

import re

PATTERNS = (
    (re.compile(r"(?m)^[ \t]*:{3,}.*$"),
     "a fenced div line that opens or closes no block; a block opens with ::: and a name "
     "(::: note) and closes with a line of colons only"),
    (re.compile(r"\{:[^}\n]*\}"),
     "a kramdown attribute list attached to nothing; put it at the end of the heading, image or "
     "link it is for, or on the line right after a block"),
    (re.compile(r"\{\s*[#.][\w-][^}\n]*\}|\{\s*[\w-]+=[^}\n]*\}"),
     "an attribute list attached to nothing; write it right after the image, link, heading or "
     "[bracketed text] it is for, with no space between"),
    (re.compile(r"\{%-?\s*\w+[^%\n]*%\}"
                r"|\{\{-?\s*(?:\.\w|\$|(?:site|page|jekyll|include|layout)\.)[^}\n]*\}\}"),
     "a template tag (Liquid, Jinja) that no template ran; write the text it stands for, or put "
     "it in `code` to show it"),
    (re.compile(r"\$\$[^$]+\$\$|\\\([^\n]*?\\\)|\\\[[^\n]*?\\\]"
                r"|(?<![\w$])\$[^\s$][^$\n]*?[\\^_{][^$\n]*?(?<=\S)\$(?![\w$])"),
     "TeX math, which is not typeset here; write the formula as text (E = mc², APR = 12 × r), "
     "or as an image"),
    (re.compile(r"\[[^\]\n]*?(?<![\w.])-?@[A-Za-z0-9_][^\]\n]*\]"),
     "a Pandoc citation, which only Pandoc with a bibliography makes a reference of; write the "
     "reference out (author, year, title)"),
    (re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"),
     "an HTML entity printed as written; write the character itself"),
)


def leftovers(text: str) -> list[tuple[str, str]]:
    """(the text as it prints, what it is and what to do) for each leftover in `text`."""
    return [(match[0].strip(), advice) for pattern, advice in PATTERNS
            for match in pattern.finditer(text)]
