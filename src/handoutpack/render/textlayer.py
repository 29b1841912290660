"""What a PDF reader finds in the text of a rendered PDF, set right where WeasyPrint leaves it
wrong: right-to-left documents' reading order, and the text of scripts whose shaping reorders
and joins letters.

WeasyPrint gives each glyph the text of the first cluster it was drawn for (its ToUnicode map
is per glyph, not per use), so in Devanagari, Bengali, Tamil... a vowel sign drawn before its
consonant and a conjunct's second letter are lost: a PDF reader's text of a Hindi page kept
about half its words. Every line of text WeasyPrint draws is a tagged span (a marked-content
sequence with an MCID); a line in such a script gets its text as /ActualText in that span's
property list (PDF 1.7, 14.9.4), which pdftotext, search, copy and screen readers use instead
of the glyphs' text. No ToUnicode map can do it: the same glyph stands for different text in
different clusters, and in a different order from the text's.

WeasyPrint has no public way to say a span's text, so this wraps its Stream.marked (where it
opens each span) while it renders: the one place handoutpack reaches into WeasyPrint's own
code, pinned to its version in pyproject.toml, and tested (tests/test_devanagari.py: a Hindi
page's words as pdftotext reads them). The fix in WeasyPrint itself: in draw_first_line, when
a cluster's glyphs do not map back to its text one to one (more glyphs than clusters, or
glyphs reordered), write the cluster, or the line, inside a /Span with /ActualText.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

COMPLEX = re.compile("[\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
                     "\ua8e0-\ua8ff\u1900-\u194f\u1a20-\u1aaf\u1b00-\u1b7f]")
"""Scripts whose shaping reorders or joins letters into glyphs that do not map back one to one:
the Indic ones (Devanagari to Sinhala), Thai, Lao, Tibetan, Myanmar, Khmer, Limbu, Tai Tham,
Balinese."""


def finisher(direction: str) -> Callable | None:
    """WeasyPrint's `finisher` (its public hook) for a document written in `direction`."""
    return _reading_order if direction == "rtl" else None


def install() -> None:
    """Give the spans of complex-script lines their /ActualText from now on (once)."""
    from weasyprint.pdf.stream import Stream

    if getattr(Stream.marked, "handoutpack", False):
        return
    Stream.marked = _with_actual_text(Stream.marked)


def _with_actual_text(marked):
    import pydyf

    @contextmanager
    def with_text(self, box, tag):
        with marked(self, box, tag):
            text = getattr(box, "text", None)
            opened = self.stream[-2] if len(self.stream) >= 2 else None  # the span's properties
            if isinstance(text, str) and COMPLEX.search(text) \
                    and isinstance(opened, pydyf.Dictionary) and "MCID" in opened:
                opened["ActualText"] = pydyf.String(text)
            yield
    with_text.handoutpack = True
    return with_text


def _reading_order(document, pdf) -> None:
    """A right-to-left document's viewer preference: pages side by side read right to left
    (PDF 1.7, 12.2: /ViewerPreferences /Direction /R2L), so a viewer's two-page view puts
    page 2 to the left of page 1."""
    import pydyf

    preferences = pdf.catalog.get("ViewerPreferences")
    if not isinstance(preferences, dict):
        preferences = pdf.catalog["ViewerPreferences"] = pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
