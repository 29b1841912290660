"""The layout corners issue 24 found, each read back with `proof` after the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from weasyprint import HTML

from handoutpack.markup.typography import typeset
from handoutpack.project.config import Typography
from handoutpack.proof import Context, proof_file

FONTS = Path(__file__).parent.parent / "styles" / "fonts"


def test_a_paragraph_breaks_after_more_than_its_first_word_before_emphasis(tmp_path):
    """WeasyPrint 70 broke "The / sector uses…" when the bold words did not fit at the first
    line's end (the A5 pack's p7); the typesetter moves the space into the emphasis."""
    page = typeset(
        '<html lang=en class="paper-a4"><body><p>The sector uses a simple shorthand. '
        "Social performance is about <strong>doing good</strong>: reaching more poor and "
        "excluded people.</p></body></html>",
        "en", Typography())
    regular, bold = ((FONTS / f"NotoSerif-{face}.ttf").as_uri() for face in ("Regular", "Bold"))
    style = (f"<style>@font-face {{ font-family: N; src: url({regular}) }}"
             f"@font-face {{ font-family: N; font-weight: 700; src: url({bold}) }}"
             "@page { size: A4; margin: 20mm } p { font: 10pt/1.4 N; width: 108mm }</style>")
    HTML(string=page.replace("<body>", style + "<body>")).write_pdf(tmp_path / "p.pdf")
    assert proof_file(tmp_path / "p.pdf", Context())[0] == []
    assert "about<strong> doing good</strong>" in page


def test_a_line_breaks_after_more_than_its_first_word_before_a_name(tmp_path):
    """WeasyPrint 70 broke the Arabic flyer's "الفريق" onto a line of its own (81 mm column,
    12 pt) when the text before "Cerise+SPTF", a name kept whole in a span, ran a hair past the
    line's end. Right to left, names get no span now; left to right, the space before a name
    moves into its span, as into emphasis."""
    text = ("والباحثين والجهات الرقابية. وقد تجاوز عدد أعضاء الفريق 2600 عضو في الفترة "
            "2015–2017 تقريبًا؛ أما Cerise+SPTF فتتحدث في ديسمبر 2026 عن أكثر من 8000 مشارك.")
    names = Typography(never_hyphenate=("Cerise+SPTF",))
    page = typeset(f'<html lang="ar" dir="rtl" class="paper-a4"><body><p>{text}</p></body></html>',
                   "ar", names)
    english = typeset('<html lang="en" class="paper-a4"><body><p>Today it works under the name '
                      "Cerise+SPTF.</p></body></html>", "en", names)
    assert 'name<span class="no-hyphens"> Cerise+SPTF</span>' in english
    assert "no-hyphens" not in page
    in_span = page.replace("أما Cerise+SPTF", 'أما <span class="no-hyphens">Cerise+SPTF</span>')
    regular = (FONTS / "NotoSerif-Regular.ttf").as_uri()
    style = (f"<style>@font-face {{ font-family: N; src: url({regular}) }}"
             "@page { size: A4; margin: 20mm } "
             'p { font: 12pt/1.5 N, "Noto Naskh Arabic"; width: 81mm }</style>')
    for name, html in (("typeset.pdf", page), ("in-span.pdf", in_span)):
        HTML(string=html.replace("<body>", style + "<body>")).write_pdf(tmp_path / name)
    assert proof_file(tmp_path / "typeset.pdf", Context("ar", True))[0] == []
    assert [f.check for f in proof_file(tmp_path / "in-span.pdf", Context("ar", True))[0]] \
        == ["first-line"]


def test_a_title_breaks_after_more_than_its_first_word_before_its_last_two(tmp_path):
    """The French key figures' title on Letter printed "La" alone on its first line: the text
    before the span keeping its last two words together ended with a space a hair past the
    line's end; the space stands in a span of its own."""
    page = typeset('<html lang="fr" class="paper-letter"><body><h1>La performance sociale en '
                   "chiffres : fiche pour les journalistes</h1></body></html>", "fr", Typography())
    assert 'pour<span class="gap"> </span><span class="together">les journalistes</span>' in page
    as_written = page.replace('<span class="gap"> </span>', " ")
    black = (FONTS / "Lato-Black.ttf").as_uri()
    style = (f"<style>@font-face {{ font-family: L; font-weight: 900; src: url({black}) }}"
             "@page { size: Letter; margin: 20mm } .together { white-space: nowrap }"
             "h1 { font: 900 24pt/1.12 L; width: 175.9mm; margin: 0 }</style>")
    for name, html in (("typeset.pdf", page), ("as-written.pdf", as_written)):
        HTML(string=html.replace("<body>", style + "<body>")).write_pdf(tmp_path / name)
    assert proof_file(tmp_path / "typeset.pdf", Context("fr"))[0] == []
    assert [f.check for f in proof_file(tmp_path / "as-written.pdf", Context("fr"))[0]] == [
        "first-line"]


