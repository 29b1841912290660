"""Project: the validated configuration and where the project's files are, as the loader
(loader.py, reader.py) makes it; and the slices of it that stages take (parts.py). The tables'
dataclasses are in settings.py (imported here too, where most code has always found them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Problem
from .parts import (Checking, ConfigText, Folders, Languages, Links, Mail, Planning, Press,
                    Publishing, Reading, RenderSettings, Theme, Translating)
from .presenter import Presenter
from .sending import Email
from .settings import (  # noqa: F401  (re-exported: where most code imports them from)
    COLOUR_RE,
    CONFIG_NAME,
    LANG_RE,
    MAX_IMAGE_MEGAPIXELS,
    PAPER_SIZES,
    PDF_VARIANTS,
    PRESENTATION_LAYOUTS,
    PRINT_KEYS,
    Audience,
    Brand,
    ContentSettings,
    DownloadPage,
    Event,
    EventText,
    LanguageSettings,
    Org,
    PackSpec,
    PathSettings,
    Printing,
    Security,
    Typography,
)


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
    build_root: Path | None = None
    """The project's build folder (paths.build) when build_dir is a folder inside it: the
    proof builds each paper variant in build/proof/<variant>, and they share build/'s
    cache (a deck's slides are the same on every paper). None: build_dir is."""
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
    """print.cmyk_profile: the print shop's CMYK ICC profile (none: Ghostscript's SWOP
    profile, from Debian)."""
    presenter: Presenter | None = None
    """Who presents the packs ([presenter], or a profile given with --as)."""
    templating: bool = True
    """[content] templating: whether Jinja runs over documents."""

    def where(self, key: str) -> str:
        """'handoutpack.toml:12: packs.media.documents[2]': a config key as messages name it."""
        return self.folders.where(key)

    def problem(self, key: str, message: str, severity: str = "error") -> Problem:
        """A problem with config key `key`, pointing at its line in handoutpack.toml."""
        return self.folders.config_problem(key, message, severity)

    def text(self, texts: dict[str, str], lang: str) -> str:
        """A localised config text in `lang`, or in the default language when it has none."""
        return self.langs.text(texts, lang)

    # ------------------------------------------------ the slices stages take (parts.py)

    @property
    def folders(self) -> Folders:
        return Folders(self.root, self.content_dir, self.build_dir, self.emails_dir,
                       self.config_path, self.template_dirs, self.style_dirs, self.site_root,
                       self.build_root)

    @property
    def langs(self) -> Languages:
        """The languages as a slice (`languages` is their tuple, the default first)."""
        return Languages(self.default_language, self.languages)

    @property
    def reading(self) -> Reading:
        return Reading(self.folders, self.langs, self.audiences)

    @property
    def links(self) -> Links:
        return Links(self.folders, self.default_language, self.org.website, self.allow_remote)

    @property
    def theme(self) -> Theme:
        return Theme(self.template_dirs, self.style_dirs, self.root, self.langs, self.org,
                     self.brand, self.typography, self.presenter, self.audiences, self.labels)

    @property
    def planning(self) -> Planning:
        return Planning(self.folders, self.theme, self.links, self.printing, self.packs,
                        self.event, self.templating)

    @property
    def press(self) -> Press:
        return Press(self.printing, self.brand, self.cmyk_profile, self.root)

    @property
    def render_settings(self) -> RenderSettings:
        return RenderSettings(self.folders, self.press, self.allow_remote, self.max_image_pixels,
                              self.image_dpi)

    @property
    def publishing(self) -> Publishing:
        return Publishing(self.folders, self.theme, self.packs, self.download)

    @property
    def mail(self) -> Mail:
        return Mail(self.email, self.folders, self.langs, self.packs, self.theme)

    @property
    def translating(self) -> Translating:
        return Translating(self.folders, self.theme)

    @property
    def checking(self) -> Checking:
        return Checking(self.planning, self.render_settings, self.translating,
                        tuple(self.printed_texts))

    @property
    def printed_texts(self) -> list[ConfigText]:
        """Every text of the config that prints, with the English (the default language's) to
        translate, in the order of handoutpack.toml."""
        every = self.languages
        found = [ConfigText("org.rights", self.org.rights, every),
                 *_event_texts("event", self.event, every),
                 ConfigText("download.title", self.download.titles, every),
                 ConfigText("download.intro", self.download.intros, every)]
        used: dict[str, set[str]] = {}
        for spec in self.packs.values():
            languages = spec.languages or every
            used.setdefault(spec.audience, set()).update(languages)
            found.append(ConfigText(f"packs.{spec.id}.title", spec.titles, languages))
            found += _event_texts(f"packs.{spec.id}.event", spec.event, languages)
        for audience in self.audiences.values():
            languages = tuple(lang for lang in every if lang in used.get(audience.id, ()))
            found.append(ConfigText(f"audiences.{audience.id}.name", audience.names, languages))
        return [text for text in found if text.texts.get(self.default_language, "").strip()]


def _event_texts(key: str, event: Event, languages: tuple[str, ...]) -> list[ConfigText]:
    return [ConfigText(f"{key}.name", event.name, languages),
            ConfigText(f"{key}.place", event.place, languages)]


def with_printing(project: Project, **changes) -> Project:
    """`project` with print settings changed for every pack and document, as the command line
    changes them."""
    packs = {pack_id: replace(spec, printing=replace(spec.printing, **changes))
             for pack_id, spec in project.packs.items()}
    return replace(project, printing=replace(project.printing, **changes), packs=packs)
