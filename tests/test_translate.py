"""Translation files: PO export and import, staleness per paragraph, placeholders, labels."""

from __future__ import annotations

import re
import shutil
import subprocess

import polib
import pytest

from conftest import invoke

DOC = """\
---
title: Saving groups
summary: How saving groups work.
kind: handout
date: 2026-11-27
---

## Why they matter

Saving groups let members save **small amounts** every week. Read the
[guide](https://example.org/guide) or run `pip install x`.

- Members meet weekly, in {{ org.name }}'s villages
- Each keeps a *passbook*

| Term | Meaning |
|---|---|
| Cycle | A year of saving |

{% call callout("Remember") %}
Groups decide their own rules.
{% endcall %}

Final paragraph with a footnote.[^1]

[^1]: A footnote's text.
"""

FRENCH_DOC = DOC.replace("title: Saving groups", "title: Groupes d'épargne").replace(
    "## Why they matter", "## Pourquoi c'est important").replace("kind: handout", "kind: handout\n"
    "source_revision: REV")


@pytest.fixture
def project(make_project):
    return make_project({"content/handouts/groups.en.md": DOC})


def po_of(project, slug="groups", lang="fr") -> polib.POFile:
    return polib.pofile(str(project / "translations" / lang / f"{slug}.po"))


def export(project, *args):
    result = invoke(project, "translate", "export", "--lang", "fr", *args)
    assert result.exit_code == 0, result.output
    return result


def translate_all(project, slug="groups"):
    """Fill every entry as a translator would: the English with 'FR ' before it."""
    po = po_of(project, slug)
    for entry in po:
        entry.msgstr = "FR " + entry.msgid
    po.save()


def test_one_entry_per_block_with_markup_protected(project):
    export(project, "groups")
    po = po_of(project)
    ids = [e.msgid for e in po]
    assert ids == [
        "Saving groups", "How saving groups work.", "Why they matter",
        "Saving groups let members save <g1>small amounts</g1> every week. Read the "
        "<g2>guide</g2> or run <x3/>.",
        "Members meet weekly, in <x1/>'s villages", "Each keeps a <g1>passbook</g1>",
        "Term", "Meaning", "Cycle", "A year of saving", "Remember",
        "Groups decide their own rules.", "Final paragraph with a footnote.<x1/>",
        "A footnote's text."]
    paragraph = po.find(ids[3])
    assert "link to https://example.org/guide" in paragraph.comment
    assert "<x3/> = `pip install x`" in paragraph.comment
    assert paragraph.occurrences == [("content/handouts/groups.en.md", "10")]
    assert po.metadata["Language"] == "fr"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs gettext's msgfmt (make system-deps)")
def test_files_pass_msgfmt_check(project):
    export(project)
    translate_all(project)
    for path in (project / "translations" / "fr").glob("*.po"):
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, (path.name, result.stderr)


@pytest.mark.slow
def test_round_trip_changes_exactly_the_edited_paragraph(project):
    export(project, "groups")
    translate_all(project)
    assert invoke(project, "translate", "import").exit_code == 0
    target = project / "content/handouts/groups.fr.md"
    first = target.read_text()
    assert "FR Saving groups let members save **small amounts** every week. Read the " \
           "[guide](https://example.org/guide) or run `pip install x`." in first
    assert "- FR Members meet weekly, in {{ org.name }}'s villages" in first
    assert '{% call callout("FR Remember") %}' in first
    assert "| FR Term | FR Meaning |" in first

    po = po_of(project)
    po.find("Groups decide their own rules.").msgstr = "Les groupes fixent leurs règles."
    po.save()
    assert invoke(project, "translate", "import").exit_code == 0
    second = target.read_text()
    changed = [(a, b) for a, b in zip(first.splitlines(), second.splitlines()) if a != b]
    assert changed == [("FR Groups decide their own rules.", "Les groupes fixent leurs règles.")]
    assert invoke(project, "build", "-q").exit_code == 0


