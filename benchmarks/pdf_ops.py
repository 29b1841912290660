"""Each PDF page operation a build does, timed with pypdf and with pikepdf (qpdf), on the same
rendered documents: what decided which library the pdf/ package uses.

Run `.venv/bin/python benchmarks/pdf_ops.py [FOLDER]`: FOLDER holds rendered document PDFs
(default: the English documents of a build of the sample toolkit in build/en). Each row is the
median of --repeat runs in this one process; compare the two columns of one run (the machine
may be shared, so absolute figures move between runs, ratios much less).

The operations, each as a pack or a document needs it:
- open: parse every document;
- merge: documents end to end in one PDF, with their bookmarks, written out;
- stamp: a page-number page drawn over each page as a Form XObject, written out;
- booklet: every page two-up on landscape sheets as Form XObjects, written out;
- boxes: a BleedBox set on every page of a document, written out;
- the real booklet: handoutpack's own pdf.imposition.booklet, with creep and (as a print-ready
  pack) sheet marks, pikepdf only: its pypdf version is gone. Measured once before it went, on
  the same 54-page print-ready pack: 0.287 s with pypdf, 0.080 s with pikepdf (3.6×), the
  sheets pixel for pixel the same (pdftoppm -r 60).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pikepdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                           RectangleObject)

from handoutpack.pdf import imposition

REPO = Path(__file__).resolve().parents[1]


def pypdf_open(pdfs: list[bytes]) -> None:
    for pdf in pdfs:
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            page.get("/Annots")


def pikepdf_open(pdfs: list[bytes]) -> None:
    for pdf in pdfs:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            for page in document.pages:
                page.get("/Annots")


def pypdf_merge(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=True)
    return _pypdf_bytes(writer)


def pikepdf_merge(pdfs: list[bytes]) -> bytes:
    merged = pikepdf.new()
    with merged.open_outline() as outline:
        for pdf in pdfs:
            source = pikepdf.open(io.BytesIO(pdf))
            start = len(merged.pages)
            merged.pages.extend(source.pages)
            with source.open_outline() as theirs:
                for item in theirs.root:
                    outline.root.append(_moved(item, source, merged, start))
    return _pikepdf_bytes(merged)


def _moved(item: pikepdf.OutlineItem, source: pikepdf.Pdf, merged: pikepdf.Pdf,
           start: int) -> pikepdf.OutlineItem:
    """An outline item of `source` pointing at the same page among `merged`'s pages."""
    page = None
    if item.destination is not None and isinstance(item.destination, pikepdf.Array):
        page = source.pages.index(pikepdf.Page(item.destination[0]))
    copy = pikepdf.OutlineItem(item.title, start + page if page is not None else start)
    copy.children.extend(_moved(kid, source, merged, start) for kid in item.children)
    return copy


