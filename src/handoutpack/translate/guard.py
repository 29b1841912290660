"""What a translation may not add to its English: template code, raw HTML, links, images, code,
new blocks. A translation file comes from outside the project (an agency, a CAT tool, a
volunteer), and whatever its text holds is written into content/ and rendered; the sandbox would
stop a template later, but the file is refused at import, naming its line.

A translator moves the English's placeholders and may add emphasis, or mark a phrase's language
(`{: lang=en }`); everything else that is markup must come from the English, as a placeholder.
"""

from __future__ import annotations

import re

from .segments import INLINE, TAG, PlaceholderError

ADDED = {"html": "raw HTML", "link": "a link", "autolink": "a link",
         "url": "a link", "image": "an image", "footnote": "a footnote",
         "code": "code"}
"""Markup the translation may only have as the English's placeholders, and what to call it."""
TEMPLATE = re.compile(r"\{[{%#]|[}%#]\}")
INLINE_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|\||```|~~~|---|<!--|\{[%#])")
"""Text that, at the start of a block, would make it another kind of block."""


def check_additions(translated: str, english: str, kind: str) -> None:
    """Raise PlaceholderError when `translated` (a msgstr, placeholders and all) holds markup
    that `english` (its msgid) does not have as a placeholder, or would start new blocks."""
    problems = []
    if "\n" in translated or "\r" in translated:
        problems.append("it has a line break, which would start a new paragraph or block (even "
                        "new front matter); keep the translation on one line")
    text = TAG.sub(" ", translated)  # the English's own markup is in the placeholders
    if TEMPLATE.search(text):
        problems.append("it has template code ({{ }}, {% %} or {# #}), which the English does "
                        "not have there; write the text without it")
        text = INLINE_TEMPLATE.sub(" ", text)
    if kind == "call-out title" and ('"' in text or "\\" in text):
        problems.append('a call-out title sits in quotes in the template line: write “ ” or « » '
                        'instead of " and leave out backslashes')
    for match in INLINE.finditer(text):
        what = next((ADDED[name] for name in ADDED if match[name]), None)
        if what:
            problems.append(f"it adds {what} the English does not have ({_short(match.group())});"
                            " use the English's placeholders, or write it as plain text")
    if kind not in ("table cell", "title", "summary") and BLOCK_START.match(translated) \
            and not BLOCK_START.match(english):
        problems.append(f"it starts with {translated.lstrip()[:3]!r}, which would make the "
                        f"{kind} another kind of block; reword its start")
    if problems:
        raise PlaceholderError("; ".join(problems))


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
