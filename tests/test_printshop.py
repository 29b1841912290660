"""Files a print shop accepts, read back from the files: PDF/X keys, the output intent's CMYK
profile, no RGB anywhere, ink on the brand's pages (Ghostscript), trim and bleed boxes, embedded
fonts, qpdf's check, and what PDF/X-1a forbids."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pikepdf
import pytest
from PIL import Image

from conftest import invoke, write_files

MM = 72 / 25.4
CONFIG = """\
[org]
name = "Example Trust"

[brand]
primary = "#0B4F6C"
accent = "#E09F3E"

[brand.cmyk]
primary = [100, 45, 20, 35]

[languages]
default = "en"
available = ["en"]

[audiences.public]
name = "the public"

[packs.conference]
title = "Conference Pack"
audience = "public"
documents = ["photo", "plain"]
copies = 250
"""

PHOTO = """\
---
title: A photo
summary: A document with a picture in it.
kind: handout
---
## The picture

Some text before the picture.

![A red and blue test card](card.png)

![A faded badge](badge.png)
"""

PLAIN = """\
---
title: Plain words
summary: Only text, in the brand's colours.
kind: handout
---
## Plain words

A paragraph of ordinary text, set in the body font.
"""


def card_png() -> bytes:
    """400 x 200 pixels: 96 ppi when printed at its natural CSS size (4.17 x 2.08 in)."""
    image = Image.new("RGB", (400, 200), (200, 30, 40))
    image.paste((20, 60, 200), (200, 0, 400, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def badge_png() -> bytes:
    """An RGBA image, half transparent: PDF/X-1a must flatten it."""
    image = Image.new("RGBA", (60, 60), (11, 79, 108, 128))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def project(tmp_path_factory, name: str):
    return write_files(tmp_path_factory.mktemp(name), {
        "handoutpack.toml": CONFIG, "content/handouts/photo.en.md": PHOTO,
        "content/handouts/plain.en.md": PLAIN, "content/handouts/card.png": card_png(),
        "content/handouts/badge.png": badge_png()})


@pytest.fixture(scope="module")
def x4(tmp_path_factory):
    """The project built print-ready: PDF/X-4 by default."""
    root = project(tmp_path_factory, "x4")
    outcome = invoke(root, "build", "--print-ready")
    assert outcome.exit_code == 0, outcome.output
    return root, outcome


@pytest.fixture(scope="module")
def x1a(tmp_path_factory):
    root = project(tmp_path_factory, "x1a")
    outcome = invoke(root, "build", "-q", "--pdf-variant", "pdf/x-1a")
    assert outcome.exit_code == 0, outcome.output
    return root


def files(root):
    return [root / "build/en/conference.pdf", root / "build/en/documents/photo.pdf",
            root / "build/en/documents/plain.pdf"]


# ---------------------------------------------------------------- reading PDFs


def colour_spaces(document: pikepdf.Pdf):
    """Every colour space named anywhere: resources, images, groups, shadings."""
    for obj in document.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key in ("/ColorSpace", "/CS"):
                value = obj.get(key)
                if isinstance(value, pikepdf.Dictionary):  # a resources table
                    yield from value.values()
                elif value is not None:
                    yield value


def is_rgb(space) -> bool:
    if isinstance(space, pikepdf.Name):
        return str(space) in ("/DeviceRGB", "/CalRGB")
    if isinstance(space, pikepdf.Array) and len(space) and space[0] == "/ICCBased":
        return int(space[1].get("/N", 0)) == 3
    return isinstance(space, pikepdf.Array) and len(space) and str(space[0]) in ("/CalRGB",)


def content_streams(document: pikepdf.Pdf):
    for page in document.pages:
        yield page.obj
    for obj in document.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
            yield obj


def operators(stream) -> set[str]:
    return {str(i.operator) for i in pikepdf.parse_content_stream(stream)
            if not isinstance(i, pikepdf.ContentStreamInlineImage)}


def inkcov(path, page: int) -> list[float]:
    """Ghostscript's inkcov device: the share of the page each ink covers, C M Y K."""
    out = subprocess.run(["gs", "-q", "-o", "-", "-sDEVICE=inkcov", f"-dFirstPage={page}",
                          f"-dLastPage={page}", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [float(v) for v in out.split()[:4]]


# ---------------------------------------------------------------- PDF/X-4


def test_pdf_x4_declares_itself_and_its_cmyk_output_intent(x4):
    root, _ = x4
    for path in files(root):
        with pikepdf.open(path) as document:
            assert document.pdf_version >= "1.6"
            xmp = document.Root.Metadata.read_bytes().decode()
            assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp, path
            assert document.docinfo["/Trapped"] == pikepdf.Name("/False")
            (intent,) = document.Root.OutputIntents
            assert intent.S == "/GTS_PDFX"
            profile = intent.DestOutputProfile.read_bytes()
            assert profile[16:20] == b"CMYK" and profile[12:16] == b"prtr", path
            assert str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile"
            # the date comes from the content, never from the clock
            assert document.docinfo["/ModDate"] == document.docinfo["/CreationDate"]


def test_no_rgb_on_any_page_or_image_of_a_pdf_x4_pack(x4):
    root, _ = x4
    for path in files(root):
        with pikepdf.open(path) as document:
            assert not [s for s in colour_spaces(document) if is_rgb(s)], path
            for stream in content_streams(document):
                assert not operators(stream) & {"rg", "RG"}, path
            images = [o for o in document.objects if isinstance(o, pikepdf.Stream)
                      and o.get("/Subtype") == "/Image" and not o.get("/ImageMask")]
            masks = {i.SMask.objgen for i in images if "/SMask" in i}
            kinds = {str(i.ColorSpace) for i in images if i.objgen not in masks}
            if path.stem != "plain":
                assert kinds == {"/DeviceCMYK"}, (path, kinds)  # the photos, made CMYK


def test_brand_colours_print_as_configured_or_converted_and_reported(x4):
    root, outcome = x4
    pack = root / "build/en/conference.pdf"
    with pikepdf.open(pack) as document:
        cover = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(
            document.pages[0])).decode("latin-1")
    assert "1 0.45 0.2 0.35 k" in cover  # [brand.cmyk] primary, exactly
    assert "note: brand.primary #0B4F6C prints as C 100% M 45% Y 20% K 35% (as brand.cmyk " \
           "gives it)" in outcome.stderr
    assert re.search(r"note: brand.accent #E09F3E prints as C \d+% M \d+% Y \d+% K \d+% "
                     r"\(converted through Artifex CMYK SWOP Profile", outcome.stderr)
    cyan, magenta, yellow, black = inkcov(pack, 1)  # the cover's band in the brand's colours
    assert cyan > 0.3 and magenta > 0.3 and yellow > 0.3 and black > 0.3


@pytest.mark.skipif(not shutil.which("gs"), reason="Debian's ghostscript is not installed")
def test_ghostscript_sees_cmyk_ink_on_the_photo_page(x4):
    root, _ = x4
    cyan, magenta, yellow, black = inkcov(root / "build/en/documents/photo.pdf", 1)
    assert cyan > 0.02 and magenta > 0.02 and yellow > 0.02


def test_every_page_has_a_trimbox_and_a_bleedbox_3mm_outside(x4):
    root, _ = x4
    for path in files(root):
        with pikepdf.open(path) as document:
            for page in document.pages:
                trim, bleed = page.trimbox, page.bleedbox
                gaps = [float(trim[0] - bleed[0]), float(trim[1] - bleed[1]),
                        float(bleed[2] - trim[2]), float(bleed[3] - trim[3])]
                assert all(abs(gap - 3 * MM) < 0.01 for gap in gaps), (path, gaps)


def test_every_font_is_embedded(x4):
    root, _ = x4
    for path in files(root):
        with pikepdf.open(path) as document:
            fonts = [o for o in document.objects if isinstance(o, pikepdf.Dictionary)
                     and o.get("/Type") == "/FontDescriptor"]
            assert fonts
            for font in fonts:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(font.keys()), font.FontName


def test_qpdf_finds_no_fault(x4):
    root, _ = x4
    for path in files(root):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- PDF/X-1a


def test_pdf_x1a_has_no_transparency_links_or_annotations(x1a):
    for path in files(x1a):
        with pikepdf.open(path) as document:
            assert path.read_bytes().startswith(b"%PDF-1.4")
            assert str(document.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
            assert "/OutputIntents" in document.Root
            for page in document.pages:
                assert "/Annots" not in page.obj and "/Group" not in page.obj
            for obj in document.objects:
                if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                    continue
                assert "/SMask" not in obj or obj.SMask == "/None", path
                assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1
                assert obj.get("/S") != "/Transparency"
                assert obj.get("/Type") != "/OBJR"
            assert not [s for s in colour_spaces(document) if is_rgb(s)], path
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- preflight and job ticket


def test_a_96_ppi_image_is_flagged_with_its_file_and_line(x4):
    _, outcome = x4
    assert ("warning: content/handouts/photo.en.md:10: content/handouts/card.png is 96 ppi at "
            "its printed size (106 × 53 mm, page 1); print need 300: use an image at least "
            "1250 px wide, or print it smaller") in outcome.stderr
    assert "badge.png" not in outcome.stderr or "badge.png is" in outcome.stderr


def test_the_job_ticket_is_written_beside_the_pack_and_in_the_manifest(x4):
    root, _ = x4
    ticket = (root / "build/en/conference-print.txt").read_text(encoding="utf-8")
    assert ticket.startswith("Print job: Conference Pack (en)\n")
    for row in ("File:            conference.pdf", "Trim size:       210 × 297 mm (A4)",
                "Copies:          250", "PDF:             PDF/X-4",
                "Colour:          CMYK for Artifex CMYK SWOP Profile",
                "Bleed:           3 mm on every side"):
        assert row in ticket, row
    manifest = json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))
    (pack,) = [o for o in manifest["outputs"] if o["path"] == "en/conference.pdf"]
    with pikepdf.open(root / "build/en/conference.pdf") as document:
        pages = len(document.pages)
    assert pack["print"]["copies"] == 250 and pack["print"]["pages"] == pages
    assert pack["print"]["sheets"] == pages and pack["print"]["variant"] == "PDF/X-4"
    assert f"Pages:           {pages}\n" in ticket


