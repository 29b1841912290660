"""Reading and writing PDF files with pikepdf (qpdf): bytes in, bytes out, the same bytes for the
same input."""

from __future__ import annotations

import io

import pikepdf


def read(pdf: bytes) -> pikepdf.Pdf:
    """A PDF from its bytes, to read or change in memory."""
    return pikepdf.open(io.BytesIO(pdf))


def to_bytes(pdf: pikepdf.Pdf, version: str | None = None) -> bytes:
    """The file's bytes: object streams and compressed streams for size, and an /ID made from
    the content rather than the clock, so the same input gives the same bytes. `version` keeps
    a header a PDF variant needs (e.g. 1.7 for PDF/A-3 and PDF/UA-1)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, min_version=version or "",
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    with read(pdf) as document:
        return len(document.pages)
