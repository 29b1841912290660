"""Typography read back from rendered PDFs: punctuation, hyphenation, footnotes, tables, figures,
page breaks and numbers by language."""

from __future__ import annotations

import json
import re

import pytest

from conftest import MINIMAL_CONFIG, invoke, write_files
from handoutpack.project.config import Typography
from handoutpack.markup.formats import language_filters
from handoutpack.markup.typography import punctuate, typeset
from pdfs import bookmarks, reader, text_lines

NNBSP = "\u202f"
PROSE = ("Each line of this paragraph is plain running text about how a printed page reads, so that "
         "the words run on and the lines break where a typesetter would break them. ")
PROSE_FR = ("Chaque ligne de ce paragraphe est un texte courant sur la manière dont se lit une page "
            "imprimée, pour que les mots s’enchaînent et que les lignes se coupent comme chez un "
            "typographe. ")
PROSE_ES = ("Cada línea de este párrafo es un texto corriente sobre cómo se lee una página impresa, "
            "para que las palabras sigan y las líneas se corten donde las cortaría un tipógrafo. ")
CALLS = ["Bison", "Dingo", "Eland", "Fossa", "Hyrax", "Okapi"]  # too short to be hyphenated
CHART = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">'
         '<rect width="400" height="160" fill="#eef4f6"/><rect x="60" y="40" width="60" height="120" '
         'fill="#0B4F6C"/><rect x="180" y="80" width="60" height="80" fill="#E09F3E"/></svg>')


def front(title: str) -> str:
    return f"---\ntitle: {title}\nsummary: A test of typesetting.\nkind: handout\n---\n"


def english() -> str:
    notes = "\n".join(f"[^{name.lower()}]: The note on {name.lower()}s, told in one sentence."
                      for name in CALLS)
    body = "\n\n".join(f"{PROSE * (3 + i % 3)}{name}[^{name.lower()}] closes this paragraph."
                       for i, name in enumerate(CALLS))
    rows = "\n".join(f"| Region {n} | {1000 + 37 * n} | {n % 17}% |" for n in range(1, 61))
    return (front("Typesetting notes") + '## Quotes and dashes\n\nShe said "it\'s the reader\'s '
            'first second" -- and it is --- every time. See https://example.org/a--b and '
            '`"code" -- stays`.\n\n' + body + "\n\n## A long table\n\n| Region | Loans | Share |\n"
            "|---|---|---|\n" + rows + '\n\n## Figures\n\n![Bars](chart.svg "Loans by region")\n\n'
            + PROSE + '\n\n![Bars again](chart.svg){: caption="Share by region" }\n\n'
            "![No caption](chart.svg)\n\n" + notes + "\n")


FRENCH = front("Notes de composition") + f"""\
## Ponctuation : espaces fines

Elle a dit "c'est vrai" -- et c'est juste ! Vraiment ? Oui ; toujours: sans exception.
Voir https://example.org/a:b?c=d, « citation » et «autre». Le code `a: b; c!` reste tel quel.
Nombres : {{{{ 1234.5 | number }}}} et {{{{ 2500 | currency("EUR") }}}}.

{PROSE_FR * 2}
{{: style="width: 38mm" }}

Une ligne avec une note[^un].

[^un]: Une note : au pied de la page.
"""

SPANISH = front("Notas de composición") + f"""\
## Comillas

Dijo "es verdad" -- ¿de verdad? ¡Sí! Números: {{{{ 1234.5 | number }}}}.

![Barras](chart.svg "Préstamos por región")

{PROSE_ES}[^uno]

[^uno]: Una nota al pie.
"""

SECOND = front("More notes") + f"{PROSE}Gazelle[^g] again.\n\n[^g]: The second document's own note.\n"

CONFIG = MINIMAL_CONFIG.replace('available = ["en", "fr"]', 'available = ["en", "fr", "es"]') \
    .replace('fr = "le public" }', 'fr = "le public", es = "el público" }') \
    .replace('fr = "Dossier de départ" }', 'fr = "Dossier de départ", es = "Carpeta" }') \
    .replace('documents = ["hello"]', 'documents = ["notes", "more"]')