# ---------------------------------------------------------------- booklets


def numbered_pages(count: int) -> bytes:
    """`count` A5 pages, page n saying 'Pn' 20 mm from its left edge."""
    import weasyprint

    pages = "".join(f'<p style="break-after: page; margin: 0">P{n}</p>' for n in range(1, count + 1))
    return weasyprint.HTML(string=f"<style>@page {{ size: A5; margin: 20mm }}</style>{pages}"
                           ).write_pdf()


def halves(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Each sheet side's words ('P7') with their left edge in mm, left to right."""
    import pypdfium2 as pdfium

    sides = []
    document = pdfium.PdfDocument(pdf)
    for page in document:
        text = page.get_textpage()
        words, current, start = [], "", 0.0
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if char == "P":
                if current:
                    words.append((current, start))
                current, start = char, text.get_charbox(index)[0] / MM
            elif char.isdigit():
                current += char
        if current:
            words.append((current, start))
        sides.append(sorted(words, key=lambda word: word[1]))
    document.close()
    return sides


def test_a_28_page_booklet_has_its_pages_in_sheet_order_with_creep(tmp_path):
    from handoutpack.pdf import imposition

    pdf, sides = imposition.booklet(numbered_pages(28), "A4", thickness_mm=0.1)
    assert sides == 14  # 7 sheets, both sides
    expected = [(28, 1), (2, 27), (26, 3), (4, 25), (24, 5), (6, 23), (22, 7), (8, 21),
                (20, 9), (10, 19), (18, 11), (12, 17), (16, 13), (14, 15)]
    read = halves(pdf)
    assert [tuple(int(word[1:]) for word, _ in side) for side in read] == expected
    (_, left_edge), (_, right_edge) = read[0]  # the outermost sheet does not move
    assert right_edge - left_edge == pytest.approx(297 / 2, abs=0.05)
    for side, ((_, left_x), (_, right_x)) in enumerate(read):
        creep = (side // 2) * 0.1  # each sheet further in: 0.1 mm more towards the spine
        assert left_x - left_edge == pytest.approx(creep, abs=0.01), side
        assert right_edge - right_x == pytest.approx(creep, abs=0.01), side


def test_print_ready_booklet_pages_bleed_to_the_sheet_edge_and_meet_at_the_fold_despite_creep():
    import pypdfium2 as pdfium
    import weasyprint

    from handoutpack.pdf import imposition

    colours = {"odd": (200, 0, 0), "even": (0, 0, 200)}  # each sheet side shows one of each
    pages = "".join(f'<section class="{"odd" if n % 2 else "even"}"></section>'
                    for n in range(1, 29))
    html = ("<style>@page { size: A5; bleed: 12mm; marks: crop; margin: 20mm }"  # as a pack
            "@page odd { background: rgb(200, 0, 0) } @page even { background: rgb(0, 0, 200) }"
            ".odd { page: odd; break-after: page } .even { page: even; break-after: page }"
            f"</style>{pages}")
    pdf, _ = imposition.booklet(weasyprint.HTML(string=html).write_pdf(), "A4",
                                thickness_mm=0.2, marks=True)
    document = pdfium.PdfDocument(pdf)
    for side, (left, right) in enumerate(imposition.booklet_order(28)):
        image = document[side].render(scale=2).to_pil().convert("RGB")
        dot = 2 * MM  # pixels per mm at scale 2 (144 pixels an inch)
        spine, middle = image.width / 2, image.height / 2

        def at(mm_from_left: float) -> tuple[int, int, int]:
            return image.getpixel((int(spine + mm_from_left * dot), int(middle)))

        shown = [colours["odd" if n % 2 == 0 else "even"] for n in (left, right)]  # 0-based
        creep = (side // 2) * 0.2  # up to 1.2 mm: inner pages cross the fold unless clipped
        assert at(-0.5) == shown[0] and at(0.5) == shown[1], (side, "each page up to the fold")
        assert at(-148.5 - 3 + creep + 0.5) == shown[0], (side, "the bleed, less the creep")
        assert at(148.5 + 3 - creep - 0.5) == shown[1], side
        assert at(-148.5 - 4) == at(148.5 + 4) == (255, 255, 255), (side, "nothing past it")
    document.close()


def test_a_booklet_of_24_pages_or_fewer_has_no_creep():
    from handoutpack.pdf import imposition

    assert imposition.creep_offsets(24, 0.1) == [0.0] * 6
    assert imposition.creep_offsets(26, 0.2) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]


def test_check_print_reports_the_preflight_as_its_print_topic(x4):
    root, _ = x4
    outcome = invoke(root, "check", "--print", "--format", "json")
    assert outcome.exit_code == 1, outcome.output
    findings = [f for f in json.loads(outcome.stdout)["findings"] if f["topic"] == "print"]
    images = [f for f in findings if "card.png" in f["message"]]
    for image in images:
        assert image["file"] == "content/handouts/photo.en.md" and image["line"] == 10
        assert image["severity"] == "warning" and "96 ppi" in image["message"]
    # the pack is printed (300 ppi); the document on its own is for screens (150 ppi)
    assert sorted("print need 300" in i["message"] for i in images) == [False, True]
    assert any("screens need 150" in i["message"] for i in images)
    assert not (root / "build/en/conference-booklet.pdf").exists()


def test_text_closer_than_5mm_to_the_trim_is_found():
    import weasyprint

    from handoutpack.pdf import preflight

    near = weasyprint.HTML(string="<style>@page { size: A5; margin: 2mm; bleed: 3mm }"
                                  "body { margin: 0 }</style><p>Cut off</p>").write_pdf()
    safe = weasyprint.HTML(string="<style>@page { size: A5; margin: 20mm; bleed: 3mm }"
                                  "</style><p>Well inside</p>").write_pdf()
    ((page, text),) = preflight.text_near_trim(near)  # the letters within 5 mm of the edge
    assert page == 1 and text and "Cut off".startswith(text)
    assert preflight.text_near_trim(safe) == []
    # a page of text well inside, and a page number run into the foot's 5 mm
    footed = weasyprint.HTML(string="<style>@page { size: A5; margin: 20mm; bleed: 3mm;"
                                    " @bottom-right { content: '7'; margin-bottom: -17mm } }"
                                    "</style>" + "<p>Well inside the page.</p>" * 10).write_pdf()
    assert preflight.text_near_trim(footed) == [(1, "7")]


BOOKLET_CONFIG = CONFIG + """
[packs.handbook]
title = "Handbook"
audience = "public"
documents = ["plain", "photo"]
paper = "A5"
booklet = true
print_ready = true
cover_file = true
duplex = true
"""


@pytest.fixture(scope="module")
def handbook(tmp_path_factory):
    root = write_files(project(tmp_path_factory, "handbook"), {"handoutpack.toml": BOOKLET_CONFIG})
    outcome = invoke(root, "build", "handbook")
    assert outcome.exit_code == 0, outcome.output
    return root, outcome


def test_a_print_ready_booklet_has_marks_and_boxes_on_its_sheets(handbook):
    root, _ = handbook
    with pikepdf.open(root / "build/en/handbook-booklet.pdf") as document:
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4" in document.Root.Metadata.read_bytes().decode()
        assert "/OutputIntents" in document.Root
        for page in document.pages:
            trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
            assert float(trim[2] - trim[0]) == pytest.approx(297 * MM, abs=0.01)  # A4, landscape
            assert float(trim[3] - trim[1]) == pytest.approx(210 * MM, abs=0.01)
            assert float(trim[0] - bleed[0]) == pytest.approx(3 * MM, abs=0.01)
            assert float(trim[0] - media[0]) == pytest.approx(12 * MM, abs=0.01)  # room for marks
            drawing = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page.obj))
            assert b"1 1 1 1 K" in drawing  # crop and fold marks, in every ink


