"""Print production read back: booklet imposition, duplex blank pages, print shop boxes and
crop marks, paper sizes, and QR codes that decode to their links."""

from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from conftest import invoke, write_files
from pdfs import bookmarks, link_targets, page_text

MM = 72 / 25.4
A4 = (595.276, 841.89)
A5 = (419.528, 595.276)
LETTER = (612.0, 792.0)
WORDS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]
TWO_PAGES = ("Golf", "Hotel")

CONFIG = """\
[org]
name = "Example Trust"

[languages]
default = "en"
available = ["en"]

[audiences.public]
name = "the public"

[packs.eight]
title = "Eight Pager"
audience = "public"
documents = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
paper = "A5"
booklet = true

[packs.ten]
title = "Ten Pager"
audience = "public"
documents = ["alpha", "bravo", "charlie", "delta", "golf", "hotel"]
paper = "A5"
booklet = true

[packs.duplex]
title = "Duplex Pack"
audience = "public"
documents = ["alpha", "golf", "bravo"]
duplex = true
print_ready = true
booklet = true

[packs.links]
title = "Links Pack"
audience = "public"
documents = ["linked"]
paper = "Letter"
"""

LINKED = """\
---
title: Linked
summary: A document with links in it.
kind: handout
---
## Where to look

Start with [the Task Force](https://sptf.info) and its
[tools page](https://cerise-sptf.org/tools?lang=en&view=all). Read the
[Task Force](https://sptf.info) page again; mail [us](mailto:info@example.org), or
see https://www.example.org/a/long/path/to/the-resource-guide.
"""


LINKS = {  # each link, and the number printed beside its code and after the link
    "https://sptf.info": "1",
    "https://cerise-sptf.org/tools?lang=en&view=all": "2",
    "https://www.example.org/a/long/path/to/the-resource-guide": "3",
}


def one_page(word: str) -> str:
    return (f"---\ntitle: {word} document\nsummary: Page {word}.\nkind: handout\n---\n"
            f"## {word}\n\nThis is the {word} page.\n")


def two_pages(word: str) -> str:
    return (f"---\ntitle: {word} document\nsummary: Two pages.\nkind: handout\n---\n"
            f"## First\n\nThe first page.\n\n<div style=\"break-before: page\"></div>\n\n"
            f"## Second\n\nThe second page.\n")


