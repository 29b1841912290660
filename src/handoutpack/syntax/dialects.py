"""Other systems' template syntax, read before Jinja runs: Hugo's shortcodes, MDN's macros, MDX's
imports and components, Starlight's and Docusaurus' admonitions each become Markdown (a module
each), and `{{`, `{%` and `{#` inside code stay as written. What Jinja still fails on is named
by the system it looks like (SYSTEMS), with the setting that turns templating off."""

from __future__ import annotations

import re

from . import admonitions, alerts, hugo, liquid, mdn, mdx, mkdocs, pandoc
from .attributes import protect_from_jinja as protect_attribute_lists
from .prose import Notes, Page, code_ranges, outside_code, replace_outside_code

DIALECTS = (hugo, mdx, mdn, admonitions, alerts, mkdocs, pandoc, liquid)
OPENERS = re.compile(r"\{[{%#]")
OURS = re.compile(r"\{\{-?\s*(?:org|event|pack|audience|lang)\b")
"""In code, `{{ org.name }}` is still ours: it names what content may refer to."""
SYSTEMS = (
    ("Hugo (a Go template)", re.compile(r"\{\{-?\s*(?:\.|\$|partial\b|range\b|with\b|end\b|if \.)")),
    ("Liquid (Jekyll)", re.compile(r"\{%-?\s*(?:include|highlight|capture|assign|link|post_url|"
                                   r"comment|unless|case)\b|\{\{\s*(?:site|page|jekyll|include)\.")),
    ("KumaScript (MDN)", re.compile(r"\{\{\s*[A-Za-z][\w-]*\s*\(")),
)
RAW_MARKER = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
"""Liquid's and Jinja's `{% raw %}` ... `{% endraw %}`: 'print this as written'."""
TURN_OFF = ("turn templating off for this document with 'templating: false' in its front matter, "
            "or for the whole project with [content] templating = false in handoutpack.toml")


def before_templating(text: str, page: Page) -> tuple[str, Notes]:
    """`text` with every dialect rewritten, and the notes they left."""
    notes = Notes()
    for dialect in DIALECTS:
        text = dialect.convert(text, page, notes)
    return text, notes


def without_raw_markers(text: str) -> str:
    """`text` without its `{% raw %}` and `{% endraw %}` markers outside code: they only ask for
    what a document without templating does anyway (print as written), and would print."""
    return replace_outside_code(RAW_MARKER, lambda marker: "", text)


def protect(text: str) -> str:
    """`text` with what Jinja must print as written escaped: the template openers inside code
    (a Go template in a Kubernetes example, Liquid in a Jekyll one), and attribute lists; but
    not between `{% raw %}` and `{% endraw %}` (as Jekyll pages wrap their Liquid examples),
    which Jinja prints as written already, escapes and all."""
    out, position = [], 0
    for start, end in _raw_regions(text):
        out += [_protected(text[position:start]), text[start:end]]
        position = end
    return "".join(out) + _protected(text[position:])


def _raw_regions(text: str) -> list[tuple[int, int]]:
    """Each stretch from a `{% raw %}` to the `{% endraw %}` after it, outside code."""
    regions, opened = [], None
    for marker in outside_code(RAW_MARKER, text):
        if "endraw" not in marker[0] and opened is None:
            opened = marker.start()
        elif "endraw" in marker[0] and opened is not None:
            regions.append((opened, marker.end()))
            opened = None
    return regions


def _protected(text: str) -> str:
    out, position = [], 0
    for start, end in code_ranges(text):
        out.append(protect_attribute_lists(text[position:start]))
        out.append(_escaped(text[start:end]))
        position = end
    return "".join(out) + protect_attribute_lists(text[position:])


def _escaped(code: str) -> str:
    return OPENERS.sub(lambda m: m[0] if OURS.match(code, m.start()) else
                       '{{ "' + m[0] + '" }}', code)


def looks_like(text: str) -> str | None:
    """The system whose template syntax `text` (a failing line) looks like, if any."""
    return next((name for name, pattern in SYSTEMS if pattern.search(text)), None)