def test_the_booklet_cover_is_its_own_file_and_the_ticket_says_so(handbook):
    root, outcome = handbook
    with pikepdf.open(root / "build/en/handbook-cover.pdf") as cover, \
            pikepdf.open(root / "build/en/handbook-booklet.pdf") as body:
        assert len(cover.pages) == 2 and "/OutputIntents" in cover.Root
        manifest = json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))
        (entry,) = [o for o in manifest["outputs"] if o["path"] == "en/handbook-booklet.pdf"]
        assert entry["pages"] == len(body.pages) == entry["print"]["sheets"] * 2 - 2
    ticket = (root / "build/en/handbook-print.txt").read_text(encoding="utf-8")
    assert "File:            handbook-booklet.pdf" in ticket
    assert "Trim size:       148 × 210 mm (A5)" in ticket
    assert "Binding:         saddle stitch" in ticket
    assert "Cover:           handbook-cover.pdf: the outer sheet" in ticket
    pages = entry["print"]["pages"]
    assert pages % 4 == 0


def test_the_preflight_finds_rgb_left_and_fonts_not_embedded():
    import weasyprint

    from handoutpack.pdf import preflight

    rgb = weasyprint.HTML(string="<p style='color: #c03'>Red words</p>").write_pdf()
    assert "page 1: text or shapes in RGB" in preflight.rgb_left(rgb)
    document = pikepdf.new()
    page = document.add_blank_page()
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/Arial"),
        FontDescriptor=pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor,
                                          FontName=pikepdf.Name("/Arial"), Flags=32))))
    page.obj.Contents = document.make_stream(b"0 0 0 1 k BT /F1 12 Tf 72 72 Td (Hi) Tj ET")
    out = io.BytesIO()
    document.save(out)
    assert preflight.fonts_not_embedded(out.getvalue()) == ["Arial"]
    assert preflight.rgb_left(out.getvalue()) == []


