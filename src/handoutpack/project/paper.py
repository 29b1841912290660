"""Paper: the page sizes handoutpack prints on, booklet sheets, and a print shop's bleed."""

from __future__ import annotations

POINTS_PER_MM = 72 / 25.4

CHOICES = ("A4", "Letter", "A5")
"""The paper a project, a pack or a build may ask for."""

PAGE_MM = {
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "Letter": (215.9, 279.4),
    "Half-letter": (139.7, 215.9),
    "Slide": (1280 * 25.4 / 96, 720 * 25.4 / 96),
}
"""Width and height of every page size, booklet pages and slides included."""

SLIDE = "Slide"
"""A deck's slides have a page of their own (1280 by 720 CSS pixels, styles/slides.css),
whatever paper the build prints on."""

BOOKLET = {"A4": ("A5", "A4"), "A5": ("A5", "A4"), "Letter": ("Half-letter", "Letter")}
"""A pack's paper → (its booklet's page size, the sheet two such pages are printed on)."""

BLEED_MM = 3.0
"""How far colour that touches the page edge runs past it, for the print shop to trim."""

MARKS_MM = 9.0
"""Room outside the bleed for crop marks: WeasyPrint draws them in the outer half of its bleed
area, so a bleed of BLEED_MM + MARKS_MM puts them 3 mm clear of the colour."""


def css_size(name: str) -> str:
    """The CSS `size` of a page, e.g. '148mm 210mm'."""
    width, height = PAGE_MM[name]
    return f"{width:g}mm {height:g}mm"


def points(name: str) -> tuple[float, float]:
    width, height = PAGE_MM[name]
    return width * POINTS_PER_MM, height * POINTS_PER_MM
