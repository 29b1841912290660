"""Read handoutpack.toml into a validated Project, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from . import paper
from .errors import HandoutpackError, Problem, collect
from .presenter import (PROFILE_KEYS, Partner, Presenter, read_partners, read_presenter,
                        read_profile)
from .schema import not_a_key, setting, toml_keys

CONFIG_NAME = "handoutpack.toml"
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
                "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/ua-1", "pdf/ua-2",
                "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g")
"""WeasyPrint's PDF/A, PDF/UA and PDF/X variants (weasyprint.pdf.VARIANTS); PDF/X files are then
made CMYK and finished for print (pdf/printfile.py)."""
PAPER_SIZES = paper.CHOICES
SMTP_SECURITY = {"starttls": 587, "tls": 465, "none": 25}
"""How to secure the SMTP connection, and the port each uses by default."""
PRESENTATION_LAYOUTS = ("handout", "slides", "notes")
"""How a pack shows a presentation: handout pages, the slides, or the presenter's notes pages."""
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
"""\\Z, not $: '$' also matches before a final newline, and "media\\n" is no id."""
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")
MAX_IMAGE_MEGAPIXELS = 50
"""A 50-megapixel image is an A3 page at 300 dpi with room to spare; decoding a bigger one can
take gigabytes however small its file (a 13,000 x 13,000 PNG of 657 kB takes 1.6 GB)."""
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})
"""Names Windows will not create a file under: no slug or pack id may be one, or the zips
would not unpack there."""


def usable_name(name: str) -> bool:
    """A slug or id: lower-case letters, digits and hyphens, and not a name Windows reserves."""
    return bool(ID_RE.match(name)) and name not in WINDOWS_RESERVED
MAX_CONFIG_BYTES = 1_000_000
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TABLE_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
ASSIGN_RE = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


@dataclass(frozen=True)
class Event:
    """What a pack's cover says about the event it is handed out at; name and place by
    language (a text given once is the same in every language)."""

    name: dict[str, str] = setting(factory=dict)
    date: dt.date | None = None
    place: dict[str, str] = setting(factory=dict)
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
    short_name: str = setting()
    """The name when not given."""
    website: str = ""
    logo: Path | None = None
    """Absolute path of the logo (SVG or PNG) inside the project."""
    rights: dict[str, str] = setting(factory=dict)
    """The project's statement of what readers may do with its materials (a licence,
    attribution, "free to share"), by language; covers and READMEs print it. None: nothing."""

    def rights_in(self, lang: str, default: str) -> str:
        return self.rights.get(lang) or self.rights.get(default, "")


@dataclass(frozen=True)
class Brand:
    primary: str = setting("#0B4F6C", pattern=COLOUR_RE, hint=" (a colour like '#0B4F6C')")
    accent: str = setting("#E09F3E", pattern=COLOUR_RE, hint=" (a colour like '#E09F3E')")
    heading_font: str = "Lato"
    body_font: str = "Noto Serif"
    paper: str = setting("A4", choices=PAPER_SIZES)
    cmyk: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    """[brand.cmyk]: the inks (0..1) a colour prints with, instead of a conversion."""


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
    pdf_variant: str | None = None
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


@dataclass(frozen=True)
class PackSpec:
    """A pack as configured: which documents, in which order, for whom."""

    id: str = not_a_key()
    titles: dict[str, str] = setting(toml="title")
    audience: str = setting()
    documents: tuple[str, ...] = setting()
    event: Event = Event()
    printing: Printing = setting(Printing(), inline=Printing)
    """Its print options, written in the pack's own table."""
    languages: tuple[str, ...] = ()
    """The languages the pack is made in; empty for every language of the project."""
    presentations: str = setting("handout", choices=PRESENTATION_LAYOUTS)
    """Which layout of each presentation the pack holds: one of PRESENTATION_LAYOUTS."""


@dataclass(frozen=True)
class DownloadPage:
    """What build/index.html says above the materials."""

    titles: dict[str, str] = setting(factory=dict, toml="title")
    """The page's heading by language; the organisation's name when empty."""
    intros: dict[str, str] = setting(factory=dict, toml="intro")
    """Markdown under the heading, by language."""


