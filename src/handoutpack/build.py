"""The build: plan every render, render only what the cache lacks (on every core), write the
documents, assemble the packs whose parts changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache, partial
from importlib.metadata import version
from pathlib import Path

from . import imposition, links, markup, paper, resources
from .cache import Cache, Kept, Miss, key
from .config import PRESENTATION_LAYOUTS, Event, PackSpec, Printing, Project, suggest
from .content import Document, Translation, check_packs
from .errors import HandoutpackError, Problems
from .outputs import Output, document_path, save, write_manifest
from .pack import Part, assemble, stylesheets
from .parallel import Pool, default_jobs
from .render import Fetcher, Rendered, Renderer, engine, file_digest
from .slides import SLIDE_LINK, overflow_warnings, place_slides

Log = Callable[[str], None]
CACHE_DIR = ".cache"
"""The cache's folder inside the build folder."""
TEMPLATE_STYLES = {"slides.html": ("fonts.css", "slides.css"),
                   "slide-handout.html": ("fonts.css", "handout.css", "slide-sheets.css"),
                   "slide-notes.html": ("fonts.css", "handout.css", "slide-sheets.css")}
"""The stylesheets a layout uses, when not the documents' own."""


class Reporter:
    """Hears what a build does: why each thing is made again (for -v), progress (for a
    terminal), and the counts for the summary."""

    def __init__(self, log: Log = lambda message: None,
                 progress: Callable[[int, int, str], None] = lambda done, total, doing: None):
        self.log = log
        self.progress = progress
        self.rendered: list[str] = []
        self.reused = 0
        self.assembled: list[str] = []
        self.total = self.done = 0

    def expect(self, count: int) -> None:
        self.total += count

    def did(self, kind: str, name: str, reason: str) -> None:
        (self.rendered if kind == "rendered" else self.assembled).append(name)
        self.done += 1
        self.log(f"{kind} {name}: {reason}")
        self.progress(self.done, self.total, name)

    def absorb(self, heard: tuple[list[str], int, list[str]]) -> None:
        """Count and tell what a worker's reporter heard: (rendered, reused, messages)."""
        rendered, reused, messages = heard
        self.rendered += rendered
        self.reused += reused
        for message in messages:
            self.log(message)


@dataclass(frozen=True)
class Selection:
    """What to build: some packs and documents (everything when both are empty) in some
    languages (all when empty)."""

    packs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    def check(self, project: Project) -> None:
        for pack in self.packs:
            if pack not in project.packs:
                raise HandoutpackError(
                    f"no pack '{pack}'{suggest(pack, project.packs)}; the packs in "
                    f"{project.config_path.name} are: {', '.join(project.packs)}")
        for lang in self.languages:
            if lang not in project.languages:
                raise HandoutpackError(
                    f"--lang {lang}: not one of the project's languages "
                    f"({', '.join(project.languages)}){suggest(lang, project.languages)}")

    def pack_specs(self, project: Project) -> list[PackSpec]:
        everything = not self.packs and not self.documents
        return [p for p in project.packs.values() if everything or p.id in self.packs]

    def langs(self, project: Project) -> tuple[str, ...]:
        return self.languages or project.languages


@dataclass(frozen=True)
class Job:
    """One render: the HTML WeasyPrint gets, and where its relative links start. Two jobs with
    the same HTML and base give the same PDF, so each is rendered once, and kept in the cache."""

    name: str
    html: str
    base: Path
    lang: str
    source: str = ""
    """The project file it is made from, if any: for messages, and to say when it changed."""


@dataclass(frozen=True)
class Planned:
    """A document as one output needs it: the translation, and the job that renders it."""

    document: Document
    translation: Translation
    job: Job
    fell_back: bool = False
    layout: str = "document"
    """document, or a deck's slides, handout or notes."""
    slides: Job | None = None
    """For a deck's handout or notes: the slides render placed into the frames `job` draws."""


