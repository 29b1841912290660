"""The proof's pages read before (proof/read_before.py): a page drawing the same as one read
already is taken from the store, and reads back the same as parsing it again."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from weasyprint import HTML

from handoutpack.proof import proof_file
from handoutpack.proof.context import Context
from handoutpack.proof.layout import read
from handoutpack.proof.read_before import PageStore, page_digests

STYLE = "<style>@page { size: A5; margin: 20mm } body { font: 11pt Lato }</style>"
LOANS = "<p>" + "Savings groups keep a record of every loan they make. " * 18 + "</p>"


def two_pages(path: Path) -> Path:
    HTML(string=f"<html lang=en>{STYLE}<body><h1>Conference Pack</h1>"
                f"<div style='break-before: page'>{LOANS}</div></body></html>").write_pdf(path)
    return path


def with_a_page_more(source: Path, target: Path) -> Path:
    """`source`'s pages in another file, as a pack holds its parts', and a page of its own."""
    with pikepdf.open(source) as original, pikepdf.new() as pdf:
        pdf.pages.extend(original.pages)
        pdf.add_blank_page(page_size=(420, 595))
        pdf.save(target)
    return target


def test_a_page_drawn_the_same_in_another_file_has_the_same_digest(tmp_path):
    source = two_pages(tmp_path / "document.pdf")
    pack = with_a_page_more(source, tmp_path / "pack.pdf")
    assert page_digests(pack)[:2] == page_digests(source)
    assert page_digests(source)[0] != page_digests(source)[1]
    assert len(page_digests(pack, first=1)) == 1


def test_a_fonts_tables_leave_the_digest_but_its_face_and_the_content_do_not(tmp_path):
    source = two_pages(tmp_path / "document.pdf")
    before = page_digests(source)[1]
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        font = next(iter(pdf.pages[1].Resources.Font.values()))
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descendant.W = pikepdf.Array([0, [500]])  # a union's wider table
        pdf.save(source)
    assert page_digests(source)[1] == before
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        page = pdf.pages[1]
        page.Contents.write(page.Contents.read_bytes().replace(b"BT", b"BT\n", 1))
        pdf.save(source)
    assert page_digests(source)[1] != before, "another content stream is another page"


def test_a_page_from_the_store_reads_as_parsing_it_again(tmp_path, monkeypatch):
    from handoutpack.proof import layout

    source = two_pages(tmp_path / "document.pdf")
    pack = with_a_page_more(source, tmp_path / "pack.pdf")
    store = PageStore(tmp_path / "read")
    parsed = []
    real = layout._page
    monkeypatch.setattr(layout, "_page", lambda page, *args: parsed.append(page.page_number)
                        or real(page, *args))
    list(read(source, "document.pdf", store=store))
    assert parsed == [1, 2] and len(list((tmp_path / "read").iterdir())) == 2
    stored = list(read(pack, "pack.pdf", store=store))
    assert parsed == [1, 2, 3], "only the new page was parsed"
    monkeypatch.undo()
    fresh = list(read(pack, "pack.pdf"))
    assert [(p.file, p.number) for p in stored] == [("pack.pdf", 1), ("pack.pdf", 2),
                                                    ("pack.pdf", 3)]
    assert stored == fresh
    lato = Context(fonts=frozenset({"lato"}))
    assert proof_file(pack, lato, store=store) == proof_file(pack, lato)


def test_a_damaged_stored_page_is_parsed_again(tmp_path):
    source = two_pages(tmp_path / "document.pdf")
    store = PageStore(tmp_path / "read")
    first = list(read(source, store=store))
    for kept in (tmp_path / "read").iterdir():
        kept.write_bytes(b"not a page")
    assert list(read(source, store=store)) == first


def test_files_are_read_largest_first_and_reported_in_their_order():
    """On two processes, the largest first (a long pack read alone at the end leaves a core
    idle); the results come back in the order the files were given."""
    from handoutpack.proof.command import _map

    items = [(name, size) for name, size in zip("abcdefg", (3, 90, 1, 40, 7, 200, 2))]
    started = _map(_started_at, items, 2, size=lambda item: item[1])
    assert [name for name, _ in started] == list("abcdefg")
    order = sorted(started, key=lambda result: result[1])
    assert order[0][0] in "fb" and order[-1][0] in "gc", order


def _started_at(item: tuple) -> tuple[str, float]:
    import time

    time.sleep(0.05)
    return item[0], time.monotonic()