@dataclass(frozen=True)
class Smtp:
    """The mail server `handoutpack email --send` hands messages to. The password is never here:
    it is read from the environment variable `password_env`."""

    host: str = ""
    port: int = setting(587, integer=True)
    """587 by default: the port of the `security` chosen (see SMTP_SECURITY)."""
    security: str = setting("starttls", choices=SMTP_SECURITY)
    user: str = ""
    password_env: str = setting("HANDOUTPACK_SMTP_PASSWORD", pattern=ENV_NAME_RE,
                                hint=" (the name of an environment variable)")


@dataclass(frozen=True)
class Email:
    """Sending packs by email: who it is from, how big an attachment may be, how fast to send."""

    sender: str = setting(toml="from", hint=" (e.g. 'Name <name@example.org>')")
    reply_to: str = ""
    max_attachment_mb: float = 10.0
    pace_seconds: float = 2.0
    """Pause between two messages, so that the server (and spam filters) are not flooded."""
    smtp: Smtp = Smtp()


@dataclass(frozen=True)
class Languages:
    """[languages], read into Project.default_language and Project.languages."""

    default: str = setting("en", pattern=LANG_RE, hint=" (a code like 'en')")
    """The language documents are written in first, and fall back to."""
    available: list[str] | None = None
    """Every language the project is made in (the default one included); just the default when
    not given."""


@dataclass(frozen=True)
class Paths:
    """[paths]: where the project's folders are, relative to it; read into Project's *_dir."""

    content: str = "content"
    templates: str | list[str] | None = None
    """Folders whose templates override the theme's, first match wins; `templates/` when there
    is one."""
    styles: str | list[str] | None = None
    """The same for style sheets; `styles/` when there is one."""
    build: str = "build"
    emails: str = "emails"
    site_root: str | None = None


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
    max_image_megapixels: float = MAX_IMAGE_MEGAPIXELS


