"""What one build makes, before anything is rendered: the Selection asked for, a Job for every
render, and the Plan of documents and packs each output needs."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..markup import links
from ..markup import jinja
from ..markup import formats, templates
from ..markup import markdown
from ..markup import decks
from ..markup import memory
from ..store import memos
from ..markup import labels, numbers
from ..project import paper
from ..sources import resources
from ..project.parts import Planning
from ..project.settings import PRESENTATION_LAYOUTS, Event, PackSpec, Printing
from .inputs import setting as inputs_setting, source_state
from .selection import Selection
from ..project.keys import suggest
from ..sources.content import Document, Translation, check_packs
from ..errors import HandoutpackError
from ..store.outputs import document_path, pack_path
from ..assemble.pack import stylesheets
from ..pdf.placeholders import SLIDE_LINK

TEMPLATE_STYLES = {"slides.html": ("fonts.css", "slides.css"),
                   "slide-handout.html": ("fonts.css", "handout.css", "slide-sheets.css"),
                   "slide-notes.html": ("fonts.css", "handout.css", "slide-sheets.css")}
"""The stylesheets a layout uses, when not the documents' own."""


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
    variant: str | None = None
    """The PDF variant it is rendered in (PDF/X renders are made CMYK)."""


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
        return pack_path(self.lang, self.spec.id, self.booklet)


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


def plan(planning: Planning, documents: dict[str, Document], selection: Selection,
         started: Callable[[Job], None] = lambda job: None) -> Plan:
    """Decide every output and the document render each needs, giving `started` each render as
    soon as it is laid out (a build starts rendering it while it plans the rest)."""
    selection.check(planning.packs, planning.languages)
    check_packs(planning.folders, planning.packs, documents)
    specs = selection.pack_specs(planning.packs)
    wanted = (documents if not selection.packs and not selection.documents
              else {slug: documents[slug] for spec in specs for slug in spec.documents})
    for slug in selection.documents:
        if slug not in documents:
            raise HandoutpackError(f"no document '{slug}'{suggest(slug, documents)}")
        wanted[slug] = documents[slug]
    result = Plan()
    for lang in selection.langs(planning.languages):
        context = jinja.make_context(planning.theme, lang, planning.event,
                                     templating=planning.templating)
        on_screen = replace(planning.printing, qr=False)  # links work on screen; QR codes on paper
        for slug, document in wanted.items():
            if lang not in document.translations:
                continue
            translation = document.translations[lang]
            if translation.meta.kind == "presentation":
                deck = deck_planned(planning, document, translation, context, planning.event,
                                    on_screen)
                made = [(document_path(lang, slug, layout), planned)
                        for layout, planned in deck.items()]
            else:
                job = document_job(planning, translation, context, on_screen,
                                   linkable=frozenset())
                made = [(document_path(lang, slug), Planned(document, translation, job))]
            result.documents += made
            for _, planned in made:
                _start(planned, started)
        for spec in (s for s in specs if not s.languages or lang in s.languages):
            result.packs.append(PlannedPack(spec, lang, spec.printing, _pack_parts(
                planning, documents, spec, lang, spec.printing, started)))
            if spec.printing.booklet:
                printing = booklet_pages(spec.printing)
                result.packs.append(PlannedPack(spec, lang, printing, _pack_parts(
                    planning, documents, spec, lang, printing, started), booklet=True))
    return result


def _start(planned: Planned, started: Callable[[Job], None]) -> None:
    """Hand on a planned document's renders: a deck's slides first (its handout and notes
    pages are drawn around them once both are made)."""
    for job in (planned.slides, planned.job):
        if job is not None:
            started(job)


def slide_printing(printing: Printing) -> Printing:
    """What slides take of the print options: their page is their own, whatever the paper
    (duplex and booklets are the paper's too), so one render of a deck's slides serves every
    paper a build asks for: the proof's variants share it."""
    return Printing(paper=paper.SLIDE, print_ready=printing.print_ready,
                    pdf_variant=printing.pdf_variant)


def booklet_pages(printing: Printing) -> Printing:
    """A booklet's pages are half its sheet; print-ready, the sheets get bleed and marks."""
    return replace(printing, paper=paper.BOOKLET[printing.paper][0],
                   pdf_variant=printing.variant)