@pytest.fixture(scope="module")
def printshop(tmp_path_factory):
    """One throwaway project with a pack for each print option, built once."""
    files = {"handoutpack.toml": CONFIG, "content/handouts/linked.en.md": LINKED}
    files.update({f"content/handouts/{w.lower()}.en.md": (two_pages if w in TWO_PAGES else one_page)(w)
                  for w in WORDS})
    root = write_files(tmp_path_factory.mktemp("printshop"), files)
    outcome = invoke(root, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    return root


def size(page) -> tuple[float, float]:
    box = page.trimbox
    return float(box.width), float(box.height)


def close(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = 0.05) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- booklets


def page_names(path) -> list[str | None]:
    """What each page of a pack is: 'cover', 'contents', a document's word, or None if blank."""
    names = []
    for number in range(1, len(PdfReader(str(path)).pages) + 1):
        names.append(page_name(page_text(path, number)))
    return names


def page_name(text: str) -> str | None:
    """'Golf' for the Golf document's first page, 'Golf/2' for its second."""
    if not text.strip():
        return None
    if "Contents" in text:
        return "contents"
    if "Prepared for" in text:
        return "cover"
    if text.split() == ["EXAMPLE", "TRUST"]:
        return "back"  # a booklet's outside back cover: the organisation
    found = [w for w in WORDS if f"{w} document" in text]
    assert len(found) == 1, text
    return found[0] + ("" if "HANDOUT" in text else "/2")  # the kind label opens a document


def sheet_halves(path) -> list[tuple[str | None, str | None]]:
    """What is printed on the left and right half of each side of each sheet."""
    pdf = pdfium.PdfDocument(str(path))
    halves = []
    for page in pdf:
        width, height = page.get_size()
        text = page.get_textpage()
        halves.append(tuple(page_name(" ".join(text.get_text_bounded(
            left=left, bottom=0, right=left + width / 2, top=height).split()))
            for left in (0, width / 2)))
    return halves


@pytest.mark.parametrize("pack, order", [
    ("eight", [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),  # 8 pages and the back
    ("ten", [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
    ("duplex", [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
])
def test_booklet_pages_are_in_signature_order(printshop, pack, order):
    normal = printshop / "build/en" / f"{pack}.pdf"
    booklet = printshop / "build/en" / f"{pack}-booklet.pdf"
    names = page_names(normal)
    assert len(names) == {"eight": 8, "ten": 10, "duplex": 10}[pack], names
    assert (None in names) == (pack == "duplex"), "only duplex packs have blank pages"
    # blank pages at the back, before the outside back cover: the organisation's
    padded = names + [None] * (-(len(names) + 1) % 4) + ["back"]
    expected = [(padded[left - 1], padded[right - 1]) for left, right in order]
    assert sheet_halves(booklet) == expected
    for side in PdfReader(str(booklet)).pages:
        assert close(size(side), (A4[1], A4[0])), "A5 pages two-up on landscape A4"


def test_booklet_is_in_the_manifest(printshop):
    manifest = json.loads((printshop / "build/manifest.json").read_text())["outputs"]
    entry = next(o for o in manifest if o["path"] == "en/eight-booklet.pdf")
    assert entry["kind"] == "booklet" and entry["pages"] == 6 and entry["pack"] == "eight"  # sides
    assert not (printshop / "build/en/links-booklet.pdf").exists(), "only packs that ask"


@pytest.mark.slow
def test_letter_booklet_is_half_letter_on_letter(make_project):
    project = make_project({"content/handouts/hello.en.md": one_page("Alpha")})
    outcome = invoke(project, "build", "--lang", "en", "--paper", "letter", "--booklet")
    assert outcome.exit_code == 0, outcome.output
    assert "1 pack and 1 booklet in" in outcome.stdout
    pack = PdfReader(str(project / "build/en/starter.pdf"))
    assert close(size(pack.pages[0]), LETTER)
    sheets = PdfReader(str(project / "build/en/starter-booklet.pdf")).pages
    assert len(sheets) == 2 and close(size(sheets[0]), (LETTER[1], LETTER[0]))
    assert sheet_halves(project / "build/en/starter-booklet.pdf") == [
        ("back", "cover"), ("contents", "Alpha")]  # the outside back cover: the organisation


# ---------------------------------------------------------------- duplex


def test_duplex_starts_every_document_on_a_right_hand_page(printshop):
    path = printshop / "build/en/duplex.pdf"
    names = page_names(path)
    assert names == ["cover", None, "contents", None, "Alpha", None, "Golf", "Golf/2", "Bravo",
                     None]
    marks = bookmarks(path)
    starts = [m.page for m in marks]
    assert starts == [3, 5, 7, 9] and all(page % 2 for page in starts)
    printed = [int(n) for n in re.findall(r"(?:\. )+\.? ?(\d+)", page_text(path, 3))]
    assert printed == [5, 7, 9], "the contents print the true page numbers"
    # print-ready, the pack is PDF/X-4, for paper: no links (PDF/X allows no printable annotation
    # inside the trim); packs for screens keep them (test_accessible checks them)
    assert link_targets(path, 3) == []


def test_inserted_pages_are_truly_blank(printshop):
    pages = PdfReader(str(printshop / "build/en/duplex.pdf")).pages
    for number in (2, 4, 6, 10):
        page = pages[number - 1]
        assert page.get_contents() is None, f"page {number} draws nothing: no header or footer"
        assert not page.get("/Annots")
        assert page.trimbox == pages[0].trimbox and page.bleedbox == pages[0].bleedbox


def test_duplex_puts_page_numbers_on_the_outer_edge(printshop):
    path = printshop / "build/en/duplex.pdf"
    pdf = pdfium.PdfDocument(str(path))
    # the pack's numbers; the blank back of its last sheet is not counted
    for number, label in ((7, "Page 7 of 9"), (8, "Page 8 of 9")):
        page = pdf[number - 1]
        text = page.get_textpage()
        found = text.search(label).get_next()
        assert found, label
        left, bottom, right, top = text.get_charbox(found[0])
        on_left = left < page.get_size()[0] / 2
        assert on_left == (number % 2 == 0), f"page {number}: {label} on the outer edge"
        assert top < page.get_size()[1] / 8 and right > left, f"page {number}: upright, at the foot"


# ---------------------------------------------------------------- print-ready


def test_print_ready_pages_have_trim_and_bleed_boxes_3mm_apart(printshop):
    for page in PdfReader(str(printshop / "build/en/duplex.pdf")).pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert close(size(page), A4)
        for inner, outer in ((trim.left, bleed.left), (trim.bottom, bleed.bottom)):
            assert abs(float(inner) - float(outer) - 3 * MM) < 0.001  # 8.504 pt
        for inner, outer in ((trim.right, bleed.right), (trim.top, bleed.top)):
            assert abs(float(outer) - float(inner) - 3 * MM) < 0.001
        assert media.left < bleed.left and media.top > bleed.top, "room for crop marks"


def render(path, number: int, dpi: int = 100):
    """A page as an image, the whole MediaBox, and the scale from PDF points to pixels."""
    page = pdfium.PdfDocument(str(path))[number - 1]
    return page.render(scale=dpi / 72).to_pil().convert("RGB"), dpi / 72


def test_cover_band_bleeds_and_crop_marks_are_outside_the_bleed(printshop):
    path = printshop / "build/en/duplex.pdf"
    page = PdfReader(str(path)).pages[0]
    media, trim = page.mediabox, page.trimbox
    image, scale = render(path, 1)

    def pixel(x: float, y: float):  # PDF coordinates to the image's
        return image.getpixel((round((x - float(media.left)) * scale),
                               round((float(media.top) - y) * scale)))

    middle = float(trim.left + trim.right) / 2
    primary = (0x0B, 0x4F, 0x6C)
    assert close(pixel(middle, float(trim.bottom) - 1.5 * MM), primary, 12), "band runs into the bleed"
    assert close(pixel(float(trim.left) - 1.5 * MM, float(trim.bottom) + 20 * MM), primary, 12)
    assert pixel(middle, float(trim.bottom) - 6 * MM) == (255, 255, 255), "nothing past the bleed"
    # a crop mark: a short dark line on the trim line's extension, clear of the bleed
    column = [pixel(float(trim.left) + dx, float(trim.bottom) - 9 * MM)
              for dx in (-0.8, -0.4, 0, 0.4, 0.8)]
    # (in black ink alone, as print-ready files are CMYK: a screen shows it dark grey)
    assert min(sum(c) for c in column) < 300, "a vertical crop mark below the trim's corner"
    assert pixel(float(trim.left) - 5 * MM, float(trim.bottom) - 9 * MM) == (255, 255, 255)


@pytest.mark.slow
def test_print_ready_documents_on_their_own(make_project):
    project = make_project()
    outcome = invoke(project, "build", "-q", "--lang", "en", "--print-ready", "--paper", "A5")
    assert outcome.exit_code == 0, outcome.output
    for name in ("documents/hello.pdf", "starter.pdf"):
        for page in PdfReader(str(project / "build/en" / name)).pages:
            assert close(size(page), A5)
            assert abs(float(page.trimbox.left - page.bleedbox.left) - 3 * MM) < 0.001


def test_not_print_ready_by_default(printshop):
    page = PdfReader(str(printshop / "build/en/eight.pdf")).pages[0]
    assert page.mediabox == page.trimbox == page.bleedbox


# ---------------------------------------------------------------- paper


def test_paper_per_pack_and_by_option(printshop, make_project):
    assert close(size(PdfReader(str(printshop / "build/en/eight.pdf")).pages[2]), A5)
    assert close(size(PdfReader(str(printshop / "build/en/links.pdf")).pages[0]), LETTER)
    assert close(size(PdfReader(str(printshop / "build/en/documents/alpha.pdf")).pages[0]), A4)
    project = make_project()
    outcome = invoke(project, "build", "-q", "--lang", "en", "--paper", "A5")
    assert outcome.exit_code == 0, outcome.output
    for name in ("documents/hello.pdf", "starter.pdf"):
        assert all(close(size(p), A5) for p in PdfReader(str(project / "build/en" / name)).pages)


# ---------------------------------------------------------------- QR codes


def decoded_codes(path, number: int, dpi: int = 200):
    """Each QR code on a page: its text, and the text printed just to its left (its number)."""
    page = pdfium.PdfDocument(str(path))[number - 1]
    image = page.render(scale=dpi / 72).to_pil()
    height = page.get_size()[1]
    text = page.get_textpage()
    found = []
    for code in zxingcpp.read_barcodes(image):
        corners = [code.position.top_left, code.position.top_right,
                   code.position.bottom_right, code.position.bottom_left]
        left = min(p.x for p in corners) * 72 / dpi
        top = height - min(p.y for p in corners) * 72 / dpi
        bottom = height - max(p.y for p in corners) * 72 / dpi
        beside = text.get_text_bounded(left=left - 6 * MM, bottom=bottom, right=left, top=top)
        # pdfium reports a hyphen that ends a line as U+0002, as if it were a soft hyphen
        found.append((code.text, "".join(beside.replace("\x02", "-").split())))
    return found


def test_each_qr_code_decodes_to_its_link_and_sits_beside_it_in_the_margin(printshop):
    path = printshop / "build/en/links.pdf"
    last = len(PdfReader(str(path)).pages)
    body = page_text(path, 3)
    assert "the Task Force 1" in body and "tools page 2" in body, "numbers follow the links"
    assert "Task Force 1 page again" in body, "a link given twice keeps its number"
    # the address may wrap at its hyphen in the text column (70 characters on A4)
    unwrapped = body.replace("the- resource", "the-resource")
    assert "example.org/a/long/path/to/the-resource-guide 3" in unwrapped
    codes = []
    for number in range(3, last + 1):
        codes += decoded_codes(path, number)
    assert sorted(c for c, _ in codes) == sorted(LINKS), "one code per link; none for mail"
    for code, beside in codes:
        assert beside == LINKS[code]
    assert last == 3, "the codes are in the margin beside their links: no page of codes"


def test_documents_on_their_own_are_for_screens_and_have_no_codes(printshop):
    alone = printshop / "build/en/documents/linked.pdf"
    assert decoded_codes(alone, 1) == []
    assert "the Task Force 1" not in page_text(alone, 1)


def test_no_qr(make_project):
    project = make_project({"content/handouts/hello.en.md": LINKED})
    outcome = invoke(project, "build", "-q", "--lang", "en", "--no-qr")
    assert outcome.exit_code == 0, outcome.output
    for path, page in ((project / "build/en/starter.pdf", 3),
                       (project / "build/en/documents/hello.pdf", 1)):
        assert len(PdfReader(str(path)).pages) == page
        assert not decoded_codes(path, page)
        assert "the Task Force 1" not in page_text(path, page)


# ---------------------------------------------------------------- config


def test_list_shows_how_each_pack_is_printed(printshop):
    listed = invoke(printshop, "list").stdout
    assert "pack eight: Eight Pager — 6 documents, for public; A5, booklet" in listed
    assert "pack duplex: Duplex Pack — 3 documents, for public; A4, duplex, print-ready" in listed
    assert "no QR codes" not in listed


def test_print_options_are_validated(make_project):
    from conftest import MINIMAL_CONFIG

    config = MINIMAL_CONFIG + '\n[print]\nduplex = "yes"\nbleed = true\n'
    config = config.replace('documents = ["hello"]', 'documents = ["hello"]\nbooklet = 1\npaper = "B5"')
    outcome = invoke(make_project({"handoutpack.toml": config}), "build", "-q")
    assert outcome.exit_code == 2
    for message in ("print.duplex: 'yes' is not true or false", "print.bleed: unknown key",
                    "packs.starter.booklet: 1 is not true or false",
                    "packs.starter.paper: 'B5' is not one of A4, Letter, A5"):
        assert message in outcome.stderr, outcome.stderr
    outcome = invoke(make_project(), "build", "--paper", "A3")
    assert outcome.exit_code == 2 and "A3" in outcome.stderr and "Traceback" not in outcome.output
