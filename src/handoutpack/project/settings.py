"""The tables of handoutpack.toml, each a frozen dataclass whose fields are its keys (declared with
schema.setting: a docstring under each field is what the configuration reference says of it).
Project (config.py) holds them; the slices stages take are in parts.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paper
from .presenter import Partner
from .schema import not_a_key, setting, toml_keys

CONFIG_NAME = "handoutpack.toml"
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
                "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/ua-1", "pdf/ua-2",
                "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g")
"""WeasyPrint's PDF/A, PDF/UA and PDF/X variants (weasyprint.pdf.VARIANTS); PDF/X files are then
made CMYK and finished for print (pdf/printfile.py)."""
PAPER_SIZES = paper.CHOICES
PRESENTATION_LAYOUTS = ("handout", "slides", "notes")
"""How a pack shows a presentation: handout pages, the slides, or the presenter's notes pages."""
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")
MAX_IMAGE_MEGAPIXELS = 50
"""A 50-megapixel image is an A3 page at 300 dpi with room to spare; decoding a bigger one can
take gigabytes however small its file (a 13,000 x 13,000 PNG of 657 kB takes 1.6 GB)."""


@dataclass(frozen=True)
class Event:
    """What a pack's cover says about the event it is handed out at; name and place by
    language (a text given once is the same in every language)."""

    name: dict[str, str] = setting(factory=dict)
    """The event's name, on covers and title slides."""
    date: dt.date | None = None
    """When it is, printed in each language's way."""
    place: dict[str, str] = setting(factory=dict)
    """Where it is: a city, a venue."""
    partners: tuple[Partner, ...] = ()
    """One or two partners (co-hosts, sponsors) whose logos the theme prints beside the
    organisation's, on covers, title slides and the pack's page footers ([[event.partners]]:
    a list of tables, read by presenter.read_partners)."""

    def shown(self, lang: str, default: str) -> EventText:
        """The event as a page in `lang` prints it (the default language's where `lang` has none)."""
        def text(texts: dict[str, str]) -> str:
            return texts.get(lang) or texts.get(default) or texts.get("*", "")

        return EventText(text(self.name), self.date, text(self.place), self.partners)


@dataclass(frozen=True)
class EventText:
    """An event in one language, for templates: `{{ event.name }}`, `{{ event.place }}`."""

    name: str = ""
    date: dt.date | None = None
    place: str = ""
    partners: tuple[Partner, ...] = ()


@dataclass(frozen=True)
class Org:
    name: str = setting()
    """The organisation's name: in page footers, on covers, as the PDFs' author."""
    short_name: str = setting("")
    """For tight places: the download page's tab, attachments' file names. The name when not
    given (the reader passes it as the default)."""
    website: str = ""
    """Linked from the download page; paths of a site's root that match no file link there."""
    logo: Path | None = None
    """The logo, an SVG or PNG inside the project (read as its absolute path)."""
    rights: dict[str, str] = setting(factory=dict)
    """The project's statement of what readers may do with its materials (a licence,
    attribution, "free to share"), by language; covers and READMEs print it. None: nothing."""

    def rights_in(self, lang: str, default: str) -> str:
        return self.rights.get(lang) or self.rights.get(default, "")


@dataclass(frozen=True)
class Brand:
    primary: str = setting("#0B4F6C", pattern=COLOUR_RE, hint=" (a colour like '#0B4F6C')")
    """Headings, the cover's band."""
    accent: str = setting("#E09F3E", pattern=COLOUR_RE, hint=" (a colour like '#E09F3E')")
    """Rules and bars; labels in a shade of it dark enough to read."""
    heading_font: str = "Lato"
    """A font family declared in styles/fonts.css."""
    body_font: str = "Noto Serif"
    """A font family declared in styles/fonts.css."""
    paper: str = setting("A4", choices=PAPER_SIZES)
    """The project's paper; a pack's `paper` and `--paper` win over it."""
    cmyk: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    """[brand.cmyk]: the inks a brand colour prints with, instead of a conversion (read as
    fractions, 0..1, of the percentages written)."""


@dataclass(frozen=True)
class Typography:
    """How text is set; each rule can be switched off in [typography]."""

    hyphenate: bool = True
    """Hyphenate body text by its language (never headings, titles or URLs)."""
    quotes: bool = True
    """Straight quotes become the language's: “ ” in English, « » in French and Spanish."""
    apostrophes: bool = True
    """An apostrophe within a word becomes ’."""
    dashes: bool = True
    """-- becomes an en dash, --- an em dash, a hyphen between spaces a spaced en dash."""
    french_spacing: bool = True
    """French: a narrow no-break space before ; : ! ? and inside « »."""
    quote_marks: dict[str, str] = field(default_factory=dict)
    """Quotation marks (opening, closing) by language, over the built-in ones."""
    numerals: dict[str, str] = field(default_factory=dict)
    """The digits a language is written with, where the tool writes numbers (page numbers,
    page counts, dates, the number filters): 'western' (0-9, the default) or 'eastern' (Arabic
    ٠-٩; Persian and Urdu ۰-۹), e.g. numerals = { ar = "eastern" }."""
    never_hyphenate: tuple[str, ...] = ()
    """Words never broken with a hyphen (names, brands), besides those never broken anyway:
    words with a capital inside (CERISE, MicroRate), acronyms, and words joined with '+'."""


