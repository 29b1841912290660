"""Rendering a build's jobs: each from the cache when nothing it read has changed, the rest on
the pool of workers; and the renders each planned output uses (slides placed into handouts)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..markup import templates
from ..store.cache import Cache, Kept, Miss
from ..store.digests import code_digest, file_digest, key
from ..project.parts import Folders, RenderSettings
from ..store.outputs import cache_folder
from .pool import Inline, Pool
from ..plan.jobs import Job, Planned
from ..progress import Reporter
from ..pdf import colour
from .engine import Fetcher, Rendered, Renderer, engine, is_print
from ..markup.theme import builtin_dir
from ..assemble.decks import overflow_warnings, place_slides

def make_renderer(settings: RenderSettings, pdf_variant: str | None = None) -> Renderer:
    return Renderer(*_fetcher_args(settings), pdf_variant=pdf_variant,
                    image_dpi=settings.image_dpi, inks=partial(colour.inks_for, settings.press),
                    max_image_pixels=settings.max_image_pixels)


def _fetcher_args(settings: RenderSettings) -> tuple:
    folders = settings.folders
    return ([folders.root, builtin_dir("templates"), builtin_dir("styles")],
            [templates.style_dirs(folders), templates.template_dirs(folders)],
            settings.allow_remote)


@dataclass(frozen=True)
class CacheSpec:
    """Where a build's cache is and how it keys renders: what a worker needs to use it too."""

    folder: Path
    reuse: bool
    root: Path
    options: str

    def open(self) -> Cache:
        return Cache(self.folder, reuse=self.reuse, root=self.root)


class Rendering:
    """The renders of one build: each from the cache when nothing it read has changed, the
    rest on the pool; each new one is kept in the cache."""

    def __init__(self, settings: RenderSettings, spec: CacheSpec, pool: Pool | Inline,
                 reporter: Reporter):
        self.settings, self.spec, self.pool, self.reporter = settings, spec, pool, reporter
        self.cache = spec.open()
        self.fetcher = Fetcher(*_fetcher_args(settings))
        self.done: dict[Job, Rendered] = {}
        self.pending: dict[Job, Future] = {}
        """Renders started and not yet collected (see start)."""
        self.reasons: dict[Job, str] = {}
        """Why each started render is made again, for the log."""
        self._keys: dict[Job, str] = {}

    def key(self, job: Job) -> str:
        """The cache key of a job with this build's options (the files it reads are checked
        on top: see Cache.render)."""
        if job not in self._keys:
            inks = colour.inks_for(self.settings.press).key if is_print(job.variant) else ""
            self._keys[job] = key("render", engine(), self.spec.options, str(job.variant), inks,
                                  job.html, job.base.as_posix(), job.lang)
        return self._keys[job]

    def start(self, job: Job) -> None:
        """Start rendering `job` on the pool now, unless it is done, under way or in the cache:
        a build starts each render as soon as its page is laid out, while it plans the rest."""
        if job in self.done or job in self.pending:
            return
        found = self.cache.render(self.key(job), self.fetcher)
        if isinstance(found, Miss):
            self.reasons[job] = self._why(job, found.reason)
            self.reporter.expect(1)
            self.pending[job] = self.pool.submit(_render, job)
        else:
            self.done[job] = found
            self.reporter.reused += 1

    def get(self, jobs: Iterable[Job]) -> dict[Job, Rendered]:
        """Each job's render, once all are done (those not started yet are started now)."""
        jobs = list(dict.fromkeys(jobs))
        for job in jobs:
            self.start(job)
        waiting = {self.pending.pop(job): job for job in jobs if job in self.pending}
        for job, rendered in self.pool.results(waiting, jobs):
            self.done[job] = rendered
            self.cache.store_render(self.key(job), rendered)
            self.cache.remember(job.name, f"{self.key(job)} {self._source_digest(job)}")
            self.reporter.did("rendered", job.name, self.reasons.pop(job))
        return {job: self.done[job] for job in jobs}

    def drop_unused(self) -> None:
        """Give up the renders started and never asked for (of documents a build left out once
        its check had run): those not begun yet are not made; none is kept or counted."""
        for job, future in self.pending.items():
            future.cancel()
            self.reporter.expect(-1)
            self.reasons.pop(job, None)
        self.pending.clear()

    def _why(self, job: Job, reason: str) -> str:
        """Say what changed since `job.name` was last rendered, when the cache cannot."""
        before = self.cache.recall(job.name) if reason == "new" else None
        if before is None:
            return reason
        old_key, _, old_source = before.partition(" ")
        if old_key == self.key(job):
            return "not in the cache"
        if old_source != self._source_digest(job):
            return f"{job.source} changed"
        return "its template, labels or settings changed"

    def _source_digest(self, job: Job) -> str:
        return file_digest(self.settings.folders.root / job.source) if job.source else ""


