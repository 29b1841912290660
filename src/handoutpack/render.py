"""HTML to PDF with WeasyPrint, reading only the project's own files."""

from __future__ import annotations

import io
import logging
import mimetypes
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import HandoutpackError

REMOTE_SCHEMES = ("http", "https")
REMOTE_TIMEOUT = 10


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF, its page count, and what WeasyPrint warned about."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()


class Refused(Exception):
    """A resource outside the project, or on the network when that is not allowed."""


class Fetcher:
    """Serves files under the allowed folders; an override folder falls back to the theme's."""

    def __init__(self, roots: list[Path], overlays: list[list[Path]], allow_remote: bool):
        self.roots = [r.resolve() for r in roots]
        self.overlays = [[f.resolve() for f in chain] for chain in overlays]
        self.allow_remote = allow_remote
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The local file `url` names, or Refused."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise Refused(f"'{url}' is not a file in the project")
        path = Path(unquote(parts.path))
        real = path.resolve()
        for chain in self.overlays:
            for folder in chain:
                if path.is_relative_to(folder) and not real.exists():
                    relative = path.relative_to(folder)
                    found = [f / relative for f in chain if (f / relative).exists()]
                    real = found[0].resolve() if found else real
        if not any(real.is_relative_to(root) for root in self.roots):
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
                return super().fetch(url, headers)
            try:
                path = fetcher.resolve(url)
            except Refused as refusal:
                fetcher.refused.append(str(refusal))
                raise
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    return ProjectFetcher(timeout=REMOTE_TIMEOUT, allowed_protocols=None)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _captured_warnings():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class Renderer:
    """Renders HTML strings to PDFs; one per process, sharing WeasyPrint's font set-up."""

    def __init__(self, roots: list[Path], overlays: list[list[Path]], allow_remote: bool = False):
        self.fetcher = Fetcher(roots, overlays, allow_remote)
        self._fonts = None

    def render(self, html: str, base: Path, name: str, lang: str) -> Rendered:
        """Render `html` whose relative links start at folder `base`; `name` is for messages."""
        import weasyprint  # imported here: a build with nothing to render never pays for it
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
        self.fetcher.refused.clear()
        with _captured_warnings() as warnings:
            document = weasyprint.HTML(
                string=html, base_url=base.as_uri() + "/",
                url_fetcher=_weasyprint_fetcher(self.fetcher),
            ).render(font_config=self._fonts)
            pdf = document.write_pdf(pdf_tags=True, custom_metadata=True)
        if self.fetcher.refused:
            raise HandoutpackError(
                f"{name}: refused to load {'; '.join(dict.fromkeys(self.fetcher.refused))}. "
                "Documents may only use files inside the project (set security.allow_remote "
                "in handoutpack.toml to allow http(s) resources).")
        return Rendered(pdf, len(document.pages), tuple(_useful(warnings)))


def _useful(messages: list[str]):
    """WeasyPrint's warnings, less the ones our refusals already explain."""
    return (m for m in dict.fromkeys(messages) if "Failed to load" not in m)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
