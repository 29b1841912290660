"""The config's texts go to translators and come back (translations/<lang>/config.po); `check`
and the build say, per language, which config texts and labels would print in another language."""

from __future__ import annotations

import shutil

import polib
import pytest

from conftest import MINIMAL_CONFIG, REPO, invoke

CONFIG = MINIMAL_CONFIG.replace('available = ["en", "fr"]', 'available = ["en", "fr", "pt"]') \
    .replace('[org]\nname = "Example Trust"', '[org]\nname = "Example Trust"\nrights = { en = '
             '"Free to share.", fr = "Libre de diffusion." }') + """
[event]
name = { en = "Savings Day", fr = "Journée de l'épargne" }
place = { en = "Online", fr = "En ligne" }
"""


@pytest.fixture
def project(make_project):
    return make_project({"handoutpack.toml": CONFIG})


def test_config_texts_go_out_in_config_po_and_come_back(project):
    from handoutpack.project import loader

    result = invoke(project, "translate", "export", "--lang", "pt")
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(project / "translations/pt/config.po"))
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in po] == [
        ("org.rights", "Free to share.", ""), ("event.name", "Savings Day", ""),
        ("event.place", "Online", ""), ("packs.starter.title", "Starter Pack", ""),
        ("audiences.public.name", "the public", "")]
    assert "handoutpack.toml: event.place; where that event is" in po[2].comment
    french = polib.pofile(str(project / "translations/pt/config.po"))
    for entry, text in zip(french, ["Livre para compartilhar.", "Dia da poupança", "On-line",
                                    "Kit inicial", "o público"]):
        entry.msgstr = text
    french.save()
    loaded = loader.load(project)
    assert loaded.org.rights["pt"] == "Livre para compartilhar."
    assert loaded.event.shown("pt", "en").place == "On-line"
    assert loaded.text(loaded.packs["starter"].titles, "pt") == "Kit inicial"
    assert loaded.text(loaded.audiences["public"].names, "pt") == "o público"
    assert loaded.text(loaded.packs["starter"].titles, "fr") == "Dossier de départ"
    again = invoke(project, "translate", "export", "--lang", "pt")  # and stay as translated
    assert again.exit_code == 0 and "5 translated" in again.output, again.output


def test_check_lists_per_language_every_text_that_would_print_in_english(project):
    result = invoke(project, "check")
    assert "pt: 5 config texts and 44 labels would print in English instead: org.rights, " \
           "event.name, event.place, packs.starter.title, audiences.public.name, every label; " \
           "translate them in translations/pt/config.po and translations/pt/labels.po" \
        in result.output, result.output
    assert "handoutpack.toml:19: event.place: 'Online'" in result.output
    assert "fr:" not in result.output.split("Translations")[0]


def sample_sources(tmp_path):
    root = tmp_path / "toolkit"
    root.mkdir()
    for part in ("handoutpack.toml", "content", "templates", "styles", "translations"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copy
        copy(REPO / part, root / part)
    return root


@pytest.mark.slow  # two checks of the whole sample; the fast loop has the small project's
def test_the_sample_prints_no_english_in_its_other_languages_and_a_removed_text_is_listed(
        tmp_path):
    from handoutpack.project import loader, texts

    root = sample_sources(tmp_path)
    project = loader.load(root)
    assert project.languages == ("en", "fr", "es", "pt", "ar")
    for lang in project.languages[1:]:
        assert not texts.untranslated(project.printed_texts, lang), lang
    result = invoke(root, "check")
    assert "would print in" not in result.output, result.output

    for lang, name, key in (("pt", "labels", "presented_by"), ("ar", "config", "event.place")):
        path = root / f"translations/{lang}/{name}.po"
        po = polib.pofile(str(path))
        next(e for e in po if e.msgctxt == key).msgstr = ""
        po.save()
    result = invoke(root, "check")
    assert "pt: 1 label would print in English instead: label presented_by" in result.output
    assert "ar: 2 config texts would print in English instead: event.place, " \
           "packs.conference.event.place" not in result.output  # the pack's own is still there
    assert "ar: 1 config text would print in English instead: event.place;" in result.output


@pytest.mark.slow
def test_the_build_says_it_once_and_the_cover_prints_the_translation(project):
    from pdfs import all_text

    result = invoke(project, "build", "--lang", "pt")
    assert result.exit_code == 0, result.output
    assert result.output.count("pt: 5 config texts and 44 labels would print in English") == 1, \
        result.output
    invoke(project, "translate", "export", "--lang", "pt")
    po = polib.pofile(str(project / "translations/pt/config.po"))
    for entry, text in zip(po, ["Livre para compartilhar.", "Dia da poupança", "On-line",
                                "Kit inicial", "o público"]):
        entry.msgstr = text
    po.save()
    result = invoke(project, "build", "--lang", "pt")
    assert "44 labels would print in English instead: every label;" in result.output
    assert "config text" not in result.output, result.output
    cover = all_text(next((project / "build/pt").glob("*starter*.pdf")))
    assert "Kit inicial" in cover and "o público" in cover and "Starter Pack" not in cover


def test_a_config_text_that_adds_a_link_or_html_is_not_used_and_check_says_so(project):
    from handoutpack.project import loader

    invoke(project, "translate", "export", "--lang", "pt")
    po = polib.pofile(str(project / "translations/pt/config.po"))
    po[0].msgstr = "Livre. [Verifique sua conta](https://evil.example/login)"
    po[1].msgstr = "Dia <script>alert(1)</script>"
    po[2].msgstr = "On-line"
    po.save()
    loaded = loader.load(project)
    assert "pt" not in loaded.org.rights and "pt" not in loaded.event.name
    assert loaded.event.place["pt"] == "On-line"
    result = invoke(project, "check")
    assert "translations/pt/config.po:16: org.rights: the translation adds template code, " \
           "HTML, a link or an address" in result.output, result.output
    assert "translations/pt/config.po:22: event.name: the translation adds" in result.output
