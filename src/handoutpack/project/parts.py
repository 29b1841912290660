"""The slices of the configuration that stages take. A stage is given the part of the Project it
uses, never the whole: what it can read is in its signature, and a test can tell what a change
of config reaches. Project makes each slice (project.folders, .langs, .reading, .links,
.theme, .planning, .press, .render_settings, .publishing, .mail, .translating, .checking); only the
loader, the pipeline and the user interfaces hold a whole Project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from .keys import key_lines, line_of
from .presenter import Presenter
from .sending import Email
from .settings import (Audience, Brand, DownloadPage, Event, Org, PackSpec, Printing,
                       Typography)


@dataclass(frozen=True)
class Folders:
    """Where the project's files are, each an absolute path."""

    root: Path
    """The project folder: every file a build reads is inside it."""
    content: Path
    build: Path
    emails: Path
    config: Path
    """handoutpack.toml, as messages name it."""
    templates: tuple[Path, ...] = ()
    """The project's own template folders, first match wins; the built-in theme's comes after
    them (markup.templates.template_dirs)."""
    styles: tuple[Path, ...] = ()
    site_root: Path | None = None
    """Where paths starting with '/' start ([paths] site_root); the project folder when None."""
    build_root: Path | None = None
    """The project's build folder (paths.build) when `build` is a folder inside it (the
    proof's variants, build/proof/<variant>); None: `build` is."""

    @property
    def outputs(self) -> Path:
        """The folder of everything builds write: never read as an input, and where builds keep
        what they render for the next (store.outputs.cache_folder)."""
        return self.build_root or self.build

    def shown(self, path: Path) -> str:
        """`path` as messages name it: inside the project, from its folder."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def where(self, key: str) -> str:
        """'handoutpack.toml:12: packs.media.documents[2]': a config key as messages name it."""
        return f"{self.config_problem(key, '').where}: {key}"

    def config_problem(self, key: str, message: str, severity: str = "error") -> Problem:
        """A problem with config key `key`, pointing at its line in handoutpack.toml."""
        try:
            lines = key_lines(self.config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            lines = {}
        return Problem(self.config.name, line_of(lines, key), key, message, severity)


@dataclass(frozen=True)
class Languages:
    """The languages the project is made in, and the one it is written in first."""

    default: str
    all: tuple[str, ...]
    """Every language, the default one first."""

    def text(self, texts: dict[str, str], lang: str) -> str:
        """A localised config text in `lang`, or in the default language when it has none."""
        return texts.get(lang) or texts[self.default]


@dataclass(frozen=True)
class Reading:
    """What reading the sources needs: where they are, the languages a translation may be in
    (each document has one in the default language), the audiences front matter may name."""

    folders: Folders
    languages: Languages
    audiences: dict[str, Audience] = field(default_factory=dict)


@dataclass(frozen=True)
class Links:
    """How a source's images and links are found: paths from a site's root start at the site
    root (else the project folder); what the project does not hold links to the organisation's
    `website` when there is one; network images print only when `allow_remote`; a link to a
    document falls back to the `default` language's."""

    folders: Folders
    default: str
    website: str = ""
    allow_remote: bool = False

    @property
    def site_root(self) -> Path:
        return self.folders.site_root or self.folders.root


@dataclass(frozen=True)
class Theme:
    """What the theme's pages are made with: its folders, its words (labels.toml, the
    translators' labels.po under `root`, then [labels]) and what they print of the project."""

    templates: tuple[Path, ...]
    """The project's own template folders (the built-in theme's comes after them)."""
    styles: tuple[Path, ...]
    root: Path
    """The project folder: translations/<lang>/labels.po, and files a template may name."""
    languages: Languages
    org: Org
    brand: Brand
    typography: Typography
    presenter: Presenter | None = None
    audiences: dict[str, Audience] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """[labels.<lang>]: the config's own words, over the theme's and the translators'."""

    def text(self, texts: dict[str, str], lang: str) -> str:
        return self.languages.text(texts, lang)

    def audience(self, audience_id: str, lang: str) -> str:
        """An audience as a sentence names it in `lang` ('' for none)."""
        audience = self.audiences.get(audience_id)
        return self.text(audience.names, lang) if audience else ""


