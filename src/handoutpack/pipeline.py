"""What `handoutpack build` does: nothing, when nothing changed since the last build that
succeeded; otherwise check → build (plan, render, assemble, write) → publish, under the build
folder's lock. This module loads only the config and build/'s bookkeeping: the stages (WeasyPrint,
Jinja, Markdown) are imported when there is work for them, since importing them costs more than a
build with nothing to do may take."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .store.cache import Cache, Miss
from .store.digests import code_digest, key
from .errors import Problem, Problems
from .project.config import Project
from .plan.selection import Selection
from .store.outputs import TEMP_DIR, Output, Staging, cache_folder, published_state
from .store.lock import build_lock, remove_dead_builds_folders
from .progress import Reporter
from .markup.theme import builtin_dir

if TYPE_CHECKING:  # content.py loads Markdown
    from .sources.content import Document


def build_and_publish(project: Project, documents: dict[str, Document] | None = None,
                      selection: Selection = Selection(), reporter: Reporter | None = None,
                      jobs: int | None = None, reuse: bool = True, strict: bool = False,
                      pdf_variant: str | None = None,
                      log: Callable[[str], None] = lambda message: None,
                      publishing: bool = True) -> tuple[list[Output], list[Problem]]:
    """Check what is selected (errors, and warnings when strict, stop it before anything is
    written), then under the lock build it, and write the download page and bundles (`log`
    hears what they do; not when `publishing` is False: the proof reads the PDFs alone).
    `documents` are read from content/ when not given. Return the outputs and warnings (the
    check's about what prints differently from the source first)."""
    reporter = reporter or Reporter()
    unchanged = Unchanged(project, selection, strict, pdf_variant, publishing)
    if reuse and (done := unchanged.recall()) is not None:
        remove_dead_builds_folders(project.build_dir / TEMP_DIR)  # a killed build's, if any
        outputs, warnings, reporter.reused = done
        return outputs, warnings
    from .render.pool import start_early

    start_early()  # the workers' WeasyPrint loads while this process loads the rest
    from .sources import content
    from .publish.stage import publish
    from .store import memos
    from .build import build, build_pool, cache_spec, drawing_on, start_renders
    from .render.stage import Rendering, kept_pages
    from .project.config import with_printing
    from .check import triage
    from .plan import failed as failing

    documents, unread = content.scan(project.reading) if documents is None else (documents, [])
    reporter.notes += [str(p) for p in unread if p.severity == "note"]  # files left out
    if pdf_variant:  # it wins over every pack's and the config's
        project = with_printing(project, pdf_variant=pdf_variant)
    kept = kept_pages(project.folders, reuse=reuse)
    with build_pool(project, jobs) as pool:
        rendering = Rendering(project.render_settings, cache_spec(project, reuse), pool, reporter)
        with memos.building(kept):
            start_renders(project, documents, selection, rendering)  # while the check runs
            noticed, errors = triage(project.checking, documents, selection, strict, unread)
        failure = failing.failed(project.packs, errors)
        packs, documents, wanted = failing.left_out(project.folders, project.default_language,
                                                    project.packs, documents, selection, failure)
        project = replace(project, packs=packs)  # the packs whose documents failed are not built
        outputs, warnings = [], []
        with build_lock(project.build_dir):
            with Staging(project.build_dir) as stage:  # the PDFs, zips and pages move together
                if wanted is not None:
                    outputs, warnings = build(project, documents, wanted, reporter, jobs=jobs,
                                              reuse=reuse, strict=strict, kept=kept,
                                              stage=stage, pool=pool, rendering=rendering)
                    pool.close()  # new workers draw the thumbnails, if there are many
                    if publishing:
                        with memos.building(kept):
                            warnings += publish(project.publishing, documents, stage, log,
                                                drawing_on(pool))
                if failure or (project.build_dir / failing.STALE).exists():
                    stage.write(failing.STALE, failing.stale_record(
                        project.build_dir, failure, {o.pack for o in outputs if o.pack}))
            kept.save()
            if not failure:
                unchanged.remember(outputs, [*noticed, *warnings], reporter.jobs)
    if failure:
        raise Incomplete(failure.problem(len(outputs)), outputs, [*noticed, *warnings])
    return outputs, [*noticed, *warnings]


class Incomplete(Problems):
    """A build that left out documents with errors and built the rest: its problems say what
    failed (exit code 1); `outputs` and `warnings` are what was built, as a full build's."""

    exit_code = 1

    def __init__(self, problems: Problems, outputs: list[Output], warnings: list[Problem]):
        super().__init__(problems.problems)
        self.outputs, self.warnings = outputs, warnings


class Unchanged:
    """A build whose inputs are those of the last build that succeeded has nothing to do: no
    check, no plan, no layout, no render, no publishing. Its inputs are every file of the project
    outside build/ (by path, size and date), the built-in theme, the settings, the code, and the
    selection; and build/ must hold exactly what that build and its publishing left there (each
    file by inode, size, modification and change time: a file rewritten, replaced or touched
    since is seen). Fonts installed on the system are not seen, as in the render cache:
    --no-cache after installing one."""

    def __init__(self, project: Project, selection: Selection, strict: bool,
                 pdf_variant: str | None, publishing: bool = True):
        self.build_dir = project.build_dir
        self.cache = Cache(cache_folder(project.folders), root=project.root)
        self.entry = key("build", code_digest(), repr(project), repr(selection), str(strict),
                         str(pdf_variant), str(publishing),
                         os.environ.get("SOURCE_DATE_EPOCH", ""),
                         *(_files_digest(folder, project.folders.outputs) for folder in (
                             project.root, builtin_dir("templates"), builtin_dir("styles"))))

    def recall(self) -> tuple[list[Output], list[Problem], int] | None:
        """The outputs, warnings and render count of the last build with these inputs, if
        build/ is still as it left it."""
        found = self.cache.read("builds", self.entry)
        if isinstance(found, Miss):
            return None
        try:
            done = json.loads(found[1])
            if not done["build"] or done["build"] != published_state(self.build_dir):
                return None
            return ([Output(**o) for o in done["outputs"]],
                    [Problem.from_dict(w) for w in done["warnings"]], done["jobs"])
        except (ValueError, KeyError, TypeError):
            return None  # an entry of an older version: build

    def remember(self, outputs: list[Output], warnings: list[Problem], jobs: int) -> None:
        """After publishing: these inputs made these outputs, and left build/ as it is now."""
        self.cache.write("builds", self.entry, json.dumps(
            {"outputs": [asdict(o) for o in outputs], "warnings": [asdict(w) for w in warnings],
             "jobs": jobs,
             "build": published_state(self.build_dir)}).encode())


def _files_digest(root: Path, build_dir: Path) -> str:
    """Every file under `root` but build/ and hidden folders, by path, size and date."""
    lines = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".")
                            and Path(folder, f) != build_dir)
        for name in sorted(files):
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            lines.append(f"{folder}/{name} {info.st_size} {info.st_mtime_ns}")
    return key(*lines)
