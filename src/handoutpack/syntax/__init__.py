"""Markdown as other tools write it: one extension module per syntax (Pandoc's fenced divs and
attributes, kramdown's block attributes, GitHub's task lists, long code lines, emoji), so that
each can be read, tested and changed on its own. `extensions()` lists them for markup."""

from __future__ import annotations

from pathlib import Path

from . import attributes, emoji, fenced_divs, kramdown, list_start, overflow, tasks

protect_from_jinja = attributes.protect_from_jinja

MODULES = (attributes, emoji, fenced_divs, kramdown, list_start, overflow, tasks)


def extensions() -> list:
    return [module.Extension() for module in MODULES]


def sources() -> list[str]:
    """This package's code, for the keys of what markup keeps between builds."""
    return [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("*.py"))]
