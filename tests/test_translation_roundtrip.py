"""The translator's round trip on the sample: export then import changes no byte of any content
file, in PO and in XLIFF; one edited translation changes that paragraph's lines only; the XLIFF
files read as translate-toolkit (and so Weblate, Pootle, Virtaal) reads them."""

from __future__ import annotations

import difflib
import os
import shutil
import xml.etree.ElementTree as etree
from pathlib import Path

import polib
import pytest

from conftest import REPO, invoke

LANGS = ("fr", "es", "pt", "ar")
NS = "urn:oasis:names:tc:xliff:document:1.2"
SOURCE_PARTS = ("handoutpack.toml", "content", "templates", "styles", "translations")


@pytest.fixture
def toolkit(tmp_path) -> Path:
    """The sample's sources (nothing built), to export and import in."""
    root = tmp_path / "toolkit"
    root.mkdir()
    for part in SOURCE_PARTS:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, root / part)
        else:
            shutil.copy(REPO / part, root / part)
    return root


def content_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "content").rglob("*"))
            if p.is_file()}


def export_all(root: Path, xliff: bool) -> None:
    for lang in LANGS:
        result = invoke(root, "translate", "export", "--lang", lang, *(["--xliff"] if xliff else []))
        assert result.exit_code == 0, result.output
    if xliff:  # the translator's XLIFF files are the newer ones: import reads them first
        for xlf in (root / "translations").rglob("*.xlf"):
            os.utime(xlf, (xlf.stat().st_mtime + 5,) * 2)


def imported(root: Path) -> None:
    result = invoke(root, "translate", "import")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("xliff", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["po", "xliff"])  # the XLIFF one in the full run only: 3 s
def test_export_then_import_changes_no_byte_of_any_content_file(toolkit, xliff):
    before = content_bytes(toolkit)
    export_all(toolkit, xliff)
    imported(toolkit)
    after = content_bytes(toolkit)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, "\n".join(difflib.unified_diff(
        before[changed[0]].decode().splitlines(), after[changed[0]].decode().splitlines(),
        changed[0], changed[0], lineterm=""))
    assert after.keys() == before.keys()


SLUG, ENGLISH = "spm-principles", "<g1>Assess your practice.</g1> Compare what you do"
NEW = "<g1>Évaluer ses pratiques.</g1> Comparer ce que l'on fait aux Normes Universelles."


def edit_po(root: Path) -> None:
    po = polib.pofile(str(root / f"translations/fr/{SLUG}.po"))
    next(e for e in po if e.msgid.startswith(ENGLISH)).msgstr = NEW
    po.save()


def edit_xliff(root: Path) -> None:
    from translate.storage.xliff import xlifffile  # as Weblate and Pootle write it back

    path = root / f"translations/fr/{SLUG}.xlf"
    store = xlifffile.parsefile(str(path))
    unit = next(u for u in store.units if u.source.startswith("Assess your practice."))
    target = unit.xmlelement.find(f"{{{NS}}}target")
    target.text, bold = "", target[0]
    bold.text, bold.tail = "Évaluer ses pratiques.", " Comparer ce que l'on fait aux Normes " \
                                                     "Universelles."
    unit.markapproved(True)
    store.save()
    os.utime(path, (path.stat().st_mtime + 10,) * 2)


@pytest.mark.parametrize("edit", [edit_po, edit_xliff], ids=["po", "xliff"])
def test_one_edited_translation_changes_that_paragraphs_lines_only(toolkit, edit):
    invoke(toolkit, "translate", "export", "--lang", "fr", "--xliff", SLUG)
    target = toolkit / f"content/handouts/{SLUG}.fr.md"
    before = target.read_text().splitlines()
    edit(toolkit)
    result = invoke(toolkit, "translate", "import", "--lang", "fr", SLUG)
    assert result.exit_code == 0, result.output
    after = target.read_text().splitlines()
    removed = [line[2:] for line in difflib.ndiff(before, after) if line.startswith("- ")]
    added = [line[2:] for line in difflib.ndiff(before, after) if line.startswith("+ ")]
    start = next(i for i, line in enumerate(before) if line.startswith("2. **Évaluer"))
    end = next(i for i, line in enumerate(before) if line.startswith("3. "))
    assert removed == before[start:end]  # the item's own lines (however it is wrapped), only
    assert added == ["2. **Évaluer ses pratiques.** Comparer ce que l'on fait aux Normes "
                     "Universelles."]


def test_xliff_text_is_exact_and_translated_units_approved(toolkit):
    invoke(toolkit, "translate", "export", "--lang", "pt", "--xliff", "sptf-introduction")
    root = etree.parse(toolkit / "translations/pt/sptf-introduction.xlf").getroot()
    po = polib.pofile(str(toolkit / "translations/pt/sptf-introduction.po"))
    units = root.iter(f"{{{NS}}}trans-unit")
    for entry, unit in zip((e for e in po if not e.obsolete), units, strict=True):
        target = unit.find(f"{{{NS}}}target")
        text = "".join(target.itertext())
        assert text == text.strip() and "\n" not in text, text
        assert unit.get("approved") == ("yes" if entry.msgstr and not entry.fuzzy else None)


