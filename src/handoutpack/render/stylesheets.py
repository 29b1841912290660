"""Each stylesheet parsed once per worker, not once per render.

WeasyPrint parses every stylesheet a page links to (tokenising, validating each declaration,
compiling each selector) for every render: handout.css, fonts.css and the page's own <style>
were about a fifth of a render's time, the same work hundreds of times a build. Here a parsed
sheet is kept, per font set-up (one a worker), under its text; a page that links to the same
bytes gets the kept sheet, and what parsing it did besides is done again from a record: its
@page rules added to the page's, the files it read noted as the render's (so the render cache
still sees an edited font or stylesheet), its warnings logged again. A sheet that defines
counter styles, colour profiles or cascade layers (which live in the page, not the sheet) is
parsed each time, as before.

Only WeasyPrint's own `find_stylesheets` is replaced, and only for renders with this package's
font set-up (`Kept`): any other use of WeasyPrint in the process is left as it was."""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass, field

_INSTALLED = "_handoutpack_sheets"


@dataclass
class _Parsed:
    """A parsed sheet, and what parsing it did outside it."""

    css: object
    """weasyprint.CSS, with its own @page rules in `page_rules`."""
    reads: dict[str, str | None]
    """URL -> SHA-256 of each file parsing it read (itself, @import'ed sheets, @font-face files)."""
    records: list[logging.LogRecord] = field(default_factory=list)
    """What WeasyPrint logged while parsing it (warnings about the CSS)."""


class Kept:
    """The parsed sheets of one font set-up: WeasyPrint adds a sheet's @font-face rules to the
    font set-up it is parsed with, so a kept sheet serves only renders that share it."""

    def __init__(self, fetcher, refused: type[Exception]):
        self.fetcher = fetcher
        self.refused = refused
        """What the fetcher raises for a file it will not serve."""
        self.sheets: dict[tuple, _Parsed] = {}
        self.digests: dict[tuple, str] = {}
        """(path, size, date) -> SHA-256 of the file."""
        self.parsed = 0
        self.reused = 0


def keep_sheets(font_config, fetcher, refused: type[Exception]) -> None:
    """Keep the sheets parsed with `font_config` (handoutpack's Fonts) between renders;
    `fetcher` (engine.Fetcher) serves the project's files, raising `refused` for others."""
    setattr(font_config, _INSTALLED, Kept(fetcher, refused))
    install()


def install() -> None:
    """Put the keeping find_stylesheets in WeasyPrint's place (once a process)."""
    import weasyprint.css as css

    if getattr(css.find_stylesheets, _INSTALLED, False):
        return
    original = css.find_stylesheets

    def find_stylesheets(wrapper_element, device_media_type, url_fetcher, base_url,
                         font_config, counter_style, color_profiles, page_rules, layers):
        kept = getattr(font_config, _INSTALLED, None)
        arguments = (wrapper_element, device_media_type, url_fetcher, base_url, font_config,
                     counter_style, color_profiles, page_rules, layers)
        if kept is None:
            yield from original(*arguments)
            return
        yield from _find(kept, *arguments)

    setattr(find_stylesheets, _INSTALLED, True)
    css.find_stylesheets = find_stylesheets


