"""A source's revision at a date or commit, from the project's git history: what a translation
brought in from elsewhere records as its `source_revision` (`handoutpack revision --as-of`)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from . import content
from . import frontmatter
from ..errors import HandoutpackError


def revision_at(root: Path, source: Path, when: str) -> str:
    """The revision `source` had at `when`: a date (YYYY-MM-DD, its last commit that day or
    before) or a commit; an error saying why when history cannot tell."""
    name = _relative(root, source)
    commit = _commit_at(root, name, when)
    text = git(root, "show", f"{commit}:{name}")
    body = frontmatter.body_of(text) if text is not None else None
    if body is None:
        raise HandoutpackError(f"not in the project's git history at {when} (commit "
                               f"{commit[:12]}); give a later date or commit", file=name)
    return content.revision(body)


def _commit_at(root: Path, name: str, when: str) -> str:
    if not shutil.which("git") or git(root, "rev-parse", "--git-dir") is None:
        raise HandoutpackError(f"--as-of {when}: {root} is not in a git repository, so "
                               "the history of the source cannot be read; keep the project in "
                               "git, or ask the translator which version they used")
    try:
        day = dt.date.fromisoformat(when)
    except ValueError:
        day = None
    if day is not None:
        found = git(root, "rev-list", "-1", f"--before={day.isoformat()} 23:59:59",
                     "HEAD", "--", name)
        if not found or not found.strip():
            raise HandoutpackError(f"--as-of {when}: no commit on or before that date; give a "
                                   "later date", file=str(name))
        return found.strip()
    found = git(root, "rev-parse", "--verify", "--quiet", f"{when}^{{commit}}")
    if not found or not found.strip():
        raise HandoutpackError(f"--as-of {when}: neither a date (YYYY-MM-DD) nor a commit of "
                               "this repository")
    return found.strip()


def _relative(root: Path, source: Path) -> str:
    try:
        return source.relative_to(root).as_posix()
    except ValueError:
        raise HandoutpackError(f"is not inside the project {root}",
                               file=str(source)) from None


def git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30,
                                text=True, encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


HISTORY_LIMIT = 200


def english_at(root: Path, path: Path, revision: str) -> tuple[str, str] | None:
    """(a description of the commit, the body) of the source at `revision`, from git history."""
    if not shutil.which("git"):
        return None
    relative = path.relative_to(root).as_posix()
    log = git(root, "log", f"-{HISTORY_LIMIT}", "--follow", "--name-only",
              "--format=%x00%h %ad", "--date=short", "--", relative)
    for entry in (log or "").split("\0")[1:]:
        lines = entry.strip().splitlines()
        if len(lines) < 2:
            continue
        text = git(root, "show", f"{lines[0].split()[0]}:{lines[-1]}")
        body = frontmatter.body_of(text or "")
        if body is not None and content.revision(body) == revision:
            return f"commit {lines[0]}", body
    return None