def test_a_broken_placeholder_is_refused_with_the_line(project):
    export(project, "groups")
    translate_all(project)
    po = po_of(project)
    entry = po.find("Members meet weekly, in <x1/>'s villages")
    entry.msgstr = "Les membres se réunissent"
    po.save()
    result = invoke(project, "translate", "import")
    assert result.exit_code == 2
    line = next(i for i, text in enumerate(
        (project / "translations/fr/groups.po").read_text().splitlines(), 1)
        if text.startswith("msgid \"Members meet"))
    found = re.search(r"translations/fr/groups.po:(\d+): <x1/> \({{ org.name }}\) must "
                      "appear exactly once", result.output)
    assert found and line - 3 <= int(found[1]) < line, result.output  # the entry's first line
    assert not (project / "content/handouts/groups.fr.md").exists()


def test_editing_one_english_paragraph_makes_one_entry_fuzzy(project):
    export(project, "groups")
    translate_all(project)
    invoke(project, "translate", "import")
    assert "translations" not in invoke(project, "check").output.split("Translations")[0]
    source = project / "content/handouts/groups.en.md"
    source.write_text(source.read_text().replace("Groups decide their own rules.",
                                                 "Groups decide their own rules together."))
    result = invoke(project, "check")
    assert "content/handouts/groups.fr.md: 13 of 14 paragraphs current; 1 changed (line 21)" \
        in result.output, result.output
    assert "line 21, English when translated: Groups decide their own rules." in result.output
    assert "line 21, English now: Groups decide their own rules together." in result.output

    export(project, "groups")
    po = po_of(project)
    fuzzy = [e for e in po if e.fuzzy]
    assert [(e.msgid, e.previous_msgid, e.msgstr) for e in fuzzy] == [
        ("Groups decide their own rules together.", "Groups decide their own rules.",
         "FR Groups decide their own rules.")]
    assert not po.untranslated_entries()
    assert "#| msgid \"Groups decide their own rules.\"" in (
        project / "translations/fr/groups.po").read_text()


def test_list_shows_percentages(project):
    export(project, "groups")
    po = po_of(project)
    for entry in list(po)[:7]:
        entry.msgstr = "FR " + entry.msgid
    po.save()
    invoke(project, "translate", "import")
    result = invoke(project, "list")
    assert re.search(r"groups\s+handouts\s+source\s+50%", result.output), result.output
    assert re.search(r"hello\s+handouts\s+source\s+·", result.output), result.output


def test_a_hand_made_translation_is_aligned_once(project, make_project):
    from handoutpack.sources.content import revision
    from handoutpack.sources.frontmatter import body_of
    rev = revision(body_of(DOC))
    french = FRENCH_DOC.replace("REV", rev).replace(
        "Groups decide their own rules.", "Les groupes fixent leurs règles.")
    make_project({"content/handouts/groups.en.md": DOC, "content/handouts/groups.fr.md": french})
    result = export(project, "groups")
    assert "aligned from content/handouts/groups.fr.md" in result.output
    po = po_of(project)
    assert po.find("Saving groups", msgctxt="title").msgstr == "Groupes d'épargne"
    assert po.find("Why they matter").msgstr == "Pourquoi c'est important"
    assert po.find("Groups decide their own rules.").msgstr == "Les groupes fixent leurs règles."
    assert not [e for e in po if e.fuzzy] and not po.untranslated_entries()


def test_labels_export_and_are_read_by_the_build(project):
    export(project)
    po = polib.pofile(str(project / "translations/fr/labels.po"))
    contents = next(e for e in po if e.msgctxt == "contents")
    assert (contents.msgid, contents.msgstr) == ("Contents", "Sommaire")
    page_of = next(e for e in po if e.msgctxt == "page_of")
    assert "python-brace-format" in page_of.flags
    contents.msgstr = "Table des matières"
    po.save()
    from handoutpack.project import loader
    from handoutpack.markup import labels
    assert labels.labels(loader.load(project).theme, "fr")["contents"] == "Table des matières"


def test_unknown_language_and_document(project):
    result = invoke(project, "translate", "export", "--lang", "de")
    assert result.exit_code == 2 and "--lang de: not in languages.available (en, fr)" in result.output
    result = invoke(project, "translate", "export", "--lang", "fr", "grups")
    assert result.exit_code == 2 and "no document 'grups' (did you mean 'groups'?)" in result.output


