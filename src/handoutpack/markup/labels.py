"""The words the templates print, by language: the theme's labels.toml, the translators'
translations/<lang>/labels.po, then the config's [labels.<lang>]."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from stat import S_ISREG

import polib

from ..errors import HandoutpackError
from ..project.parts import Theme
from ..store.memos import memo
from .templates import template_dirs


def labels(theme: Theme, lang: str) -> dict[str, str]:
    """The theme's labels for `lang`, English where it has none, then the config's overrides."""
    table = _labels_file(tuple(template_dirs(theme)))
    return {**table.get("en", {}), **theme_labels(theme, lang)}


def theme_labels(theme: Theme, lang: str) -> dict[str, str]:
    """The labels translated into `lang`: the theme's labels.toml, then the translators'
    translations/<lang>/labels.po, then the config's [labels.<lang>]."""
    table = _labels_file(tuple(template_dirs(theme)))
    return {**table.get(lang, {}), **read_labels(theme.root, lang),
            **theme.labels.get(lang, {})}


def _labels_file(folders: tuple[Path, ...]) -> dict:
    """The first labels.toml along the template folders, as it is now."""
    for folder in folders:
        path = folder / "labels.toml"
        if path.is_file():
            stat = path.stat()
            return _read_labels(path, stat.st_mtime_ns, stat.st_size)
    return {}


@memo("inputs", maxsize=8)  # by date and size too: an edited file is read again
def _read_labels(path: Path, modified: int, size: int) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise HandoutpackError(f"{error}; fix the TOML there", file=str(path)) from None
    return {lang: _flat(table) for lang, table in data.items() if isinstance(table, dict)}


def _flat(table: dict) -> dict[str, str]:
    """A language's labels; a count label given by plural category (`n_pages = { one = "{n}
    page", other = "{n} pages" }`) becomes `n_pages` (its 'other' form) and `n_pages.one`."""
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{category}": text for category, text in value.items()
                         if category != "other"})
            value = value.get("other", "")
        flat[key] = value
    return flat


def fields_kept(key: str, translated: str, english: str) -> bool:
    """Whether a translation keeps its English's {fields}; a plural form may leave out {n}
    ('صفحتان' is 'two pages')."""
    found, wanted = sorted(FIELD.findall(translated)), sorted(FIELD.findall(english))
    return found == wanted or ("." in key and set(found) <= set(wanted))


FIELD = re.compile(r"\{\w+\}")


def po_path(root: Path, lang: str) -> Path:
    """Where the translators' labels for `lang` are."""
    return root / "translations" / lang / "labels.po"


def read_labels(root: Path, lang: str) -> dict[str, str]:
    """The translated labels of translations/<lang>/labels.po (fuzzy ones not: their English
    changed), keyed by label name; {} when there is no such file or it cannot be read."""
    target = po_path(root, lang)
    try:
        info = target.stat()
    except OSError:
        return {}
    if not S_ISREG(info.st_mode):
        return {}
    return dict(_read_po(target, info.st_mtime_ns, info.st_size))


@memo("inputs", maxsize=16)  # a build asks for a language's labels once a layout: 800 times
def _read_po(target: Path, modified: int, size: int) -> dict[str, str]:
    try:
        po = polib.pofile(str(target))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}  # `check` and `translate import` say what is wrong with it
    return {e.msgctxt: e.msgstr for e in po
            if e.msgctxt and e.msgstr and not e.fuzzy and not e.obsolete
            and fields_kept(e.msgctxt, e.msgstr, e.msgid)}
