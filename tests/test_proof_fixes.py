"""The layout corners issue 24 found, each read back with `proof` after the fix."""

from __future__ import annotations

from pathlib import Path

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
    style = (f"<style>@font-face {{ font-family: N; src: url({(FONTS / 'NotoSerif-Regular.ttf').as_uri()}) }}"
             f"@font-face {{ font-family: N; font-weight: 700; src: url({(FONTS / 'NotoSerif-Bold.ttf').as_uri()}) }}"
             "@page { size: A4; margin: 20mm } p { font: 10pt/1.4 N; width: 108mm }</style>")
    HTML(string=page.replace("<body>", style + "<body>")).write_pdf(tmp_path / "p.pdf")
    assert proof_file(tmp_path / "p.pdf", Context())[0] == []
    assert "about<strong> doing good</strong>" in page
