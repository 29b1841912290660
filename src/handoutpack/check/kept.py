"""A translation's findings kept between builds: checked again only when its source changed, or
a source its checks read (a page its links point into, the English it is translated from), or
anything every document shares (plan.inputs.setting). An edit checks its own page and the pages
whose links point to it, not all of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ..errors import Problem
from ..markup import memory
from ..store import memos
from ..plan.inputs import setting, sources_state
from ..project.config import Project
from ..sources.content import Document, Translation
from ..syntax import emoji


def kept_findings(project: Project, documents: dict[str, Document], translation: Translation,
                  read: set[Path], check: Callable[[], list[Problem]]) -> list[Problem]:
    """check()'s findings for `translation`, or those of an earlier build made from the same
    sources. `read` is where the checks note every other source they read (Pages.read)."""
    if not memos.active():
        return check()
    states = memos.once_a_build("source states", (id(documents),),
                                 lambda: sources_state(documents))
    shared = memos.once_a_build("setting", (id(project),), lambda: setting(project))
    own = translation.path.resolve()
    base = (shared, str(own), states.get(own, ""))
    checked: list[list[Problem]] = []

    def first() -> str:
        """The sources the checks read besides the translation's own, by checking it."""
        read.clear()
        checked.append(check())
        return json.dumps(sorted(str(path) for path in read if path != own))

    others = json.loads(memory.kept_call("finding sources", base, first))
    text = memory.kept_call(
        "findings", (*base, *others, *(_state(states, path) for path in others)),
        lambda: json.dumps([asdict(p) for p in (checked[0] if checked else check())]))
    return [Problem.from_dict(data) for data in json.loads(text)]


EMOJI_FONT = Path("(whether an emoji font is installed)")
"""Noted among the sources a check read when its page has emoji (check_page warns when they
would print as their names)."""


def _state(states: dict[Path, str], path: str) -> str:
    if Path(path) == EMOJI_FONT:
        return str(emoji.font_available())
    return states.get(Path(path), "gone")