@dataclass(frozen=True)
class Project:
    """The validated configuration and where the project's files are."""

    root: Path
    org: Org
    brand: Brand
    default_language: str
    languages: tuple[str, ...]
    audiences: dict[str, Audience]
    packs: dict[str, PackSpec]
    event: Event = Event()
    """The event for documents built on their own (a pack's own event wins inside the pack)."""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    content_dir: Path = Path("content")
    template_dirs: tuple[Path, ...] = ()
    style_dirs: tuple[Path, ...] = ()
    build_dir: Path = Path("build")
    allow_remote: bool = False
    max_image_pixels: int = 50_000_000
    """Images larger than this are refused: decoding one takes memory by the pixel."""
    typography: Typography = Typography()
    config_path: Path = Path(CONFIG_NAME)
    download: DownloadPage = DownloadPage()
    email: Email | None = None
    """None when handoutpack.toml has no [email] table."""
    emails_dir: Path = Path("emails")
    """The email messages, `<pack>.<lang>.md` or `default.<lang>.md`."""
    image_dpi: int | None = None
    """Resample images to at most this resolution (`build --image-dpi`): smaller PDFs."""
    site_root: Path | None = None
    """Where paths starting with '/' start ([paths] site_root), as the site the documents come
    from had it; the project folder when None."""
    printing: Printing = Printing()
    """The print defaults (brand.paper, [print], then the command line) every pack starts from,
    and how documents on their own are printed."""
    cmyk_profile: Path | None = None
    """print.cmyk_profile: the print shop's CMYK ICC profile (None: Debian's SWOP profile)."""
    presenter: Presenter | None = None
    """Who presents the packs ([presenter], or a profile given with --as)."""
    templating: bool = True
    """[content] templating: whether Jinja runs over documents."""

    def where(self, key: str) -> str:
        """'handoutpack.toml:12: packs.media.documents[2]': a config key as messages name it."""
        problem = self.problem(key, "")
        return f"{problem.where}: {key}"

    def problem(self, key: str, message: str, severity: str = "error") -> Problem:
        """A problem with config key `key`, pointing at its line in handoutpack.toml."""
        try:
            lines = key_lines(self.config_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            lines = {}
        return Problem(self.config_path.name, line_of(lines, key), key, message, severity)

    def text(self, texts: dict[str, str], lang: str) -> str:
        """A localised config text in `lang`, or in the default language when it has none."""
        return texts.get(lang) or texts[self.default_language]


def with_printing(project: Project, **changes) -> Project:
    """`project` with print settings changed for every pack and document, as the command line
    changes them."""
    packs = {pack_id: replace(spec, printing=replace(spec.printing, **changes))
             for pack_id, spec in project.packs.items()}
    return replace(project, printing=replace(project.printing, **changes), packs=packs)


def suggest(name: str, choices) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def key_lines(toml_text: str) -> dict[str, int]:
    """The line of every table header and key in a TOML text, by dotted path (best effort:
    TOML parsers give no positions, and messages should still point at the line)."""
    lines, table, in_string, arrays = {}, "", False, {}
    for number, line in enumerate(toml_text.splitlines(), 1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            if not in_string:
                continue
        elif in_string:
            continue
        if match := TABLE_RE.match(line):
            table = _dotted(match[1])
            lines.setdefault(table, number)
            if line.lstrip().startswith("[["):  # an array of tables: the n-th is table[n]
                arrays[table] = arrays.get(table, -1) + 1
                table = f"{table}[{arrays[table]}]"
                lines.setdefault(table, number)
        elif match := ASSIGN_RE.match(line):
            key = ".".join(filter(None, (table, _dotted(match[1]))))
            lines.setdefault(key, number)
    return lines


def _dotted(key: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in key.split("."))


def line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of `key`, or of its nearest enclosing key or table that is written down."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):  # a table in an array of tables ([[partners]]) first
        prefix = ".".join(parts[:end])
        if "[" in prefix and (line := lines.get(prefix)) is not None:
            return line
    parts = re.sub(r"\[\d+\]", "", key).split(".")
    for end in range(len(parts), 0, -1):
        if (line := lines.get(".".join(parts[:end]))) is not None:
            return line
    return None


class _Reader:
    """Walks the TOML tables, converting values and recording problems with their key path."""

    def __init__(self, source: str, text: str = ""):
        self.source = source
        self.lines = key_lines(text)
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        """The project's languages, once [languages] is read: texts may be given in these."""

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.source, line_of(self.lines, key), key, message))

    def settings(self, cls, data: dict, key: str, base: Any = None, given: dict | None = None,
                 defaults: dict | None = None) -> dict[str, Any]:
        """The values of the keys `cls` declares (see `setting`), read from the table `data` at
        `key` by each field's type. An absent key takes its value from `defaults`, else from
        `base`, else the field's default (none: it is required). `given` are values read
        elsewhere; fields of other types (tables, paths) are left to the caller."""
        values = dict(given or {})
        for spec in fields(cls):
            if spec.name in values or spec.type not in self.READERS:
                continue
            own = spec.default if spec.default_factory is MISSING else spec.default_factory()
            default = (defaults or {}).get(spec.name, getattr(base, spec.name, own))
            name = spec.metadata.get("toml") or spec.name
            values[spec.name] = self.READERS[spec.type](
                self, data, name, f"{key}.{name}", None if default is MISSING else default,
                **spec.metadata)
        return values

    def read(self, cls, value: Any, key: str, **options) -> dict[str, Any]:
        """The table `value` at `key`, its keys checked against those `cls` declares, read
        into the values of `cls`'s fields (see `settings`, which takes `options`)."""
        return self.settings(cls, self.table(value, key, toml_keys(cls)), key, **options)

    def table(self, value: Any, key: str, allowed: set[str] | None = None) -> dict:
        """`value` as a table, checking its keys against `allowed`."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, not {type(value).__name__}")
            return {}
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    self.problem(f"{key}.{name}", f"unknown key{suggest(name, allowed)}; "
                                 f"allowed here: {', '.join(sorted(allowed))}")
        return value

    def string(self, data: dict, name: str, key: str, default: str | None = None,
               pattern: re.Pattern | None = None, hint: str = "", choices=None, **_) -> str:
        if choices is not None:
            return self.choice(data, name, key, choices, default)
        value = data.get(name, default)
        if value is None:
            self.problem(key, "is required")
            return ""
        if not isinstance(value, str) or (pattern and not pattern.match(value)):
            self.problem(key, f"{value!r} is not valid{hint}")
            return default or ""
        return value

    def choice(self, data: dict, name: str, key: str, choices, default: str | None) -> str | None:
        value = data.get(name, default)
        if value is not None and value not in choices:
            self.problem(key, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return value

    def boolean(self, data: dict, name: str, key: str, default: bool, **_) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(key, f"{value!r} is not true or false")
            return default
        return value

    def texts(self, data: dict, name: str, key: str, languages) -> dict[str, str]:
        """A text given once (a string) or per language (a table of language to string)."""
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return {lang: value for lang in languages}
        if isinstance(value, dict) and value:
            for lang, text in value.items():
                if lang not in languages:
                    self.problem(f"{key}.{lang}", f"'{lang}' is not in languages.available"
                                 f"{suggest(lang, languages)}")
                elif not isinstance(text, str) or not text.strip():
                    self.problem(f"{key}.{lang}", "must be a non-empty string")
            return {k: v for k, v in value.items() if isinstance(v, str)}
        self.problem(key, "is required: a string, or a table with one string per language")
        return {}

    def localised(self, data: dict, name: str, key: str, default: dict | None = None,
                  **_) -> dict[str, str]:
        """A text in the project's languages (see `texts`); when not given, `default` (none:
        it is required)."""
        if default is not None and not data.get(name):
            return default
        return self.texts(data, name, key, self.languages)

    def number(self, data: dict, name: str, key: str, default: float, integer: bool = False, **_):
        """A positive number (a whole one when `integer`), or `default` when absent."""
        value = data.get(name, default)
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            self.problem(key, f"{value!r} is not a {'whole ' if integer else ''}number of 0 or more")
            return default
        return value

    def date(self, data: dict, name: str, key: str, default: dt.date | None = None,
             **_) -> dt.date | None:
        value = data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(key, f"{value!r} is not a date; write it as YYYY-MM-DD")
            return default

    def path(self, root: Path, value: Any, key: str, must_exist: bool = True) -> Path | None:
        if not isinstance(value, str) or not value:
            self.problem(key, "must be a path relative to the project folder")
            return None
        path = (root / value).resolve()
        if not path.is_relative_to(root):
            self.problem(key, f"'{value}' is outside the project folder; keep project files inside it")
            return None
        if must_exist and not path.exists():
            self.problem(key, f"'{value}' does not exist")
        return path

    READERS = {"str": string, "bool": boolean, "float": number, "int": number,
               "dt.date | None": date, "dict[str, str]": localised}
    """How a value is read, by the type its field is declared with."""


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """--set key=value pairs; only event fields may be set from the command line."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in ("event.name", "event.date", "event.place"):
            raise HandoutpackError(
                f"--set {pair}: expected event.name=..., event.date=YYYY-MM-DD or event.place=...")
        if key == "event.date" and value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise HandoutpackError(f"--set {pair}: not a date; write it as YYYY-MM-DD") from None
        overrides[key.split(".", 1)[1]] = value
    return overrides


