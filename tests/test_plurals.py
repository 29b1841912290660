"""Counts, digits and joins as each language writes them: CLDR plural forms for count labels in
every sample language, Arabic's ل + ال, a numerals setting, right-to-left PDFs' reading order,
and no letter-spacing in joined scripts."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pytest

from conftest import MINIMAL_CONFIG, REPO, invoke

COUNTS = (0, 1, 2, 3, 11, 100)
EXPECTED = {
    "en": ["0 pages", "1 page", "2 pages", "3 pages", "11 pages", "100 pages"],
    "fr": ["0 page", "1 page", "2 pages", "3 pages", "11 pages", "100 pages"],
    "es": ["0 páginas", "1 página", "2 páginas", "3 páginas", "11 páginas", "100 páginas"],
    "pt": ["0 página", "1 página", "2 páginas", "3 páginas", "11 páginas", "100 páginas"],
    "ar": ["0 صفحة", "صفحة واحدة", "صفحتان", "3 صفحات", "11 صفحة", "100 صفحة"],
}


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory):
    from handoutpack.project import loader

    root = tmp_path_factory.mktemp("plurals") / "toolkit"
    root.mkdir()
    for part in ("handoutpack.toml", "templates", "styles", "translations"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copy
        copy(REPO / part, root / part)
    (root / "content").mkdir()
    return loader.load(root)


@pytest.mark.parametrize("lang", EXPECTED)
def test_a_count_label_reads_right_for_0_1_2_3_11_and_100(sample_project, lang):
    from handoutpack.markup.labels import labels
    from handoutpack.publish.catalogue import pages_text

    words = labels(sample_project.theme, lang)
    assert [pages_text(words, n, lang, sample_project.typography) for n in COUNTS] == EXPECTED[lang]


def test_a_million_takes_de_in_french_spanish_and_portuguese(sample_project):
    from handoutpack.markup.labels import labels
    from handoutpack.markup.numbers import counted

    found = [counted(labels(sample_project.theme, lang), "n_pages", 1_000_000, lang)
             for lang in ("fr", "es", "pt")]
    assert found == ["1000000 de pages", "1000000 de páginas", "1000000 de páginas"]


def test_arabic_preposition_joins_the_article_and_other_words():
    from handoutpack.markup.numbers import fill

    assert fill("لـ{audience}", "ar", audience="المشاركين في الفعالية") == "للمشاركين في الفعالية"
    assert fill("لـ{audience}", "ar", audience="جمعيات التمويل الأصغر") == "لجمعيات التمويل الأصغر"
    assert fill("لـ{audience}", "ar", audience="MIVs") == "لـMIVs"
    assert fill("خلال {n}", "ar", n="3") == "خلال 3"  # a word that holds ل is left alone
    assert fill("For {audience}", "en", audience="{journalists}") == "For {journalists}"


def test_eastern_numerals_are_a_setting_and_a_wrong_one_is_named(make_project):
    from handoutpack.markup import labels, numbers, templates
    from handoutpack.project import loader

    config = MINIMAL_CONFIG.replace('["en", "fr"]', '["en", "fr", "ar"]') + \
        '\n[typography]\nnumerals = { ar = "eastern" }\n'
    project = loader.load(make_project({"handoutpack.toml": config}))
    words = labels.labels(project.theme, "ar")
    assert numbers.counted(words, "n_pages", 11, "ar", numbers.numerals(
        project.typography.numerals, "ar")) == "١١ pages"  # no Arabic labels in this project
    assert "counter(page, arabic-indic)" in templates.page_counter_css(words, "ar", "eastern")
    assert numbers.digits("14 June 2027", "fa", "eastern") == "۱۴ June ۲۰۲۷"

    bad = make_project({"handoutpack.toml": config.replace('"eastern"', '"hindi"')})
    result = invoke(bad, "check")
    assert result.exit_code == 1
    assert re.search(r"handoutpack.toml:\d+: typography.numerals.ar: 'hindi': write "
                     r"\"western\" \(0-9\) or \"eastern\"", result.output), result.output


def test_joined_scripts_are_never_letter_spaced():
    import weasyprint

    css = (REPO / "styles/handout.css").read_text()

    def spacing(lang: str, text: str):
        html = (f'<html lang="{lang}"><style>{css}</style><header class="masthead">'
                f'<p class="kind">{text}</p></header></html>')
        page = weasyprint.HTML(string=html).render().pages[0]._page_box
        boxes, found = [page], []
        while boxes:
            box = boxes.pop()
            boxes += getattr(box, "children", [])
            if hasattr(box, "text") and box.text.strip():
                found.append(box.style["letter_spacing"])
        return found

    assert spacing("en", "Handout") != ["normal"] and spacing("en", "Handout") != [0]
    assert spacing("ar", "نشرة") in (["normal"], [0])
    assert spacing("hi", "हैंडआउट") in (["normal"], [0])


ARABIC_DOC = """\
---
title: مرحبا
summary: وثيقة أولى.
kind: handout
---
## أهلا

نص قصير.
"""


@pytest.mark.slow
def test_right_to_left_pdfs_read_right_to_left_and_print_eastern_digits(make_project):
    config = MINIMAL_CONFIG.replace('["en", "fr"]', '["en", "fr", "ar"]').replace(
        'fr = "le public" }', 'fr = "le public", ar = "الجمهور" }').replace(
        'fr = "Dossier de départ" }', 'fr = "Dossier de départ", ar = "حقيبة البداية" }') + \
        '\n[typography]\nnumerals = { ar = "eastern" }\n'
    project = make_project({"handoutpack.toml": config,
                            "content/handouts/hello.ar.md": ARABIC_DOC})
    result = invoke(project, "build", "-q")
    assert result.exit_code == 0, result.output
    from pdfs import all_text

    for lang, direction in (("ar", "/R2L"), ("en", None)):
        for pdf in (project / f"build/{lang}/starter.pdf",
                    next((project / f"build/{lang}").rglob("hello.pdf"))):
            with pikepdf.open(pdf) as opened:
                preferences = opened.Root.get("/ViewerPreferences", {})
                assert (str(preferences["/Direction"]) if "/Direction" in preferences
                        else None) == direction, pdf
    text = all_text(project / "build/ar/starter.pdf")
    assert "٣ of ٣" in text and not re.search(r"\d", re.sub(r"[٠-٩]", "", text)), text


def test_an_arabic_cover_puts_a_latin_place_before_the_date_right_to_left(make_project):
    import io

    import pdfplumber
    import weasyprint

    from handoutpack.assemble.pack import page_values
    from handoutpack.markup import templates
    from handoutpack.project import loader
    from handoutpack.project.config import Printing

    config = MINIMAL_CONFIG.replace('["en", "fr"]', '["en", "fr", "ar"]').replace(
        'documents = ["hello"]', 'documents = ["hello"]\nevent.name = "Forum"\n'
        'event.place = "Lima"\nevent.date = 2027-06-14')
    project = loader.load(make_project({"handoutpack.toml": config}))
    html = templates.page(project.theme, "cover.html", **page_values(
        project.theme, project.packs["starter"], "ar", None, Printing()))
    pdf = weasyprint.HTML(string=html, base_url=str(project.root) + "/").write_pdf()
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        words = {w["text"]: w["x0"] for w in opened.pages[0].extract_words()}
    assert words["Lima"] > words["14"] > words["2027"], words  # 'Lima · 14 يونيو 2027'
