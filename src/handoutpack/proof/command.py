"""What `handoutpack proof` runs: read the PDFs given, or make the matrix and read what it
made; then the report and the contact sheet."""

from __future__ import annotations

import hashlib
import os
import resource
from collections.abc import Callable, Iterable
from pathlib import Path

from ..plan.selection import Selection
from ..project.parts import Languages
from . import matrix, proof_file
from .context import Known, project_context
from .findings import Report
from .read_before import PageStore


def cpu_seconds() -> float:
    """User and system time of this process and the workers it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pdfs(paths: Iterable[Path]) -> list[Path]:
    """The PDFs named, and those inside the folders named (build/.cache apart)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.pdf") if ".cache" not in p.parts)
        else:
            found.append(path)
    return found


def language_of(path: Path, languages: Languages) -> str:
    """The language folder a built file is in (build/<lang>/..., personal/<lang>/...)."""
    return next((part for part in reversed(path.parts[:-1]) if part in languages.all),
                languages.default)


def proof_paths(known: Known, paths: list[tuple[Path, int | None]], report: Report,
                label: str = "", base: Path | None = None, jobs: int | None = None,
                seen: set[str] | None = None, store: PageStore | None = None
                ) -> dict[str, Path]:
    """Proof each (PDF, first pages to read or None) into `report`, against what is `known`
    of the project, on `jobs` processes; a file whose bytes were proofed before (in `seen`) is
    not read again, nor a page the `store` holds. The names shown, with the files they stand
    for."""
    seen = set() if seen is None else seen
    contexts, sources, work = {}, {}, []
    for path, first in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        lang = language_of(path, known.theme.languages)
        if lang not in contexts:
            contexts[lang] = project_context(known, lang)
        name = _name(path, base)
        name = f"{label}: {name}" if label else name
        sources[name] = path
        work.append((path, contexts[lang], name, first, store))
    for findings, pages in _map(_proof_one, work, jobs, _file_size):
        report.findings += findings
        report.files += 1
        report.pages += pages
    return sources


def _proof_one(item: tuple) -> tuple[list, int]:
    path, context, name, first, store = item
    return proof_file(path, context, name, first=first, store=store)


def _file_size(item: tuple) -> int:
    return item[0].stat().st_size


def _map(function, items: list, jobs: int | None, size: Callable[[object], int]):
    """`function` over `items`, the results in the items' order, on `jobs` processes (one per
    core) when there are enough items to be worth starting them: the largest first (by
    `size`), so that no process is left reading a long pack alone at the end."""
    workers = min(jobs or os.cpu_count() or 1, len(items))
    if workers < 2 or len(items) < 4:
        return map(function, items)
    from concurrent.futures import ProcessPoolExecutor

    largest_first = sorted(range(len(items)), key=lambda index: -size(items[index]))
    with ProcessPoolExecutor(workers) as pool:  # pdfplumber is pure Python: one core a file
        done = dict(zip(largest_first, pool.map(function, [items[i] for i in largest_first])))
    return [done[index] for index in range(len(items))]


def _name(path: Path, base: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve())) if base else str(path)
    except ValueError:
        return str(path)


def run_matrix(root: Path, build_dir: Path, known: Known, variants: list[str],
               selection: Selection, profile: Path | None, recipients: Path | None,
               jobs: int | None, log: Callable[[str], None]) -> tuple[Report, dict[str, Path]]:
    """Make each step of the matrix and proof it before the next one writes over it; the
    sources are copied aside so that the contact sheet can show them afterwards."""
    import shutil
    import tempfile

    report = Report(variants=[])
    sources: dict[str, Path] = {}
    keep = matrix.proof_dir(build_dir, "flagged")
    shutil.rmtree(keep, ignore_errors=True)
    seen: set[str] = set()  # a file the step before made the same is not read again
    with tempfile.TemporaryDirectory(prefix="handoutpack-proof-") as pages_read:
        store = PageStore(Path(pages_read))  # outside build/: what it holds is unpickled
        for step, made in matrix.steps(root, variants, selection, profile, recipients, jobs,
                                       log):
            report.variants.append(step.name)
            before = len(report.findings)
            shown = proof_paths(known, made, report, step.name, step.build_dir, jobs, seen,
                                store)
            _keep_flagged(report.findings[before:], shown, keep, sources)
    return report, sources


def _keep_flagged(findings: list, shown: dict[str, Path], keep: Path,
                  sources: dict[str, Path]) -> None:
    """A copy of each file with findings, for the contact sheet: the next step writes over
    the step's own files."""
    import shutil

    for name in {f.file for f in findings}:
        copy = keep / f"{len(sources):04d}.pdf"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shown[name], copy)
        sources[name] = copy
