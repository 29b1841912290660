"""What the proof knows of the project beyond the page: a file's language and direction, the
left-to-right runs its sources hold, the default language's words of the frame, the brand's
fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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


def project_context(project, lang: str) -> Context:
    """The context of a file in `lang` of `project` (a config.Project)."""
    from ..markup import labels, scripts, templates

    return Context(lang, scripts.direction(lang) == "rtl", tuple(sorted(_runs(project, lang))),
                   tuple(_frame_words(project, lang, labels)), brand_fonts(project, templates))


def _runs(project, lang: str) -> set[str]:
    texts = [path.read_text(encoding="utf-8", errors="replace")
             for path in Path(project.root, project.content_dir).rglob(f"*.{lang}.md")]
    if project.presenter is not None:
        texts.append(f"{project.presenter.email} {project.presenter.phone}")
    texts.append(project.org.website or "")
    runs: set[str] = set()
    for text in texts:
        runs |= ltr_runs(text)
    return runs


def _frame_words(project, lang: str, labels) -> list[str]:
    """The default language's labels and config texts that read otherwise in `lang` (or have
    no text in it): printed in a `lang` pack's frame, they are words left untranslated."""
    if lang == project.default_language:
        return []
    own = labels.theme_labels(project.theme, lang)
    words = [text for key, text in labels.labels(project.theme, project.default_language).items()
             if own.get(key) != text]
    for texts in _config_texts(project):
        default = texts.get(project.default_language)
        if default and texts.get(lang) != default:
            words.append(default)
    return sorted({piece.strip() for text in words for piece in PLACEHOLDER.split(text)
                   if len(piece.strip()) >= 4})


def _config_texts(project) -> list[dict[str, str]]:
    """The texts of the config a pack's frame prints (titles, audiences, rights, the event)."""
    texts = [spec.titles for spec in project.packs.values()]
    texts += [a.names for a in project.audiences.values()]
    texts += [project.org.rights, project.download.titles]
    return [t for t in texts if isinstance(t, dict)]


def brand_fonts(project, templates) -> frozenset[str]:
    """The heading and body fonts, and every family the project's styles name."""
    families = {project.brand.heading_font, project.brand.body_font}
    for folder in templates.style_dirs(project.theme):
        for css in Path(folder).glob("*.css"):
            text = css.read_text(encoding="utf-8")
            for match in re.finditer(r"font-family\s*:\s*([^;}]+)", text):
                families |= {f.strip(" '\"") for f in match.group(1).split(",")}
    return frozenset(squeeze(f) for f in families if f and not f.startswith("var("))
