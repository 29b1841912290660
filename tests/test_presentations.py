"""Presentations: slides, participant handouts and presenter notes, on their own and in packs."""

from __future__ import annotations

import json
import math
import re

import pytest

from conftest import MINIMAL_CONFIG, invoke
from pdfs import (all_text, bookmarks, dark_runs, gray_pixels, page_text, placed_forms,
                  reader)

DECK = "client-protection"


def slides_on(path, page):
    """The slides placed on a page (a pack also draws its page number as a form)."""
    return [p for p in placed_forms(path, page) if p.name.startswith("/Slide")]


def source_slides(sample, slug=DECK) -> list[tuple[str, str]]:
    """(heading, speaker notes) of each slide, read straight from the Markdown source."""
    text = (sample / "content" / "presentations" / f"{slug}.en.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    slides = []
    for slide in re.split(r"\n---\n", body):
        heading = re.search(r"^#+ (.+)$", slide, re.M)[1]
        notes = " ".join(" ".join(re.findall(r"<!--(.*?)-->", slide, re.S)).split())
        slides.append((heading, notes))
    return slides


def plain(text: str) -> str:
    """Text with typographic apostrophes and quotes as the source writes them."""
    return text.replace("’", "'").replace("“", '"').replace("”", '"')


def outputs(project, kind: str) -> dict[str, dict]:
    entries = json.loads((project / "build" / "manifest.json").read_text(encoding="utf-8"))
    return {o["path"]: o for o in entries["outputs"] if o["kind"] == kind}


# ---------------------------------------------------------------- the sample toolkit's decks


def test_slides_are_16_by_9_and_numbered(sample):
    for path in sorted((sample / "build" / "en" / "slides").glob("*.pdf")):
        pages = reader(path).pages
        for page in pages:
            assert math.isclose(float(page.mediabox.width) / float(page.mediabox.height), 16 / 9)
        total = len(source_slides(sample, path.stem))
        assert len(pages) == total, f"{path.name}: a slide overflowed its page"
        for number in range(2, total + 1):  # the title slide carries no number
            assert f"{number} / {total}" in page_text(path, number), f"{path.name} {number}"


def test_slides_show_title_sections_and_content(sample):
    path = sample / "build" / "en" / "slides" / f"{DECK}.pdf"
    title = plain(page_text(path, 1)).lower()  # some labels print in capitals
    assert "client protection" in title and "social performance task force" in title
    assert "social performance ambassadors' day" in title, "the event is on the title slide"
    assert page_text(path, 4).lower().startswith("part 1 the seven principles")
    assert page_text(path, 9).lower().startswith("part 2 from principles to practice")
    assert "Prevention of over-indebtedness" in page_text(path, 5)
    assert "SPTF" in page_text(path, 5), "content slides carry the brand"
    marks = bookmarks(path)
    assert [m.title for m in marks] == ["Client Protection"]
    assert [s.title for s in marks[0].children][2:4] == ["The seven principles",
                                                         "From principles to practice"]
    assert [s.title for s in marks[0].children[2].children][0] == "The Client Protection Principles"


def test_the_title_slides_web_address_stays_whole_in_every_language(sample):
    """Broken at its hyphen, the address wrapped under the event's line, and a right-to-left
    slide printed the hyphen before "cerise"."""
    decks = sorted((sample / "build").glob(f"*/slides/{DECK}.pdf"))
    assert len(decks) >= 4
    for path in decks:
        assert "cerise-sptf.org" in page_text(path, 1), path


def handout_counts(slides: int) -> list[int]:
    """Slides on each A4 handout page: three a page, but a deck one slide past a multiple of
    three ends two and two, so that no page holds a single slide."""
    counts = [3] * (slides // 3) + ([slides % 3] if slides % 3 else [])
    if slides > 3 and slides % 3 == 1:
        counts = counts[:-2] + [2, 2]
    return counts


def test_handout_pages_hold_three_slides_beside_ruled_lines(sample):
    path = sample / "build" / "en" / "handouts" / f"{DECK}.pdf"
    slides = source_slides(sample)
    pages = reader(path).pages
    counts = handout_counts(len(slides))
    assert len(pages) == len(counts)
    placed_in_order = []
    for number, page in enumerate(pages, 1):
        placed = slides_on(path, number)
        assert len(placed) == counts[number - 1]
        placed_in_order += [p.name for p in placed]
        text = plain(page_text(path, number))
        first = sum(counts[:number - 1])
        for heading, _ in slides[first:first + counts[number - 1]]:
            assert heading in text, f"page {number}: slide '{heading}' is not on it"
        assert "participant handout" in text.lower() and f"Page {number} of {len(pages)}" in text
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert math.isclose(width, 595.28, abs_tol=0.5) and math.isclose(height, 841.89, abs_tol=0.5)
        pixels, scale = gray_pixels(path, number, dpi=100), 100 / 72
        for slide in placed:
            assert math.isclose((slide.right - slide.left) / (slide.top - slide.bottom), 16 / 9,
                                rel_tol=1e-3)
            assert 0 < slide.left and slide.right < width / 2 + 80 and slide.bottom > 40
            # the ruled lines beside the slide, as they print: a column through the notes area
            column = round((slide.right + width) / 2 * scale)
            lines = dark_runs(pixels, column, round((height - slide.top) * scale),
                              round((height - slide.bottom) * scale))
            assert lines >= 6, f"page {number}: {lines} ruled lines beside {slide.name}"
    assert placed_in_order == [f"/Slide{n}" for n in range(1, len(slides) + 1)]


def test_notes_pages_carry_each_slide_and_its_notes(sample):
    """Each slide stands on a page with its own notes beneath it; slides with short notes share
    a page (issue 24: one slide a page left A4 pages 55 % blank)."""
    path = sample / "build" / "en" / "notes" / f"{DECK}.pdf"
    slides = source_slides(sample)
    pages = len(reader(path).pages)
    assert pages < len(slides)
    placed = {int(p.name.removeprefix("/Slide")): page
              for page in range(1, pages + 1) for p in slides_on(path, page)}
    assert sorted(placed) == list(range(1, len(slides) + 1))
    assert list(placed.values()) == sorted(placed.values())  # in order
    for number, (heading, notes) in enumerate(slides, 1):
        text = plain(page_text(path, placed[number]))
        assert f"slide {number} / {len(slides)}" in text.lower() and heading in text
        if notes:
            assert notes in text, f"slide {number}: its notes are not under it"
        else:
            assert "No speaker notes for this slide" in text


def test_pack_holds_presentations_as_handouts(sample):
    path = sample / "build" / "en" / "training.pdf"
    mark = next(m for m in bookmarks(path) if m.title == "Client Protection")
    assert "participant handout" in page_text(path, mark.page).lower()
    assert len(slides_on(path, mark.page)) == 3
    assert "The seven principles" in [c.title for c in mark.children]


# ---------------------------------------------------------------- throwaway projects

TALK = """\
---
title: Saving Groups
summary: How saving groups work, in four slides.
kind: presentation
---

# Saving Groups

Why they work, and how to start one

---

## How a group saves

- Members meet every week
- Each member saves a small amount

<!--
Ask who in the room has belonged to a saving group.
-->

---

# Starting a group

---

## First steps

1. Find fifteen to twenty-five members
2. Agree the rules together
"""


def talk_project(make_project, pack_options: str = "", talk: str = TALK):
    config = MINIMAL_CONFIG.replace('documents = ["hello"]',
                                    'documents = ["hello", "saving-groups"]\n' + pack_options)
    return make_project({"handoutpack.toml": config,
                         "content/presentations/saving-groups.en.md": talk})


@pytest.mark.slow
def test_an_overflowing_slide_is_reported_and_kept(make_project):
    bullets = "\n".join(f"- Point number {n} of a list far too long for one slide"
                        for n in range(1, 31))
    talk = TALK.replace("- Each member saves a small amount", bullets)
    project = talk_project(make_project, talk=talk)
    outcome = invoke(project, "build", "-q", "--lang", "en")
    assert outcome.exit_code == 0, outcome.output
    assert re.search(r"warning: content/presentations/saving-groups\.en\.md: slide 2 overflows",
                     outcome.stderr), outcome.stderr
    assert "slide 1 overflows" not in outcome.stderr and "slide 4" not in outcome.stderr
    slides = project / "build" / "en" / "slides" / "saving-groups.pdf"
    assert len(reader(slides).pages) > 4
    assert "Point number 30 of a list" in all_text(slides), "overflowing content never disappears"
    handout = project / "build" / "en" / "handouts" / "saving-groups.pdf"
    assert [p.name for n in (1, 2) for p in slides_on(handout, n)] == [
        "/Slide1", "/Slide2", "/Slide3", "/Slide4"]


def test_slides_are_one_render_whatever_the_paper(make_project):
    """A deck's slides have a page of their own: built on A4, then on Letter, the slides are
    taken from the cache, the same bytes, and the handout pages around them are made anew."""
    project = talk_project(make_project)
    slides = project / "build" / "en" / "slides" / "saving-groups.pdf"
    handout = project / "build" / "en" / "handouts" / "saving-groups.pdf"
    first = invoke(project, "build", "-v", "--lang", "en", "--paper", "a4")
    assert first.exit_code == 0, first.output
    on_a4, handout_a4 = slides.read_bytes(), handout.read_bytes()
    second = invoke(project, "build", "-v", "--lang", "en", "--paper", "letter")
    assert second.exit_code == 0, second.output
    rendered = set(re.findall(r"^  rendered (.+?): ", second.stderr, re.M))
    assert "content/presentations/saving-groups.en.md (slides)" not in rendered
    assert "content/presentations/saving-groups.en.md (slide-handout)" in rendered
    assert slides.read_bytes() == on_a4 and handout.read_bytes() != handout_a4
    assert reader(handout).pages[0].mediabox[2:] == [612, 792], "Letter: 8.5 by 11 inches"


@pytest.mark.slow
def test_pack_shows_handout_pages_by_default_with_true_contents(make_project):
    project = talk_project(make_project)
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    pack = project / "build" / "en" / "starter.pdf"
    marks = bookmarks(pack)
    assert [m.title for m in marks] == ["Contents", "Hello", "Saving Groups"]
    talk = marks[2]
    assert [c.title for c in talk.children] == ["How a group saves", "Starting a group"]
    assert [c.title for c in talk.children[1].children] == ["First steps"]
    contents = page_text(pack, 2)
    printed = [int(n) for n in re.findall(r"(?:\. )+\.? ?(\d+)", contents)]
    assert printed == [marks[1].page, talk.page]
    handout_pages = outputs(project, "handout")["en/handouts/saving-groups.pdf"]["pages"]
    assert len(reader(pack).pages) == talk.page - 1 + handout_pages
    assert "participant handout" in page_text(pack, talk.page).lower()
    assert len(slides_on(pack, talk.page)) == handout_counts(4)[0]
    # in French the deck falls back to English, and the handout says so in French
    french = project / "build" / "fr" / "starter.pdf"
    talk_fr = bookmarks(french)[2]
    assert "n’existe pas encore en français" in page_text(french, talk_fr.page)
    assert "en anglais" in page_text(french, 2)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["slides", "notes"])
def test_pack_may_hold_slides_or_notes_instead(make_project, layout):
    project = talk_project(make_project, f'presentations = "{layout}"')
    outcome = invoke(project, "build", "-q", "starter")
    assert outcome.exit_code == 0, outcome.output
    for lang in ("en", "fr"):
        pack = project / "build" / lang / "starter.pdf"
        talk = bookmarks(pack)[2]
        pdf = reader(pack)
        first = pdf.pages[talk.page - 1]
        ratio = float(first.mediabox.width) / float(first.mediabox.height)
        if layout == "slides":
            assert len(pdf.pages) == talk.page - 1 + 4, "one page a slide"
        else:  # short notes share a page
            assert talk.page <= len(pdf.pages) < talk.page - 1 + 4
        text = page_text(pack, talk.page)
        if layout == "slides":
            assert math.isclose(ratio, 16 / 9)
            assert "Saving Groups" in text
        else:
            label = {"en": "presenter notes", "fr": "notes de l’animateur"}[lang]
            assert ratio < 1 and label in text.lower(), "the frame speaks the pack's language"
            assert any("Ask who in the room" in page_text(pack, n)
                       for n in range(talk.page, len(pdf.pages) + 1))
        if lang == "fr":
            assert "n’existe pas encore en français" in text


def test_presentations_option_is_checked(make_project):
    project = talk_project(make_project, 'presentations = "handouts"')
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 2
    assert re.search(r"handoutpack\.toml:\d+: packs\.starter\.presentations: 'handouts' is not "
                     r"one of handout, slides, notes", outcome.stderr), outcome.stderr


def test_an_empty_presentation_is_an_error(make_project):
    project = talk_project(make_project, talk=TALK.split("# Saving Groups")[0])
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output
    assert "saving-groups.en.md: has no slides" in outcome.stderr
    assert not list((project / "build").rglob("*.pdf"))


@pytest.mark.slow
def test_download_page_bundles_and_preview_offer_each_layout(make_project):
    import zipfile

    from handoutpack.project import loader
    from handoutpack.sources import content
    from handoutpack.ui.preview import targets

    project = talk_project(make_project, 'presentations = "notes"')
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    page = (project / "build" / "index.html").read_text(encoding="utf-8")
    for path, label in (("handouts", "Participant handout"), ("slides", "Slides"),
                        ("notes", "Presenter notes")):
        assert f'href="en/{path}/saving-groups.pdf"' in page
        assert re.search(rf"{label} · PDF · \d+ pages?", page), label
    # the pack's bundle holds the deck as the pack does: here, its notes
    with zipfile.ZipFile(project / "build" / "en" / "starter.zip") as bundle:
        held = bundle.read("example-trust-starter-en/documents/saving-groups.pdf")
    assert held == (project / "build" / "en" / "notes" / "saving-groups.pdf").read_bytes()
    loaded = loader.load(project)
    found = targets(loaded, content.load(loaded.reading))
    assert {"en/slides/saving-groups.pdf", "en/handouts/saving-groups.pdf",
            "en/notes/saving-groups.pdf", "en/documents/hello.pdf"} <= set(found)
    assert found["en/handouts/saving-groups.pdf"].title == "Saving Groups · Participant handout"