@dataclass(frozen=True)
class Printing:
    """How a pack, or a document on its own, is put on paper."""

    paper: str = setting("A4", choices=PAPER_SIZES)
    """A pack's own paper ([print] has none: a project's paper is brand.paper)."""
    duplex: bool = False
    """Every document starts on a right-hand page; the pack's blank pages stay blank."""
    print_ready: bool = False
    """A print shop's file: 3 mm bleed, crop marks, TrimBox and BleedBox."""
    booklet: bool = False
    """Also write the pack imposed as a saddle-stitched booklet."""
    qr: bool = True
    """Number each external link and list it with a QR code at the end of its document."""
    cover_file: bool = False
    """Also write the cover as <pack>-cover.pdf, to print on heavier paper."""
    pdf_variant: str | None = setting(None, choices=PDF_VARIANTS)
    """WeasyPrint's PDF variant; print-ready files are PDF/X-4 unless this says otherwise."""
    copies: int = 1
    """How many to print, for the job ticket."""
    paper_thickness_mm: float = 0.1
    """One sheet's thickness, for a booklet's creep (80 g/m² office paper: 0.1 mm)."""

    @property
    def variant(self) -> str | None:
        """The PDF variant its files are made in."""
        return self.pdf_variant or ("pdf/x-4" if self.print_ready else None)


PRINT_KEYS = toml_keys(Printing, "cmyk_profile") - {"paper"}
"""What [print] may set: the print options but paper (brand.paper is the project's), and the
print shop's profile."""


@dataclass(frozen=True)
class Audience:
    id: str = not_a_key()
    names: dict[str, str] = setting(toml="name")
    """The audience as a sentence names it ("journalists", "les journalistes")."""


@dataclass(frozen=True)
class PackSpec:
    """A pack as configured: which documents, in which order, for whom."""

    id: str = not_a_key()
    titles: dict[str, str] = setting(toml="title")
    """On the cover, in the contents and on the download page."""
    audience: str = setting()
    """The id of one of the [audiences]."""
    documents: tuple[str, ...] = setting()
    """The documents' slugs, in the pack's order."""
    event: Event = Event()
    """The event this pack is handed out at; none when not given."""
    printing: Printing = setting(Printing(), inline=Printing)
    """Its print options, written in the pack's own table."""
    languages: tuple[str, ...] = ()
    """The languages the pack is made in; empty for every language of the project."""
    presentations: str = setting("handout", choices=PRESENTATION_LAYOUTS)
    """How the pack shows each presentation: its handout pages, the slides, or the
    presenter's notes pages."""


@dataclass(frozen=True)
class DownloadPage:
    """What build/index.html says above the materials."""

    titles: dict[str, str] = setting(factory=dict, toml="title")
    """The page's heading by language; the organisation's name when empty."""
    intros: dict[str, str] = setting(factory=dict, toml="intro")
    """Markdown under the heading, by language."""


@dataclass(frozen=True)
class LanguageSettings:
    """[languages], read into Project.default_language and Project.languages."""

    default: str = setting("en", pattern=LANG_RE, hint=" (a code like 'en')")
    """The language documents are written in first, and fall back to."""
    available: list[str] | None = None
    """Every language the project is made in (the default one included); just the default when
    not given."""


@dataclass(frozen=True)
class PathSettings:
    """[paths]: where the project's folders are, relative to it; read into Project's *_dir."""

    content: str = "content"
    """The documents, `<section>/<slug>.<lang>.md`."""
    templates: str | list[str] | None = None
    """Folders whose templates override the theme's, first match wins; `templates/` when there
    is one."""
    styles: str | list[str] | None = None
    """The same for style sheets; `styles/` when there is one."""
    build: str = "build"
    """Where the output goes: a folder of its own, since a build writes and deletes files
    there."""
    emails: str = "emails"
    """The email messages and recipient lists."""
    site_root: str | None = None
    """Where paths starting with '/' start, as on the site the documents come from; the
    project folder when not given."""


@dataclass(frozen=True)
class ContentSettings:
    """[content]: how documents are read."""

    templating: bool = True
    """False: Jinja runs over no document, and `{{ ... }}` prints as written (a project of pages
    from a site whose braces are its own); one document turns it off with `templating: false`
    in its front matter."""


@dataclass(frozen=True)
class Security:
    """[security], read into Project.allow_remote and Project.max_image_pixels."""

    allow_remote: bool = False
    """Let documents load images and styles over http(s), with a 10-second timeout; off, they
    print their alt text in a frame, with a warning."""
    max_image_megapixels: float = MAX_IMAGE_MEGAPIXELS
    """Larger images are refused from their header: decoding one takes memory by the pixel."""