@dataclass(frozen=True)
class PlannedPack:
    """A pack file: which pack, in which language, printed how, and its documents in order."""

    spec: PackSpec
    lang: str
    printing: Printing
    parts: list[Planned]
    booklet: bool = False
    """The pack imposed as a booklet, from pages rendered at the booklet's page size."""

    @property
    def path(self) -> str:
        return f"{self.lang}/{self.spec.id}{'-booklet' if self.booklet else ''}.pdf"


@dataclass
class Plan:
    """Everything one build will write, before anything is rendered."""

    documents: list[tuple[str, Planned]] = field(default_factory=list)
    """(output path, planned document) for each document on its own."""
    packs: list[PlannedPack] = field(default_factory=list)

    def planned(self) -> list[Planned]:
        return [p for _, p in self.documents] + [p for pack in self.packs for p in pack.parts]

    def jobs(self) -> list[Job]:
        return list(dict.fromkeys(job for p in self.planned() for job in (p.slides, p.job) if job))

    def slide_jobs(self) -> list[Job]:
        """Every slides render, to check that each slide fits its page."""
        return list(dict.fromkeys(p.slides or p.job for p in self.planned()
                                  if p.layout in PRESENTATION_LAYOUTS))


def plan(project: Project, documents: dict[str, Document], selection: Selection) -> Plan:
    """Decide every output and the document render each needs; render nothing yet."""
    selection.check(project)
    check_packs(project, documents)
    specs = selection.pack_specs(project)
    wanted = (documents if not selection.packs and not selection.documents
              else {slug: documents[slug] for spec in specs for slug in spec.documents})
    for slug in selection.documents:
        if slug not in documents:
            raise HandoutpackError(f"no document '{slug}'{suggest(slug, documents)}")
        wanted[slug] = documents[slug]
    result = Plan()
    for lang in selection.langs(project):
        context = markup.make_context(project, lang, project.event)
        on_screen = replace(project.printing, qr=False)  # links work there; QR codes are for paper
        for slug, document in wanted.items():
            if lang not in document.translations:
                continue
            translation = document.translations[lang]
            if translation.meta.kind == "presentation":
                deck = deck_planned(project, document, translation, context, project.event,
                                    on_screen)
                result.documents += [(document_path(lang, slug, layout), planned)
                                     for layout, planned in deck.items()]
            else:
                job = document_job(project, translation, context, on_screen,
                                   linkable=frozenset())
                result.documents.append((document_path(lang, slug),
                                         Planned(document, translation, job)))
        for spec in (s for s in specs if not s.languages or lang in s.languages):
            result.packs.append(PlannedPack(spec, lang, spec.printing, _pack_parts(
                project, documents, spec, lang, spec.printing)))
            if spec.printing.booklet:
                printing = booklet_pages(spec.printing)
                result.packs.append(PlannedPack(spec, lang, printing, _pack_parts(
                    project, documents, spec, lang, printing), booklet=True))
    return result


def booklet_pages(printing: Printing) -> Printing:
    """A booklet's pages are half its sheet and are printed at the office, not trimmed."""
    return replace(printing, paper=paper.BOOKLET[printing.paper][0], print_ready=False)


def _pack_parts(project: Project, documents: dict[str, Document], spec: PackSpec,
                lang: str, printing: Printing) -> list[Planned]:
    title = project.text(spec.titles, lang)
    context = markup.make_context(project, lang, spec.event, title, spec.id, spec.audience)
    parts = []
    for slug in spec.documents:
        document = documents[slug]
        translation = document.best(lang, project.default_language)
        note_lang = lang if translation.lang != lang else None
        if translation.meta.kind == "presentation":
            parts.append(deck_planned(project, document, translation, context, spec.event,
                                      printing, note_lang, in_pack=True,
                                      layouts=(spec.presentations,))[spec.presentations])
        else:
            job = document_job(project, translation, context, printing, note_lang, in_pack=True,
                               linkable=frozenset(spec.documents) - {slug})
            parts.append(Planned(document, translation, job, note_lang is not None))
    return parts


