"""The build: plan → render → assemble → write, nothing written when a render fails (what runs
around it, check and publishing, is pipeline.py's)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .assemble import prepress
from .assemble.stage import packs as assemble_packs
from .store import memos
from .store.cache import Cache, Kept
from .store.digests import file_digest
from .project.config import Project, with_printing
from .sources.content import Document
from .errors import HandoutpackError, Problem, Problems, warning
from .store.outputs import TEMP_DIR, Output, Staging, save, write_manifest
from .store.outputs import cache_folder, ensure_space
from .store.lock import build_lock
from .render.pool import Pool, default_jobs
from .plan.jobs import Plan, plan, source_name
from .plan.selection import Selection
from .progress import Reporter
from .publish.thumbnails import first_page, first_pages
from .render.engine import Renderer
from .render.stage import (
    CacheSpec,
    Renders,
    Rendering,
    kept_pages,
    make_renderer,
    overflow_warnings_cached,
)


@dataclass
class Made:
    """What a build made, in memory: the renders, each document's PDF and each pack's, and the
    warnings so far. Nothing of it is written yet (but the cache)."""
    project: Project
    planned: Plan
    rendered: dict
    renders: Renders
    cache: Cache
    documents: dict[str, bytes]
    packs: dict[str, tuple[bytes, int, int]]
    covers: dict[str, tuple]
    """<pack>-cover.pdf files: a booklet's outer sheet has left its pack (prepress.covers)."""
    kept: Kept
    warnings: list[Problem]

    def print_warnings(self, screen_images: bool = False) -> list[Problem]:
        """The preflight of what was made (of screen files' images too, with `screen_images`)."""
        return prepress.print_warnings(self.project.press, self.planned, self.rendered,
                                       self.documents, self.packs, self.cache, screen_images)


def cache_spec(project: Project, reuse: bool) -> CacheSpec:
    return CacheSpec(cache_folder(project.folders), reuse, project.root,
                     make_renderer(project.render_settings).options)


def build_pool(project: Project, jobs: int | None) -> Pool:
    """The workers of one build (`jobs` of them, default one per core)."""
    return Pool(partial(make_renderer, project.render_settings), jobs or default_jobs(),
                temp_root=project.build_dir / TEMP_DIR, fresh_stages=True)


FEW_THUMBNAILS = 8
"""Fewer thumbnails to draw than this are drawn in the build's own process: starting workers
for them would take longer."""


def drawing_on(pool: Pool):
    """How publishing draws the thumbnails that are missing: on `pool`'s workers when there are
    many (a first build's hundred and more), else here."""

    def draw(pdfs: list[Path]) -> list[tuple[bytes, int, int]]:
        if len(pdfs) < FEW_THUMBNAILS:
            return list(first_pages(pdfs))
        drawn = dict(pool.run(_first_page, pdfs))
        return [drawn[pdf] for pdf in pdfs]

    return draw


def _first_page(renderer: Renderer, pdf: Path) -> tuple[bytes, int, int]:
    """On a worker: a PDF's thumbnail."""
    return first_page(pdf)


def start_renders(project: Project, documents: dict[str, Document], selection: Selection,
                  rendering: Rendering) -> None:
    """Lay out what a build of `selection` needs and start rendering it, before the check: what
    the check passes is rendering while it runs. It stops at the first page it cannot lay out
    (the check says why); the build plans again once the check is done, and renders of
    documents the check left out are dropped (Rendering.drop_unused)."""
    try:
        plan(project.planning, documents, selection, started=rendering.start)
    except HandoutpackError:
        pass


