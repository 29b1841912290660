"""What `check` reports: Findings (Problems with a topic), the Report, and its text for people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..project.config import Project
from ..sources.content import Translation
from ..errors import Problem, printable

STATUS_MARKS = {"source": "●", "current": "✓", "stale": "!", "unknown": "?", "missing": "·"}


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, how bad, and what to do."""

    severity: str
    """'error' blocks a build; 'warning' is worth fixing, and fails `build --strict`."""
    topic: str
    """config, content, jinja, links, accessibility, translations, packs or fonts."""
    file: str
    line: int | None
    message: str
    """What is wrong and what to do: the config key first when there is one."""
    details: tuple[str, ...] = ()
    """More lines to show, e.g. what changed in the English since a translation was made."""
    key: str | None = None
    """The config or front matter key, when the problem has one."""

    @classmethod
    def of(cls, problem: Problem, topic: str, file: str | None = None) -> Finding:
        """A problem found on the way (config, content, a template) as a finding; `file`
        names the file when the problem's own name for it is not the project's."""
        message = ": ".join(part for part in (problem.key, problem.message) if part)
        return cls(problem.severity, topic, problem.file if file is None else file,
                   problem.line, message, key=problem.key)

    @property
    def problem(self) -> Problem:
        return Problem(self.file, self.line, None, self.message, self.severity)

    def __str__(self) -> str:
        return str(self.problem)


def found(problems: Iterable[Problem], topic: str, file: str | None = None) -> list[Finding]:
    return [Finding.of(problem, topic, file) for problem in problems]


@dataclass
class Report:
    """Everything `handoutpack check` found, and the translation coverage."""

    findings: list[Finding] = field(default_factory=list)
    languages: tuple[str, ...] = ()
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    """slug → language → source, current, stale, unknown (no source_revision) or missing."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def as_json(self) -> dict:
        return {"ok": not self.findings, "errors": len(self.errors),
                "warnings": len(self.warnings), "languages": list(self.languages),
                "findings": [asdict(f) for f in self.findings], "coverage": self.coverage}


def rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def source_line(translation: Translation, needle: str) -> int | None:
    """The file line where `needle` first appears in the body, for pointing at a problem."""
    if needle and (at := translation.body.find(needle)) >= 0:
        return translation.body_line + translation.body.count("\n", 0, at)
    return None


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