def document_job(project: Project, translation: Translation, context: markup.Context,
                 printing: Printing, note_lang: str | None = None, in_pack: bool = False,
                 linkable: frozenset[str] | None = None) -> Job:
    """The render job for one document; `note_lang` adds the fallback note in that language.
    On paper (`printing.qr`) its links get numbers and QR codes in the margin beside them;
    `in_pack` leaves page numbers to the pack; links to the `linkable` documents jump to them."""
    body = resources.adapt(markup.document_body(
        translation, context, markup.labels(project, translation.lang)), project,
        translation.path.parent, translation.lang)
    if linkable is not None:  # None: the source's links as written, for `check` to follow
        body = links.link_documents(body, translation.path.parent, linkable)
    if printing.qr:
        frame_lang = note_lang or translation.lang
        body, _ = links.number_links(
            body, markup.labels(project, frame_lang)["links_qr_alt"],
            frame_lang if frame_lang != translation.lang else "")
    return _job(project, translation, "document.html", printing, note_lang, body=body,
                numbered_by_pack=in_pack)


def deck_planned(project: Project, document: Document, translation: Translation,
                 context: markup.Context, event: Event, printing: Printing,
                 note_lang: str | None = None, in_pack: bool = False,
                 layouts: Iterable[str] = PRESENTATION_LAYOUTS) -> dict[str, Planned]:
    """A deck's `layouts`: its slides, and handout and notes pages the slides are placed into
    (so each slide is rendered once). `note_lang` adds the fallback note in that language; only
    the layouts asked for are laid out, a pack showing one of them."""
    slides = deck_slides(project, translation, context)

    def job(template: str, note: str | None = None, numbered_by_pack: bool = False) -> Job:
        # in a pack, even the slides placed in its pages speak the pack's language
        return deck_job(project, translation, slides, template, event, printing, note,
                        numbered_by_pack, frame_lang=note_lang)

    plain = job("slides.html")
    fell_back = note_lang is not None
    made = {
        "slides": lambda: Planned(document, translation, job("slides.html", note_lang)
                                  if fell_back else plain, fell_back, "slides"),
        "handout": lambda: Planned(document, translation,
                                   job("slide-handout.html", note_lang, in_pack),
                                   fell_back, "handout", plain),
        "notes": lambda: Planned(document, translation, job("slide-notes.html", note_lang, in_pack),
                                 fell_back, "notes", plain),
    }
    return {layout: made[layout]() for layout in layouts}


def deck_slides(project: Project, translation: Translation,
                context: markup.Context) -> list[markup.Slide]:
    """A deck's slides, their images and links adapted as a document's are (resources.adapt)."""
    folder, lang = translation.path.parent, translation.lang
    return [replace(slide, html=resources.adapt(slide.html, project, folder, lang),
                    notes_html=resources.adapt(slide.notes_html, project, folder, lang))
            for slide in markup.deck(translation, context, markup.labels(project, lang))]


def deck_job(project: Project, translation: Translation, slides: list[markup.Slide],
             template: str, event: Event, printing: Printing,
             note_lang: str | None = None, in_pack: bool = False,
             frame_lang: str | None = None) -> Job:
    """The render job for one layout of a deck (slides.html, slide-handout.html...);
    `in_pack` leaves the page numbers of handout and notes pages to the pack; `frame_lang`
    is the language of the words around the slides' own text (the pack's)."""
    return _job(project, translation, template, printing, note_lang, slides=slides, event=event,
                slide_link=SLIDE_LINK, numbered_by_pack=in_pack, frame_lang=frame_lang)


def page_job(project: Project, translation: Translation, context: markup.Context) -> Job:
    """How a translation reads on its own: a document's pages, or a deck's slides."""
    if translation.meta.kind == "presentation":
        slides = deck_slides(project, translation, context)
        return deck_job(project, translation, slides, "slides.html", project.event,
                        project.printing)
    return document_job(project, translation, context, project.printing)


