"""`handoutpack proof`: every page of every output read back and inspected from its layout
(safe area, overlaps, margins, breaks, empty pages, line length, bidi runs, the frame's
language, fonts); findings name the file, the page and what to change."""

from __future__ import annotations

from pathlib import Path

from . import (bidi, binding, codes, emptiness, first_line, fonts, frame, hyphens, line_length,
               margin, overlap, safe_area, titles)
from .context import Context
from .findings import Finding, Report
from .layout import read
from .read_before import PageStore

CHECKS = (safe_area, overlap, margin, first_line, titles, hyphens, emptiness, line_length, bidi,
          frame, fonts, binding, codes)

__all__ = ["CHECKS", "Context", "Finding", "Report", "proof_file"]


def proof_file(path: Path, context: Context, name: str | None = None, checks=CHECKS,
               first: int | None = None, store: PageStore | None = None
               ) -> tuple[list[Finding], int]:
    """The findings of every check on the PDF at `path` (its `first` pages only, when given),
    and the number of pages read; pages the `store` holds are not parsed again."""
    pages = list(read(path, name, first, store))
    if pages and pages[0].booklet:  # its pages are the pack's, proofed there: here the fold
        checks = [check for check in checks if check in (safe_area, binding)]
    findings = [finding for check in checks for finding in check.check(pages, context)]
    return findings, len(pages)
