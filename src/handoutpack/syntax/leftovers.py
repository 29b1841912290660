"""Markdown-looking text that reached the page unconverted: a fenced div line that opened or
closed nothing, an attribute list attached to nothing, an HTML entity printed as written, a
template tag of a document whose templating is off (Liquid's `{% include %}`, `{{ site.title }}`),
a Pandoc citation (`[@smith2020]`), TeX math (`$$E = mc^2$$`).
`check` (and so every build) warns about each, with its line: it is never printed silently."""

from __future__ import annotations

import re

SPAN = 300
"""The longest stretch a pattern looks through for its closing brace or bracket: each is
bounded, so that a line of openers that never close is read in linear time, not quadratic."""
PATTERNS = (
    (re.compile(r"(?m)^[ \t]*:{3,}.*$"),
     "a fenced div line that opens or closes no block; a block opens with ::: and a name "
     "(::: note) and closes with a line of colons only"),
    (re.compile(rf"\{{:[^}}\n]{{0,{SPAN}}}\}}"),
     "a kramdown attribute list attached to nothing; put it at the end of the heading, image or "
     "link it is for, or on the line right after a block"),
    (re.compile(rf"(?<!\{{)\{{ {{0,9}}[#.][\w-][^}}\n]{{0,{SPAN}}}\}}"  # not inside {{ }}
                rf"|(?<!\{{)\{{ {{0,9}}[\w-]{{1,60}}=[^}}\n]{{0,{SPAN}}}\}}"),
     "an attribute list attached to nothing; write it right after the image, link, heading or "
     "[bracketed text] it is for, with no space between"),
    (re.compile(rf"\{{%-? {{0,9}}\w{{1,60}}[^%\n]{{0,{SPAN}}}%\}}"
                rf"|\{{\{{-? {{0,9}}(?:\.\w|\$|(?:site|page|jekyll|include|layout)\.)"
                rf"[^}}\n]{{0,{SPAN}}}\}}\}}"),
     "a template tag (Liquid, Jinja) that no template ran; write the text it stands for, or put "
     "it in `code` to show it"),
    (re.compile(rf"\$\$[^$]{{1,{SPAN * 10}}}\$\$|\\\([^\n]{{0,{SPAN}}}?\\\)"
                rf"|\\\[[^\n]{{0,{SPAN}}}?\\\]"
                rf"|(?<![\w$])\$(?P<inline>[^\s$][^$\n]{{0,{SPAN}}}?)(?<=\S)\$(?![\w$])"),
     "TeX math, which is not typeset here; write the formula as text (E = mc², APR = 12 × r), "
     "or as an image"),
    (re.compile(rf"\[(?P<cited>[^\[\]\n]{{0,{SPAN}}})\]"),
     "a Pandoc citation, which only Pandoc with a bibliography makes a reference of; write the "
     "reference out (author, year, title)"),
    (re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"),
     "an HTML entity printed as written; write the character itself"),
)
TEX = re.compile(r"[\\^_{]")
"""What makes `$...$` math rather than two prices ("$5 and $10")."""
CITATION = re.compile(r"(?<![\w.])-?@\w")
"""What makes `[...]` a citation: an @key not inside an email address."""


def _kept(match: re.Match) -> bool:
    """Whether a match is what its pattern is after: inline math holds TeX, brackets cite."""
    groups = match.groupdict()
    if groups.get("inline") is not None:
        return bool(TEX.search(groups["inline"]))
    if "cited" in groups:
        return bool(CITATION.search(groups["cited"]))
    return True


def leftovers(text: str) -> list[tuple[str, str]]:
    """(the text as it prints, what it is and what to do) for each leftover in `text`."""
    return [(match[0].strip(), advice) for pattern, advice in PATTERNS
            for match in pattern.finditer(text) if _kept(match)]