def load(root: Path, overrides: dict[str, str] | None = None,
         printing: dict[str, Any] | None = None, profile: Path | None = None) -> Project:
    """Read and validate `root/handoutpack.toml`; raise Problems listing everything wrong.
    `overrides` are --set event fields; `printing` are Printing fields from the command line,
    which win over the config's for every pack and document; `profile` is an ambassador's
    profile (--as): its presenter, event and partners win over the config's."""
    root = root.resolve()
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        raise HandoutpackError(
            f"{config_path}: not found. Run handoutpack in a project folder (one holding "
            f"{CONFIG_NAME}), or name one with --project.")
    text = read_text(CONFIG_NAME, config_path, "TOML", MAX_CONFIG_BYTES,
                     "a config is a few kB of TOML. Is it the right file?",
                     'it needs at least [org] name = "..." (see the README for an example)')
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        raise HandoutpackError(f"{error}. Fix the TOML syntax there.", file=CONFIG_NAME,
                               line=int(line[1]) if line else None) from None
    presenter, forced_event = _profile(root, profile) if profile else (None, {})
    project = _project(root, config_path, data, overrides or {}, printing or {}, text,
                       forced_event)
    return replace(project, presenter=presenter) if presenter else project


def _profile(root: Path, path: Path) -> tuple[Presenter | None, dict[str, Any]]:
    """A profile's presenter, and the event fields (partners too) it sets for every pack."""
    data, text = read_profile(path)
    return profile_settings(root, data, text, path.name)