def _render(renderer: Renderer, job: Job) -> Rendered:
    return renderer.render(job.html, job.base, job.source or job.name, job.lang, job.variant)


class CachedRenderer:
    """A renderer for the pages a pack renders itself (cover, contents, page numbers) that
    takes them from the cache when it can, noting what it rendered and why."""

    def __init__(self, settings: RenderSettings, spec: CacheSpec, renderer: Renderer):
        self.messages: list[str] = []
        self.reporter = Reporter(log=self.messages.append)
        self.rendering = Rendering(settings, spec, Inline(renderer), self.reporter)

    def render(self, html: str, base: Path, name: str, lang: str,
               variant: str | None = None) -> Rendered:
        job = Job(f"{name} ({lang})", html, base, lang, variant=variant)
        return self.rendering.get([job])[job]


class Renders:
    """The render each planned output uses: its job's, or for a deck's handout or notes, the
    job's pages with the slides placed into their frames (placed once, however often used,
    and kept in the cache)."""

    def __init__(self, rendered: dict[Job, Rendered], cache: Cache):
        self.rendered = rendered
        self.cache = cache
        self._placed: dict[tuple[Job, Job], Rendered] = {}

    def __getitem__(self, planned: Planned) -> Rendered:
        if planned.slides is None:
            return self.rendered[planned.job]
        pair = (planned.job, planned.slides)
        if pair not in self._placed:
            self.place([planned], Inline(None))
        return self._placed[pair]

    def place(self, planned: Iterable[Planned], pool: Pool | Inline) -> None:
        """Place the slides of every deck's handout and notes pages in `planned` now, those the
        cache does not have on the pool's workers, at once."""
        todo: dict[tuple[Job, Job], str] = {}
        for pair in dict.fromkeys((p.job, p.slides) for p in planned if p.slides is not None):
            if pair in self._placed or pair in todo:
                continue
            sheets, slides = self.rendered[pair[0]], self.rendered[pair[1]]
            entry = key("placed", code_digest(), hashlib.sha256(sheets.pdf).hexdigest(),
                        hashlib.sha256(slides.pdf).hexdigest())
            found = self.cache.read("placed", entry)
            if isinstance(found, Miss):
                todo[pair] = entry
            else:
                self._placed[pair] = Rendered(found[1], int(found[0]["pages"]),
                                              tuple(found[0]["warnings"]))
        items = {id(item): (pair, item) for pair in todo
                 for item in [(pair[0].name, self.rendered[pair[0]], self.rendered[pair[1]])]}
        for item, placed in pool.run(_place, [item for _, item in items.values()]):
            pair = items[id(item)][0]
            self._placed[pair] = placed
            self.cache.write("placed", todo[pair], placed.pdf, pages=placed.pages,
                             warnings=list(placed.warnings))


def _place(renderer: Renderer | None, item: tuple[str, Rendered, Rendered]) -> Rendered:
    """On a worker: a deck's handout or notes pages (named item[0]) with its slides placed."""
    return place_slides(item[1], item[2])


def kept_pages(folders: Folders, reuse: bool = True) -> Kept:
    """The typeset pages of earlier builds (memos.building)."""
    return Kept(Cache(cache_folder(folders), reuse=reuse, root=folders.root), "pages")


def overflow_warnings_cached(cache: Cache, slides: Rendered) -> list[str]:
    """slides.overflow_warnings, kept in the cache: it reads the whole PDF."""
    entry = key("overflow", code_digest(), hashlib.sha256(slides.pdf).hexdigest())
    found = cache.read("checks", entry)
    if not isinstance(found, Miss):
        return found[1].decode("utf-8").splitlines()
    warnings = overflow_warnings(slides)
    cache.write("checks", entry, "\n".join(warnings).encode("utf-8"))
    return warnings
