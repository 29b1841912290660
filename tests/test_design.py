"""Pages a designer would sign off, read back from the built PDFs: no near-empty pages, no
English in French and Spanish packs, type sizes for a room and for handouts, readable colours."""

from __future__ import annotations

import re
import statistics
import zipfile
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import MINIMAL_CONFIG, REPO, invoke
from handoutpack.markup import colours
from handoutpack.markup import labels
from handoutpack.project import loader
from handoutpack.project.config import Brand

MM = 72 / 25.4
TEXT_AREA_MM = (24, 20, 22, 20)
"""The page margins of documents and handout pages (top, right, bottom, left), in mm."""
INK_SHARE = 0.20
SLIDE_PT = (960, 540)
SLIDE_FOOTER = 92 / 720
"""The share of a slide's height its footer band takes (slides.css: @page slide margin-bottom)."""


@pytest.fixture(scope="module")
def project(sample):
    return loader.load(sample)


def sample_packs(sample) -> list[Path]:
    return sorted(p for p in (sample / "build").glob("*/*.pdf") if "-booklet" not in p.name)


# ---------------------------------------------------------------- no wasted pages


def inked_rows(page: pdfium.PdfPage, dpi: int = 40) -> tuple[float, bool]:
    """The share of the text area's rows of pixels with ink on them, and whether the page is
    blank altogether."""
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    width, height = image.size
    top, right, bottom, left = (round(v * MM * dpi / 72) for v in TEXT_AREA_MM)
    area = image.crop((left, top, width - right, height - bottom))
    pixels = area.load()
    # ink: any printed mark, down to the light grey of a slide frame or a ruled line
    rows = [any(pixels[x, y] < 245 for x in range(area.width)) for y in range(area.height)]
    blank = image.getextrema()[0] >= 250
    return sum(rows) / len(rows), blank


def test_no_pack_page_is_nearly_empty(sample):
    """Every page but the cover (and a deliberate blank) has ink on a fifth of its text area's
    rows at least: no page holds a QR code alone, or the last lines of a document."""
    thin = []
    for path in sample_packs(sample):
        document = pdfium.PdfDocument(str(path))
        for number in range(2, len(document) + 1):
            share, blank = inked_rows(document[number - 1])
            if not blank and share < INK_SHARE:
                thin.append(f"{path.parent.name}/{path.name} page {number}: {share:.0%}")
    assert not thin, "near-empty pages:\n" + "\n".join(thin)


@pytest.mark.slow
def test_measure_sees_a_near_empty_page(make_project):
    """The measure above passes a full page and fails one with a few lines on it."""
    project = make_project({"content/handouts/hello.en.md": hello(30),
                            "content/handouts/short.en.md": hello(2)})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    full = pdfium.PdfDocument(str(project / "build/en/documents/hello.pdf"))
    assert inked_rows(full[0])[0] > 0.4   # a full page: its lines and the space between them
    short = pdfium.PdfDocument(str(project / "build/en/documents/short.pdf"))
    assert inked_rows(short[0])[0] < INK_SHARE


def hello(paragraphs: int) -> str:
    words = "a line of words that runs on " * 12
    return ("---\ntitle: Hello\nsummary: A first document.\nkind: handout\n---\n"
            + "\n\n".join(f"Paragraph {n}: {words}" for n in range(paragraphs)))


# ---------------------------------------------------------------- every word in the pack's language

UPPERCASE = {"kind_presentation", "kind_handout", "kind_about", "handout_label", "slides_label",
             "notes_label", "slide_number", "notes", "part"}
"""Labels the styles print in capitals (text-transform), so they are looked for in capitals."""


def label_pattern(name: str, text: str) -> re.Pattern:
    """A label as printed: its placeholders ({number}...) stand for any word."""
    shown = text.upper() if name in UPPERCASE else text
    parts = re.split(r"\{\w+\}", shown)
    return re.compile(r"\S+".join(re.escape(p) for p in parts))


def page_labels() -> set[str]:
    """The labels the PDFs may print: labels.toml's, less those of the download page and the
    ZIP files, which come after that comment in its English table."""
    english = (REPO / "templates/labels.toml").read_text(encoding="utf-8").split("[fr]")[0]
    pages = english.split("# the download page")[0]
    return set(re.findall(r"(?m)^(\w+) = ", pages))