def _job(project: Project, translation: Translation, template: str, printing: Printing,
         note_lang: str | None, frame_lang: str | None = None, event: Event = Event(),
         **values) -> Job:
    """A job rendering `template` for one translation, with what every layout shows. The
    words the layout prints around the text (labels, captions, the event) are in `frame_lang`,
    else the fallback note's language, else the translation's: a French pack's frame is French
    around an English document."""
    meta = translation.meta
    frame_lang = frame_lang or note_lang or translation.lang
    words = markup.labels(project, frame_lang)
    note = ""
    if note_lang:
        note = markup.labels(project, note_lang)["fallback_note"].format(
            source_language=markup.language_name(translation.lang, note_lang))
    html = markup.page(
        project, template, org=project.org, brand=project.brand, lang=translation.lang,
        words=words, title=meta.title, summary=meta.summary, kind=meta.kind,
        keywords=meta.keywords, date=fixed_date(meta.date), printing=printing,
        page_css=markup.page_css(printing),
        logo=project.org.logo.as_uri() if project.org.logo else "",
        styles=stylesheets(project, *TEMPLATE_STYLES.get(template, ())),
        page_counter=markup.page_counter_css(words), fallback_lang=note_lang,
        fallback_note=note, frame_lang=frame_lang,
        event=event.shown(frame_lang, project.default_language), **values)
    source = source_name(project, translation)
    variant = [*([template.removesuffix(".html")] if template != "document.html" else []),
               *(["in packs"] if values.get("numbered_by_pack") else []),
               *([f"{frame_lang} fallback"] if frame_lang != translation.lang else [])]
    name = f"{source} ({', '.join(variant)})" if variant else source
    return Job(name, html, translation.path.parent, translation.lang, source)


def source_name(project: Project, translation: Translation) -> str:
    return str(translation.path.relative_to(project.root))


