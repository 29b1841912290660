"""Decks on paper: check that each slide fits its page, and place slides into handout and notes
pages (the page work is pdf.slides')."""

from __future__ import annotations

from ..pdf import slides as pages
from ..render.engine import Rendered


def overflow_warnings(slides: Rendered) -> list[str]:
    """One warning for each slide whose content runs past the foot of its page."""
    return [f"slide {number} overflows: its content needs {len(taken)} slide pages. The slides "
            "PDF shows it all, over several pages; handouts and notes show its first page. "
            "Shorten the slide, or split it in two with a '---' line."
            for number, taken in pages.slide_pages(slides.pdf).items() if len(taken) > 1]


def place_slides(sheets: Rendered, slides: Rendered) -> Rendered:
    """`sheets` (handout or notes pages) with each slide drawn into the frame marked for it."""
    pdf, count = pages.place_slides(sheets.pdf, slides.pdf)
    return Rendered(pdf, count, sheets.warnings)
