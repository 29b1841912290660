"""The proof reads a page's objects from pdfminer's layout itself (proof/objects.py), not through
pdfplumber's conversion: each object must come out as pdfplumber gives it, on every key the
proof and pdfplumber's word grouping read, for pages with what the proof looks at: Latin and
Arabic text, a table's cells and rules, an image, vector shapes, a transparency group (a form
XObject, as a pack's stamped page numbers are) and a MediaBox that does not start at 0."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from handoutpack.proof.objects import KINDS, page_objects

FONTS = Path(__file__).parent.parent / "styles" / "fonts"


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 60)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


PAGE = f"""<html lang=en><meta charset=utf-8><style>
@font-face {{ font-family: Noto; src: url({(FONTS / 'NotoSerif-Regular.ttf').as_uri()}); }}
@page {{ size: A5; margin: 15mm; @bottom-center {{ content: "Page " counter(page); }} }}
body {{ font: 10pt Noto; }} td, th {{ border-bottom: 0.5pt solid #333; padding: 2pt 6pt; }}
th {{ background: #e8eef3; }}
</style><body>
<h1>Key figures</h1><p>Clients reached: 140 million, see https://example.org/figures.</p>
<p dir=rtl lang=ar style="font-family: 'Noto Naskh Arabic'">إدارة الأداء الاجتماعي، رقم 501(c)(3)</p>
<table><tr><th>Region</th><th>Clients</th></tr><tr><td>Asia</td><td>90</td></tr>
<tr><td>Africa</td><td>12</td></tr></table>
<img src="data:image/png;base64,{_png()}" style="width: 30mm">
<svg width="60" height="30"><circle cx="15" cy="15" r="10" fill="#2a6"/>
<rect x="30" y="5" width="20" height="20" fill="#333"/><line x1="0" y1="29" x2="60" y2="29"
stroke="#000"/></svg>
<p style="opacity: 0.5">Half-transparent text, drawn in a group of its own.</p>
</body></html>"""


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("objects")
    plain = folder / "plain.pdf"
    HTML(string=PAGE, base_url=str(folder)).write_pdf(plain)
    moved = folder / "moved.pdf"
    with pikepdf.open(plain) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            page.MediaBox = [x0 + 12, y0 + 30, x1 + 12, y1 + 30]
        pdf.save(moved)
    return [plain, moved]


def _with_content(source: Path, target: Path, content: bytes) -> Path:
    """`source` with `content` drawn after its first page's own."""
    with pikepdf.open(source) as pdf:
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, content))
        pdf.save(target)
    return target


@pytest.fixture(scope="module")
def unusual(pdfs, tmp_path_factory) -> list[Path]:
    """Pages qpdf's parser hands back differently: an inline image (read by pdfminer's own
    parser), an operator pdfminer does not know with operands left on the stack, strings with
    escapes, a marked-content dictionary."""
    folder = tmp_path_factory.mktemp("unusual")
    return [_with_content(pdfs[0], folder / "inline.pdf",
                          b"q 20 0 0 20 40 40 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00"
                          b" EI Q"),
            _with_content(pdfs[0], folder / "odd.pdf",
                          b"1 2 3 zz 10 10 m 50 50 l S /Span <</MCID 7 /Alt (a\\(b\\)\\101)>> BDC "
                          b"BT /F1 9 Tf 30 30 Td [(x\\051) -120.5 <41>] TJ ET EMC 0 0 5 5 re f")]


def test_each_object_is_as_pdfplumber_gives_it(pdfs):
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            ours = page_objects(page)
            theirs = page.objects
            assert {kind for kind in theirs if kind != "anno"} <= set(KINDS.values())
            for kind in KINDS.values():
                kept = [{key: item[key] for key in mine} for item, mine in
                        zip(theirs.get(kind, []), ours[kind])]
                assert len(ours[kind]) == len(theirs.get(kind, [])), (path.name, kind)
                assert ours[kind] == kept, (path.name, kind)
            assert len(ours["char"]) > 150 and ours["rect"] and ours["line"] and ours["image"]
            assert ours["curve"], "the circle"


def test_words_are_grouped_from_them_as_pdfplumber_groups_its_own(pdfs):
    from pdfplumber.utils import extract_words

    options = {"x_tolerance": 1.5, "extra_attrs": ["size", "fontname"]}
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            ours = extract_words(page_objects(page)["char"], **options)
            assert ours == page.extract_words(**options)
            assert any("501" in word["text"] for word in ours)
            assert any("\u0627" <= letter <= "\u064a" for word in ours for letter in word["text"])


def test_unusual_content_reads_as_pdfminer_reads_it(unusual):
    """Where the proof's interpreter (proof/interpreter.py) takes qpdf's parse, or falls back
    to pdfminer's, each object is as pdfplumber gives it."""
    for path in unusual:
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            ours = page_objects(page)
            theirs = page.objects
            for kind in KINDS.values():
                kept = [{key: item[key] for key in mine} for item, mine in
                        zip(theirs.get(kind, []), ours[kind])]
                assert ours[kind] == kept and len(kept) == len(theirs.get(kind, [])), kind
    with pdfplumber.open(unusual[0]) as pdf:
        assert len(page_objects(pdf.pages[0])["image"]) == 2  # the inline one too