def fixed_date(date: dt.date | None) -> dt.date | None:
    """A PDF's date: the content's, or else SOURCE_DATE_EPOCH's; never the clock, so that the
    same inputs give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if date or not epoch.isdigit():
        return date
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()


def make_renderer(project: Project, pdf_variant: str | None = None) -> Renderer:
    return Renderer(*_fetcher_args(project), pdf_variant=pdf_variant, image_dpi=project.image_dpi)


def _fetcher_args(project: Project) -> tuple:
    return ([project.root, markup.builtin_dir("templates"), markup.builtin_dir("styles")],
            [markup.style_dirs(project), markup.template_dirs(project)], project.allow_remote)


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

    def __init__(self, project: Project, spec: CacheSpec, pool: Pool, reporter: Reporter):
        self.project, self.spec, self.pool, self.reporter = project, spec, pool, reporter
        self.cache = spec.open()
        self.fetcher = Fetcher(*_fetcher_args(project))
        self.done: dict[Job, Rendered] = {}
        self._keys: dict[Job, str] = {}

    def key(self, job: Job) -> str:
        """The cache key of a job with this build's options (the files it reads are checked
        on top: see Cache.render)."""
        if job not in self._keys:
            self._keys[job] = key("render", engine(), self.spec.options, job.html,
                                  job.base.as_posix(), job.lang)
        return self._keys[job]

    def get(self, jobs: Iterable[Job]) -> dict[Job, Rendered]:
        jobs = list(dict.fromkeys(jobs))
        reasons = {}
        for job in jobs:
            if job in self.done:
                continue
            found = self.cache.render(self.key(job), self.fetcher)
            if isinstance(found, Miss):
                reasons[job] = self._why(job, found.reason)
            else:
                self.done[job] = found
                self.reporter.reused += 1
        self.reporter.expect(len(reasons))
        for job, rendered in self.pool.run(_render, reasons):
            self.done[job] = rendered
            self.cache.store_render(self.key(job), rendered)
            self.cache.remember(job.name, f"{self.key(job)} {self._source_digest(job)}")
            self.reporter.did("rendered", job.name, reasons[job])
        return {job: self.done[job] for job in jobs}

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
        return file_digest(self.project.root / job.source) if job.source else ""


def _render(renderer: Renderer, job: Job) -> Rendered:
    return renderer.render(job.html, job.base, job.source or job.name, job.lang)


class CachedRenderer:
    """A renderer for the pages a pack renders itself (cover, contents, page numbers) that
    takes them from the cache when it can, noting what it rendered and why."""

    def __init__(self, project: Project, spec: CacheSpec, renderer: Renderer):
        self.messages: list[str] = []
        self.reporter = Reporter(log=self.messages.append)
        self.rendering = Rendering(project, spec, Pool(lambda: renderer, 1), self.reporter)

    def render(self, html: str, base: Path, name: str, lang: str) -> Rendered:
        job = Job(f"{name} ({lang})", html, base, lang)
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
            self._placed[pair] = self._place(self.rendered[planned.job],
                                             self.rendered[planned.slides])
        return self._placed[pair]

    def _place(self, sheets: Rendered, slides: Rendered) -> Rendered:
        entry = key("placed", _code(), hashlib.sha256(sheets.pdf).hexdigest(),
                    hashlib.sha256(slides.pdf).hexdigest())
        found = self.cache.read("placed", entry)
        if not isinstance(found, Miss):
            return Rendered(found[1], int(found[0]["pages"]), tuple(found[0]["warnings"]))
        placed = place_slides(sheets, slides)
        self.cache.write("placed", entry, placed.pdf, pages=placed.pages,
                         warnings=list(placed.warnings))
        return placed


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
              temp_root=spec.folder / "tmp") as pool:
        rendering = Rendering(project, spec, pool, reporter)
        rendered = rendering.get(planned.jobs())
        warnings = [f"{job.source or job.name}: {w}" for job, r in rendered.items()
                    for w in r.warnings]
        warnings += [f"{job.source or job.name}: {w}" for job in planned.slide_jobs()
                     for w in _overflow_warnings(rendering.cache, rendered[job])]
        if strict and warnings:
            raise Problems([*dict.fromkeys(warnings),
                            "(--strict: warnings fail the build; nothing was written)"])
        renders = Renders(rendered, rendering.cache)
        packs = _packs(project, planned, renders, spec, pool, reporter)
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


def kept_pages(project: Project, reuse: bool = True) -> Kept:
    """The typeset pages of earlier builds (markup.keeping)."""
    return Kept(Cache(project.build_dir / CACHE_DIR, reuse=reuse, root=project.root), "pages")


def write_document(project: Project, path: str, planned: Planned, rendered: Rendered) -> Output:
    pdf = imposition.print_ready(rendered.pdf) if project.printing.print_ready else rendered.pdf
    return save(project.build_dir, path, pdf, kind=planned.layout,
                lang=planned.translation.lang, document=planned.document.slug,
                pages=rendered.pages, sources=[source_name(project, planned.translation)])


def _packs(project: Project, planned: Plan, renders: Renders, spec: CacheSpec, pool: Pool,
           reporter: Reporter) -> dict[str, tuple[bytes, int]]:
    """Each pack's PDF and page count: from the cache when it is made of the same renders and
    settings as before, else assembled anew (its cover, contents and page numbers rendered or
    taken from the cache) on the pool."""
    cache, made, todo = renders.cache, {}, {}
    for pack in planned.packs:
        entry = _pack_key(project, pack, renders, spec.options)
        found = cache.read("packs", entry)
        if isinstance(found, Miss):
            todo[pack.path] = (entry, pack, _pack_why(cache, entry, pack, renders, found.reason))
        else:
            made[pack.path] = (found[1], int(found[0]["pages"]))
    reporter.expect(len(todo))
    items = [(path, (project, pack.spec, pack.lang, pack.printing, pack.booklet,
                     _parts(pack, renders), _pack_date(pack.parts), spec))
             for path, (_, pack, _) in todo.items()]
    for (path, _), (pdf, pages, heard) in pool.run(_assemble, items):
        entry, pack, reason = todo[path]
        made[path] = (pdf, pages)
        cache.write("packs", entry, pdf, pages=pages)
        cache.remember(path, f"{entry} {_pieces(pack, renders)}")
        reporter.absorb(heard)
        reporter.did("assembled", path, reason)
    return made


def _parts(pack: PlannedPack, renders: Renders) -> list[Part]:
    return [Part(p.document.slug, p.translation.meta.title, p.translation.meta.summary,
                 p.translation.meta.kind, p.document.section, p.translation.lang,
                 renders[p], p.fell_back, numbered=p.layout != "slides") for p in pack.parts]


def _pack_date(parts: list[Planned]) -> dt.date | None:
    """A pack is as new as its newest document."""
    return fixed_date(max((p.translation.meta.date for p in parts if p.translation.meta.date),
                          default=None))


def _assemble(renderer: Renderer, item: tuple) -> tuple[bytes, int, tuple]:
    """On a worker: one pack, its own pages rendered through the cache."""
    project, spec, lang, printing, booklet, parts, date, cache_spec = item[1]
    pages_renderer = CachedRenderer(project, cache_spec, renderer)
    pdf, pages = assemble(project, spec, lang, parts, pages_renderer, date, printing)
    if booklet:
        pdf, pages = imposition.booklet(pdf, paper.BOOKLET[spec.printing.paper][1])
    heard = pages_renderer.reporter
    return pdf, pages, (heard.rendered, heard.reused, pages_renderer.messages)


def _pack_key(project: Project, pack: PlannedPack, renders: Renders, options: str) -> str:
    """Everything a pack's bytes come from, without rendering its own pages: its settings, its
    parts' renders, and (for its cover, contents and page numbers) the theme's and the
    project's templates and styles, and this code."""
    return key("pack", _code(), version("pypdf"), options, repr(project), repr(pack.spec),
               pack.lang, repr(pack.printing), str(pack.booklet), repr(_pack_date(pack.parts)),
               _theme_digest(project), _pieces(pack, renders),
               repr([(p.document.slug, p.translation.meta, p.translation.lang, p.fell_back,
                      p.layout) for p in pack.parts]))


