"""The download page in each language: every pack and document with its thumbnail, size and
bundle, in the brand's fonts and colours."""

from __future__ import annotations

import base64
import mimetypes
import re
from html import escape as escape_html
from pathlib import Path

from ..errors import HandoutpackError
from ..markup import labels, markdown, templates
from ..project.parts import Languages, Theme
from ..project.settings import DownloadPage
from ..store import outputs as paths
from ..store.outputs import (
    EVERYTHING,
    Staging,
)
from .catalogue import Catalogue, Download, own_name, size_text

def page_path(languages: Languages, lang: str) -> str:
    """Where the page in `lang` goes: index.html for the default language, fr/index.html..."""
    return paths.page_path(lang, languages.default)


def write_pages(catalogue: Catalogue, download: DownloadPage) -> list[str]:
    """build/index.html and one page per other language, headed by the `download` page's own
    texts; returns their paths."""
    theme, stage, languages = catalogue.theme, catalogue.stage, catalogue.languages
    written = []
    for lang in languages.all:
        path = page_path(languages, lang)
        root = "../" * path.count("/")
        words = labels.labels(theme, lang)
        html = templates.page(
            theme, "download.html", lang=lang, words=words, org=theme.org,
            brand=theme.brand, root=root, title=theme.text(download.titles, lang)
            if download.titles else theme.org.name,
            intro=markdown.to_html(escape_html(theme.text(download.intros, lang),
                                             quote=False))  # Markdown, never raw HTML
            if download.intros else "",
            logo=_data_uri(theme.org.logo) if theme.org.logo else "",
            css=brand_fonts(theme, stage, root) + "\n" + _page_css(theme),
            languages=[(code, own_name(code), root + page_path(languages, code))
                       for code in languages.all],
            packs=catalogue.packs(lang, root), sections=catalogue.sections(lang, root),
            everything=Download(root + EVERYTHING, lang, own_name(lang),
                                f"ZIP · {size_text(catalogue.size(EVERYTHING), lang)}")
            if stage.exists(EVERYTHING) else None)
        if stage.write(path, html.encode("utf-8")):
            written.append(path)
    return written


FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)
FONT_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
"""Where the download page's fonts go in build/."""


def brand_fonts(theme: Theme, stage: Staging, root: str) -> str:
    """The @font-face rules of the brand's two families from fonts.css, their files copied into
    build/fonts/, so that the page looks like the PDFs (it still loads nothing from elsewhere)."""
    sheet = templates.find_style(theme, "fonts.css")
    families = {theme.brand.heading_font, theme.brand.body_font}
    rules = []
    for rule in FONT_FACE.findall(sheet.read_text(encoding="utf-8")):
        family = re.search(r"font-family:\s*['\"]?([^;'\"]+)", rule)
        if not family or family[1].strip() not in families:
            continue

        def copied(match: re.Match) -> str:
            source = (sheet.parent / match[1]).resolve()
            if not source.is_file() or not source.is_relative_to(sheet.parent.resolve()):
                return match[0]  # the PDFs' check reports it; the page falls back to other fonts
            stage.write(f"{paths.FONTS_DIR}/{source.name}", source.read_bytes())
            return f'url("{root}{paths.FONTS_DIR}/{source.name}")'

        rules.append(FONT_URL.sub(copied, rule))
    return "\n".join(rules)


def _page_css(theme: Theme) -> str:
    """download.css, which the page holds in a <style>: text that would end it is refused."""
    path = templates.find_style(theme, "download.css")
    css = path.read_text(encoding="utf-8")
    if re.search(r"</style|<!--|<script", css, re.I):
        raise HandoutpackError("holds '</style', '<script' or '<!--', which would end "
                               "the page's stylesheet and put HTML into the download page; "
                               "remove it (CSS never needs it)", file=str(path))
    return css


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


