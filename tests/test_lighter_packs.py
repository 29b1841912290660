"""Lighter packs: one font file per face in a merged PDF, the union of the glyphs its parts use,
with every part's text layer and every glyph's outline as it was. Read back with pdffonts,
pdftotext, pikepdf and fontTools."""

from __future__ import annotations

import io
import subprocess
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from handoutpack.pdf.fontshare import _glyphs
from handoutpack.pdf.merge import Merger

# Accented letters are composite glyphs (a letter and an accent) in these fonts: their
# components are renumbered in each subset, the case the union must get right.
PARTS = [
    ("en", "Social performance: doing good and doing no harm.", "Noto Serif"),
    ("fr", "Déclaration : la clientèle protégée, élue à l'unanimité.", "Noto Serif"),
    ("ar", "الأداء الاجتماعي هو فعل الخير وعدم الإضرار.", "Noto Naskh Arabic"),
    ("hi", "सामाजिक प्रदर्शन का अर्थ है भलाई करना।", "Noto Serif Devanagari"),
    ("pt", "Desempenho social: fazer o bem, não causar dano; ação já!", "Noto Serif"),
]


def render(lang: str, text: str, font: str) -> bytes:
    import weasyprint

    direction = "rtl" if lang == "ar" else "ltr"
    html = (f'<html lang="{lang}" dir="{direction}"><body style="font-family: \'{font}\', '
            f'\'Noto Serif\'"><h1 style="font-weight: bold">{text[:12]}</h1><p>{text}</p>'
            f'<p><i>{text}</i></p></body></html>')
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    return [render(*part) for part in PARTS]


@pytest.fixture(scope="module")
def merged(parts, tmp_path_factory) -> Path:
    pack = Merger()
    for (lang, _, _), pdf in zip(PARTS, parts):
        pack.append(pdf, lang)
    path = tmp_path_factory.mktemp("merged") / "pack.pdf"
    path.write_bytes(pack.finish("en", {"/Title": "Pack"}, False))
    return path


def font_files(pdf: pikepdf.Pdf) -> dict[str, set[tuple[int, int]]]:
    """Each face's font files, by the face's subset name."""
    files = defaultdict(set)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    files[str(obj.FontName)].add(obj[key].objgen)
    return files


def text(pdf: bytes | Path) -> str:
    source = "-" if isinstance(pdf, bytes) else str(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", source, "-"], check=True,
                          input=pdf if isinstance(pdf, bytes) else None,
                          capture_output=True).stdout.decode()


def test_one_font_file_per_face(merged, parts):
    before = set()
    for part in parts:
        before |= set(font_files(pikepdf.open(io.BytesIO(part))))
    with pikepdf.open(merged) as pdf:
        files = font_files(pdf)
    assert set(files) == before  # every face is still there...
    assert {face: len(found) for face, found in files.items() if len(found) > 1} == {}
    assert any("Noto-Serif" in face for face in files)  # ...once, though four parts use it
    out = subprocess.run(["pdffonts", str(merged)], capture_output=True, text=True).stdout
    assert "Naskh" in out and "Devanagari" in out


def test_every_parts_text_reads_as_before(merged, parts):
    # pdftotext ends each page with a form feed: the pack's text is its parts' end to end
    assert text(merged) == "".join(text(part) for part in parts)
    words = text(merged)
    assert "الاجتماعي" in words and "भलाई" in words and "Déclaration" in words


def test_every_glyph_draws_as_in_its_own_subset(merged, parts):
    assert glyphs_drawn_as_before(merged, parts) > 100


def glyphs_drawn_as_before(merged: Path, parts: list[bytes]) -> int:
    """How many glyphs the parts show, each checked to draw (outline and advance, composites
    taken apart) in the pack's font as in the part's own subset."""
    with pikepdf.open(merged) as pdf:
        fonts = {str(cid.BaseFont): TTFont(io.BytesIO(
                     cid.FontDescriptor.FontFile2.read_bytes()))
                 for cid in pdf.objects if isinstance(cid, pikepdf.Dictionary)
                 and cid.get("/Subtype") == "/CIDFontType2"}
    checked = 0
    for part in parts:
        with pikepdf.open(io.BytesIO(part)) as pdf:
            for cid in pdf.objects:
                if isinstance(cid, pikepdf.Dictionary) and cid.get("/Subtype") == "/CIDFontType2":
                    own = TTFont(io.BytesIO(cid.FontDescriptor.FontFile2.read_bytes()))
                    for glyph in _glyphs(cid.W):
                        assert outline(fonts[str(cid.BaseFont)], glyph) == outline(own, glyph)
                        checked += 1
    return checked


def outline(font: TTFont, gid: int):
    glyphs = font.getGlyphSet()
    name = font.getGlyphOrder()[gid]
    pen = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(pen)
    return pen.value, font["hmtx"][name][0]


def test_the_pack_is_lighter(merged, parts):
    plain = Merger()
    for (lang, _, _), pdf in zip(PARTS, parts):
        plain.append(pdf, lang)
    plain.pdf.Root.Lang = pikepdf.String("en")
    from handoutpack.pdf.files import to_bytes

    unshared = to_bytes(plain.pdf)
    assert merged.stat().st_size < 0.8 * len(unshared)


def test_subsets_of_different_fonts_are_left_alone():
    from handoutpack.pdf.fontunion import union_program

    serif = font_file(render("en", "Same name, other font", "Noto Serif"))
    sans = font_file(render("en", "Same name, other font", "DejaVu Sans"))
    assert union_program([(serif, 40), (sans, 40)]) is None


def font_file(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj:
                return obj.FontFile2.read_bytes()
    raise AssertionError("no TrueType font")


def test_a_component_renumbered_in_one_part_and_kept_in_another(tmp_path):
    """Lato's colon is built from two periods: a part showing only capitals and a colon keeps
    glyphs up to the colon, so its period comes after them under a new id; a part showing
    lower case keeps the period under its own id. The union must see they are one glyph."""
    import weasyprint

    fonts = Path(__file__).resolve().parents[1] / "styles" / "fonts"
    face = f"@font-face {{ font-family: L; src: url({(fonts / 'Lato-Regular.ttf').as_uri()}) }}"
    parts = [weasyprint.HTML(string=f"<style>{face} body {{ font-family: L }}</style>"
                                    f"<p>{text}</p>").write_pdf(pdf_tags=True)
             for text in ("ABC:", "ABC: the end.")]
    pack = Merger()
    for pdf in parts:
        pack.append(pdf, "en")
    merged = tmp_path / "pack.pdf"
    merged.write_bytes(pack.finish("en", {"/Title": "Pack"}, False))
    with pikepdf.open(merged) as pdf:
        assert [len(found) for found in font_files(pdf).values()] == [1]
    assert text(merged) == "".join(text(part) for part in parts)
    assert glyphs_drawn_as_before(merged, parts) >= 10