def _pack_parts(planning: Planning, documents: dict[str, Document], spec: PackSpec,
                lang: str, printing: Printing,
                started: Callable[[Job], None] = lambda job: None) -> list[Planned]:
    title = planning.theme.text(spec.titles, lang)
    context = jinja.make_context(planning.theme, lang, spec.event, title, spec.id,
                                 spec.audience, planning.templating)
    parts = []
    for slug in spec.documents:
        document = documents[slug]
        translation = document.best(lang, planning.languages.default)
        note_lang = lang if translation.lang != lang else None
        if translation.meta.kind == "presentation":
            parts.append(deck_planned(planning, document, translation, context, spec.event,
                                      printing, note_lang, in_pack=True,
                                      layouts=(spec.presentations,))[spec.presentations])
        else:
            job = document_job(planning, translation, context, printing, note_lang,
                               in_pack=True, linkable=frozenset(spec.documents) - {slug})
            parts.append(Planned(document, translation, job, note_lang is not None))
        _start(parts[-1], started)
    return parts


def document_job(planning: Planning, translation: Translation, context: jinja.Context,
                 printing: Printing, note_lang: str | None = None, in_pack: bool = False,
                 linkable: frozenset[str] | None = None) -> Job:
    """The render job for one document; `note_lang` adds the fallback note in that language.
    On paper (`printing.qr`) its links get numbers and QR codes in the margin beside them;
    `in_pack` leaves page numbers to the pack; links to the `linkable` documents jump to them."""
    inputs = ("document", repr(context), repr(printing), str(note_lang), str(in_pack),
              repr(sorted(linkable) if linkable is not None else None))
    return kept_jobs(planning, translation, inputs, lambda: [_document_job(
        planning, translation, context, printing, note_lang, in_pack, linkable)])[0]


def _document_job(planning: Planning, translation: Translation, context: jinja.Context,
                  printing: Printing, note_lang: str | None, in_pack: bool,
                  linkable: frozenset[str] | None) -> Job:
    body = resources.adapt(markdown.document_body(
        translation, context, labels.labels(planning.theme, translation.lang)),
        planning.links, translation.path.parent, translation.lang)
    if linkable is not None:  # None: the source's links as written, for `check` to follow
        body = links.link_documents(body, translation.path.parent, linkable)
    if printing.qr:
        frame_lang = note_lang or translation.lang
        body, _ = links.number_links(
            body, labels.labels(planning.theme, frame_lang)["links_qr_alt"],
            frame_lang if frame_lang != translation.lang else "")
    return _job(planning, translation, "document.html", printing, note_lang, body=body,
                numbered_by_pack=in_pack)


def deck_planned(planning: Planning, document: Document, translation: Translation,
                 context: jinja.Context, event: Event, printing: Printing,
                 note_lang: str | None = None, in_pack: bool = False,
                 layouts: Iterable[str] = PRESENTATION_LAYOUTS) -> dict[str, Planned]:
    """A deck's `layouts`: its slides, and handout and notes pages the slides are placed into
    (so each slide is rendered once). `note_lang` adds the fallback note in that language; only
    the layouts asked for are laid out, a pack showing one of them."""
    layouts = tuple(layouts)
    inputs = ("deck", repr(context), repr(event), repr(printing), str(note_lang), str(in_pack),
              *layouts)
    plain, *own = kept_jobs(planning, translation, inputs, lambda: _deck_jobs(
        planning, translation, context, event, printing, note_lang, in_pack, layouts))
    return {layout: Planned(document, translation, job, note_lang is not None, layout,
                            None if layout == "slides" else plain)
            for layout, job in zip(layouts, own)}


def _deck_jobs(planning: Planning, translation: Translation, context: jinja.Context,
               event: Event, printing: Printing, note_lang: str | None, in_pack: bool,
               layouts: tuple[str, ...]) -> list[Job]:
    """The deck's slides render as placed into handout and notes pages, then each layout's."""
    slides = deck_slides(planning, translation, context)

    def job(template: str, note: str | None = None, numbered_by_pack: bool = False) -> Job:
        # in a pack, even the slides placed in its pages speak the pack's language
        return deck_job(planning, translation, slides, template, event, printing, note,
                        numbered_by_pack, frame_lang=note_lang)

    plain = job("slides.html")
    made = {"slides": lambda: job("slides.html", note_lang) if note_lang is not None else plain,
            "handout": lambda: job("slide-handout.html", note_lang, in_pack),
            "notes": lambda: job("slide-notes.html", note_lang, in_pack)}
    return [plain, *(made[layout]() for layout in layouts)]