def fallback_sources(project, pack, lang) -> str:
    """The own text of the documents a pack gives in English: a label word found in it there
    may be the document's."""
    root = project.content_dir
    return "\n".join(path.read_text(encoding="utf-8") for slug in pack.documents
                     for path in root.glob(f"*/{slug}.en.md")
                     if not list(root.glob(f"*/{slug}.{lang}.md")))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_french_and_spanish_packs_print_no_english_label(sample, project, lang):
    english = labels.labels(project.theme, "en")
    own = labels.labels(project.theme, lang)
    checked = {name: label_pattern(name, text) for name, text in english.items()
               if name in page_labels() and own.get(name) != text
               and len(re.sub(r"\{\w+\}", "", text).strip()) > 2}
    assert {"handout_label", "slide_number", "kind_handout", "part"} <= set(checked)
    found = []
    for pack in project.packs.values():
        sources = fallback_sources(project, pack, lang)
        with pdfplumber.open(sample / "build" / lang / f"{pack.id}.pdf") as pdf:
            for number, page in enumerate(pdf.pages, 1):
                text = page.extract_text() or ""
                for name, pattern in checked.items():
                    for match in pattern.finditer(text):
                        if not re.search(rf"\b{re.escape(match[0])}\b", sources):
                            found.append(f"{pack.id} page {number}: {name} {match[0]!r}")
    assert not found, "\n".join(found)


def test_event_is_translated_and_only_on_packs_tied_to_one(sample):
    with pdfplumber.open(sample / "build/fr/conference.pdf") as pdf:
        cover = pdf.pages[0].extract_text()
    assert "Journée des ambassadeurs de la performance sociale" in cover
    assert "En ligne · 14 juin 2027" in cover
    with pdfplumber.open(sample / "build/es/conference.pdf") as pdf:  # the English deck's title slide
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "14 de junio de 2027" in text and "June 14, 2027" not in text
    with pdfplumber.open(sample / "build/fr/media.pdf") as pdf:
        cover = pdf.pages[0].extract_text()
    assert "ambassadeurs" not in cover and "En ligne" not in cover


# ---------------------------------------------------------------- type sizes


def slide_chars(page, footer: float = SLIDE_FOOTER) -> list[dict]:
    """The characters of a slide page above its footer band."""
    limit = page.height * (1 - footer)
    return [c for c in page.chars if c["text"].strip() and c["bottom"] <= limit]


def test_slide_type_is_for_a_room(sample):
    """On every 960 x 540 pt slide: body text 24 pt or more, nothing under 18 pt but the
    footer, and the text reaching past the middle of the slide on most content slides."""
    for path in sorted((sample / "build/en/slides").glob("*.pdf")):
        sizes, lowest = [], []
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                assert (round(page.width), round(page.height)) == SLIDE_PT
                chars = slide_chars(page)
                small = {round(c["size"], 1) for c in chars if c["size"] < 17.9}
                assert not small, f"{path.name} page {page.page_number}: text at {small} pt"
                sizes += [round(c["size"], 1) for c in chars]
                if chars and page.page_number > 1:
                    lowest.append(max(c["bottom"] for c in chars) / page.height)
        body = statistics.mode(sizes)
        assert body >= 24, f"{path.name}: body text at {body} pt"
        assert statistics.median(lowest) > 0.55, f"{path.name}: slides are filled to " \
                                                 f"{statistics.median(lowest):.0%} of their height"


def placed_slide_sizes(path: Path) -> tuple[list[float], list[int]]:
    """The size of each character of the slides placed on handout pages, as printed (the frames
    are the 16:9 boxes of the page; a slide's footer band is left out), and how many slides
    each page holds."""
    sizes, per_page = [], []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            boxes = [r for r in page.rects if r["height"] > 20
                     and abs(r["width"] / r["height"] - 16 / 9) < 0.05]
            frames = [r for r in boxes if not any(inside(r, other) for other in boxes
                                                  if other is not r)]
            per_page.append(len(frames))
            for frame in frames:
                limit = frame["bottom"] - frame["height"] * SLIDE_FOOTER
                sizes += [c["size"] for c in page.chars if c["text"].strip()
                          and frame["x0"] <= c["x0"] <= frame["x1"]
                          and frame["top"] <= c["top"] and c["bottom"] <= limit]
    return sizes, per_page


