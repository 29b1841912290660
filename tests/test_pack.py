"""Packs assembled from throwaway projects: links, fallbacks, page numbers."""

from __future__ import annotations

import pytest

from conftest import MINIMAL_CONFIG, invoke
from pdfs import bookmarks, page_text, reader

LONG = "\n\n".join(f"Paragraph {i}. " + "Words that fill the page. " * 30 for i in range(12))


def doc(title: str) -> str:
    return (f"---\ntitle: {title}\nsummary: About {title}.\nkind: handout\n---\n"
            f"Jump to [the end](#the-end).\n\n{LONG}\n\n## The end\n\n{title} ends here.\n")


def internal_links(path):
    pdf = reader(path)
    numbers = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(pdf.pages)}
    found = []
    for index, page in enumerate(pdf.pages, start=1):
        for annotation in page.get("/Annots", []):
            dest = annotation.get_object().get("/Dest")
            if dest is not None and not isinstance(dest, str):
                found.append((index, numbers[dest[0].idnum]))
    return found


@pytest.mark.slow
def test_links_inside_each_document_lead_to_its_own_pages(make_project):
    config = MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["first", "second"]')
    project = make_project({"handoutpack.toml": config, "content/handouts/first.en.md": doc("First"),
                            "content/handouts/second.en.md": doc("Second")})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    path = project / "build/en/starter.pdf"
    marks = {b.title: b for b in bookmarks(path)}
    first, second = marks["First"], marks["Second"]
    links = [link for link in internal_links(path) if link[0] > 2]  # past the contents page
    assert len(links) == 2
    (from_first, to_first), (from_second, to_second) = links
    assert from_first == first.page and from_second == second.page
    assert "First ends here" in page_text(path, to_first)
    assert "Second ends here" in page_text(path, to_second)


def test_english_fallback_in_a_french_pack(make_project):
    project = make_project()
    assert invoke(project, "build", "-q", "--lang", "fr").exit_code == 0
    path = project / "build/fr/starter.pdf"
    assert "en anglais" in page_text(path, 2)
    assert "Ce document n’existe pas encore en français" in page_text(path, 3)
    assert "Hello from Example Trust" in page_text(path, 3)
    assert len(reader(path).pages) == 3


@pytest.mark.slow
def test_links_to_other_documents_jump_inside_the_pack_and_never_print_a_path(make_project):
    config = MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["first", "second"]')
    first = doc("First").replace("Jump to [the end](#the-end).",
                                 "See [the second note](second.en.md#the-end) and "
                                 "[the hello note](hello.en.md).")
    project = make_project({"handoutpack.toml": config, "content/handouts/first.en.md": first,
                            "content/handouts/second.en.md": doc("Second")})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    pack = project / "build/en/starter.pdf"
    marks = {b.title: b for b in bookmarks(pack)}
    jumps = [link for link in internal_links(pack) if link[0] == marks["First"].page]
    assert (marks["First"].page, marks["Second"].page) in jumps, "to the second document's start"
    assert len(jumps) == 1, "hello is not in this pack: its link is plain text"
    alone = project / "build/en/documents/first.pdf"
    assert "See the second note and the hello note." in page_text(alone, 1)
    for path in (pack, alone):
        data = path.read_bytes()
        assert b"file:" not in data and b".en.md" not in data, "no source path in the PDF"
