"""The build: check → plan → render → assemble → write → publish, under the build folder's lock;
nothing is written when a check or a render fails."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import distribute, markup, prepress
from .assembly import packs as assemble_packs
from .cache import Cache, Kept, Miss, key
from .config import Project, with_printing
from .content import Document
from .errors import Problems
from .outputs import (TEMP_DIR, Output, Staging, build_lock, ensure_space, read_outputs, save,
                      write_manifest)
from .parallel import Pool, default_jobs
from .plan import Selection, plan, source_name
from .render import file_digest
from .rendering import (CACHE_DIR, CacheSpec, Renders, Rendering, Reporter, code_digest,
                        kept_pages, make_renderer, overflow_warnings_cached)

__all__ = ["CACHE_DIR", "Reporter", "Selection", "build", "build_and_publish", "make_renderer"]


def build_and_publish(project: Project, documents: dict[str, Document],
                      selection: Selection = Selection(), reporter: Reporter | None = None,
                      jobs: int | None = None, reuse: bool = True, strict: bool = False,
                      pdf_variant: str | None = None,
                      log: Callable[[str], None] = lambda message: None
                      ) -> tuple[list[Output], list[str]]:
    """What `handoutpack build` does: check what is selected (errors, and warnings when strict,
    stop it before anything is written), then under the lock build it, and write the download
    page and bundles (`log` hears what they do). Return the outputs and warnings (the check's
    about what prints differently from the source first)."""
    reporter = reporter or Reporter()
    unchanged = Unchanged(project, selection, strict, pdf_variant)
    if reuse and (done := unchanged.recall()) is not None:
        outputs, warnings, reused = done
        reporter.reused += reused
        with build_lock(project.build_dir), markup.keeping(kept_pages(project)) as kept:
            with Staging(project.build_dir) as stage:
                warnings += distribute.publish(project, documents, stage, log)
            kept.save()
        return outputs, warnings
    from .check import preflight  # here: a build with nothing changed never checks again

    kept = kept_pages(project, reuse=reuse)
    with markup.keeping(kept):
        noticed = preflight(project, documents, selection, strict)
    with build_lock(project.build_dir):
        with Staging(project.build_dir) as stage:  # the PDFs, zips and pages move in together
            outputs, warnings = build(project, documents, selection, reporter, jobs=jobs,
                                      reuse=reuse, strict=strict, pdf_variant=pdf_variant,
                                      kept=kept, stage=stage)
            with markup.keeping(kept):
                warnings += distribute.publish(project, documents, stage, log)
        unchanged.remember(outputs, [*noticed, *warnings], reporter.jobs)
        kept.save()
    return outputs, [*noticed, *warnings]


class Unchanged:
    """A build whose inputs are those of the last build that succeeded has nothing to do: no
    check, no plan, no layout, no render. Its inputs are every file of the project outside
    build/ (by path, size and date), the settings, the code, and the selection; the outputs it
    made must still be in build/ with the same bytes. (Fonts installed on the system are not
    seen, as in the render cache: --no-cache after installing one.)"""

    def __init__(self, project: Project, selection: Selection, strict: bool,
                 pdf_variant: str | None):
        self.project = project
        self.cache = Cache(project.build_dir / CACHE_DIR, root=project.root)
        self.entry = key("build", code_digest(), repr(project), repr(selection), str(strict),
                         str(pdf_variant), os.environ.get("SOURCE_DATE_EPOCH", ""),
                         *(_files_digest(folder, project.build_dir) for folder in (
                             project.root, markup.builtin_dir("templates"),
                             markup.builtin_dir("styles"))))

    def recall(self) -> tuple[list[Output], list[str], int] | None:
        found = self.cache.read("builds", self.entry)
        if isinstance(found, Miss):
            return None
        done = json.loads(found[1])
        built = read_outputs(self.project.build_dir)
        outputs = [built.get(path) for path in done["outputs"]]
        if any(o is None or _sha256(self.project.build_dir / o.path) != o.sha256 for o in outputs):
            return None  # an output was removed or changed since: build
        return outputs, done["warnings"], done["jobs"]

    def remember(self, outputs: list[Output], warnings: list[str], jobs: int) -> None:
        self.cache.write("builds", self.entry, json.dumps(
            {"outputs": [o.path for o in outputs], "warnings": warnings, "jobs": jobs}).encode())


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


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def build(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
          reporter: Reporter | None = None, jobs: int | None = None, reuse: bool = True,
          strict: bool = False, pdf_variant: str | None = None,
          kept: Kept | None = None, dry_run: bool = False, screen_images: bool = False,
          stage: Staging | None = None) -> tuple[list[Output], list[str]]:
    """Write the selected documents and packs into build/; return the outputs and warnings.
    `jobs` processes render at once (default: one per core); `reuse=False` ignores the cache;
    `strict`: WeasyPrint's warnings fail the build before anything is written; `kept`: the
    typeset pages kept between builds (see kept_pages), if the caller has them already;
    `pdf_variant` wins over every pack's and the config's. `dry_run` writes nothing but the
    cache (for `check --print`); `screen_images` also checks the images of screen files.
    The outputs are written into `stage` (needed unless `dry_run`), for the caller to switch."""
    reporter = reporter or Reporter()
    ensure_space(project.build_dir, {})  # renders need room in build/.cache too
    if pdf_variant:
        project = with_printing(project, pdf_variant=pdf_variant)
    kept = kept or kept_pages(project, reuse)
    with markup.keeping(kept):
        planned = plan(project, documents, selection)
    reporter.jobs = len(planned.jobs())
    spec = CacheSpec(project.build_dir / CACHE_DIR, reuse, project.root,
                     make_renderer(project).options)
    reporter.notes += prepress.brand_notes(project, planned)
    with Pool(partial(make_renderer, project), jobs or default_jobs(),
              temp_root=project.build_dir / TEMP_DIR) as pool:
        rendering = Rendering(project, spec, pool, reporter)
        rendered = rendering.get(planned.jobs())
        warnings = [f"{job.source or job.name}: {w}" for job, r in rendered.items()
                    for w in r.warnings]
        warnings += [f"{job.source or job.name}: {w}" for job in planned.slide_jobs()
                     for w in overflow_warnings_cached(rendering.cache, rendered[job])]
        if strict and warnings:
            raise Problems([*dict.fromkeys(warnings),
                            "(--strict: warnings fail the build; nothing was written)"])
        renders = Renders(rendered, rendering.cache)
        packs = assemble_packs(project, planned, renders, spec, pool, reporter)
    covers = prepress.covers(planned, packs)
    documents_out = {path: prepress.document_pdf(project, renders[p])
                     for path, p in planned.documents}
    printed = prepress.print_warnings(project, planned, rendered, documents_out, packs,
                                      rendering.cache, screen_images)
    if dry_run:
        return [], list(dict.fromkeys(warnings + printed))
    if strict and printed:
        raise Problems([*dict.fromkeys(printed),
                        "(--strict: warnings fail the build; nothing was written)"])
    warnings += printed
    ensure_space(project.build_dir, {**{path: len(pdf) for path, pdf in documents_out.items()},
                                     **{path: len(made[0]) for path, made in packs.items()}})
    outputs = [save(stage, path, documents_out[path], kind=p.layout,
                    lang=p.translation.lang, document=p.document.slug, pages=renders[p].pages,
                    sources=[source_name(project, p.translation)])
               for path, p in planned.documents]
    for pack in planned.packs:
        pdf, pages, pack_pages = packs[pack.path]
        outputs.append(save(stage, pack.path, pdf,
                            kind="booklet" if pack.booklet else "pack", lang=pack.lang,
                            pack=pack.spec.id, pages=pages,
                            sources=[source_name(project, p.translation) for p in pack.parts],
                            fallbacks=[p.document.slug for p in pack.parts if p.fell_back],
                            print=prepress.ticket_data(project, pack, pack_pages)))
    prepress.write_tickets(project, planned, outputs[-len(planned.packs):] if planned.packs else [],
                           stage)
    outputs += [save(stage, path, pdf, kind="cover", lang=pack.lang,
                     pack=pack.spec.id, pages=pages)
                for path, (pack, pdf, pages) in covers.items()]
    for output in outputs:  # what each was built from, by content (see mailing._changed)
        output.source_sha256 = {name: file_digest(project.root / name) for name in output.sources}
    write_manifest(stage, outputs)
    kept.save()
    rendering.cache.prune()
    return outputs, list(dict.fromkeys(warnings))

