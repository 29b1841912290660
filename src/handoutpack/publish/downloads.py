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
from ..project.config import Project
from ..store import outputs as paths
from ..store.outputs import (
    EVERYTHING,
    Staging,
)
from .catalogue import Catalogue, Download, own_name, size_text

# ---------------------------------------------------------------- words and numbers


# ---------------------------------------------------------------- pictures of pages


# ---------------------------------------------------------------- what the page lists


# ---------------------------------------------------------------- the download page


def page_path(project: Project, lang: str) -> str:
    """Where the page in `lang` goes: index.html for the default language, fr/index.html..."""
    return paths.page_path(lang, project.default_language)


def write_pages(catalogue: Catalogue) -> list[str]:
    """build/index.html and one page per other language; returns their paths."""
    project, stage = catalogue.project, catalogue.stage
    written = []
    for lang in project.languages:
        path = page_path(project, lang)
        root = "../" * path.count("/")
        words = labels.labels(project.theme, lang)
        html = templates.page(
            project.theme, "download.html", lang=lang, words=words, org=project.org,
            brand=project.brand, root=root, title=project.text(project.download.titles, lang)
            if project.download.titles else project.org.name,
            intro=markdown.to_html(escape_html(project.text(project.download.intros, lang),
                                             quote=False))  # Markdown, never raw HTML
            if project.download.intros else "",
            logo=_data_uri(project.org.logo) if project.org.logo else "",
            css=brand_fonts(project, stage, root) + "\n" + _page_css(project),
            languages=[(code, own_name(code), root + page_path(project, code))
                       for code in project.languages],
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


def brand_fonts(project: Project, stage: Staging, root: str) -> str:
    """The @font-face rules of the brand's two families from fonts.css, their files copied into
    build/fonts/, so that the page looks like the PDFs (it still loads nothing from elsewhere)."""
    sheet = templates.find_style(project.theme, "fonts.css")
    families = {project.brand.heading_font, project.brand.body_font}
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


def _page_css(project: Project) -> str:
    """download.css, which the page holds in a <style>: text that would end it is refused."""
    path = templates.find_style(project.theme, "download.css")
    css = path.read_text(encoding="utf-8")
    if re.search(r"</style|<!--|<script", css, re.I):
        raise HandoutpackError("holds '</style', '<script' or '<!--', which would end "
                               "the page's stylesheet and put HTML into the download page; "
                               "remove it (CSS never needs it)", file=str(path))
    return css


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# ---------------------------------------------------------------- bundles


# ---------------------------------------------------------------- all of it


