"""Fonts: the brand's fonts are declared in fonts.css, and every font file there loads."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ..markup import templates
from ..project.config import Project
from ..errors import HandoutpackError
from ..render.engine import Refused
from ..render.stage import make_renderer
from ..errors import Problem
from .findings import finding, found, rel
from .pages import css_urls

FONT_FACE_RE = re.compile(r"@font-face\s*{(?P<body>[^}]*)}", re.I)
FAMILY_RE = re.compile(r"font-family\s*:\s*(['\"]?)(?P<name>[^;'\"]+)\1", re.I)
FONT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO", b"wOFF", b"wOF2", b"ttcf")


def check_fonts(project: Project) -> list[Problem]:
    """The brand's fonts are declared in fonts.css, and every font file there loads."""
    try:
        css_path = templates.find_style(project.theme, "fonts.css")
    except HandoutpackError as error:
        return found(error.problems, "fonts")
    css = css_path.read_text(encoding="utf-8", errors="replace")
    name = rel(project, css_path)
    fetcher = make_renderer(project.render_settings).fetcher
    findings, families = [], set()
    for face in FONT_FACE_RE.finditer(css):
        line = css.count("\n", 0, face.start()) + 1
        if family := FAMILY_RE.search(face["body"]):
            families.add(family["name"].strip().lower())
        for url in css_urls(face["body"]):
            findings += _font_file(project, fetcher, urljoin(css_path.as_uri(), url), url, name, line)
    for key in ("heading_font", "body_font"):
        family = getattr(project.brand, key)
        if family.lower() not in families:
            findings += found([project.problem(
                f"brand.{key}", f"'{family}' is not declared in {name}; add an @font-face for it "
                "there, or PDFs use whatever font this computer has by that name", "warning")],
                "fonts")
    return findings


def _font_file(project: Project, fetcher, url: str, shown: str, css: str,
               line: int) -> list[Problem]:
    try:
        path = fetcher.resolve(url)
    except Refused as refusal:
        return [finding("error", "fonts", css, line, f"font '{shown}': "
                        f"{str(refusal).replace(str(project.root) + '/', '')}")]
    if path.read_bytes()[:4] not in FONT_MAGIC:
        return [finding("error", "fonts", css, line, f"font '{shown}' is not a font file "
                        "(TTF, OTF, WOFF or WOFF2) and will not load; replace it")]
    return []