def kept_jobs(planning: Planning, translation: Translation, inputs: tuple[str, ...],
              make: Callable[[], list[Job]]) -> list[Job]:
    """make()'s jobs, or those it made in an earlier build from the same source, settings and
    files (plan.inputs): an edit lays out again the documents it changed, not every page."""
    if not memos.active():
        return make()
    setting = memos.once_a_build("setting", (id(planning),),
                                 lambda: inputs_setting(planning.folders, planning))
    kept = memory.kept_call("jobs", (setting, source_state(translation), *inputs),
                            lambda: json.dumps([_job_fields(job) for job in make()]))
    return [Job(**{**fields, "base": Path(fields["base"])}) for fields in json.loads(kept)]


def _job_fields(job: Job) -> dict:
    return {"name": job.name, "html": job.html, "base": str(job.base), "lang": job.lang,
            "source": job.source, "variant": job.variant}


def deck_slides(planning: Planning, translation: Translation,
                context: jinja.Context) -> list[decks.Slide]:
    """A deck's slides, their images and links adapted as a document's are (resources.adapt)."""
    folder, lang = translation.path.parent, translation.lang
    links = planning.links
    return [replace(slide, html=resources.adapt(slide.html, links, folder, lang),
                    notes_html=resources.adapt(slide.notes_html, links, folder, lang))
            for slide in decks.deck(translation, context, labels.labels(planning.theme, lang))]


def deck_job(planning: Planning, translation: Translation, slides: list[decks.Slide],
             template: str, event: Event, printing: Printing,
             note_lang: str | None = None, in_pack: bool = False,
             frame_lang: str | None = None) -> Job:
    """The render job for one layout of a deck (slides.html, slide-handout.html...);
    `in_pack` leaves the page numbers of handout and notes pages to the pack; `frame_lang`
    is the language of the words around the slides' own text (the pack's)."""
    if template == "slides.html":
        printing = slide_printing(printing)
    return _job(planning, translation, template, printing, note_lang, slides=slides,
                event=event, slide_link=SLIDE_LINK, numbered_by_pack=in_pack,
                frame_lang=frame_lang)


def page_job(planning: Planning, translation: Translation, context: jinja.Context) -> Job:
    """How a translation reads on its own: a document's pages, or a deck's slides."""
    if translation.meta.kind == "presentation":
        return kept_jobs(planning, translation, ("page", repr(context)), lambda: [deck_job(
            planning, translation, deck_slides(planning, translation, context), "slides.html",
            planning.event, planning.printing)])[0]
    return document_job(planning, translation, context, planning.printing)


def _job(planning: Planning, translation: Translation, template: str, printing: Printing,
         note_lang: str | None, frame_lang: str | None = None, event: Event = Event(),
         **values) -> Job:
    """A job rendering `template` for one translation, with what every layout shows. The
    words the layout prints around the text (labels, captions, the event) are in `frame_lang`,
    else the fallback note's language, else the translation's: a French pack's frame is French
    around an English document."""
    meta, theme = translation.meta, planning.theme
    frame_lang = frame_lang or note_lang or translation.lang
    words = labels.labels(theme, frame_lang)
    note = ""
    if note_lang:
        note = labels.labels(theme, note_lang)["fallback_note"].format(
            source_language=formats.language_name(translation.lang, note_lang))
    html = templates.page(
        theme, template, org=theme.org, brand=theme.brand, lang=translation.lang,
        words=words, title=meta.title, summary=meta.summary, kind=meta.kind,
        keywords=meta.keywords, date=fixed_date(meta.date), printing=printing,
        page_css=templates.page_css(printing),
        logo=theme.org.logo.as_uri() if theme.org.logo else "",
        styles=stylesheets(theme, *TEMPLATE_STYLES.get(template, ())),
        page_counter=templates.page_counter_css(
            words, frame_lang, numbers.numerals(theme.typography.numerals, frame_lang)),
        fallback_lang=note_lang,
        fallback_note=note, frame_lang=frame_lang,
        event=event.shown(frame_lang, theme.languages.default), **values)
    source = source_name(planning.folders.root, translation)
    variant = [*([template.removesuffix(".html")] if template != "document.html" else []),
               *(["in packs"] if values.get("numbered_by_pack") else []),
               *([f"{frame_lang} fallback"] if frame_lang != translation.lang else [])]
    name = f"{source} ({', '.join(variant)})" if variant else source
    return Job(name, html, translation.path.parent, translation.lang, source, printing.variant)


def source_name(root: Path, translation: Translation) -> str:
    """A translation's source as messages and the manifest name it: from the project folder."""
    return str(translation.path.relative_to(root))


def fixed_date(date: dt.date | None) -> dt.date | None:
    """A PDF's date: the content's, or else SOURCE_DATE_EPOCH's; never the clock, so that the
    same inputs give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if date or not epoch.isdigit():
        return date
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
