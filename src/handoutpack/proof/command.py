"""What `handoutpack proof` runs: read the PDFs given, or make the matrix and read what it
made; then the report and the contact sheet."""

from __future__ import annotations

import hashlib
import os
import resource
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
                label: str = "", base: Path | None = None, jobs: int | None = None
                ) -> dict[str, Path]:
    """Proof each (PDF, first pages to read or None) into `report`, against what is `known`
    of the project, on `jobs` processes. The names shown, with the files they stand for."""
    work, sources = _work(known, paths, label, base, set(), None)
    _add(report, _map(_proof_one, work, jobs, _file_size))
    return sources


def _work(known: Known, paths: list[tuple[Path, int | None]], label: str, base: Path | None,
          seen: set[str], store: PageStore | None) -> tuple[list[tuple], dict[str, Path]]:
    """What _proof_one reads for each file, and the names shown with the files they stand
    for: a file whose bytes were proofed before (in `seen`) is not read again, nor a page the
    `store` holds."""
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
    return work, sources


def _add(report: Report, results: Iterable[tuple[list, int]]) -> None:
    for findings, pages in results:
        report.findings += findings
        report.files += 1
        report.pages += pages


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
    """Make each step of the matrix and proof it while the next one builds; the sources of
    the files with findings are copied aside so that the contact sheet can show them."""
    import tempfile

    report = Report(variants=[])
    sources: dict[str, Path] = {}
    keep = _emptied(matrix.proof_dir(build_dir, "flagged"))
    with tempfile.TemporaryDirectory(prefix="handoutpack-proof-") as pages_read, \
            Readers(known, PageStore(Path(pages_read)),  # outside build/: it holds pickles
                    matrix.proof_dir(build_dir, "reading"), jobs) as readers:
        reading: deque[Reading] = deque()  # read while the next steps build
        for step, made in matrix.steps(root, variants, selection, profile, recipients, jobs,
                                       log):
            report.variants.append(step.name)
            reading.append(readers.start(step, made))
            while len(reading) > STEPS_AHEAD:
                readers.finish(reading.popleft(), report, keep, sources)
        while reading:
            readers.finish(reading.popleft(), report, keep, sources)
    return report, sources


STEPS_AHEAD = 3
"""Steps of the matrix built while the readers have yet to finish the oldest: a personalised
step takes seconds and its neighbours minutes, so waiting for the step just before would leave
the readers idle while the next long build runs."""


@dataclass
class Reading:
    """A step's files being read: the futures of their findings in the files' order, and the
    names shown with the files read (links to the step's outputs)."""

    futures: list
    shown: dict[str, Path]
    links: Path


class Readers:
    """Processes that read each step of the matrix while the next step builds (its renders
    leave a core idle between stages). They read links to the step's files: a build replaces
    the files it changes (it never writes into one), so a link keeps what the step made."""

    def __init__(self, known: Known, store: PageStore, links: Path, jobs: int | None):
        from concurrent.futures import ProcessPoolExecutor

        self.known, self.store, self.links = known, store, links
        self.seen: set[str] = set()  # a file a step before made the same is not read again
        self.steps = 0
        self.pool = ProcessPoolExecutor(jobs or os.cpu_count() or 1)

    def start(self, step: matrix.Step, made: list[tuple[Path, int | None]]) -> Reading:
        folder = self.links / f"{self.steps:02d}"
        self.steps += 1
        linked = [(_linked(path, step.build_dir, folder), first) for path, first in made]
        work, shown = _work(self.known, linked, step.name, folder, self.seen, self.store)
        futures = {id(item): self.pool.submit(_proof_one, item)
                   for item in sorted(work, key=_file_size, reverse=True)}
        return Reading([futures[id(item)] for item in work], shown, folder)

    def finish(self, reading: Reading, report: Report, keep: Path,
               sources: dict[str, Path]) -> None:
        """Wait for a step's findings, add them to `report`, keep copies of its flagged files."""
        import shutil

        before = len(report.findings)
        _add(report, (future.result() for future in reading.futures))
        _keep_flagged(report.findings[before:], reading.shown, keep, sources)
        shutil.rmtree(reading.links, ignore_errors=True)

    def __enter__(self) -> Readers:
        _emptied(self.links)  # a killed proof's
        return self

    def __exit__(self, kind, error, trace) -> None:
        import shutil

        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.links, ignore_errors=True)


def _emptied(folder: Path) -> Path:
    """`folder` gone, to be made anew: a link planted in its place too (never written through)."""
    import shutil

    if folder.is_symlink():
        folder.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def _linked(path: Path, build_dir: Path, folder: Path) -> Path:
    """A hard link to `path` in `folder`, where it stands in build_dir (its language folder
    says the page's language); a copy where links cannot be made."""
    import shutil

    link = folder / path.relative_to(build_dir)
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, link)
    except OSError:
        shutil.copyfile(path, link)
    return link


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
