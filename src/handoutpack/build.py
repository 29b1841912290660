"""The build: plan → render → assemble → write, nothing written when a render fails (what runs
around it, check and publishing, is pipeline.py's)."""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial

from . import markup, prepress
from .assembly import packs as assemble_packs
from .cache import Kept, file_digest
from .config import Project, with_printing
from .content import Document
from .errors import Problems
from .outputs import TEMP_DIR, Output, Staging, ensure_space, save, write_manifest
from .parallel import Pool, default_jobs
from .plan import Selection, plan, source_name
from .progress import Reporter
from .rendering import (CACHE_DIR, CacheSpec, Renders, Rendering, kept_pages, make_renderer,
                        overflow_warnings_cached)


def build(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
          reporter: Reporter | None = None, jobs: int | None = None, reuse: bool = True,
          strict: bool = False, pdf_variant: str | None = None,
          kept: Kept | None = None, dry_run: bool = False, screen_images: bool = False,
          stage: Staging | None = None, pool: Pool | None = None
          ) -> tuple[list[Output], list[str]]:
    """Write the selected documents and packs into build/; return the outputs and warnings.
    `jobs` processes render at once (default: one per core); `reuse=False` ignores the cache;
    `strict`: WeasyPrint's warnings fail the build before anything is written; `kept`: the
    typeset pages kept between builds (see kept_pages), if the caller has them already;
    `pdf_variant` wins over every pack's and the config's. `dry_run` writes nothing but the
    cache (for `check --print`); `screen_images` also checks the images of screen files.
    The outputs are written into `stage` (needed unless `dry_run`), for the caller to switch.
    `pool`: workers the caller keeps warm between builds (the preview's), else this build's own."""
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
    with nullcontext(pool) if pool else Pool(partial(make_renderer, project),
                                             jobs or default_jobs(),
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

