"""Assemble a pack from document renders: cover, contents with true page numbers, documents."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

from . import imposition, markup
from .config import PackSpec, Printing, Project
from .pdf.placeholders import DOCUMENT_LINK, PAGE_LINK, placeholders
from .render import Rendered, Renderer
from .structure import StructureMerger



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


def assemble(project: Project, spec: PackSpec, lang: str, parts: list[Part],
             renderer: Renderer, date: dt.date | None, printing: Printing) -> tuple[bytes, int]:
    """The pack's PDF bytes and page count, printed as `printing` says."""
    words = markup.labels(project, lang)
    title = project.text(spec.titles, lang)
    common = page_values(project, spec, lang, date, printing)
    variant = printing.variant
    cover = renderer.render(markup.page(project, "cover.html", **common), project.root,
                            f"cover of pack '{spec.id}'", lang, variant)
    contents_pages, contents = 1, None
    for _ in range(4):  # the contents' own length moves the numbers it prints
        starts = layout(cover.pages, contents_pages, parts, printing.duplex)
        entries = [Entry(part, page) for part, page in zip(parts, starts[2:])]
        contents = renderer.render(markup.page(project, "contents.html", entries=entries, **common),
                                   project.root, f"contents of pack '{spec.id}'", lang, variant)
        if contents.pages == contents_pages:
            break
        contents_pages = contents.pages
    starts = layout(cover.pages, contents.pages, parts, printing.duplex)
    numbers = renderer.render(
        markup.page(project, "stamp.html", pages=starts[-1] + parts[-1].rendered.pages - 1,
                    **common), project.root, f"page numbers of pack '{spec.id}'", lang, variant)
    contact = None
    if project.presenter:  # the pack ends with whom to ask, in its language
        contact = renderer.render(markup.page(project, "contact.html", **common), project.root,
                                  f"contact page of pack '{spec.id}'", lang, variant)
    return merge(project, spec, lang, title, [cover, contents, numbers], parts,
                 words["contents"], printing, date, contact)


def page_values(project: Project, spec: PackSpec, lang: str, date: dt.date | None,
                printing: Printing) -> dict:
    """What a pack's own pages (cover, contents, page numbers, contact) are rendered with."""
    words = markup.labels(project, lang)
    return dict(org=project.org, brand=project.brand, lang=lang, words=words,
                title=project.text(spec.titles, lang), pack=spec, printing=printing,
                page_css=markup.page_css(printing),
                audience=project.text(project.audiences[spec.audience].names, lang),
                event=spec.event.shown(lang, project.default_language),
                logo=project.org.logo.as_uri() if project.org.logo else "",
                styles=stylesheets(project), page_counter=markup.page_counter_css(words),
                date=date, language_name=markup.language_name, page_link=PAGE_LINK)


def stylesheets(project: Project, *names: str) -> list[str]:
    """The URLs of the named stylesheets (by default the documents'), the user's first."""
    return [markup.find_style(project, name).as_uri()
            for name in names or ("fonts.css", "handout.css")]


def merge(project: Project, spec: PackSpec, lang: str, title: str, front: list[Rendered],
          parts: list[Part], contents_label: str, printing: Printing,
          date: dt.date | None = None, contact: Rendered | None = None) -> tuple[bytes, int]:
    """Cover, contents and documents in one PDF, each from the page `layout` gives it, the
    documents' pages numbered as the contents count them."""
    cover, contents, numbers = front
    starts = layout(cover.pages, contents.pages, parts, printing.duplex)
    writer = PdfWriter()
    tags = StructureMerger(writer)
    first = PdfReader(io.BytesIO(cover.pdf))
    writer.pdf_header = first.pdf_header  # e.g. %PDF-1.7 for PDF/A-3 and PDF/UA-1
    tags.append(first, lang, import_outline=False)
    imposition.pad(writer, starts[1] - 1)
    tags.append(PdfReader(io.BytesIO(contents.pdf)), lang, outline_item=contents_label,
                import_outline=False)
    for part, start in zip(parts, starts[2:]):
        imposition.pad(writer, start - 1)
        # each document brings its own bookmarks: its title, headings beneath
        tags.append(_explicit_links(_reader(part.rendered.pdf)), part.lang, import_outline=True)
    imposition.stamp(writer, PdfReader(io.BytesIO(numbers.pdf)), [
        page for part, start in zip(parts, starts[2:]) if part.numbered
        for page in range(start - 1, start - 1 + part.rendered.pages)])
    if contact is not None:
        imposition.pad(writer, imposition.starts([len(writer.pages), contact.pages],
                                                 printing.duplex)[1] - 1)
        tags.append(PdfReader(io.BytesIO(contact.pdf)), lang,
                    outline_item=markup.labels(project, lang)["contact_title"],
                    import_outline=False)
    if printing.duplex:  # an even count, so the next copy's cover is not on this one's back
        imposition.pad(writer, len(writer.pages) + len(writer.pages) % 2)
    if printing.print_ready:
        imposition.set_bleed_boxes(writer.pages)
    tags.finish(lang, first)
    _link_pages(writer.pages[starts[1] - 1:starts[1] - 1 + contents.pages], PAGE_LINK, writer,
                int)  # contents entries
    _link_pages(writer.pages[starts[2] - 1:], DOCUMENT_LINK, writer,
                dict(zip((p.slug for p in parts), starts[2:])).__getitem__)  # to other documents
    writer.add_metadata({
        "/Title": title,
        "/Author": project.org.name,
        "/Subject": project.text(project.audiences[spec.audience].names, lang),
        "/Keywords": ", ".join(p.title for p in parts),
        "/Creator": "handoutpack",
        **({"/CreationDate": _pdf_date(date), "/ModDate": _pdf_date(date)} if date else {}),
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


@lru_cache(maxsize=64)
def _reader(pdf: bytes) -> PdfReader:
    """One reader per document and process: packs share documents, and parsing is most of
    the cost of merging (pypdf reads every object of a PDF's object streams)."""
    return PdfReader(io.BytesIO(pdf))


def _pdf_date(date: dt.date) -> str:
    """The pack's date as WeasyPrint writes the documents' (no time: the same inputs give the
    same bytes)."""
    return f"D:{date:%Y%m%d}"


def _explicit_links(reader: PdfReader) -> PdfReader:
    """Point a document's internal links at their pages directly: named destinations would
    clash in the pack, where every document may have its own '#introduction'. (Once per
    reader: a link made explicit stays so.)"""
    named = reader.named_destinations
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            name = annotation.get("/Dest")
            if isinstance(name, str) and name in named:
                target = named[name]
                annotation[NameObject("/Dest")] = ArrayObject([
                    target.page, NameObject("/XYZ"), FloatObject(target.left or 0),
                    FloatObject(target.top or 0), NumberObject(0)])
    return reader


def _link_pages(pages, prefix: str, writer: PdfWriter, page_of: Callable[[str], int]) -> None:
    """Turn the placeholder links on `pages` into jumps to pages of the merged pack: `page_of`
    gives the 1-based page a placeholder's value stands for."""
    for page in pages:
        for annotation, value in placeholders(page, prefix):
            target = writer.pages[page_of(value) - 1]
            del annotation["/A"]
            annotation[NameObject("/Dest")] = ArrayObject(
                [target.indirect_reference, NameObject("/Fit")])
            annotation[NameObject("/F")] = NumberObject(4)