def test_review_pdf_side_by_side_with_changed_and_missing_marked(project):
    export(project, "groups")
    po = po_of(project)
    for entry in po:
        if entry.msgid != "Cycle":
            entry.msgstr = "FR " + entry.msgid
    po.save()
    invoke(project, "translate", "import")
    source = project / "content/handouts/groups.en.md"
    source.write_text(source.read_text().replace("Groups decide their own rules.",
                                                 "Groups decide their own rules together."))
    result = invoke(project, "translate", "review", "--lang", "fr", "groups")
    assert result.exit_code == 0, result.output
    from pdfs import all_text
    text = all_text(project / "build/fr/review/groups.pdf")
    assert "12 of 14 blocks current; 1 changed since translated; 1 not translated" in text
    assert "FR Groups decide their own rules." in text
    assert "translated from: Groups decide their own rules." in text
    assert "not translated" in text


def test_xliff_beside_the_po_file_and_read_back(project):
    import xml.etree.ElementTree as etree
    export(project, "groups", "--xliff")
    xlf = project / "translations/fr/groups.xlf"
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = etree.parse(xlf)
    units = tree.getroot().findall(".//x:trans-unit", ns)
    assert len(units) == 14
    paragraph = units[3].find("x:source", ns)
    assert [(c.tag.split("}")[1], c.get("id")) for c in paragraph] == [("g", "1"), ("g", "2"),
                                                                       ("x", "3")]
    assert paragraph[1].text == "guide"
    for unit in units:  # a CAT tool's translation: the source, tags and all, with FR in front
        source = unit.find("x:source", ns)
        target = etree.SubElement(unit, "{urn:oasis:names:tc:xliff:document:1.2}target",
                                  {"state": "translated"})
        target.text = "FR " + (source.text or "")
        for child in source:
            target.append(child)
    tree.write(xlf, encoding="utf-8", xml_declaration=True)
    result = invoke(project, "translate", "import")
    assert result.exit_code == 0, result.output
    text = (project / "content/handouts/groups.fr.md").read_text()
    assert "FR Saving groups let members save **small amounts** every week. Read the " \
           "[guide](https://example.org/guide) or run `pip install x`." in text
    assert po_of(project).find("Remember").msgstr == "FR Remember"


def test_english_that_goes_and_comes_back(project):
    """A removed paragraph's translation is kept as obsolete; putting the English back revives
    it, current, as msgmerge does."""
    export(project, "groups")
    translate_all(project)
    source = project / "content/handouts/groups.en.md"
    original = source.read_text()
    source.write_text(original.replace("Final paragraph with a footnote.[^1]\n\n", ""))
    export(project, "groups")
    text = (project / "translations/fr/groups.po").read_text()
    assert '#~ msgid "Final paragraph with a footnote.<x1/>"' in text
    source.write_text(original)
    export(project, "groups")
    po = po_of(project)
    entry = po.find("Final paragraph with a footnote.<x1/>")
    assert entry.msgstr == "FR Final paragraph with a footnote.<x1/>" and not entry.fuzzy
    assert not po.obsolete_entries()


def test_check_says_when_a_po_file_is_not_imported(project):
    export(project, "groups")
    translate_all(project)
    invoke(project, "translate", "import")
    assert "differs from what" not in invoke(project, "check").output
    po = po_of(project)
    po.find("Remember").msgstr = "À retenir"
    po.save()
    result = invoke(project, "check")
    assert "content/handouts/groups.fr.md: differs from what translations/fr/groups.po says: " \
           "run `handoutpack translate import`" in result.output, result.output


