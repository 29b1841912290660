"""Diagnostics a user can act on: each Problem names the file, the line or key, and what to do.
Problem is the one record every stage reports with (config and content errors, check findings,
build warnings, the rows of a list an email run skips); the command line, `check --format json`
and the pages (in their own language, through Problem.label) format it, and nothing parses a
message back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the user's project, where it is, and what to do about it."""

    file: str = ""
    """The project file, as the user knows it (e.g. handoutpack.toml, content/x/a.en.md)."""
    line: int | None = None
    key: str | None = None
    """The config key or front matter key, when there is one (e.g. packs.media.audience)."""
    message: str = ""
    """What is wrong and what to do, without the place."""
    severity: str = "error"
    """'error' blocks a build; 'warning' is worth fixing, and fails `build --strict`."""
    topic: str = ""
    """What it is about: config, content, jinja, links, translations, packs, fonts, print,
    render..."""
    details: tuple[str, ...] = ()
    """More lines to show, e.g. what changed in the English since a translation was made."""
    label: str = ""
    """The label (templates/labels.toml) that says `message` in a reader's own language, for a
    page that speaks it (the workbench); its {names} are filled from `values`."""
    values: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The key (when there is one) and the message: the problem without its place."""
        return ": ".join(part for part in (self.key, self.message) if part)

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        """A problem from dataclasses.asdict(problem), as kept in the cache."""
        return cls(**{**data, "details": tuple(data.get("details", ())),
                      "values": tuple(tuple(pair) for pair in data.get("values", ()))})

    def record(self) -> dict:
        """The problem as JSON data: `message` holds the key too, as people read it."""
        return {"severity": self.severity, "topic": self.topic, "file": self.file,
                "line": self.line, "key": self.key, "message": self.text,
                "details": list(self.details)}

    @property
    def where(self) -> str:
        """'file:line', 'file' or '' (a problem of no one file)."""
        return f"{self.file}:{self.line}" if self.file and self.line else self.file

    def __str__(self) -> str:
        return ": ".join(part for part in (self.where, self.key, self.message) if part)


def warning(file: str, message: str, line: int | None = None, topic: str = "",
            key: str | None = None) -> Problem:
    """A warning: worth fixing, printed by the build, failing `--strict`."""
    return Problem(file, line, key, message, "warning", topic)


class HandoutpackError(Exception):
    """Problems in the user's project; the CLI prints them and exits with code 2.
    Raise it with a message (and, when known, file=, line=, key=) or with Problems."""

    exit_code = 2

    def __init__(self, *problems: Problem | str, file: str = "", line: int | None = None,
                 key: str | None = None):
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(file, line, key, p) for p in problems]
        super().__init__("\n".join(map(str, self.problems)))

    def __str__(self) -> str:  # from the problems as they are now: a stage may place them later
        return "\n".join(map(str, self.problems))

    @property
    def messages(self) -> list[str]:
        """Each problem as one line for people."""
        return [str(p) for p in self.problems]


class Problems(HandoutpackError):
    """Several problems found at once, so the user can fix them all in one pass."""

    def __init__(self, problems: Iterable[Problem | str]):
        super().__init__(*problems)


def collect(problems: Iterable[Problem]) -> None:
    """Raise every problem at once, if there are any."""
    problems = list(problems)
    if problems:
        raise Problems(problems)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(message: str) -> str:
    """`message` safe for a terminal: control characters (such as the escapes a file name may
    hold, which could recolour or rewrite the screen) shown as \\x1b, not sent raw."""
    return CONTROL.sub(lambda m: repr(m[0])[1:-1], message)
