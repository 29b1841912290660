"""HTML to PDF with WeasyPrint, reading only the project's own files."""

from __future__ import annotations

import ctypes
import hashlib
import io
import logging
import mimetypes
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..markup.scripts import direction
from . import squeeze, stylesheets, textlayer
from ..store.digests import file_digest
from ..errors import HandoutpackError, Problem
from ..store.memos import memo
from .overflow import overflows

if TYPE_CHECKING:
    from ..pdf.colour import Inks

REMOTE_SCHEMES = ("http", "https")
REMOTE_TIMEOUT = 10
FAILED_LOAD = re.compile(r"^Failed to load (?P<what>image|stylesheet|inline SVG|attachment)"
                         r"(?: at '?(?P<url>[^' ]+)'?)?(?:: (?P<reason>.*))?", re.S)
FAILED_FONT = re.compile(r"^Failed to load font at '(?P<url>[^']+)'")
BAD_FONT_FACE = re.compile(r"^Font-face '(?P<family>[^']*)' cannot be loaded")
IMAGE_JPEG_QUALITY = 80
"""With --image-dpi, photos are also recompressed: 80 keeps them clean on screen and on paper."""
HARFBUZZ_SUBSET = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0")
"""The names WeasyPrint looks for HarfBuzz's font subsetter under (see weasyprint/text/ffi.py)."""
FIXED_FONT_TIME = "1262304000"
"""2010-01-01: the time fontTools stamps into font subsets (without HarfBuzz); each worker pins
SOURCE_DATE_EPOCH to it when it starts (parallel._start_worker)."""

PRINT_VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g")
"""The variants made for a print shop: CMYK, an output intent, no annotations."""

Dependency = tuple[str, str | None]
"""A file a render read: (its URL, the SHA-256 of its bytes; None for a network resource)."""


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF, its page count, what WeasyPrint warned about, and what files it read."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    dependencies: tuple[Dependency, ...] = ()


class Refused(Exception):
    """A resource outside the project, or on the network when that is not allowed."""


class Fetcher:
    """Serves files under the allowed folders; an override folder falls back to the theme's."""

    def __init__(self, roots: list[Path], overlays: list[list[Path]], allow_remote: bool,
                 max_image_pixels: int = 50_000_000):
        self.roots = [r.resolve() for r in roots]
        self.max_image_pixels = max_image_pixels
        self.too_big: list[tuple[str, str]] = []
        """(path, what is wrong) of each image refused for its size."""
        self.overlays = [[f.resolve() for f in chain] for chain in overlays]
        self.allow_remote = allow_remote
        self.refused: list[str] = []
        self.read: dict[str, str | None] = {}
        """What the current render read: URL -> SHA-256 of the file (None: from the network)."""
        self._found: dict[str, Path | Refused] = {}
        self._digests: dict[Path, str] = {}

    def resolve(self, url: str) -> Path:
        """The local file `url` names, or Refused. Files do not come and go during a build, and
        every render asks for the same stylesheets and fonts: each URL is looked up once."""
        if url not in self._found:
            try:
                self._found[url] = self._resolve(url)
            except Refused as refusal:
                self._found[url] = refusal
        found = self._found[url]
        if isinstance(found, Refused):
            raise Refused(str(found))
        return found

    def digest(self, url: str) -> str:
        """The SHA-256 of the file at `url` (Refused if there is none), once per build."""
        path = self.resolve(url)
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def _resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise Refused(f"'{url}' is not a file in the project")
        if parts.netloc not in ("", "localhost"):
            raise Refused(f"'{url}' is on another machine")
        path = Path(unquote(parts.path))
        real = path.resolve()  # symlinks followed: a link out of the project is refused below
        for chain in self.overlays:  # a file missing from an override folder: the theme's
            for folder in chain:
                if path.is_relative_to(folder) and not real.exists() and ".." not in path.parts:
                    relative = path.relative_to(folder)
                    found = [f / relative for f in chain if (f / relative).exists()]
                    real = found[0].resolve() if found else real
        if not any(real.is_relative_to(root) for root in self.roots):
            if real != Path(os.path.normpath(path)):
                raise Refused(f"'{path}' is a link to '{real}', outside the project folder")
            raise Refused(f"'{path}' is outside the project folder")
        if not real.is_file():
            raise Refused(f"'{path}' does not exist")
        return real