REFUSED = {
    "template code": ("Why they matter", "Pourquoi {{ cycler.__init__.__globals__ }}",
                      "template code"),
    "raw HTML": ("Why they matter", "Pourquoi <img src=x onerror=alert(1)>", "adds raw HTML"),
    "a new link": ("Remember", "À retenir : [cliquez ici](https://evil.example/login)",
                   "adds a link the English does not have"),
    "a bare URL": ("A footnote's text.", "Voir https://evil.example/login",
                   "adds a link the English does not have"),
    "new blocks": ("Groups decide their own rules.",
                   "Les groupes décident.\n\n---\ntitle: Piraté\n---\n\n# Nouveau",
                   "line break"),
    "a new heading": ("Groups decide their own rules.", "# Les groupes décident",
                      "another kind of block"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_import_refuses_what_the_english_does_not_have(project, case):
    msgid, msgstr, said = REFUSED[case]
    export(project, "groups")
    translate_all(project)
    po = po_of(project)
    po.find(msgid).msgstr = msgstr
    po.save()
    result = invoke(project, "translate", "import")
    assert result.exit_code == 2, result.output
    line = next(i for i, text in enumerate(
        (project / "translations/fr/groups.po").read_text().splitlines(), 1)
        if text.startswith(f'msgid "{msgid}'))
    found = re.search(r"translations/fr/groups.po:(\d+): ([^\n]*)", result.output)
    assert found and line - 3 <= int(found[1]) <= line and said in found[2], result.output
    assert "Traceback" not in result.output
    assert not (project / "content/handouts/groups.fr.md").exists()


BLOCKS = """\
---
title: Blocks
summary: Every kind of block.
kind: handout
---

sptf.info
:   The Task Force's own site,
    with its working groups.

![A loan officer meets a savings group](group.jpg)

| Region | Loans |
|---|---|
| Andes | Many |

: Loans by region

::: note
Keep the rate in view.
:::

> [!NOTE]
> Ask for the full price.

!!! warning "Mind the rate"
    Rates include every fee.
"""


def test_definitions_captions_alt_text_and_notes_are_segments_of_their_own(make_project):
    project = make_project({"content/handouts/blocks.en.md": BLOCKS})
    export(project, "blocks")
    po = po_of(project, "blocks")
    assert [(e.comment.split(";")[0], e.msgid) for e in po][2:] == [
        ("term", "sptf.info"),
        ("definition", "The Task Force's own site, with its working groups."),
        ("paragraph", "<g1>A loan officer meets a savings group</g1>"),
        ("table cell", "Region"), ("table cell", "Loans"), ("table cell", "Andes"),
        ("table cell", "Many"), ("caption", "Loans by region"),
        ("paragraph", "Keep the rate in view."), ("paragraph", "Ask for the full price."),
        ("note title", "Mind the rate"), ("paragraph", "Rates include every fee.")]
    assert "image group.jpg" in po[4].comment
    translate_all(project, "blocks")
    po = po_of(project, "blocks")
    po[4].msgstr = "<g1>Un agent de crédit et un groupe d'épargne</g1>"
    po.save()
    assert invoke(project, "translate", "import").exit_code == 0
    lines = (project / "content/handouts/blocks.fr.md").read_text().split("---\n", 2)[2]
    assert lines.splitlines() == [
        "", "FR sptf.info", ":   FR The Task Force's own site, with its working groups.", "",
        "![Un agent de crédit et un groupe d'épargne](group.jpg)", "",
        "| FR Region | FR Loans |", "|---|---|", "| FR Andes | FR Many |", "",
        ": FR Loans by region", "", "::: note", "FR Keep the rate in view.", ":::", "",
        "> [!NOTE]", "> FR Ask for the full price.", "",
        '!!! warning "FR Mind the rate"', "    FR Rates include every fee."]


def test_figures_in_table_cells_are_the_translations_own(make_project):
    english = DOC.replace("| Cycle | A year of saving |", "| Cycle | A year of saving |\n"
                          "| Rate | 36.5% |")
    french = english.replace("title: Saving groups", "title: Groupes d'épargne").replace(
        "| Rate | 36.5% |", "| Taux | 36,5 % |")
    project = make_project({"content/handouts/groups.en.md": english,
                            "content/handouts/groups.fr.md": french})
    export(project, "groups")
    po = po_of(project)
    assert po.find("36.5%").msgstr == "36,5 %"
    po.remove(po.find("36.5%"))  # a catalogue made before figures were entries
    po.save()
    assert invoke(project, "translate", "import").exit_code == 0
    after = (project / "content/handouts/groups.fr.md").read_text()
    assert after.split("---\n", 2)[2] == french.split("---\n", 2)[2]  # the body, byte for byte