@dataclass(frozen=True)
class Planning:
    """What planning a build reads: the folders, the theme its pages are laid out in, how
    sources' links and images are found, the print defaults, the packs, the event documents on
    their own are handed out at, and whether Jinja runs over documents ([content] templating).
    A document's planned renders are made from these and its source alone (plan.inputs)."""

    folders: Folders
    theme: Theme
    links: Links
    printing: Printing
    packs: dict[str, PackSpec] = field(default_factory=dict)
    event: Event = Event()
    templating: bool = True

    @property
    def languages(self) -> Languages:
        return self.theme.languages


@dataclass(frozen=True)
class Press:
    """How files are printed: the print defaults every pack starts from (and documents on their
    own are printed with), and the inks: the print shop's CMYK profile and the brand's colours."""

    printing: Printing
    brand: Brand
    cmyk_profile: Path | None = None
    """The print shop's ICC profile (none: Ghostscript's SWOP profile, from Debian)."""
    root: Path = Path(".")
    """The project folder, from which messages name the profile."""


@dataclass(frozen=True)
class RenderSettings:
    """What a render may read and how it makes its PDF: files inside the project folder and the
    theme's folders (`folders`), the network only when allowed, images up to a size, resampled
    to `image_dpi` when given; print files in the inks of `press`."""

    folders: Folders
    press: Press
    allow_remote: bool = False
    max_image_pixels: int = 50_000_000
    image_dpi: int | None = None
    """Resample images to at most this resolution (`build --image-dpi`): smaller PDFs."""


@dataclass(frozen=True)
class Publishing:
    """What publishing a build uses: where build/ is, the theme its pages and READMEs are made
    with, the packs, and the download page's own texts."""

    folders: Folders
    theme: Theme
    packs: dict[str, PackSpec]
    download: DownloadPage = DownloadPage()


@dataclass(frozen=True)
class Mail:
    """What sending packs by email uses: the [email] settings, where the packs and messages are,
    the languages, the packs, and the theme messages are laid out in."""

    email: Email | None
    folders: Folders
    languages: Languages
    packs: dict[str, PackSpec]
    theme: Theme


@dataclass(frozen=True)
class Translating:
    """What translation files are made from and written to: the project's folders
    (translations/ is under its root, review PDFs go to the build folder) and the theme, whose
    labels are translated too and which names the languages and the organisation."""

    folders: Folders
    theme: Theme

    @property
    def root(self) -> Path:
        return self.folders.root

    @property
    def languages(self) -> Languages:
        return self.theme.languages


@dataclass(frozen=True)
class ConfigText:
    """A text of handoutpack.toml that prints (Project.printed_texts): translators translate
    it in translations/<lang>/config.po."""

    key: str
    """Its key in handoutpack.toml: 'event.name', 'packs.media.title', 'audiences.media.name'."""
    texts: dict[str, str]
    languages: tuple[str, ...]
    """The languages it prints in (a pack's texts: the pack's)."""


@dataclass(frozen=True)
class Checking:
    """What the check reads: the pages planned as a build would (`planning`: folders, theme,
    packs), the files a render loads (`render_settings`: fonts, images), the translations'
    status and catalogues (`translating`), and the config's texts that print
    (Project.printed_texts), each of which a language may leave untranslated."""

    planning: Planning
    render_settings: RenderSettings
    translating: Translating
    printed: tuple[ConfigText, ...] = ()

    @property
    def folders(self) -> Folders:
        return self.planning.folders

    @property
    def languages(self) -> Languages:
        return self.planning.languages