def _weasyprint_fetcher(fetcher: Fetcher):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme in REMOTE_SCHEMES and fetcher.allow_remote:
                fetcher.read[url] = None
                return super().fetch(url, headers)
            try:
                path = fetcher.resolve(url)
            except Refused as refusal:
                fetcher.refused.append(str(refusal))
                raise
            data = path.read_bytes()
            fetcher.read[url] = hashlib.sha256(data).hexdigest()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if problem := _too_many_pixels(data, fetcher.max_image_pixels):
                fetcher.too_big.append((str(path), problem))
                raise Refused(problem)
            return URLFetcherResponse(path.as_uri(), data, {"Content-Type": kind})

    # Redirects come back through fetch(), so a remote page cannot send us to a local file.
    return ProjectFetcher(timeout=REMOTE_TIMEOUT, allowed_protocols=(*REMOTE_SCHEMES, "data"),
                          fail_on_errors=False)


def _too_many_pixels(data: bytes, budget: int) -> str:
    """Why an image file is too big to decode ('' when it is not, or is no image Pillow knows):
    its size is read from its header, before any pixel is."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ""  # not an image (a stylesheet, a font, an SVG): WeasyPrint reads those
    if width * height <= budget:
        return ""
    return (f"is {width:,} x {height:,} pixels ({width * height / 1e6:.0f} megapixels), more than "
            f"the {budget / 1e6:g} megapixels an image may have (security.max_image_megapixels); "
            "scale it down")


def _font_configuration(fetcher: Fetcher):
    """WeasyPrint's font set-up, shared by every render in the process (it is costly to make),
    noting each @font-face file a render declares even when an earlier render loaded it."""
    from weasyprint.text.fonts import FontConfiguration

    class Fonts(FontConfiguration):
        def add_font_face(self, rule_descriptors, url_fetcher):
            for kind, url in rule_descriptors.get("src", ()):
                if kind == "external" and url and url.startswith("file:") and url not in fetcher.read:
                    try:
                        fetcher.read[url] = fetcher.digest(url)
                    except Refused:
                        pass  # WeasyPrint's own fetch reports it
            return super().add_font_face(rule_descriptors, url_fetcher)

    return Fonts()


class _Collect(logging.Handler):
    """WeasyPrint's warnings and errors, and its debug note naming a font file it failed on."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.WARNING or FAILED_FONT.match(message):
            self.messages.append(message)


@contextmanager
def _captured_warnings():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


