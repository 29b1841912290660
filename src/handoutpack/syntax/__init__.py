"""Markdown as other tools write it: one module per syntax, so that each can be read, tested and
changed on its own. Some are Python-Markdown extensions (Pandoc's fenced divs and attributes,
kramdown's block attributes, GitHub's task lists, numbered lists starting past 1, attributed
code fences, long code lines, emoji), which `extensions()` lists for markup; the others rewrite
a source before Jinja runs (Hugo's shortcodes, MDN's macros, MDX, Starlight's and Docusaurus'
admonitions: see dialects.py)."""

from __future__ import annotations

from pathlib import Path

from . import (attributes, bare_urls, emoji, fenced_divs, fences, kramdown, list_start, overflow,
               tasks)
from .dialects import before_templating, looks_like, protect as protect_from_jinja
from .dialects import without_raw_markers
from .prose import Notes, Page

MODULES = (attributes, bare_urls, emoji, fenced_divs, fences, kramdown, list_start, overflow,
           tasks)

__all__ = ["Notes", "Page", "before_templating", "extensions", "looks_like", "protect_from_jinja",
           "sources", "without_raw_markers"]


def extensions() -> list:
    return [module.Extension() for module in MODULES]


def sources() -> list[str]:
    """This package's code, for the keys of what markup keeps between builds."""
    return [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("*.py"))]