def profile_settings(root: Path, data: dict, text: str, name: str
                     ) -> tuple[Presenter | None, dict[str, Any]]:
    """A profile's TOML `data` read as a profile `name` (the workbench's forms are checked the
    same way): its presenter, and the event fields it sets; raises Problems naming each key."""
    r = _Reader(name, text)
    for key in data:
        if key not in PROFILE_KEYS:
            r.problem(key, f"unknown key{suggest(key, PROFILE_KEYS)}; allowed: "
                      f"{', '.join(sorted(PROFILE_KEYS))}")
    presenter = read_presenter(r, data.get("presenter"), "presenter", root)
    table = r.table(data.get("event"), "event", toml_keys(Event))
    event = _event(r, table, "event", root=root)
    forced = {key: getattr(event, key) for key in table}
    if "partners" in data:
        forced["partners"] = read_partners(r, data["partners"], "partners", root)
    collect(r.problems)
    return presenter, forced


def read_regular(name: str, path: Path, max_bytes: int) -> tuple[bytes, int]:
    """The bytes of the regular file at `path` (none when it holds more than `max_bytes`), and
    its size. A named pipe, device or socket is refused without waiting on it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise HandoutpackError(f"cannot be read ({error.strerror}); check that it is a file you "
                               "may read", file=name) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise HandoutpackError("is not a regular file (a named pipe, a device or a socket); "
                                   "replace it with a file, or remove it", file=name)
        try:
            data = file.read(max_bytes + 1)
            return (b"" if len(data) > max_bytes else data), max(len(data), os.fstat(fd).st_size)
        except OSError as error:
            raise HandoutpackError(f"cannot be read ({error.strerror})", file=name) from None


def read_text(name: str, path: Path, kind: str, max_bytes: int, too_big: str, empty: str) -> str:
    """A text file of the user's: readable, not huge, not binary, UTF-8 and not empty; or an error
    naming it and saying what to do (`too_big` and `empty` say it for this kind of file)."""
    data, size = read_regular(name, path, max_bytes)
    if size > max_bytes:
        raise HandoutpackError(f"is {size / 1_000_000:.1f} MB; {too_big}", file=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HandoutpackError("is UTF-16 text; save it as UTF-8", file=name)
    if b"\0" in data:
        raise HandoutpackError(f"is a binary file, not {kind} text", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HandoutpackError("is not UTF-8 text; save it as UTF-8", file=name,
                               line=line) from None
    if not text.strip():
        raise HandoutpackError(f"is empty; {empty}", file=name)
    return text.replace("\r\n", "\n")


TOP_KEYS = {"org", "brand", "languages", "paths", "content", "audiences", "packs", "event", "labels",
            "security", "typography", "download", "email", "print", "presenter"}


def _project(root: Path, config_path: Path, data: dict, overrides: dict[str, str],
             forced_printing: dict[str, Any], text: str = "",
             forced_event: dict[str, Any] | None = None) -> Project:
    r = _Reader(CONFIG_NAME, text)
    for name in data:
        if name not in TOP_KEYS:
            r.problem(name, f"unknown key{suggest(name, TOP_KEYS)}; allowed: "
                      f"{', '.join(sorted(TOP_KEYS))}")

    langs = r.table(data.get("languages"), "languages", toml_keys(Languages))
    default = r.settings(Languages, langs, "languages")["default"]
    available = langs.get("available", [default])
    if not isinstance(available, list) or not all(
            isinstance(x, str) and LANG_RE.match(x) for x in available):
        r.problem("languages.available", "must be a list of language codes like ['en', 'fr']")
        available = [default]
    if default not in available:
        r.problem("languages.available", f"must include the default language '{default}'")
    languages = tuple(dict.fromkeys([default, *available]))
    r.languages = languages

    org_data = r.table(data.get("org"), "org", toml_keys(Org))
    org_name = r.string(org_data, "name", "org.name")
    logo = org_data.get("logo")
    org = Org(**r.settings(Org, org_data, "org", given={"name": org_name},
                           defaults={"short_name": org_name}),
              logo=r.path(root, logo, "org.logo") if logo is not None else None)
    brand_data = r.table(data.get("brand"), "brand", toml_keys(Brand))
    brand = Brand(**r.settings(Brand, brand_data, "brand"))
    brand = replace(brand, cmyk=_inks(r, brand_data.get("cmyk"), brand))

    paths = r.table(data.get("paths"), "paths", toml_keys(Paths))
    content_dir = (r.path(root, paths.get("content", Paths.content), "paths.content")
                   or root / Paths.content)
    build_dir = r.path(root, paths.get("build", Paths.build), "paths.build", must_exist=False)
    emails_dir = r.path(root, paths.get("emails", Paths.emails), "paths.emails", must_exist=False)
    site_root = r.path(root, paths["site_root"], "paths.site_root") if "site_root" in paths else None
    template_dirs = _override_dirs(r, root, paths, "templates")
    style_dirs = _override_dirs(r, root, paths, "styles")
    if build_dir and (problem := build_dir_problem(build_dir, root, [
            content_dir, *template_dirs, *style_dirs, *([emails_dir] if emails_dir else [])])):
        r.problem("paths.build", f"'{paths.get('build', Paths.build)}' {problem}; a build "
                  "writes and deletes files there, so it must be a folder of its own, e.g. "
                  "\"build\"")

    audiences = {}
    for audience_id, spec in r.table(data.get("audiences"), "audiences").items():
        key = f"audiences.{audience_id}"
        if not ID_RE.match(audience_id):
            r.problem(key, "ids are lower-case letters, digits and hyphens")
        audiences[audience_id] = Audience(**r.read(Audience, spec, key, given={"id": audience_id}))

    override = _event(r, overrides, "--set event", languages)
    forced = {**(forced_event or {}),  # a profile's event, then --set, win everywhere
              **{name: getattr(override, name) for name in overrides}}
    event = replace(_event(r, r.table(data.get("event"), "event", toml_keys(Event)), "event",
                           languages, root=root), **forced)
    print_data = r.table(data.get("print"), "print", PRINT_KEYS)
    # [print] has no paper of its own: the project's is brand.paper
    printing = _printing(r, {**print_data, "paper": brand.paper}, "print", Printing())
    cmyk_profile = (r.path(root, print_data["cmyk_profile"], "print.cmyk_profile")
                    if "cmyk_profile" in print_data else None)
    packs = {}
    for pack_id, spec in r.table(data.get("packs"), "packs").items():
        packs[pack_id] = _pack(r, pack_id, spec, languages, audiences, forced,
                               printing, forced_printing, root)

    labels = {}
    for lang, table in r.table(data.get("labels"), "labels").items():
        if lang not in languages:
            r.problem(f"labels.{lang}", f"'{lang}' is not in languages.available")
        elif isinstance(table, dict) and all(isinstance(v, str) for v in table.values()):
            labels[lang] = dict(table)
        else:
            r.problem(f"labels.{lang}", "must be a table of label names to strings")

    security = Security(**r.read(Security, data.get("security"), "security"))
    settings = ContentSettings(**r.read(ContentSettings, data.get("content"), "content"))
    typography = _typography(r, r.table(data.get("typography"), "typography",
                                        toml_keys(Typography)), languages)
    download = DownloadPage(**r.read(DownloadPage, data.get("download"), "download"))
    email = _email(r, data["email"]) if "email" in data else None
    presenter = read_presenter(r, data.get("presenter"), "presenter", root)

    collect(r.problems)
    return Project(
        root=root, org=org, brand=brand, default_language=default, languages=languages,
        audiences=audiences, packs=packs, event=event, labels=labels, content_dir=content_dir,
        template_dirs=template_dirs, style_dirs=style_dirs, build_dir=build_dir,
        allow_remote=security.allow_remote,
        max_image_pixels=int(security.max_image_megapixels * 1_000_000), typography=typography,
        config_path=config_path,
        download=download, email=email,
        emails_dir=emails_dir or root / "emails", site_root=site_root,
        printing=replace(printing, **forced_printing), cmyk_profile=cmyk_profile,
        presenter=presenter, templating=settings.templating,
    )


def _typography(r: _Reader, data: dict, languages) -> Typography:
    switches = {}
    for name, spec in Typography.__dataclass_fields__.items():
        if name in data and spec.type == "bool":
            if isinstance(data[name], bool):
                switches[name] = data[name]
            else:
                r.problem(f"typography.{name}", f"{data[name]!r}: must be true or false")
    marks = {}
    for lang, pair in r.table(data.get("quote_marks"), "typography.quote_marks").items():
        key = f"typography.quote_marks.{lang}"
        if lang not in languages:
            r.problem(key, f"'{lang}' is not in languages.available{suggest(lang, languages)}")
        elif not isinstance(pair, str) or len(pair) != 2:
            r.problem(key, f"{pair!r}: write the opening and closing marks, e.g. \"“”\" or \"«»\"")
        else:
            marks[lang] = pair
    words = data.get("never_hyphenate", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        r.problem("typography.never_hyphenate", "must be a list of words, e.g. [\"Cerise\", \"Bethesda\"]")
        words = []
    return Typography(**switches, quote_marks=marks, never_hyphenate=tuple(w.strip() for w in words))


def build_dir_problem(build_dir: Path, root: Path, sources: list[Path]) -> str:
    """Why a build could harm the project through `build_dir` ('' when it cannot): it is the
    project, holds it, or holds (or is inside) one of its `sources` (content, templates...)."""
    build, project = build_dir.resolve(), root.resolve()
    if project.is_relative_to(build):
        return "is the project folder" if build == project else "holds the project folder"
    for source in (s.resolve() for s in sources if s.exists()):
        name = source.relative_to(project) if source.is_relative_to(project) else source
        if source.is_relative_to(build):
            return f"holds {name}/"
        if build.is_relative_to(source):
            return f"is inside {name}/"
    return ""


def _override_dirs(r: _Reader, root: Path, paths: dict, name: str) -> tuple[Path, ...]:
    """The user's folders that override the built-in theme file by file, first match wins."""
    value = paths.get(name)
    if value is None:
        return (root / name,) if (root / name).is_dir() else ()
    values = value if isinstance(value, list) else [value]
    found = [r.path(root, v, f"paths.{name}") for v in values]
    return tuple(p for p in found if p)