class Renderer:
    """Renders HTML strings to PDFs; one per process, sharing WeasyPrint's font set-up."""

    def __init__(self, roots: list[Path], overlays: list[list[Path]], allow_remote: bool = False,
                 pdf_variant: str | None = None, image_dpi: int | None = None,
                 inks: Callable[[], Inks] | None = None, max_image_pixels: int = 50_000_000):
        self.fetcher = Fetcher(roots, overlays, allow_remote, max_image_pixels)
        self.pdf_variant = pdf_variant
        self._make_inks = inks
        self._fonts = None
        self.image_options = ({"dpi": image_dpi, "jpeg_quality": IMAGE_JPEG_QUALITY,
                               "optimize_images": True} if image_dpi else {})

    @property
    def options(self) -> str:
        """The options that change its PDFs, for the cache's keys."""
        return (f"pdf_variant={self.pdf_variant} images={sorted(self.image_options.items())} "
                f"max_pixels={self.fetcher.max_image_pixels}")

    @cached_property
    def inks(self) -> Inks:
        """The CMYK conversion of print files (its profile is loaded on first use)."""
        if self._make_inks is None:
            raise HandoutpackError("print files need a CMYK profile; none was given")
        return self._make_inks()

    def render(self, html: str, base: Path, name: str, lang: str,
               variant: str | None = None) -> Rendered:
        """Render `html` whose relative links start at folder `base`; `name` is for messages.
        `variant` (else the renderer's) is the PDF variant; a PDF/X render is made CMYK."""
        import weasyprint  # imported here: a build with nothing to render never pays for it

        textlayer.install()

        variant = variant or self.pdf_variant

        if self._fonts is None:
            self._fonts = _font_configuration(self.fetcher)
            stylesheets.keep_sheets(self._fonts, self.fetcher, Refused)  # parsed once a worker
        self.fetcher.refused.clear()
        self.fetcher.too_big.clear()
        self.fetcher.read.clear()
        with _captured_warnings() as warnings:
            document = weasyprint.HTML(
                string=html, base_url=base.as_uri() + "/",
                url_fetcher=_weasyprint_fetcher(self.fetcher),
            ).render(font_config=self._fonts, **self.image_options)  # images are done here
            document = squeeze.better(document, html, lambda page: weasyprint.HTML(
                string=page, base_url=base.as_uri() + "/",
                url_fetcher=_weasyprint_fetcher(self.fetcher),
            ).render(font_config=self._fonts, **self.image_options))
            pdf = document.write_pdf(pdf_tags=True, custom_metadata=True, pdf_variant=variant,
                                     finisher=textlayer.finisher(direction(lang)))
        if self.fetcher.too_big:
            raise HandoutpackError(*(Problem(self._shown(path), message=f"{problem} (while "
                                             f"rendering {name}).")
                                     for path, problem in self.fetcher.too_big))
        if self.fetcher.refused:
            raise HandoutpackError(
                f"refused to load {'; '.join(dict.fromkeys(self.fetcher.refused))}. "
                "Documents may only use files inside the project (set security.allow_remote "
                "in handoutpack.toml to allow http(s) resources).", file=name)
        if failures := self._failures(warnings, name):
            raise HandoutpackError(*(replace(failure, message=f"{failure.message} (while "
                                             f"rendering {name}).") for failure in failures))
        from ..pdf import tagging  # pikepdf: only a worker that renders pays for it

        pdf = tagging.mended(pdf)
        if is_print(variant):
            from ..pdf import printfile

            pdf = printfile.prepare(pdf, self.inks, variant, printfile.created(html))
        return Rendered(pdf, len(document.pages), (*_useful(warnings), *overflows(document)),
                        tuple(sorted(self.fetcher.read.items())))

    def _failures(self, messages: list[str], name: str) -> list[Problem]:
        """Resources that were found but could not be used: a broken image, a bad font file."""
        failures = []
        for match in filter(None, map(FAILED_LOAD.match, messages)):
            if match["url"] and urlsplit(match["url"]).scheme in REMOTE_SCHEMES:
                failures.append(self._remote_failure(match["url"], match["reason"] or "", name))
                continue
            where = self._shown(match["url"]) if match["url"] else f"an {match['what']}"
            kind = "a stylesheet" if match["what"] == "stylesheet" else "an image"
            working = "CSS file" if match["what"] == "stylesheet" else "PNG, JPEG or SVG"
            failures.append(Problem(where, message=f"is not {kind} WeasyPrint can read; replace "
                                    f"it with a working {working}"))
        fonts = [self._shown(m["url"]) for m in map(FAILED_FONT.match, messages) if m]
        for match in filter(None, map(BAD_FONT_FACE.match, messages)):
            where = ", ".join(dict.fromkeys(fonts)) or "fonts.css"
            failures.append(Problem(where, message=f"the font '{match['family']}' will not load; "
                                    "use a TTF, OTF or WOFF file, or fix its @font-face in "
                                    "fonts.css"))
        return failures

    def _remote_failure(self, url: str, reason: str, name: str) -> Problem:
        """What went wrong fetching a network image, where it is written, and what to do."""
        reason = re.sub(r"^<urlopen error (.*)>$", r"\1", reason.strip()) or "no reason given"
        line = self._line_of(name, url)
        return Problem(name, line, message=f"image '{url}' could not be fetched from "
                       f"{urlsplit(url).hostname} ({reason}); check the address and the network, "
                       "or save the image into the project and use that file")

    def _line_of(self, name: str, needle: str) -> int | None:
        """The line of `needle` in the source file `name` (relative to the project), if any."""
        try:
            text = (self.fetcher.roots[0] / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        at = text.find(needle)
        return text.count("\n", 0, at) + 1 if at >= 0 else None

    def _shown(self, url: str) -> str:
        path = Path(unquote(urlsplit(url).path))
        for root in self.fetcher.roots:
            if path.is_relative_to(root):
                return str(path.relative_to(root))
        return str(path)


@memo("machine")
def subsetter() -> str:
    """'harfbuzz' when WeasyPrint can use HarfBuzz's fast, reproducible font subsetter (Debian's
    libharfbuzz-subset0), else 'fonttools', its slower fallback. Found without importing WeasyPrint."""
    for name in HARFBUZZ_SUBSET:
        try:
            ctypes.CDLL(name)
            return "harfbuzz"
        except OSError:
            continue
    return "fonttools"


@memo("process")
def engine() -> str:
    """Everything besides the HTML and the files it reads that can change a render's bytes:
    the versions of the PDF engine and of the render and pdf packages' code (the options, the
    text layer, the squeeze, every page operation), the subsetter."""
    package = Path(__file__).parents[1]
    files = sorted([*(package / "render").glob("*.py"), *(package / "pdf").glob("*.py")])
    source = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    return (f"weasyprint {version('weasyprint')}, pydyf {version('pydyf')}, "
            f"handoutpack {version('handoutpack')} render.py {source}, subsetter {subsetter()}")


def is_print(variant: str | None) -> bool:
    """Whether files of this variant are for a print shop (PDF/X)."""
    return variant in PRINT_VARIANTS


def _useful(messages: list[str]):
    """WeasyPrint's warnings, less the failures and refusals reported as errors."""
    return (m for m in dict.fromkeys(messages)
            if not (FAILED_LOAD.match(m) or FAILED_FONT.match(m) or BAD_FONT_FACE.match(m)))