def make(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
         reporter: Reporter | None = None, jobs: int | None = None, reuse: bool = True,
         strict: bool = False, kept: Kept | None = None, pool: Pool | None = None,
         rendering: Rendering | None = None) -> Made:
    """Plan, render and assemble the selected documents and packs in memory. `jobs` processes
    render at once (default: one per core); `reuse=False` ignores the cache; `strict`:
    WeasyPrint's warnings fail before anything is written; `kept`: the typeset pages kept
    between builds (see kept_pages), if the caller has them already; `pool`: workers the
    caller keeps warm between builds (the preview's), else this build's own; `rendering`: the
    renders the caller started on `pool` already (start_renders)."""
    reporter = reporter or Reporter()
    ensure_space(project.build_dir, {})  # renders need room in build/.cache too
    kept = kept or kept_pages(project.folders, reuse)
    spec = rendering.spec if rendering else cache_spec(project, reuse)
    with nullcontext(pool) if pool else build_pool(project, jobs) as pool:
        rendering = rendering or Rendering(project.render_settings, spec, pool, reporter)
        with memos.building(kept):  # each render starts as soon as its page is laid out
            planned = plan(project.planning, documents, selection, started=rendering.start)
        reporter.jobs = len(planned.jobs())
        reporter.notes += prepress.brand_notes(project.press, planned)
        rendered = rendering.get(planned.jobs())
        rendering.drop_unused()
        warnings = [warning(job.source or job.name, w, topic="render")
                    for job, r in rendered.items() for w in r.warnings]
        warnings += [warning(job.source or job.name, w, topic="slides")
                     for job in planned.slide_jobs()
                     for w in overflow_warnings_cached(rendering.cache, rendered[job])]
        if strict and warnings:
            raise Problems([*dict.fromkeys(warnings),
                            "(--strict: warnings fail the build; nothing was written)"])
        renders = Renders(rendered, rendering.cache)
        renders.place(planned.planned(), pool)  # decks' handout and notes pages, on the pool
        pool.next_stage()
        packs = assemble_packs(project.theme, project.render_settings, planned, renders, spec,
                               pool, reporter)
    covers = prepress.covers(planned, packs)  # takes a booklet's cover sheet out of its pack
    documents_out = {path: prepress.document_pdf(project.press, renders[p])
                     for path, p in planned.documents}
    return Made(project, planned, rendered, renders, rendering.cache, documents_out, packs, covers,
                kept, warnings)


def build(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
          reporter: Reporter | None = None, jobs: int | None = None, reuse: bool = True,
          strict: bool = False, pdf_variant: str | None = None,
          kept: Kept | None = None, stage: Staging | None = None, pool: Pool | None = None,
          rendering: Rendering | None = None) -> tuple[list[Output], list[Problem]]:
    """Write the selected documents and packs into `stage`, for the caller to switch into
    build/; return the outputs and warnings. `pdf_variant` wins over every pack's and the
    config's; the other options are make()'s."""
    if pdf_variant:
        project = with_printing(project, pdf_variant=pdf_variant)
    made = make(project, documents, selection, reporter, jobs, reuse, strict, kept, pool,
                rendering)
    printed = made.print_warnings()
    if strict and printed:
        raise Problems([*dict.fromkeys(printed),
                        "(--strict: warnings fail the build; nothing was written)"])
    return write(made, stage), list(dict.fromkeys(made.warnings + printed))


def print_files_preflight(project: Project, documents: dict[str, Document]) -> list[Problem]:
    """`check --print`: a build that writes nothing. Every pack made print-ready (PDF/X-4
    unless the config names another variant) and the documents as they are built, read back by
    the preflight, screen files' images too. Only the build's cache is written, which the next
    build reuses."""
    packs = {pack_id: replace(spec, printing=replace(spec.printing, print_ready=True))
             for pack_id, spec in project.packs.items()}
    with build_lock(project.build_dir):
        made = make(replace(project, packs=packs), documents)
    return list(dict.fromkeys(made.warnings + made.print_warnings(screen_images=True)))


def write(made: Made, stage: Staging) -> list[Output]:
    """Save what `made` holds into `stage`: documents, packs, print tickets, covers, manifest."""
    project, planned, packs, renders = made.project, made.planned, made.packs, made.renders
    ensure_space(project.build_dir, {**{path: len(pdf) for path, pdf in made.documents.items()},
                                     **{path: len(pack[0]) for path, pack in packs.items()}})
    outputs = [save(stage, path, made.documents[path], kind=p.layout,
                    lang=p.translation.lang, document=p.document.slug, pages=renders[p].pages,
                    sources=[source_name(project.root, p.translation)])
               for path, p in planned.documents]
    for pack in planned.packs:
        pdf, pages, pack_pages = packs[pack.path]
        outputs.append(save(stage, pack.path, pdf,
                            kind="booklet" if pack.booklet else "pack", lang=pack.lang,
                            pack=pack.spec.id, pages=pages,
                            sources=[source_name(project.root, p.translation)
                                     for p in pack.parts],
                            fallbacks=[p.document.slug for p in pack.parts if p.fell_back],
                            print=prepress.ticket_data(project.press, pack, pack_pages)))
    prepress.write_tickets(project.langs, planned,
                           outputs[-len(planned.packs):] if planned.packs else [], stage)
    outputs += [save(stage, path, pdf, kind="cover", lang=pack.lang,
                     pack=pack.spec.id, pages=pages)
                for path, (pack, pdf, pages) in made.covers.items()]
    for output in outputs:  # what each was built from, by content (see distribute.outbox)
        output.source_sha256 = {name: file_digest(project.root / name) for name in output.sources}
    write_manifest(stage, outputs)
    made.kept.save()
    made.cache.prune()
    return outputs