def _find(kept: Kept, wrapper_element, device_media_type, url_fetcher, base_url, font_config,
          counter_style, color_profiles, page_rules, layers):
    """WeasyPrint's find_stylesheets (weasyprint/css/__init__.py, version 70), each sheet taken
    from `kept` when it holds it."""
    from weasyprint import CSS
    from weasyprint.css import get_child_text, media_queries
    from weasyprint.html import element_has_link_type, parse_url
    from weasyprint.logger import LOGGER
    from weasyprint.urls import URLFetchingError

    def sheet(source: tuple, text_digest: str | None, **where):
        """The sheet from `kept`, or parsed (and kept when it can be)."""
        entry = (source, text_digest, device_media_type)
        parsed = kept.sheets.get(entry) if text_digest else None
        if parsed is not None and _still_valid(kept, parsed):
            kept.reused += 1
            return _reuse(kept.fetcher, parsed, page_rules, layers)
        own_rules: list = []
        sizes = (len(counter_style), len(color_profiles), len(layers))
        with _recorded(kept.fetcher) as (reads, records):
            css = CSS(url_fetcher=url_fetcher, media_type=device_media_type,
                      font_config=font_config, counter_style=counter_style,
                      color_profiles=color_profiles, page_rules=own_rules, layers=layers,
                      **where)
        kept.parsed += 1
        page_rules.extend(own_rules)
        if text_digest and sizes == (len(counter_style), len(color_profiles), len(layers)):
            kept.sheets[entry] = _Parsed(css, reads, records)
        return _for_page(css, page_rules, layers)

    for wrapper in wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        mime_type = element.get("type", "text/css").split(";", 1)[0].strip()
        if mime_type != "text/css":
            continue
        media_attr = element.get("media", "").strip() or "all"
        media = [media_type.strip() for media_type in media_attr.split(",")]
        if not media_queries.evaluate_media_query(media, device_media_type):
            continue
        if element.tag == "style":
            content = get_child_text(element)
            yield sheet(("style", base_url), _text_digest(content), string=content,
                        base_url=base_url)
        elif element.tag == "link" and element.get("href"):
            if not element_has_link_type(element, "stylesheet") or \
                    element_has_link_type(element, "alternate"):
                continue
            href = parse_url(element.get("href"), base_url)
            if href is not None:
                try:
                    yield sheet(("link", href), _file_digest(kept, href), url=href,
                                _check_mime_type=True)
                except URLFetchingError as exception:
                    LOGGER.error("Failed to load stylesheet at %s: %s", href, exception)
                    LOGGER.debug("Error while loading stylesheet:", exc_info=exception)


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_digest(kept: Kept, url: str) -> str | None:
    """The SHA-256 of the project file at `url` as it is now (read again when its size or date
    changed); None (parse it each time) for anything else: the network, a refused or missing
    file (WeasyPrint then says why)."""
    try:
        path = kept.fetcher.resolve(url)
        stat = path.stat()
        state = (path, stat.st_size, stat.st_mtime_ns)
        if state not in kept.digests:
            kept.digests[state] = hashlib.sha256(path.read_bytes()).hexdigest()
        return kept.digests[state]
    except (kept.refused, OSError):
        return None


def _still_valid(kept: Kept, parsed: _Parsed) -> bool:
    """Whether every file the sheet read (itself, an @import'ed sheet, a font) is as it was:
    a worker may serve several builds (the preview's)."""
    return all(digest is not None and _file_digest(kept, url) == digest
               for url, digest in parsed.reads.items())


def _reuse(fetcher, parsed: _Parsed, page_rules: list, layers: list):
    """The kept sheet for this page: its @page rules added to the page's, its reads noted as
    this render's, its warnings logged again (the render reports them as its own)."""
    page_rules.extend(parsed.css.page_rules)
    for url, digest in parsed.reads.items():
        fetcher.read.setdefault(url, digest)
    for record in parsed.records:
        logging.getLogger(record.name).handle(record)
    return _for_page(parsed.css, page_rules, layers)


def _for_page(css, page_rules: list, layers: list):
    """The sheet as one page sees it: WeasyPrint gives every author sheet of a page the page's
    lists of @page rules and layers (a shallow copy: the kept sheet keeps its own)."""
    shown = copy.copy(css)
    shown.page_rules, shown.layers = page_rules, layers
    return shown


class _recorded:
    """While a sheet is parsed: the files it reads (in a list of its own, then added to the
    render's) and what WeasyPrint logs."""

    def __init__(self, fetcher):
        self.fetcher = fetcher

    def __enter__(self):
        self.outer, self.fetcher.read = self.fetcher.read, {}
        self.records: list[logging.LogRecord] = []
        self.handler = _Records(self.records)
        logging.getLogger("weasyprint").addHandler(self.handler)
        return self.fetcher.read, self.records

    def __exit__(self, *exc) -> None:
        logging.getLogger("weasyprint").removeHandler(self.handler)
        reads, self.fetcher.read = self.fetcher.read, self.outer
        for url, digest in reads.items():
            self.fetcher.read.setdefault(url, digest)


class _Records(logging.Handler):
    def __init__(self, records: list):
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