def inside(box: dict, other: dict) -> bool:
    """Whether `box` lies within `other` (a slide's own 16:9 band, within its frame)."""
    return (other["x0"] - 1 <= box["x0"] and box["x1"] <= other["x1"] + 1
            and other["top"] - 1 <= box["top"] and box["bottom"] <= other["bottom"] + 1
            and box["width"] * box["height"] < other["width"] * other["height"])


def assert_readable_handout(path: Path, slides_a_page: int) -> None:
    """Slide text at 6.5 pt or more (median), never under 4.5 pt; `slides_a_page` on a full page."""
    sizes, per_page = placed_slide_sizes(path)
    assert statistics.median(sizes) >= 6.5, f"{path}: median {statistics.median(sizes):.2f} pt"
    assert min(sizes) >= 4.5, f"{path}: smallest slide text {min(sizes):.2f} pt"
    assert max(per_page) == slides_a_page, f"{path}: {per_page} slides a page"


def test_a4_handouts_print_slide_text_readably(sample):
    for path in sorted((sample / "build/en/handouts").glob("*.pdf")):
        assert_readable_handout(path, 3)


DECK = REPO / "content/presentations/universal-standards.en.md"


@pytest.mark.slow
def test_a5_handouts_and_booklets_print_two_slides_a_page_readably(make_project):
    deck = re.sub(r"(?m)^audiences: .*\n", "", DECK.read_text(encoding="utf-8"))
    project = make_project({"content/presentations/deck.en.md": deck,
                            "handoutpack.toml": A5_CONFIG})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    assert_readable_handout(project / "build/en/handouts/deck.pdf", 2)
    assert_readable_handout(project / "build/en/starter.pdf", 2)
    # the booklet prints the A5 pages two to an A4 sheet, at their size
    assert_readable_handout(project / "build/en/starter-booklet.pdf", 4)


A5_CONFIG = (MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["deck"]\nbooklet = true')
             + '\n[brand]\npaper = "A5"\n')


# ---------------------------------------------------------------- colour


@pytest.mark.parametrize("brand", [Brand(), Brand(primary="#7fb3d5", accent="#f5d90a"),
                                   Brand(primary="#202020", accent="#ff6600")],
                         ids=["sample", "light", "dark"])
def test_every_text_colour_pair_is_readable(brand):
    assert colours.failures(brand) == []
    accent_on_white = colours.contrast(brand.accent, "#ffffff")
    if accent_on_white < colours.NORMAL_TEXT:  # the brand's accent is kept for rules and bars
        assert colours.palette(brand)["accent-text"] != brand.accent.lower()


def test_sample_accent_alone_would_fail():
    """What the check catches: the sample's ochre on white is 2.3:1."""
    assert round(colours.contrast("#E09F3E", "#ffffff"), 1) == 2.3


def test_styles_colour_text_only_from_the_palette():
    """Every `color:` in the styles names a palette colour whose pairs are checked above."""
    names = {pair.text for pair in colours.TEXT_PAIRS} | {"accent"}
    for sheet in (REPO / "styles").glob("*.css"):
        for line in sheet.read_text(encoding="utf-8").splitlines():
            for value in re.findall(r"(?<![-\w])color:\s*([^;}]+)", line):
                used = re.findall(r"var\(--([\w-]+)\)", value)
                assert used or value.strip() in ("inherit", "currentColor"), f"{sheet.name}: {line}"
                assert all(n in names for n in used), f"{sheet.name}: {line}"
                if "accent)" in value:
                    assert "::marker" in line, f"{sheet.name}: the raw accent is not a text colour"


# ---------------------------------------------------------------- names are never hyphenated

NAMES = ["CERISE", "Cerise+SPTF", "MicroFinanza", "MicroRate", "Argidius", "Bethesda"]