def test_bad_inks_or_an_rgb_profile_are_refused_with_their_key(tmp_path_factory):
    root = project(tmp_path_factory, "refused")
    (root / "handoutpack.toml").write_text(CONFIG.replace("[100, 45, 20, 35]", "[100, 45]"),
                                           encoding="utf-8")
    outcome = invoke(root, "build", "--print-ready")
    assert outcome.exit_code == 2
    assert "handoutpack.toml:9: brand.cmyk.primary: must be four percentages of ink" in outcome.stderr
    rgb = shutil.which("gs") and "/usr/share/color/icc/ghostscript/srgb.icc"
    if not rgb:
        pytest.skip("Debian's ghostscript is not installed")
    shutil.copy(rgb, root / "screen.icc")
    (root / "handoutpack.toml").write_text(CONFIG + '\n[print]\ncmyk_profile = "screen.icc"\n',
                                           encoding="utf-8")
    outcome = invoke(root, "build", "--print-ready")
    assert outcome.exit_code == 2
    assert "screen.icc: is a RGB" in outcome.stderr and "CMYK output" in outcome.stderr


def test_a_booklet_with_a_back_cover_puts_its_blank_pages_before_it():
    """A presenter's pack ends with the contact page: on a booklet it is the outside back
    cover, and the blank pages a multiple of four needs stand inside, before it."""
    from handoutpack.pdf import imposition

    pdf, sides = imposition.booklet(numbered_pages(9), "A4", back_cover=True)
    assert sides == 6  # 12 pages: 3 blank
    read = [tuple(int(word[1:]) for word, _ in side) for side in halves(pdf)]
    assert read[0] == (9, 1), "the contact page on the outside back cover"
    assert 9 not in [n for side in read[1:] for n in side] and read[1] == (2,)
    plain, _ = imposition.booklet(numbered_pages(9), "A4")
    assert [tuple(int(w[1:]) for w, _ in side) for side in halves(plain)][0] == (1,), \
        "without one, the back cover is blank"
