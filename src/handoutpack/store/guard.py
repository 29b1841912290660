"""Build-folder safety: a build/ that is, holds or sits inside the project's sources is refused."""

from __future__ import annotations

from pathlib import Path


def build_dir_problem(build_dir: Path, root: Path, sources: list[Path]) -> str:
    """Why a build could harm the project through `build_dir` ('' when it cannot): it is the
    project, holds it, or holds (or is inside) one of its `sources` (content, templates...)."""
    build, project = build_dir.resolve(), root.resolve()
    if project.is_relative_to(build):
        return "is the project folder" if build == project else "holds the project folder"
    for source in (s.resolve() for s in sources if s.exists()):
        name = source.relative_to(project) if source.is_relative_to(project) else source
        if source.is_relative_to(build):
            return f"holds {name}/"
        if build.is_relative_to(source):
            return f"is inside {name}/"
    return ""