def _pieces(pack: PlannedPack, renders: Renders) -> str:
    """What a pack is made of, by digest: each document as the pack shows it."""
    return " ".join(f"{p.document.slug}={hashlib.sha256(renders[p].pdf).hexdigest()[:16]}"
                    for p in pack.parts)


def _pack_why(cache: Cache, entry: str, pack: PlannedPack, renders: Renders,
              reason: str) -> str:
    """Say which of a pack's documents changed since it was last assembled."""
    before = cache.recall(pack.path) if reason == "new" else None
    if before is None:
        return reason
    old_entry, *old_pieces = before.split()
    if old_entry == entry:
        return "not in the cache"
    old = dict(piece.split("=") for piece in old_pieces)
    new = dict(piece.split("=") for piece in _pieces(pack, renders).split())
    changed = [name for name in new if old.get(name) != new[name]]
    return (f"{', '.join(changed)} changed" if changed
            else "its settings, templates or styles changed")


def _theme_digest(project: Project) -> str:
    """Every template and style file the pack's own pages may use, and the logo."""
    folders = [*markup.template_dirs(project), *markup.style_dirs(project)]
    files = sorted({f for folder in folders if folder.is_dir() for f in folder.rglob("*")
                    if f.is_file()})
    if project.org.logo and project.org.logo.is_file():
        files.append(project.org.logo)
    return key(*(f"{f} {_file_digest(f)}" for f in files))


@cache
def _file_digest(path: Path) -> str:
    return file_digest(path)


@cache
def _code() -> str:
    """handoutpack's own code, for what is cached without a render's checks: packs, placed
    slides, slide checks."""
    return key(*(file_digest(m) for m in sorted(Path(__file__).parent.glob("*.py"))))


def _overflow_warnings(cache: Cache, slides: Rendered) -> list[str]:
    """slides.overflow_warnings, kept in the cache: it reads the whole PDF."""
    entry = key("overflow", _code(), hashlib.sha256(slides.pdf).hexdigest())
    found = cache.read("checks", entry)
    if not isinstance(found, Miss):
        return found[1].decode("utf-8").splitlines()
    warnings = overflow_warnings(slides)
    cache.write("checks", entry, "\n".join(warnings).encode("utf-8"))
    return warnings
