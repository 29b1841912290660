"""The build: check → plan → render → assemble → write → publish, under the build folder's lock;
nothing is written when a check or a render fails."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from . import distribute, imposition, markup
from .assembly import packs as assemble_packs
from .cache import Kept
from .check import preflight
from .config import Project
from .content import Document
from .errors import Problems
from .outputs import TEMP_DIR, Output, build_lock, save, write_manifest
from .parallel import Pool, default_jobs
from .plan import Planned, Selection, plan, source_name
from .render import Rendered
from .rendering import (CACHE_DIR, CacheSpec, Renders, Rendering, Reporter, kept_pages,
                        make_renderer, overflow_warnings_cached)

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
    kept = kept_pages(project, reuse=reuse)
    with markup.keeping(kept):
        noticed = preflight(project, documents, selection, strict)
    with build_lock(project.build_dir):
        outputs, warnings = build(project, documents, selection, reporter, jobs=jobs,
                                  reuse=reuse, strict=strict, pdf_variant=pdf_variant, kept=kept)
        with markup.keeping(kept):
            warnings += distribute.publish(project, documents, log)
        kept.save()
    return outputs, [*noticed, *warnings]


def build(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
          reporter: Reporter | None = None, jobs: int | None = None, reuse: bool = True,
          strict: bool = False, pdf_variant: str | None = None,
          kept: Kept | None = None) -> tuple[list[Output], list[str]]:
    """Write the selected documents and packs into build/; return the outputs and warnings.
    `jobs` processes render at once (default: one per core); `reuse=False` ignores the cache;
    `strict`: WeasyPrint's warnings fail the build before anything is written; `kept`: the
    typeset pages kept between builds (see kept_pages), if the caller has them already."""
    reporter = reporter or Reporter()
    kept = kept or kept_pages(project, reuse)
    with markup.keeping(kept):
        planned = plan(project, documents, selection)
    spec = CacheSpec(project.build_dir / CACHE_DIR, reuse, project.root,
                     make_renderer(project, pdf_variant).options)
    with Pool(partial(make_renderer, project, pdf_variant), jobs or default_jobs(),
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
    outputs = [write_document(project, path, p, renders[p]) for path, p in planned.documents]
    for pack in planned.packs:
        pdf, pages = packs[pack.path]
        outputs.append(save(project.build_dir, pack.path, pdf,
                            kind="booklet" if pack.booklet else "pack", lang=pack.lang,
                            pack=pack.spec.id, pages=pages,
                            sources=[source_name(project, p.translation) for p in pack.parts],
                            fallbacks=[p.document.slug for p in pack.parts if p.fell_back]))
    write_manifest(project.build_dir, outputs)
    kept.save()
    rendering.cache.prune()
    return outputs, list(dict.fromkeys(warnings))


def write_document(project: Project, path: str, planned: Planned, rendered: Rendered) -> Output:
    pdf = imposition.print_ready(rendered.pdf) if project.printing.print_ready else rendered.pdf
    return save(project.build_dir, path, pdf, kind=planned.layout,
                lang=planned.translation.lang, document=planned.document.slug,
                pages=rendered.pages, sources=[source_name(project, planned.translation)])