@pytest.fixture(scope="module")
def typeset_project(tmp_path_factory):
    """A project in three languages with footnotes, a long table and figures, built once."""
    root = write_files(tmp_path_factory.mktemp("typography"), {
        "handoutpack.toml": CONFIG,
        "content/handouts/notes.en.md": english(),
        "content/handouts/notes.fr.md": FRENCH,
        "content/handouts/notes.es.md": SPANISH,
        "content/handouts/more.en.md": SECOND,
        "content/handouts/chart.svg": CHART,
    })
    outcome = invoke(root, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    return root


def pages_text(path) -> list[str]:
    """Each page's text as extracted, spaces kept as they are (narrow ones included)."""
    return [page.extract_text() for page in reader(path).pages]


# ---------------------------------------------------------------- punctuation


def test_french_spacing_in_the_rendered_page_but_never_in_urls_or_code(typeset_project):
    text = "\n".join(pages_text(typeset_project / "build/fr/documents/notes.pdf"))
    for before in ("Ponctuation", "juste", "Vraiment", "Oui", "toujours", "Nombres"):
        assert re.search(before + NNBSP + "[:;!?]", text), before
    assert "«" + NNBSP + "c’est vrai" + NNBSP + "»" in text, "straight quotes became « »"
    assert "«" + NNBSP + "citation" + NNBSP + "»" in text and "«" + NNBSP + "autre" + NNBSP + "»" in text
    assert "example.org/a:b?c=d" in text.replace("\n", ""), "the URL is as written"
    assert "a: b; c!" in " ".join(text.split()), "code is as written (a line may end inside it)"
    assert "1" + NNBSP + "234,5" in text and "2" + NNBSP + "500,00" in text
    assert "Une note" + NNBSP + ": au pied" in text, "footnotes are punctuated too"


def test_english_quotes_apostrophes_and_dashes(typeset_project):
    text = " ".join(" ".join(pages_text(typeset_project / "build/en/documents/notes.pdf")).split())
    assert "She said “it’s the reader’s first second” – and it is — every time." in text
    assert "example.org/a--b" in text and '"code" -- stays' in text


def test_spanish_quotes_default_to_angle_and_leave_inverted_marks(typeset_project):
    text = " ".join(pages_text(typeset_project / "build/es/documents/notes.pdf"))
    assert "Dijo «es verdad» – ¿de verdad? ¡Sí!" in " ".join(text.split())
    assert "Números: 1.234,5" in text, "Babel's Spanish number format"


@pytest.mark.parametrize("html, expected", [
    ('<p title="a : b">x : y</p>', '<p title="a : b">x\u202f: y</p>'),
    ('<p><a href="https://e.org/?q=&quot;x&quot;">see "this"</a></p>',
     '<p><a href="https://e.org/?q=&quot;x&quot;">see «\u202fthis\u202f»</a></p>'),
    ("<p><strong>Note</strong>: text</p>", "<p><strong>Note</strong>\u202f: text</p>"),
    ("<pre><code>a : b</code></pre><p>a &lt; b!</p>", "<pre><code>a : b</code></pre><p>a &lt; b\u202f!</p>"),
    ('<p lang="en">a: "b"</p>', '<p lang="en">a: “b”</p>'),
    ("<p>10:30, https://x.org/a:b!</p>", "<p>10:30, https://x.org/a:b\u202f!</p>"),
    ('<p><a href="https://x.org/?a=&quot;b&quot;">x.org/?a="b"</a></p>',
     '<p><a href="https://x.org/?a=&quot;b&quot;">x.org/?a="b"</a></p>'),
    ("<p lang='en'>the '90s, 'quoted'</p>", "<p lang='en'>the ’90s, ‘quoted’</p>"),
])
def test_typeset_changes_text_only_never_attributes_code_or_urls(html, expected):
    page = f'<html lang="fr"><head><title>a : b</title></head><body>{html}</body></html>'
    result = typeset(page, "fr", Typography())
    assert result == page.replace(html, expected)


def test_each_rule_can_be_switched_off():
    text = 'Il a dit "oui" -- l\'autre : non'
    assert punctuate(text, "fr", Typography()) == "Il a dit «\u202foui\u202f» – l’autre\u202f: non"
    off = Typography(quotes=False, apostrophes=False, dashes=False, french_spacing=False)
    assert punctuate(text, "fr", off) == text
    assert punctuate(text, "fr", Typography(french_spacing=False)) == "Il a dit «oui» – l’autre : non"
    assert punctuate('"sí"', "es", Typography(quote_marks={"es": "“”"})) == "“sí”"


# ---------------------------------------------------------------- hyphenation


def test_a_narrow_french_paragraph_is_hyphenated_by_language(typeset_project):
    path = typeset_project / "build/fr/documents/notes.pdf"
    lines = [text for page in range(1, len(reader(path).pages) + 1)
             for _, text in text_lines(path, page)]
    words = set(re.findall(r"\w+", PROSE_FR))
    broken = [(a, b) for a, b in zip(lines, lines[1:]) if a.rstrip().endswith("\u2010")]
    assert broken, "no line ends with a hyphen"
    for a, b in broken:
        word = re.findall(r"\w+$", a.rstrip()[:-1])[0] + re.findall(r"^\w+", b.lstrip())[0]
        assert word in words, f"{word!r} is not a word of the paragraph"
    headings = {t for b in bookmarks(path) for m in b.walk() for t in [m.title]}
    assert not any(line.rstrip().endswith("\u2010") for line in lines if line in headings)


@pytest.mark.slow
def test_hyphenation_can_be_switched_off(make_project):
    long_words = "Internationalisation responsabilisation professionnalisation " * 30
    project = make_project({"handoutpack.toml": MINIMAL_CONFIG + "\n[typography]\nhyphenate = false\n",
                            "content/handouts/hello.en.md": front("Hello") + long_words + "\n"})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    text = "".join(pages_text(project / "build/en/documents/hello.pdf"))
    assert "\u2010" not in text


# ---------------------------------------------------------------- footnotes


def test_each_footnote_is_at_the_foot_of_the_page_of_its_call(typeset_project):
    path = typeset_project / "build/en/documents/notes.pdf"
    pages = len(reader(path).pages)
    found = []
    for page in range(1, pages + 1):
        lines = text_lines(path, page)
        for name in CALLS:
            calls = [y for y, text in lines if f"{name} closes" in text]
            notes = [(y, text) for y, text in lines if f"The note on {name.lower()}s" in text]
            if calls or notes:
                assert calls and notes, f"{name}: call and note are on different pages ({page})"
                assert notes[0][0] < calls[0], f"{name}: the note is below its call"
                found.append((page, int(re.match(r"\s*(\d+)", notes[0][1])[1])))
    assert [number for _, number in found] == list(range(1, len(CALLS) + 1))
    assert len({page for page, _ in found}) > 1, "the notes are spread over several pages"
    assert "footnote" not in "".join(pages_text(path)[-1:]).lower()


def test_footnotes_are_numbered_per_document_in_a_pack(typeset_project):
    path = typeset_project / "build/en/starter.pdf"
    text = "\n".join(pages_text(path))
    assert re.search(r"^\s*1\s*The note on bisons", text, re.M)
    assert re.search(r"^\s*1\s*The second document’s own note", text, re.M)


# ---------------------------------------------------------------- tables, figures, page breaks


def test_a_long_table_repeats_its_header_on_its_next_page(typeset_project):
    path = typeset_project / "build/en/documents/notes.pdf"
    pages = pages_text(path)
    first = next(i for i, text in enumerate(pages) if "Region 1 " in text or "Region 1\n" in text)
    last = next(i for i, text in enumerate(pages) if "Region 60" in text)
    assert last > first, "the table is long enough to split"
    for page in range(first + 2, last + 2):
        body = [t.replace(" ", "") for _, t in text_lines(path, page)][1:]  # below the header
        assert body[0] == "RegionLoansShare", f"page {page} starts with {body[0]!r}"


def test_figures_are_numbered_per_document_in_its_language(typeset_project):
    english_text = " ".join(" ".join(pages_text(typeset_project / "build/en/documents/notes.pdf")).split())
    assert "Figure 1 Loans by region" in english_text
    assert "Figure 2 Share by region" in english_text
    assert "Figure 3" not in english_text, "an image without a caption is not numbered"
    spanish = " ".join(" ".join(pages_text(typeset_project / "build/es/documents/notes.pdf")).split())
    assert "Figura 1 Préstamos por región" in spanish


def test_no_heading_is_the_last_line_of_a_page_in_the_sample_packs(sample):
    """Every heading has at least two lines of text after it on its page, in every pack."""
    footer = re.compile(r"(Page|Página) \d+ (of|sur|de) \d+\s*$")
    stranded = []
    for path in sorted((sample / "build").glob("*/*.pdf")):
        pages: dict[int, list[tuple[float, str]]] = {}
        for mark in (m for top in bookmarks(path) for m in top.walk() if m.top is not None):
            if mark.page not in pages:
                pages[mark.page] = text_lines(path, mark.page)
            title = " ".join(mark.title.split())
            after = [text for y, text in pages[mark.page]
                     if y < mark.top - 2 and not footer.search(text)
                     and " ".join(text.split()) not in title]
            if len(after) < 2:
                stranded.append(f"{path.parent.name}/{path.name} p.{mark.page}: {title!r}")
    assert not stranded, "\n".join(stranded)
    manifest = json.loads((sample / "build/manifest.json").read_text(encoding="utf-8"))
    packs = {entry["path"] for entry in manifest["outputs"] if entry["kind"] == "pack"}
    assert packs and packs == {f"{p.parent.name}/{p.name}" for p in (sample / "build").glob("*/*.pdf")}


# ---------------------------------------------------------------- numbers, dates, money


@pytest.mark.parametrize("lang, number, money, date", [
    ("en", "1,234.5", "$2,500.00", "November 27, 2026"),
    ("fr", "1\u202f234,5", "2\u202f500,00\xa0$US", "27 novembre 2026"),
    ("es", "1.234,5", "2.500,00\xa0US$", "27 de noviembre de 2026"),
])
def test_numbers_money_and_dates_by_language(lang, number, money, date):
    filters = language_filters(lang)
    assert filters["number"](1234.5) == number
    assert filters["currency"](2500, "USD") == money
    assert filters["date"]("2026-11-27") == date
    assert filters["number"](0.5, 2) == ("0.50" if lang == "en" else "0,50")


# ---------------------------------------------------------------- configuration and errors


def test_typography_config_problems_are_named(make_project):
    config = MINIMAL_CONFIG + ('\n[typography]\nhyphenation = true\ndashes = "yes"\n'
                               'quote_marks = { fr = "«", de = "„“" }\n')
    outcome = invoke(make_project({"handoutpack.toml": config}), "build", "-q")
    assert outcome.exit_code == 2
    for fragment in ("typography.hyphenation: unknown key (did you mean 'hyphenate'?)",
                     "typography.dashes: 'yes': must be true or false",
                     "typography.quote_marks.fr: '«': write the opening and closing marks",
                     "typography.quote_marks.de: 'de' is not in languages.available"):
        assert fragment in outcome.stderr


def test_a_bad_number_names_the_file_and_line(make_project):
    source = front("Hello") + "\nIt costs {{ 'a lot' | currency('USD') }}.\n"
    outcome = invoke(make_project({"content/handouts/hello.en.md": source}), "build", "-q")
    assert outcome.exit_code == 1 and "Traceback" not in outcome.output  # kept going: issue 25
    assert "hello.en.md:7: template error: currency: 'a lot' is not a number" in outcome.stderr


def test_a_bad_figure_label_is_named(make_project):
    config = MINIMAL_CONFIG + '\n[labels.en]\nfigure = "Fig. {num}"\n'
    outcome = invoke(make_project({"handoutpack.toml": config}), "build", "-q")
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output
    assert "labels: figure = 'Fig. {num}' (en): write the number as {number}" in outcome.stderr


def test_a_title_slides_subtitle_keeps_its_last_two_words_together():
    """A title slide's band sets its subtitle as a title: no last line of one word ("…for going
    / further"), as headings (the proof's title-last-line check)."""
    band = ('<html lang="en" class="paper-a4"><body><div class="title-band"><h1>Intro</h1><p>A '
            "framework for going further</p></div><p>A paragraph ends as it will</p></body></html>")
    page = typeset(band, "en", Typography())
    assert 'for<span class="gap"> </span><span class="together">going further</span></p>' in page
    assert "<p>A paragraph ends as it will</p>" in page


def test_a_links_words_are_never_kept_together_in_a_span_of_their_own():
    """A span inside a link makes WeasyPrint 70 write the link twice, one of them outside the
    PDF's tagged structure: a title's last words that are a link's stay in the link as written."""
    band = ('<html lang="en" class="paper-a4"><body><div class="title-band"><h1>Intro</h1><p>'
            'Some words, and <a href="https://example.org/slides">a link</a>.</p></div>'
            '<h2>See <a href="#guide">the whole guide</a></h2></body></html>')
    page = typeset(band, "en", Typography())
    assert '<a href="https://example.org/slides">a link</a>' in page
    assert '<a href="#guide">the whole guide</a>' in page


@pytest.mark.slow
def test_a_boxs_title_is_never_left_alone_at_the_foot_of_a_page(make_project):
    """Boxes of three lines (too few to split) after paragraphs of every length, so that some
    title falls near a page's foot:
    each title stands on the same page as its first line (it stood alone under the last
    paragraph of a page of Hugo's docs, its text on the next)."""
    sentence = "Savings groups keep records that members read aloud at each meeting. "
    parts = [f"{sentence * (1 + 3 * n % 11)}\n\n::: {{.warning title=\"Mind {n}\"}}\n"
             f"Box {n} says this. {sentence * 2}\n:::\n" for n in range(40)]  # 3 lines: unsplit
    project = make_project({"content/handouts/hello.en.md":
                            "---\ntitle: Hello\nkind: handout\n---\n## Boxes\n\n" + "\n".join(parts)})
    assert invoke(project, "build", "-q").exit_code == 0
    pdf = project / "build/en/documents/hello.pdf"
    pages = len(reader(pdf).pages)
    assert pages >= 3
    for number in range(1, pages + 1):
        lines = [text for _, text in text_lines(pdf, number)]
        for index, line in enumerate(lines):
            if line.upper().startswith("MIND "):
                box = line.split()[-1]
                assert index + 1 < len(lines) and lines[index + 1].startswith(f"Box {box}"), (
                    number, lines[index:])