def _event(r: _Reader, data: dict, key: str, languages=None, root: Path | None = None) -> Event:
    """An event; its name and place given once or per language (without `languages`, as in a
    presenter's profile, a text given once is kept for every language), its partners read only
    where they may be given (`root` set)."""
    texts = {} if languages else {  # a profile's: kept as given, whatever the project's
        name: _any_language(data[name]) for name in ("name", "place") if data.get(name)}
    partners = (read_partners(r, data["partners"], f"{key}.partners", root)
                if "partners" in data and root is not None else ())
    return Event(**r.settings(Event, data, key, given=texts), partners=partners)


def _any_language(value: Any) -> dict[str, str]:
    """A text for every language ('*'), or a table of texts by language, as given."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(v, str)}
    return {"*": str(value)}


def _printing(r: _Reader, data: dict, key: str, base: Printing) -> Printing:
    """`base` with the print options `data` sets."""
    variant = r.choice(data, "pdf_variant", f"{key}.pdf_variant", PDF_VARIANTS, base.pdf_variant)
    read = r.settings(Printing, data, key, base=base, given={"pdf_variant": variant})
    if not 0 < read["paper_thickness_mm"] <= 1:
        r.problem(f"{key}.paper_thickness_mm", f"{read['paper_thickness_mm']} mm is not a "
                  "sheet's thickness; office paper is about 0.1, card 0.3")
    return Printing(**{**read, "copies": max(1, read["copies"])})


def _inks(r: _Reader, data: Any, brand: Brand) -> dict[str, tuple[float, float, float, float]]:
    """[brand.cmyk]: each brand colour's inks in percent, e.g. primary = [100, 45, 20, 35]."""
    colours = [name for name, value in vars(brand).items()
               if isinstance(value, str) and COLOUR_RE.match(value)]
    inks = {}
    for name, value in r.table(data, "brand.cmyk", set(colours)).items():
        if (not isinstance(value, list) or len(value) != 4 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100
                for v in value)):
            r.problem(f"brand.cmyk.{name}", "must be four percentages of ink, cyan, magenta, "
                      "yellow and black, like [100, 45, 20, 35]")
            continue
        inks[name] = tuple(v / 100 for v in value)
    return inks


