"""The layout corners issue 24 found, each read back with `proof` after the fix."""

from __future__ import annotations

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
        "<html lang=en><body><p>The sector uses a simple shorthand. Social performance is about "
        "<strong>doing good</strong>: reaching more poor and excluded people.</p></body></html>",
        "en", Typography())
    regular, bold = ((FONTS / f"NotoSerif-{face}.ttf").as_uri() for face in ("Regular", "Bold"))
    style = (f"<style>@font-face {{ font-family: N; src: url({regular}) }}"
             f"@font-face {{ font-family: N; font-weight: 700; src: url({bold}) }}"
             "@page { size: A4; margin: 20mm } p { font: 10pt/1.4 N; width: 108mm }</style>")
    HTML(string=page.replace("<body>", style + "<body>")).write_pdf(tmp_path / "p.pdf")
    assert proof_file(tmp_path / "p.pdf", Context())[0] == []
    assert "about<strong> doing good</strong>" in page


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
