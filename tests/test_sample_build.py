"""The sample toolkit, built once, read back page by page."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from pdfs import all_text, bookmarks, fonts, language, link_targets, page_text

LANGS = ("en", "fr", "es")
PACKS = ("conference", "media", "training", "investors", "associations", "networks")


def manifest(sample):
    return json.loads((sample / "build" / "manifest.json").read_text(encoding="utf-8"))["outputs"]


def pack_entry(sample, lang, pack):
    return next(o for o in manifest(sample) if o["kind"] == "pack" and o["path"] == f"{lang}/{pack}.pdf")


def test_every_document_in_every_language_it_exists_in(sample):
    sources = sorted(sample.glob("content/*/*.md"))
    built = {o["path"] for o in manifest(sample) if o["kind"] != "pack"}
    expected = set()
    for source in sources:
        slug, lang, _ = source.name.split(".")
        folders = (("slides", "handouts", "notes") if source.parent.name == "presentations"
                   else ("documents",))
        expected.update(f"{lang}/{folder}/{slug}.pdf" for folder in folders)
    assert built == expected
    for path in expected:
        assert PdfReader(str(sample / "build" / path)).pages, path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pack", PACKS)
def test_every_pack_in_every_language(sample, pack, lang):
    path = sample / "build" / lang / f"{pack}.pdf"
    entry = pack_entry(sample, lang, pack)
    assert len(PdfReader(str(path)).pages) == entry["pages"]
    assert language(path) == lang


def toc_numbers(path) -> list[int]:
    """The page numbers printed in the contents, read from the page's text."""
    return [int(n) for n in re.findall(r"(?:\. )+\.? ?(\d+)", page_text(path, 2))]


@pytest.mark.parametrize("lang", LANGS)
def test_contents_numbers_are_where_documents_start(sample, lang):
    path = sample / "build" / lang / "conference.pdf"
    marks = bookmarks(path)
    starts = [b.page for b in marks if b.title not in ("Contents", "Sommaire", "Índice")]
    assert toc_numbers(path) == starts
    links = list(dict.fromkeys(link_targets(path, 2)))
    assert links == starts, "each contents entry jumps to its document"
    # and each start page really is that document's first page: its title is on it
    for mark in marks[1:]:
        assert mark.title.split()[0] in page_text(path, mark.page)


def test_page_count_is_cover_contents_and_documents(sample):
    """Every page of every document in a pack is numbered as the pack's page, 'Page n of N',
    the numbers its contents print (and its bookmarks and the PDF viewer count)."""
    path = sample / "build" / "en" / "training.pdf"
    marks = bookmarks(path)[1:]
    assert len(marks) == 9
    total = len(PdfReader(str(path)).pages)
    ends = [m.page - 1 for m in marks[1:]] + [total]
    for mark, end in zip(marks, ends):
        # printed, a pack's pages carry its own numbers: the ones its contents give
        for number in range(mark.page, end + 1):
            assert re.findall(r"Page \d+ of \d+", page_text(path, number)) == [
                f"Page {number} of {total}"], mark.title  # and no document's own numbers


def test_bookmarks_one_per_document_with_headings_beneath(sample):
    marks = bookmarks(sample / "build" / "en" / "conference.pdf")
    assert [m.title for m in marks][0] == "Contents"
    documents = marks[1:]
    assert len(documents) == 4
    assert all(m.children for m in documents), "headings nest under their document"
    assert all(c.page >= m.page for m in documents for c in m.children)


def test_no_pack_of_the_sample_falls_back_to_english(sample):
    """Every pack is made only in languages that have all its documents (how a fallback reads
    is tested on a throwaway project in test_pack.py)."""
    packs = [o for o in manifest(sample) if o["kind"] == "pack"]
    assert {o["path"].split("/")[0] for o in packs} == {"en", "fr", "es", "pt", "ar"}
    assert not [(o["path"], o["fallbacks"]) for o in packs if o["fallbacks"]]
    path = sample / "build" / "fr" / "investors.pdf"  # the last pack to have had one
    assert "en anglais" not in page_text(path, 2)
    note = next(b for b in bookmarks(path) if b.title.startswith("Pourquoi la GPS"))
    first_page = " ".join(page_text(path, note.page).split())
    assert "n’existe pas encore en français" not in first_page


def test_translations_are_used_where_they_exist(sample):
    path = sample / "build" / "fr" / "conference.pdf"
    text = all_text(path)
    assert "Sommaire" in text and "La Social Performance Task Force (SPTF)" in text
    assert "gestion de la performance sociale" in text
    assert "Page 3 sur" in text


def test_fonts_are_embedded_and_bundled(sample):
    for path in [sample / "build" / "fr" / "conference.pdf",
                 *sorted((sample / "build" / "en" / "documents").glob("*.pdf"))]:
        used = fonts(path)
        assert used and all(used.values()), f"{path.name}: a font is not embedded"
        families = {name.split("+", 1)[1].split("-")[0] for name in used}
        assert families <= {"Lato", "Noto"}, f"{path.name}: uses {families}"


def test_metadata(sample):
    pdf = PdfReader(str(sample / "build" / "fr" / "media.pdf"))
    assert pdf.metadata.title == "Performance sociale : dossier de presse"
    assert pdf.metadata.author == "Social Performance Task Force"
    assert pdf.metadata.subject == "les journalistes"
    doc = PdfReader(str(sample / "build" / "es" / "documents" / "sptf-introduction.pdf"))
    assert doc.metadata.title.startswith("Presentación")
    assert doc.metadata.author == "Social Performance Task Force"
    assert language(sample / "build" / "es" / "documents" / "sptf-introduction.pdf") == "es"


def test_cover_names_pack_audience_and_event_date_in_language(sample):
    cover = page_text(sample / "build" / "fr" / "conference.pdf", 1)
    assert "Performance sociale : dossier de conférence" in cover
    assert "les participants à l’événement" in cover
    assert "14 juin 2027" in cover
    assert "14 de junio de 2027" in page_text(sample / "build" / "es" / "conference.pdf", 1)
    assert "June 14, 2027" in page_text(sample / "build" / "en" / "conference.pdf", 1)


def test_running_header_and_footer(sample):
    path = sample / "build" / "en" / "documents" / "companion-resources-guide.pdf"
    second = page_text(path, 2)
    assert "The Companion Resources Guide" in second.split("Page 2 of")[0]
    assert "Social Performance Task Force" in second and "Page 2 of" in second


def test_manifest_describes_outputs(sample):
    import hashlib

    for entry in manifest(sample):
        data = (sample / "build" / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["sources"] and all((sample / s).is_file() for s in entry["sources"])
