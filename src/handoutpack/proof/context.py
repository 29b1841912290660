"""What the proof knows of the project beyond the page: a file's language and direction, the
left-to-right runs its sources hold, the default language's words of the frame, the brand's
fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..project.parts import Theme
from ..project.settings import DownloadPage, PackSpec

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
URL = r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:/[\w./%#?=&-]*[\w/])?"
PHONE = r"\+\d[\d ()-]{5,}\d"
CODE = r"\d+(?:\([a-z0-9]\))+"
LTR_RUN = re.compile(f"{EMAIL}|{PHONE}|{CODE}|{URL}", re.I)
PLACEHOLDER = re.compile(r"\{[^}]*\}")
INVISIBLE = re.compile("[\u200b-\u200f\u2060\u2066-\u2069\ufeff]")
"""Joiners, marks and isolates: they shape how a run prints, and print nothing themselves."""


@dataclass
class Context:
    """What one file is proofed against."""

    lang: str = "en"
    rtl: bool = False
    ltr_runs: tuple[str, ...] = ()
    """Runs that read left to right whatever the page (phones, emails, URLs, "501(c)(3)")."""
    frame_words: tuple[str, ...] = ()
    """The default language's labels and config texts that read otherwise in this file's
    language."""
    fonts: frozenset[str] = field(default_factory=frozenset)
    """The brand's font families, squeezed (lower case, letters and digits only)."""


def squeeze(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def ltr_runs(text: str) -> set[str]:
    """The left-to-right runs of `text` that hold more than one piece (a lone number is whole
    in any order)."""
    return {m.group().strip() for m in LTR_RUN.finditer(INVISIBLE.sub("", text))
            if len(re.findall(r"[A-Za-z0-9]+", m.group())) > 1}


@dataclass(frozen=True)
class Known:
    """What the proof knows of the project besides the PDFs: the theme (its words and fonts,
    the presenter's and the organisation's addresses), the content folder (the sources' own
    left-to-right runs) and the config's texts a pack's frame prints (frame_texts)."""

    theme: Theme
    content: Path
    frame_texts: tuple[dict[str, str], ...] = ()


def frame_texts(theme: Theme, packs: dict[str, PackSpec], download: DownloadPage
                ) -> tuple[dict[str, str], ...]:
    """The texts of the config a pack's frame prints (titles, audiences, rights, the download
    page's title), by language."""
    texts = [spec.titles for spec in packs.values()]
    texts += [a.names for a in theme.audiences.values()]
    texts += [theme.org.rights, download.titles]
    return tuple(t for t in texts if isinstance(t, dict))


def project_context(known: Known, lang: str) -> Context:
    """The context of a file in `lang`."""
    from ..markup import labels, scripts, templates

    return Context(lang, scripts.direction(lang) == "rtl", tuple(sorted(_runs(known, lang))),
                   tuple(_frame_words(known, lang, labels)), brand_fonts(known.theme, templates))


def _runs(known: Known, lang: str) -> set[str]:
    texts = [path.read_text(encoding="utf-8", errors="replace")
             for path in known.content.rglob(f"*.{lang}.md")]
    presenter = known.theme.presenter
    if presenter is not None:
        texts.append(f"{presenter.email} {presenter.phone}")
    texts.append(known.theme.org.website or "")
    runs: set[str] = set()
    for text in texts:
        runs |= ltr_runs(text)
    return runs


def _frame_words(known: Known, lang: str, labels) -> list[str]:
    """The default language's labels and config texts that read otherwise in `lang` (or have
    no text in it): printed in a `lang` pack's frame, they are words left untranslated."""
    theme, default_lang = known.theme, known.theme.languages.default
    if lang == default_lang:
        return []
    own = labels.theme_labels(theme, lang)
    words = [text for key, text in labels.labels(theme, default_lang).items()
             if own.get(key) != text]
    for texts in known.frame_texts:
        default = texts.get(default_lang)
        if default and texts.get(lang) != default:
            words.append(default)
    return sorted({piece.strip() for text in words for piece in PLACEHOLDER.split(text)
                   if len(piece.strip()) >= 4})


def brand_fonts(theme: Theme, templates) -> frozenset[str]:
    """The heading and body fonts, and every family the project's styles name."""
    families = {theme.brand.heading_font, theme.brand.body_font}
    for folder in templates.style_dirs(theme):
        for css in Path(folder).glob("*.css"):
            text = css.read_text(encoding="utf-8")
            for match in re.finditer(r"font-family\s*:\s*([^;}]+)", text):
                families |= {f.strip(" '\"") for f in match.group(1).split(",")}
    return frozenset(squeeze(f) for f in families if f and not f.startswith("var("))