@pytest.mark.slow
def test_names_and_acronyms_are_never_hyphenated(make_project):
    filler = "responsabilidades institucionales extraordinariamente "
    body = " ".join(f"{filler}{name}" for name in NAMES * 12)
    body += "\n\n" + " ".join(["Hablamos de *Social Performance Management*{: lang=en } con "
                               "organizaciones internacionales."] * 20)
    config = (MINIMAL_CONFIG_ES + '\n[typography]\nnever_hyphenate = ["Argidius", "Bethesda"]\n')
    project = make_project({"handoutpack.toml": config, "content/handouts/hello.es.md":
                            "---\ntitle: Hola\nsummary: Nombres.\nkind: handout\n---\n" + body,
                            "content/handouts/hello.en.md": "---\ntitle: Hello\nsummary: Names."
                            "\nkind: handout\n---\nHello.\n"}, minimal=False)
    assert invoke(project, "build", "-q", "--lang", "es").exit_code == 0
    with pdfplumber.open(project / "build/es/documents/hello.pdf") as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    breaks = [(a, b) for a, b in zip(lines, lines[1:]) if a.endswith(("\u2010", "-"))]
    assert breaks, "the filler words are hyphenated, so the test can see a break"
    for before, after in breaks:
        word = re.findall(r"[\w+]+$", before[:-1])[0] + re.findall(r"^[\w+]+", after)[0]
        assert word not in NAMES, f"{word} is broken at {before[-12:]!r}"
        assert not before.endswith("Mana\u2010"), "English hyphenated by Spanish rules"


MINIMAL_CONFIG_ES = MINIMAL_CONFIG.replace('"fr"', '"es"').replace("fr = ", "es = ")


def test_never_hyphenate_must_be_a_list_of_words(make_project):
    config = MINIMAL_CONFIG_ES + '\n[typography]\nnever_hyphenate = "CERISE"\n'
    outcome = invoke(make_project({"handoutpack.toml": config}), "build", "-q")
    assert outcome.exit_code == 2
    assert "typography.never_hyphenate: must be a list of words" in outcome.stderr


# ---------------------------------------------------------------- the project's own statement

@pytest.mark.slow
def test_rights_are_the_projects_statement_and_absent_when_unset(make_project):
    project = make_project()
    assert invoke(project, "build", "-q").exit_code == 0
    with pdfplumber.open(project / "build/fr/starter.pdf") as pdf:
        assert "autorisation" not in pdf.pages[0].extract_text()
    assert "permission" not in readme_text(project)
    rights = '\nrights = { en = "CC BY 4.0: credit Example Trust.", fr = "Sous licence CC BY 4.0, en citant Example Trust." }\n'
    config = (project / "handoutpack.toml").read_text().replace(
        'name = "Example Trust"\n', 'name = "Example Trust"' + rights, 1)
    (project / "handoutpack.toml").write_text(config)
    assert invoke(project, "build", "-q").exit_code == 0
    with pdfplumber.open(project / "build/fr/starter.pdf") as pdf:
        assert "Sous licence CC BY 4.0, en citant Example Trust." in pdf.pages[0].extract_text()
    assert "CC BY 4.0: credit Example Trust." in readme_text(project)
    assert "Sous licence CC BY 4.0" in (project / "build/fr/index.html").read_text()


def readme_text(project: Path) -> str:
    bundle = zipfile.ZipFile(project / "build/en/starter.zip")
    return bundle.read(next(n for n in bundle.namelist() if n.endswith("README.txt"))).decode()


# ---------------------------------------------------------------- the download page

def test_download_page_loads_the_brand_fonts_and_keeps_english_titles_english(sample):
    page = (sample / "build/fr/index.html").read_text(encoding="utf-8")
    for name in ("Lato-Regular.ttf", "NotoSerif-Regular.ttf"):
        assert f'url("../fonts/{name}")' in page
        assert (sample / "build/fonts" / name).read_bytes() == (REPO / "styles/fonts" / name).read_bytes()
    # a French title is spaced the French way; every pack on the French page is French throughout
    assert "Pourquoi la GPS\u202f: note aux investisseurs" in page
    assert '<li lang="en">' not in page
    # a document with no Portuguese text keeps its English title on the Portuguese page, marked
    # as English, and no typography of another language touches it
    page = (sample / "build/pt/index.html").read_text(encoding="utf-8")
    heads = re.findall(r'<div class="head" lang="en">\s*<h3>(.*?)</h3>', page, flags=re.S)
    english = [re.sub(r"<[^>]+>", "", head).strip() for head in heads]
    assert "Pricing Transparency" in english
    assert not any("\u202f" in title or "\u00a0" in title for title in english)
