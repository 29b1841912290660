"""Assemble a pack from document renders: cover, contents with true page numbers, documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..markup import formats, templates
from ..markup import labels, numbers
from ..project.parts import Theme
from ..project.settings import PackSpec, Printing
from ..pdf import imposition
from ..pdf.merge import Merger
from ..pdf.placeholders import DOCUMENT_LINK, PAGE_LINK
from ..render.engine import Rendered, Renderer

@dataclass(frozen=True)
class Part:
    """One document as a pack includes it: its render, and whether it fell back to another language."""

    slug: str
    title: str
    summary: str
    kind: str
    section: str
    lang: str
    rendered: Rendered
    fell_back: bool
    numbered: bool = True
    """Its pages take the pack's page numbers (slides keep their own slide numbers)."""


@dataclass(frozen=True)
class Entry:
    part: Part
    page: int


def layout(cover: int, contents: int, parts: list[Part], duplex: bool) -> list[int]:
    """The first page of the cover, the contents and each document in the pack."""
    return imposition.starts([cover, contents, *(p.rendered.pages for p in parts)], duplex)


def assemble(theme: Theme, spec: PackSpec, lang: str, parts: list[Part],
             renderer: Renderer, date: dt.date | None, printing: Printing,
             booklet: bool = False) -> tuple[bytes, int]:
    """The pack's PDF bytes and page count, printed as `printing` says; the pages of a
    `booklet` (imposed after) end with its outside back cover."""
    words = labels.labels(theme, lang)
    title = theme.text(spec.titles, lang)
    common = page_values(theme, spec, lang, date, printing)
    variant = printing.variant
    cover = renderer.render(templates.page(theme, "cover.html", **common), theme.root,
                            f"cover of pack '{spec.id}'", lang, variant)
    contents = _contents(theme, spec, lang, parts, renderer, cover.pages, common)
    starts = layout(cover.pages, contents.pages, parts, printing.duplex)
    numbers = renderer.render(
        templates.page(theme, "stamp.html", pages=starts[-1] + parts[-1].rendered.pages - 1,
                    **common), theme.root, f"page numbers of pack '{spec.id}'", lang, variant)
    contact = back = None
    if theme.presenter:  # the pack ends with whom to ask, in its language
        contact = renderer.render(templates.page(theme, "contact.html", **common), theme.root,
                                  f"contact page of pack '{spec.id}'", lang, variant)
    elif booklet:  # the outside back cover shows the organisation, never a page of a document
        back = renderer.render(templates.page(theme, "back.html", **common), theme.root,
                               f"back cover of pack '{spec.id}'", lang, variant)
    return merge(theme, spec, lang, title, [cover, contents, numbers], parts,
                 words["contents"], printing, date, contact, back)


def _contents(theme: Theme, spec: PackSpec, lang: str, parts: list[Part],
              renderer: Renderer, cover_pages: int, common: dict) -> Rendered:
    """The contents, with the pack's page numbers. Run onto a second page, it is balanced:
    half its entries on each page (the first, under the title, takes the smaller half), rather
    than a full page and a few lines alone."""
    printing = common["printing"]

    def render(pages: int, balance_at: int | None = None) -> Rendered:
        starts = layout(cover_pages, pages, parts, printing.duplex)
        entries = [Entry(part, page) for part, page in zip(parts, starts[2:])]
        return renderer.render(templates.page(theme, "contents.html", entries=entries,
                                              balance_at=balance_at, **common),
                               theme.root, f"contents of pack '{spec.id}'", lang,
                               printing.variant)

    contents_pages, contents = 1, None
    for _ in range(4):  # the contents' own length moves the numbers it prints
        contents = render(contents_pages)
        if contents.pages == contents_pages:
            break
        contents_pages = contents.pages
    if contents.pages == 2:
        balanced = render(2, balance_at=len(parts) // 2)
        if balanced.pages == 2:
            return balanced
    return contents


def page_values(theme: Theme, spec: PackSpec, lang: str, date: dt.date | None,
                printing: Printing) -> dict:
    """What a pack's own pages (cover, contents, page numbers, contact) are rendered with."""
    words = labels.labels(theme, lang)
    return dict(org=theme.org, brand=theme.brand, lang=lang, words=words,
                title=theme.text(spec.titles, lang), pack=spec, printing=printing,
                page_css=templates.page_css(printing),
                audience=theme.audience(spec.audience, lang),
                event=spec.event.shown(lang, theme.languages.default),
                logo=theme.org.logo.as_uri() if theme.org.logo else "",
                styles=stylesheets(theme), page_counter=templates.page_counter_css(
                    words, lang, numbers.numerals(theme.typography.numerals, lang)),
                date=date, language_name=formats.language_name, page_link=PAGE_LINK)


def stylesheets(theme: Theme, *names: str) -> list[str]:
    """The URLs of the named stylesheets (by default the documents'), the user's first."""
    return [templates.find_style(theme, name).as_uri()
            for name in names or ("fonts.css", "handout.css")]


def merge(theme: Theme, spec: PackSpec, lang: str, title: str, front: list[Rendered],
          parts: list[Part], contents_label: str, printing: Printing,
          date: dt.date | None = None, contact: Rendered | None = None,
          back: Rendered | None = None) -> tuple[bytes, int]:
    """Cover, contents and documents in one PDF, each from the page `layout` gives it, the
    documents' pages numbered as the contents count them; then the `contact` page, or a
    booklet's `back` cover (last: its imposition puts the blank pages before it)."""
    cover, contents, numbers = front
    starts = layout(cover.pages, contents.pages, parts, printing.duplex)
    pack = Merger()
    pack.append(cover.pdf, lang)
    pack.pad(starts[1] - 1)
    pack.append(contents.pdf, lang, bookmark=contents_label)
    for part, start in zip(parts, starts[2:]):
        pack.pad(start - 1)
        # each document brings its own bookmarks: its title, headings beneath
        pack.append(part.rendered.pdf, part.lang, own_bookmarks=True)
    pack.stamp(numbers.pdf, [page for part, start in zip(parts, starts[2:]) if part.numbered
                             for page in range(start - 1, start - 1 + part.rendered.pages)])
    if contact is not None:  # on a right-hand page of its own when printed both sides
        pack.pad(imposition.starts([pack.pages, contact.pages], printing.duplex)[1] - 1)
        pack.append(contact.pdf, lang, bookmark=labels.labels(theme, lang)["contact_title"])
    if back is not None:
        pack.append(back.pdf, lang)
    elif printing.duplex:  # an even count, so the next copy's cover is not on this one's back
        pack.pad(pack.pages + pack.pages % 2)
    titles = {start: part.title for part, start in zip(parts, starts[2:])}
    pack.link_pages(starts[1] - 1, starts[1] - 1 + contents.pages, PAGE_LINK,
                    int, titles)  # contents entries
    pack.link_pages(starts[2] - 1, pack.pages, DOCUMENT_LINK,
                    dict(zip((p.slug for p in parts), starts[2:])).__getitem__,
                    titles)  # to other documents
    pages = pack.pages
    return pack.finish(lang, {
        "/Title": title,
        "/Author": theme.org.name,
        "/Subject": theme.audience(spec.audience, lang),
        "/Keywords": ", ".join(p.title for p in parts),
        "/Creator": "handoutpack",
        **({"/CreationDate": _pdf_date(date), "/ModDate": _pdf_date(date)} if date else {}),
    }, printing.print_ready), pages


def _pdf_date(date: dt.date) -> str:
    """The pack's date as WeasyPrint writes the documents' (no time: the same inputs give the
    same bytes)."""
    return f"D:{date:%Y%m%d}"
