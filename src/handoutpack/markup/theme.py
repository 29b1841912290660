"""The built-in theme: where its folders are, and what each layout is given: the names a
template may use, with their types. The one place they are written down; tests/test_theme.py checks every built-in template against it,
and a user's overriding template may use the same names (see docs/authoring.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from ..project.settings import Brand, Event, Org, PackSpec, Printing, Typography
from ..project.presenter import Presenter

PACKAGE_THEME = Path(__file__).parents[1] / "theme"
SOURCE_THEME = Path(__file__).resolve().parents[3]


def builtin_dir(name: str) -> Path:
    """The built-in theme folder `name` (templates or styles), installed or in a checkout."""
    installed = PACKAGE_THEME / name
    return installed if installed.is_dir() else SOURCE_THEME / name


Words = dict[str, str]
"""The labels in the page's language (templates/labels.toml, then [labels] in the config)."""


class Layout(TypedDict):
    """What markup.page gives every layout."""

    typography: NotRequired[Typography]
    """The config's [typography]: which typesetting rules are on."""
    presenter: NotRequired[Presenter | None]
    """The ambassador presenting ([presenter], --as or the workbench), or None."""
    rights: NotRequired[str]
    """[org] rights in the page's language: what readers may do with the materials, or ''."""
    palette_css: NotRequired[str]
    """The theme's colours as CSS custom properties (colours.css_variables)."""
    colours: NotRequired[dict[str, str]]
    """The theme's colours by name, each text colour readable on its background."""


class Page(Layout):
    """base.html: what every printed page is given."""

    org: Org
    brand: Brand
    lang: str
    title: str
    date: dt.date | None
    """The content's date, else SOURCE_DATE_EPOCH's; never the clock."""
    styles: list[str]
    """Stylesheet URLs, the user's first."""
    page_css: str
    """@page size, and bleed and crop marks for a print shop."""
    page_counter: str
    """'Page N of M' as a CSS content value."""
    printing: Printing
    fallback_lang: NotRequired[str | None]
    """The pack's language when this document is shown in another (its source's)."""
    frame_lang: NotRequired[str]
    """The language of the words around the document (the pack's, around a fallback)."""
    numbered_by_pack: NotRequired[bool]
    """The pack numbers these pages (a document inside a pack)."""


class Document(Page):
    """document.html: one document's pages."""

    words: Words
    summary: str
    kind: str
    keywords: tuple[str, ...]
    logo: str
    """The logo's file URL, or ''."""
    body: str
    """The document as HTML."""
    links: list[Any]
    """links.PrintedLink: each external link's number, URL and QR code, printed at the end."""
    fallback_note: str
    event: NotRequired[Event]
    """The event the pack is tied to (none: no event is shown)."""


class Deck(Document):
    """slides.html, slide-handout.html, slide-notes.html (and slide-sheet.html, slide-parts.html
    they use): a deck's slides, handout or notes pages."""

    slides: list[Any]
    """markup.Slide: number, title, HTML, notes."""
    slide_link: str
    """Where a handout or notes page marks the frame of slide N: a link to slide_link ~ N."""


class PackPage(Page):
    """cover.html, contents.html and stamp.html: a pack's own pages."""

    words: Words
    pack: PackSpec
    audience: str
    event: Event
    logo: str
    language_name: Any
    """language_name(code, in_lang): a language's name, written in another language."""
    page_link: str
    """Where a contents entry jumps: a link to page_link ~ page number."""


class Cover(PackPage):
    """cover.html: a pack's cover, or a personalised one."""

    recipient: NotRequired[str]
    """'Jane Doe, The Example Times': whom this copy was prepared for."""


class Contents(PackPage):
    entries: list[Any]
    """pack.Entry: each document (title, summary, section, kind) and its first page."""
    balance_at: int | None
    """The entry that starts the second page of a contents that runs onto two (half the
    entries on each), or None."""


class Stamp(PackPage):
    pages: int
    """How many pages the pack has: one page number each."""


class Download(Layout):
    """download.html: build/index.html and its other languages."""

    org: Org
    brand: Brand
    lang: str
    words: Words
    title: str
    intro: str
    logo: str
    css: str
    root: str
    languages: list[Any]
    packs: list[Any]
    sections: list[Any]
    everything: Any


class Email(Layout):
    """email.html: the HTML part of a pack's email."""

    org: Org
    brand: Brand
    lang: str
    words: Words
    subject: str
    body: str
    attachment: Any


class Preview(Layout):
    """preview.html: the workbench page of `handoutpack serve`."""

    org: Org
    brand: Brand
    lang: str
    packs: list[Any]
    documents: list[Any]
    target: NotRequired[Any]


class Workbench(Layout):
    """workbench.html: the ambassador's page of `handoutpack serve`."""

    org: Org
    brand: Brand
    lang: str
    """The page's language: the browser's, or the one chosen on the page."""
    w: Words
    """The page's words (the wb_* labels) in its language."""
    script_words: Words
    """The words the page's script says (JSON in the page)."""
    nonce: str
    """The script nonce of this response's Content-Security-Policy."""
    token: str
    """The CSRF token every change must send back."""
    version: str
    """The script's version, so that a browser never runs an old one."""
    partner_help: str
    packs: list[Any]
    languages: list[Any]
    page_languages: list[Any]
    """(code, name in itself) of each language the page can be read in."""
    logos: list[str]
    photos: list[str]
    profiles: list[Any]
    email_ready: bool


class ReadmePack(Layout):
    """readme-pack.txt: the README in a pack's zip."""

    org: Org
    lang: str
    words: Words
    title: str
    audience: str
    pack_file: str
    pack_pages: str
    documents: list[Any]


class ReadmeEverything(Layout):
    """readme-everything.txt: the README in everything.zip."""

    org: Org
    languages: list[Any]


TEMPLATES: dict[str, type] = {
    "base.html": Page, "document.html": Document, "slides.html": Deck,
    "slide-handout.html": Deck, "slide-notes.html": Deck, "slide-sheet.html": Deck,
    "slide-parts.html": Deck, "cover.html": Cover, "contents.html": Contents,
    "contact.html": PackPage, "back.html": PackPage, "workbench.html": Workbench,
    "stamp.html": Stamp, "download.html": Download, "email.html": Email,
    "preview.html": Preview, "readme-pack.txt": ReadmePack,
    "readme-everything.txt": ReadmeEverything,
}
"""Each layout, and what it is given."""


def names(template: str) -> dict[str, Any]:
    """The names `template` may use, with their types."""
    return dict(TEMPLATES[template].__annotations__)  # a TypedDict's include its bases'


def check_given(template: str, values: dict[str, Any]) -> None:
    """Fail loudly when handoutpack gives a layout a name that is not written down here (a
    mistake of ours, not the user's: what the user's templates may use must stay true)."""
    if template in TEMPLATES and (unknown := set(values) - set(names(template))):
        raise TypeError(f"{template} is given {', '.join(sorted(unknown))}, which theme.py does "
                        "not list for it; add them there")
