"""The words the templates print, as a PO catalogue per language: translations/<lang>/labels.po.
A build reads it directly, so adding a language needs this one translated file and no Python."""

from __future__ import annotations

from pathlib import Path

import polib

from ..markup import labels, numbers
from ..markup.labels import FIELD, po_path
from ..project.parts import Translating
from .segments import Segment


def export(translating: Translating, lang: str):
    """Write translations/<lang>/labels.po: every English label, with the translation the theme,
    the config or the file already has."""
    from . import catalog

    theme = translating.theme
    english = _plural_forms(labels.labels(theme, theme.languages.default), lang)
    known = labels.theme_labels(theme, lang)
    target = po_path(translating.root, lang)
    po = catalog.read(translating.folders, target) if target.is_file() else polib.POFile(
        wrapwidth=0)
    if not target.is_file():
        po.metadata = header(theme.org.name, lang)
        for key, text in known.items():
            if key in english:
                po.append(polib.POEntry(msgctxt=key, msgid=english[key], msgstr=text))
    segments = [Segment(text, "label", 0, context=key) for key, text in english.items()]
    merged = catalog.merge(po, segments, "templates/labels.toml", "")
    for entry in merged:
        entry.occurrences = []
        if "." in (entry.msgctxt or ""):
            category = entry.msgctxt.rsplit(".", 1)[1]
            entry.comment = (f"count label, the form for {category!r} numbers in {lang} "
                             f"(CLDR: {numbers.rule_text(lang, category)}); {{n}} is the number, "
                             "which a form for one number may leave out")
        elif FIELD.search(entry.msgid):
            entry.flags.append("python-brace-format")
            entry.comment = "label; keep the names in braces, e.g. {page}, as they are"
        else:
            entry.comment = "label"
    merged.metadata.pop("X-Source-File", None)
    merged.metadata.pop("X-Source-Revision", None)
    catalog.write_if_changed(target, merged)
    return catalog.Written(target, catalog.describe(catalog.status(merged)))


def _plural_forms(english: dict[str, str], lang: str) -> dict[str, str]:
    """The English labels with each count label given in `lang`'s plural categories (CLDR):
    Arabic's zero, one, two, few and many forms besides the plain one (its 'other')."""
    counts = {key.split(".")[0] for key in english if "." in key}
    result = {key: text for key, text in english.items() if "." not in key}
    for key in counts:
        for category in numbers.categories(lang)[:-1]:
            result[f"{key}.{category}"] = english.get(f"{key}.{category}", english[key])
    return result


def header(org_name: str, lang: str) -> dict[str, str]:
    """A new catalogue's header (the organisation names it)."""
    return {"Project-Id-Version": f"{org_name} labels", "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": "2000-01-01 00:00+0000",
            "PO-Revision-Date": "2000-01-01 00:00+0000", "Last-Translator": "",
            "Language-Team": "", "Language": lang, "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
            "X-Generator": "handoutpack"}


def check_file(root: Path, lang: str) -> list[str]:
    """Problems of a labels catalogue: unreadable, or a translation that drops a {field}."""
    target = po_path(root, lang)
    if not target.is_file():
        return []
    name = str(target.relative_to(root))
    try:
        po = polib.pofile(str(target))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return [f"{name}: not a PO file polib can read ({error}); export it again"]
    return [f"{name}:{e.linenum}: label '{e.msgctxt}': the translation must keep "
            f"{', '.join(sorted(set(FIELD.findall(e.msgid))))} as they are; the English label "
            "is used until it does"
            for e in po if e.msgstr and not e.obsolete
            and not labels.fields_kept(e.msgctxt or "", e.msgstr, e.msgid)]