def test_a_right_to_left_booklet_is_bound_on_the_right(tmp_path):
    """The Arabic booklet had its cover on the right half of the first sheet, as an English
    one: bound on the left, it opens at the back for an Arabic reader."""
    from handoutpack.pdf.imposition import booklet, booklet_order

    assert booklet_order(8, right_to_left=True) == [(0, 7), (6, 1), (2, 5), (4, 3)]
    sizes = ((1, 30), (2, 12), (3, 12), (4, 12))  # the cover's title the largest type
    pages = "".join(f'<section style="break-after:page"><h1 style="font-size:{size}pt">'
                    f"صفحة {n}</h1></section>" for n, size in sizes)
    page_size = "<style>@page { size: A5 }</style>"
    HTML(string=f'<html lang="ar" dir="rtl">{page_size}{pages}</html>'
         ).write_pdf(tmp_path / "pack.pdf")
    imposed, sheets = booklet((tmp_path / "pack.pdf").read_bytes(), "A4", right_to_left=True)
    (tmp_path / "pack-booklet.pdf").write_bytes(imposed)
    assert sheets == 2
    assert proof_file(tmp_path / "pack-booklet.pdf", Context("ar", True))[0] == []
    ltr, _ = booklet((tmp_path / "pack.pdf").read_bytes(), "A4")
    (tmp_path / "ltr-booklet.pdf").write_bytes(ltr)
    assert [f.check for f in proof_file(tmp_path / "ltr-booklet.pdf", Context("ar", True))[0]] \
        == ["binding"]


@pytest.mark.slow
def test_the_download_pages_header_keeps_its_space_at_the_top_on_a_wide_window(sample, browser):
    """From 40rem wide, `.wrap { padding: 0 1.5rem }` took the header bar's top padding away:
    the logo touched the window's top edge."""
    for width in (360, 1280):
        page = browser.new_page(viewport={"width": width, "height": 700})
        page.goto((sample / "build/index.html").resolve().as_uri())
        assert page.evaluate("document.querySelector('.brand').getBoundingClientRect().top") >= 10
        page.close()


OLD = Path(__file__).parent / "data" / "proof-f86edb7"
"""Pages of the outputs of commit f86edb7, as issue 24 found them: ar/conference.pdf built
`--as profiles/example-ambassador.toml` (pages 1-6 and 12-14 of 14), its booklet (sheets 1
and 3), and en/conference.pdf on A5 (pages 1-9)."""


def test_proof_reports_the_defects_issue_24_found_in_the_old_outputs(tmp_path):
    from conftest import REPO, invoke

    result = invoke(REPO, "proof", "--as", "profiles/example-ambassador.toml", "--format", "json",
                    "--sheet", str(tmp_path / "sheet"), str(OLD))
    assert result.exit_code == 1, result.stderr
    found = {(Path(f["file"]).parent.name + "/" + Path(f["file"]).name, f["page"], f["check"],
              f["message"]) for f in json.loads(result.stdout)["findings"]}

    def has(file: str, page: int, check: str, words: str = "") -> bool:
        return any(f[:3] == (file, page, check) and words in f[3] for f in found)

    arabic, a5, booklet = "ar/conference.pdf", "en/conference.pdf", "ar/conference-booklet.pdf"
    # the Arabic personalised cover: a partner logo over "Example Microfinance Network", the
    # other off the page, English words
    assert has(arabic, 1, "overlap", "Example Microfinance")
    assert has(arabic, 1, "safe-area", "past the right edge")
    assert has(arabic, 1, "frame-language", "In partnership with")
    assert has(arabic, 1, "frame-language", "Presented by")
    # the contact page (the pack's page 14): the phone reversed, addresses past the margin
    assert has(arabic, 9, "bidi", '"+51 1 234 5678" prints as "5678 234 1 51+"')
    assert has(arabic, 9, "margin", "ana.torres@example.org")
    assert has(arabic, 9, "frame-language", "Phone")
    # QR codes 3 mm from the trim, one beside another paragraph (the pack's page 12)
    assert has(arabic, 3, "safe-area", "3.0 mm from the right edge")
    assert has(arabic, 7, "qr-place")
    # body lines of 95 to 126 characters on A4; a title ending with one word
    assert has(arabic, 3, "line-length", "up to 126")
    assert has(arabic, 7, "title-last-line", '"Management"')
    # the Arabic booklet bound on the left; a logo past the fold
    assert has(booklet, 1, "binding")
    assert has(booklet, 2, "safe-area", "fold")
    # A5: "The" alone (p7), three lines alone on a page (p5), "Conference / Pack"
    assert has(a5, 7, "first-line", '"The" stands alone')
    assert has(a5, 5, "empty-page")
    assert has(a5, 1, "title-last-line", '"Pack"')
    assert has(a5, 5, "safe-area", "3.0 mm")
