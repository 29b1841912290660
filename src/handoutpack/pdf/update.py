"""A PDF's first page replaced by an incremental update (ISO 32000-1 §7.5.6): new objects and a
cross-reference section of their own appended to the file's bytes, so that everything else in it
stays byte for byte as it was (personalised packs: a new cover on a built pack)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

from .files import read


@dataclass(frozen=True)
class FirstPage:
    """What replacing a PDF's first page needs to know of the PDF, read once for many updates."""

    size: int
    """The file's /Size: the first object number free for the update."""
    number: int
    """The object number of the first page."""
    page: bytes
    """The first page's dictionary, without /Contents and /Resources, written out."""
    trailer: bytes
    """/Root, /Info and /ID of the file's trailer, written out, for the update's trailer."""
    startxref: int
    """Where the file's last cross-reference section starts: the update's /Prev."""


def first_page(data: bytes) -> FirstPage | None:
    """What `data`'s first page is and where; None when the end of the file does not say where
    its last cross-reference section is."""
    found = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not found:
        return None
    with read(data) as pdf:
        page = pdf.pages[0].obj
        kept = {key: value for key, value in page.items() if key not in ("/Contents", "/Resources")}
        trailer = {key: pdf.trailer[key] for key in ("/Root", "/Info", "/ID") if key in pdf.trailer}
        return FirstPage(int(pdf.trailer.Size), page.objgen[0], _dictionary(kept, _as_is),
                         _dictionary(trailer, _as_is), int(found[-1]))


def with_first_page(data: bytes, first: FirstPage, cover_pdf: bytes) -> bytes:
    """`data` with its first page showing the first page of `cover_pdf`: the cover's content
    and resources appended as new objects, and the page object updated to use them. The page
    keeps its place in the file's structure tree, bookmarks and boxes."""
    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    with read(cover_pdf) as cover:
        page = cover.pages[0].obj
        objects = _Renumbered(first.size)
        contents = _written(page.get("/Contents"), objects.reference)
        resources = _written(page.get("/Resources"), objects.reference)
        offsets = objects.write(out)
    offsets[first.number] = out.tell()
    out.write(f"{first.number} 0 obj\n".encode() + first.page[:-2])  # without the closing >>
    out.write(b"/Contents " + contents + b"\n/Resources " + resources + b"\n>>\nendobj\n")
    return _finish(out, offsets, first)


class _Renumbered:
    """The objects an update copies from another file, numbered from `start` as first met."""

    def __init__(self, start: int):
        self.start = start
        self.numbers: dict[tuple[int, int], int] = {}
        self.order: list[pikepdf.Object] = []

    def reference(self, value: pikepdf.Object) -> bytes:
        if value.objgen not in self.numbers:
            self.numbers[value.objgen] = self.start + len(self.numbers)
            self.order.append(value)
        return f"{self.numbers[value.objgen]} 0 R".encode()

    def write(self, out: io.BytesIO) -> dict[int, int]:
        """Write every object referred to so far (and those they refer to): their offsets."""
        offsets, done = {}, 0
        while done < len(self.order):  # writing an object may number more
            value = self.order[done]
            done += 1
            number = self.numbers[value.objgen]
            body = _written(value, self.reference, top=True)
            offsets[number] = out.tell()
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        return offsets


def _as_is(value: pikepdf.Object) -> bytes:
    """A reference to an object of the file being updated: its own number."""
    number, generation = value.objgen
    return f"{number} {generation} R".encode()


def _written(value, reference: Callable[[pikepdf.Object], bytes], top: bool = False) -> bytes:
    """`value`, an object of another file, in PDF syntax: its indirect objects as `reference`
    names them, the encoded bytes of a stream as they are (with their /Filter, never decoded),
    and no /Parent (a copied object does not bring that file's page tree along)."""
    if not isinstance(value, pikepdf.Object):
        return _scalar(value)
    if not top and value.is_indirect:
        return reference(value)
    if isinstance(value, pikepdf.Stream):
        raw = value.read_raw_bytes()
        entries = {k: v for k, v in value.stream_dict.items() if k not in ("/Length", "/Parent")}
        return (_dictionary(entries, reference)[:-2] + f"/Length {len(raw)}\n>>".encode()
                + b"\nstream\n" + raw + b"\nendstream")
    if isinstance(value, pikepdf.Dictionary):
        return _dictionary({k: v for k, v in value.items() if k != "/Parent"}, reference)
    if isinstance(value, pikepdf.Array):
        return b"[" + b" ".join(_written(item, reference) for item in value) + b"]"
    return value.unparse()


def _dictionary(entries: dict, reference: Callable[[pikepdf.Object], bytes]) -> bytes:
    return b"<<" + b"".join(pikepdf.Name(key).unparse() + b" " + _written(value, reference)
                            + b"\n" for key, value in entries.items()) + b">>"


def _scalar(value) -> bytes:
    """A number, true, false or null as pikepdf gives it (a Python value)."""
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    return format(Decimal(str(value)), "f").encode()  # never an exponent, which PDF lacks


def _finish(out: io.BytesIO, offsets: dict[int, int], first: FirstPage) -> bytes:
    """The update's cross-reference section and trailer."""
    xref = out.tell()
    out.write(b"xref\n")
    for start, run in _runs(sorted(offsets)):
        out.write(f"{start} {len(run)}\n".encode())
        out.write(b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run))
    size = max(first.size, max(offsets) + 1)
    out.write(b"trailer\n" + first.trailer[:-2]
              + f"/Size {size}\n/Prev {first.startxref}\n>>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _runs(numbers: list[int]) -> Iterator[tuple[int, list[int]]]:
    """Consecutive object numbers grouped: each group is one subsection of the xref table."""
    run: list[int] = []
    for n in numbers:
        if run and n != run[-1] + 1:
            yield run[0], run
            run = []
        run.append(n)
    if run:
        yield run[0], run