def _pack(r: _Reader, pack_id: str, spec: Any, languages, audiences, forced: dict[str, Any],
          printing: Printing, forced_printing: dict[str, Any], root: Path) -> PackSpec:
    key = f"packs.{pack_id}"
    if not usable_name(pack_id):
        r.problem(key, "pack ids are lower-case letters, digits and hyphens, and not a name "
                  "Windows reserves (con, nul, aux, prn, com1...)")
    spec = r.table(spec, key, toml_keys(PackSpec))
    audience = r.string(spec, "audience", f"{key}.audience")
    if audience and audience not in audiences:
        r.problem(f"{key}.audience", f"no audience '{audience}'{suggest(audience, audiences)}; "
                  f"define it under [audiences.{audience}]")
    documents = spec.get("documents")
    if not isinstance(documents, list) or not documents or not all(
            isinstance(d, str) for d in documents):
        r.problem(f"{key}.documents", "must be a non-empty list of document slugs")
        documents = []
    pack_languages = spec.get("languages", [])
    if not isinstance(pack_languages, list) or not all(lang in languages for lang in pack_languages):
        r.problem(f"{key}.languages", f"must be a list of languages from languages.available "
                  f"({', '.join(languages)})")
        pack_languages = []
    # a pack shows an event only when it is tied to one: the project's [event] is not inherited
    pack_event = _event(r, r.table(spec.get("event"), f"{key}.event", toml_keys(Event)),
                        f"{key}.event", languages, root)
    own_printing = _printing(r, spec, key, printing)
    return PackSpec(**r.settings(PackSpec, spec, key, given={
        "id": pack_id, "audience": audience, "documents": tuple(documents),
        "event": replace(pack_event, **forced), "languages": tuple(pack_languages),
        "printing": replace(own_printing, **forced_printing)}))


def _email(r: _Reader, data: Any) -> Email:
    email = r.table(data, "email", toml_keys(Email))
    smtp = r.table(email.get("smtp"), "email.smtp", toml_keys(Smtp, "password"))
    if "password" in smtp:
        r.problem("email.smtp.password", "never put the password in handoutpack.toml; remove it "
                  "and set it in the environment variable that email.smtp.password_env names "
                  f"(by default {Smtp.password_env})")
    security = r.choice(smtp, "security", "email.smtp.security", SMTP_SECURITY, Smtp.security)
    sending = r.settings(Email, email, "email")
    return Email(**sending, smtp=Smtp(**r.settings(
        Smtp, smtp, "email.smtp", given={"security": security},
        defaults={"port": SMTP_SECURITY[security]})))


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