def pypdf_stamp(document: bytes, numbers: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    stamps = PdfReader(io.BytesIO(numbers))
    for index, page in enumerate(writer.pages):
        form = _pypdf_form(writer, stamps.pages[index % len(stamps.pages)])
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/Stamp")] = form
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        before = writer._add_object(_pypdf_stream(b"q\n"))
        after = writer._add_object(_pypdf_stream(b"Q\n/Stamp Do\n"))
        contents = page.raw_get("/Contents")
        existing = list(contents.get_object()) if isinstance(contents.get_object(),
                                                             ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([before, *existing, after])
    return _pypdf_bytes(writer)


def pikepdf_stamp(document: bytes, numbers: bytes) -> bytes:
    target = pikepdf.open(io.BytesIO(document))
    stamps = pikepdf.open(io.BytesIO(numbers))
    for index, page in enumerate(target.pages):
        form = target.copy_foreign(stamps.pages[index % len(stamps.pages)].as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Stamp")
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(f"Q\n{name} Do\n".encode())
    return _pikepdf_bytes(target)


def pypdf_booklet(document: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(document))
    writer = PdfWriter()
    forms = [_pypdf_form(writer, page) for page in reader.pages]
    for left, right in zip(forms[::2], forms[1::2]):
        side = writer.add_blank_page(842, 595)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/L"): left, NameObject("/R"): right})})
        side[NameObject("/Contents")] = writer._add_object(_pypdf_stream(
            b"q 0.7 0 0 0.7 0 0 cm /L Do Q q 0.7 0 0 0.7 421 0 cm /R Do Q"))
    return _pypdf_bytes(writer)


def pikepdf_booklet(document: bytes) -> bytes:
    source = pikepdf.open(io.BytesIO(document))
    sheet = pikepdf.new()
    forms = [sheet.copy_foreign(page.as_form_xobject()) for page in source.pages]
    for left, right in zip(forms[::2], forms[1::2]):
        sheet.add_blank_page(page_size=(842, 595))
        side = sheet.pages[-1]
        side.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(L=left, R=right))
        side.Contents = sheet.make_stream(
            b"q 0.7 0 0 0.7 0 0 cm /L Do Q q 0.7 0 0 0.7 421 0 cm /R Do Q")
    return _pikepdf_bytes(sheet)


def pypdf_boxes(document: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    for page in writer.pages:
        trim = page.trimbox
        page.bleedbox = RectangleObject([trim.left - 8.5, trim.bottom - 8.5,
                                         trim.right + 8.5, trim.top + 8.5])
    return _pypdf_bytes(writer)


def pikepdf_boxes(document: bytes) -> bytes:
    target = pikepdf.open(io.BytesIO(document))
    for page in target.pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        page.BleedBox = pikepdf.Array([left - 8.5, bottom - 8.5, right + 8.5, top + 8.5])
    return _pikepdf_bytes(target)


def _pypdf_form(writer: PdfWriter, page):
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({NameObject("/Type"): NameObject("/XObject"),
                 NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): RectangleObject(page.mediabox),
                 NameObject("/Resources"): page["/Resources"].clone(writer)})
    return writer._add_object(form.flate_encode())


def _pypdf_stream(data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def _pypdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pikepdf_bytes(document: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    document.save(out, deterministic_id=True)
    return out.getvalue()


def median_time(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "build" / "en")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    files = sorted(options.folder.glob("*/*.pdf"))
    documents = [f.read_bytes() for f in files if f.parent.name in ("documents", "handouts")]
    if not documents:
        sys.exit(f"no rendered documents in {options.folder}/documents or /handouts: build first")
    pages = sum(len(PdfReader(io.BytesIO(d)).pages) for d in documents)
    biggest = max(documents, key=len)
    operations = {
        f"open {len(documents)} documents ({pages} pages)":
            (lambda: pypdf_open(documents), lambda: pikepdf_open(documents)),
        f"merge {len(documents)} documents with bookmarks":
            (lambda: pypdf_merge(documents), lambda: pikepdf_merge(documents)),
        "stamp a page number on every page of the biggest":
            (lambda: pypdf_stamp(biggest, documents[0]), lambda: pikepdf_stamp(biggest, documents[0])),
        "booklet of the biggest (Form XObjects two-up)":
            (lambda: pypdf_booklet(biggest), lambda: pikepdf_booklet(biggest)),
        "bleed boxes on every page of the biggest":
            (lambda: pypdf_boxes(biggest), lambda: pikepdf_boxes(biggest)),
    }
    print(f"pypdf {version('pypdf')} vs pikepdf {pikepdf.__version__} "
          f"(qpdf {pikepdf.__libqpdf_version__}); CPU seconds, median of {options.repeat}\n")
    print("| operation | pypdf | pikepdf | pypdf / pikepdf |\n|---|---|---|---|")
    for name, (slow, fast) in operations.items():
        old, new = median_time(slow, options.repeat), median_time(fast, options.repeat)
        print(f"| {name} | {old:.3f} s | {new:.3f} s | {old / new:.1f}× |")
    real = median_time(lambda: imposition.booklet(biggest, "A4", 0.1, marks=True), options.repeat)
    print(f"| the real booklet of the biggest, creep and marks | — | {real:.3f} s | — |")


if __name__ == "__main__":
    main()