def pocounts(path: Path) -> dict:
    from translate.tools.pocount import calcstats

    stats = calcstats(str(path))
    return {key: stats[key] for key in ("translated", "fuzzy", "untranslated", "total",
                                        "translatedsourcewords", "fuzzysourcewords",
                                        "untranslatedsourcewords")}


def test_pocount_agrees_between_each_po_file_and_its_xliff(toolkit):
    source = toolkit / "content/handouts/spm-principles.en.md"  # one fuzzy entry, one new
    source.write_text(source.read_text().replace("The SPTF suggests", "The SPTF now suggests")
                      .replace("## A cycle, not a project", "## A cycle, not a project\n\n"
                               "A paragraph nobody has translated yet."))
    for lang in ("fr", "pt"):
        invoke(toolkit, "translate", "export", "--lang", lang, "--xliff")
    counted = 0
    for po in sorted((toolkit / "translations").rglob("*.po")):
        if po.with_suffix(".xlf").is_file():
            assert pocounts(po) == pocounts(po.with_suffix(".xlf")), po.name
            counted += 1
    fr = pocounts(toolkit / "translations/fr/spm-principles.po")
    assert counted > 20 and fr["fuzzy"] and fr["untranslated"] == 1


def test_po2xliff_and_xliff2po_keep_every_entry(toolkit, tmp_path):
    from translate.convert import po2xliff, xliff2po

    invoke(toolkit, "translate", "export", "--lang", "fr", SLUG)
    ours = toolkit / f"translations/fr/{SLUG}.po"
    with open(ours, "rb") as po, open(tmp_path / "x.xlf", "wb") as xlf:
        po2xliff.convertpo(po, xlf, None)
    with open(tmp_path / "x.xlf", "rb") as xlf, open(tmp_path / "back.po", "wb") as back:
        xliff2po.convertxliff(xlf, back, None)
    theirs = polib.pofile(str(tmp_path / "back.po"))
    mine = polib.pofile(str(ours))
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in theirs if e.msgid] == \
        [(e.msgid, e.msgstr, e.fuzzy) for e in mine if not e.obsolete]


def test_xliff_with_entities_or_external_references_is_refused(toolkit):
    invoke(toolkit, "translate", "export", "--lang", "pt", "--xliff", "sptf-introduction")
    xlf = toolkit / "translations/pt/sptf-introduction.xlf"
    good = xlf.read_text()
    secret = toolkit / "secret.txt"
    secret.write_text("do not read me")
    attacks = {
        "external": f'<!DOCTYPE xliff [<!ENTITY leak SYSTEM "file://{secret}">]>',
        "bomb": '<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
    }
    target = toolkit / "content/about/sptf-introduction.pt.md"
    before = target.read_bytes()
    for name, doctype in attacks.items():
        entity = "&leak;" if name == "external" else "&b;"
        text = good.replace("<xliff ", doctype + "\n<xliff ", 1).replace(
            "Visão e missão</target>", f"Visão e missão {entity}</target>", 1)
        xlf.write_text(text)
        os.utime(xlf, (xlf.stat().st_mtime + 10,) * 2)
        result = invoke(toolkit, "translate", "import", "--lang", "pt")
        assert result.exit_code == 2, (name, result.output)
        assert "translations/pt/sptf-introduction.xlf: declares a DTD or entities" in result.output
        assert "Traceback" not in result.output
        assert target.read_bytes() == before


HUGO_EN = """+++
title = "Pricing in plain words"
summary = "How to state a loan's price."
kind = "handout"
date = 2026-03-02
draft = false
tags = ["pricing"]
+++

State the **APR**, fees included.
"""
HUGO_FR = """+++
# a Hugo page's front matter, as Hugo sites write it: their keys first
weight = 3
draft = false

title = "Le prix en mots simples"
summary = "Comment annoncer le prix d'un prêt."
kind = "handout"
date = 2026-03-02
source_revision = "{revision}"
+++

Annoncez le **TAEG**, frais compris.
"""


def test_a_translation_with_hugos_toml_front_matter_keeps_it_as_written(toolkit):
    """Export then import changes no byte of it; a new title changes that line only, Hugo's own
    keys and the comment kept, in TOML."""
    english = toolkit / "content/handouts/hugo-pricing.en.md"
    english.write_text(HUGO_EN, encoding="utf-8")
    revision = invoke(toolkit, "revision", str(english)).output.strip()
    french = toolkit / "content/handouts/hugo-pricing.fr.md"
    french.write_text(HUGO_FR.format(revision=revision), encoding="utf-8")
    before = french.read_bytes()
    assert invoke(toolkit, "translate", "export", "--lang", "fr").exit_code == 0
    imported(toolkit)
    assert french.read_bytes() == before
    po = toolkit / "translations/fr/hugo-pricing.po"
    catalogue = polib.pofile(str(po))
    next(e for e in catalogue if e.msgid == "Pricing in plain words").msgstr = "Le prix, simplement"
    catalogue.save()
    imported(toolkit)
    changed = [line for line in difflib.ndiff(before.decode().splitlines(),
                                              french.read_text("utf-8").splitlines())
               if line[:1] in "+-"]
    assert changed == ['- title = "Le prix en mots simples"', '+ title = "Le prix, simplement"']
