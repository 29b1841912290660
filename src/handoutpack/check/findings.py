"""What `check` reports: problems with a topic, the Report, and its text for people."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..project.parts import Folders
from ..sources.content import Translation
from ..errors import Problem, printable

STATUS_MARKS = {"source": "●", "current": "✓", "stale": "!", "unknown": "?", "missing": "·"}


def finding(severity: str, topic: str, file: str, line: int | None, message: str,
            details: tuple[str, ...] = (), key: str | None = None) -> Problem:
    """A problem `check` found: how bad, about what, where, and what to do."""
    return Problem(file, line, key, message, severity, topic, details)


def found(problems: Iterable[Problem], topic: str, file: str | None = None) -> list[Problem]:
    """Problems found on the way (config, content, a template) under `topic`; `file` names the
    file when the problem's own name for it is not the project's."""
    return [replace(p, topic=topic, file=p.file if file is None else file) for p in problems]


@dataclass
class Report:
    """Everything `handoutpack check` found, and the translation coverage."""

    findings: list[Problem] = field(default_factory=list)
    languages: tuple[str, ...] = ()
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    """slug → language → source, current, stale, unknown (no source_revision) or missing."""

    @property
    def errors(self) -> list[Problem]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or self.warnings else 0  # notes only inform

    def as_json(self) -> dict:
        return {"ok": not (self.errors or self.warnings), "errors": len(self.errors),
                "warnings": len(self.warnings), "languages": list(self.languages),
                "findings": [f.record() for f in self.findings], "coverage": self.coverage}


def rel(folders: Folders, path: Path) -> str:
    """`path` as findings name it: from the project folder (folders.shown)."""
    return folders.shown(path)


def source_line(translation: Translation, needle: str) -> int | None:
    """The file line where `needle` (text as it prints) first appears in the body, for pointing
    at a problem; typography may have changed it on the way (content="Hello" prints ”Hello”,
    `r - 1` prints `r – 1`)."""
    if not needle:
        return None
    found = re.search("".join(AS_WRITTEN.get(c, re.escape(c)) for c in needle), translation.body)
    return translation.body_line + translation.body.count("\n", 0, found.start()) if found else None


AS_WRITTEN = {**dict.fromkeys('"“”„«»', '["“”„«»]'), **dict.fromkeys("'‘’‚", "['‘’‚]"),
              "–": "(?:–|--?)", "—": "(?:—|-{2,3})", "…": r"(?:…|\.\.\.)"}
"""A character as typography prints it, and what it may have been written as."""


def text_report(report: Report) -> list[str]:
    """The report for people: one line per problem, the coverage table, a summary."""
    lines = []
    for f in report.findings:
        lines.append(f"{f.severity}: {printable(str(f))}")  # file names may hold escapes
        lines += [f"    {printable(d)}" for d in f.details]
    if report.coverage:
        lines += ["", "Translations (● source, ✓ up to date, ! stale, ? no source_revision, "
                  "· none):"]
        width = max(len("document"), *(len(slug) for slug in report.coverage))
        lines.append(f"  {'document':<{width}}  " + "  ".join(report.languages))
        for slug, row in report.coverage.items():
            marks = "  ".join(f"{STATUS_MARKS[row[lang]]:<{len(lang)}}" for lang in report.languages)
            lines.append(f"  {slug:<{width}}  {marks}")
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    lines += ["", "No problems found." if not report.findings else f"Found {counts}."]
    return lines
