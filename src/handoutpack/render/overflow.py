"""Text past a page's edge, found in WeasyPrint's layout: each overflow named with its page and
how far it runs."""

from __future__ import annotations

from collections.abc import Iterator

OVERFLOW_TOLERANCE = 1.0
"""CSS pixels of text past the text area's right edge that still count as inside it."""
PX_PER_MM = 96 / 25.4  # WeasyPrint lays pages out in CSS pixels


def overflows(document) -> list[str]:
    """One warning for each page where text runs past the right edge of the text area (into the
    margin, or off the paper): what the theme could not wrap, which a reader would not see."""
    from weasyprint.formatting_structure import boxes

    warnings = []
    for number, page in enumerate(document.pages, 1):
        # WeasyPrint's layout of the page (its root box, then margins): the one private name
        # left, as WeasyPrint has no public way to laid-out boxes; pinned in pyproject, and
        # test_imported_checks fails if it moves
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in _flowing_text(page_box.children[0], boxes) if page_box.children else ():
            past = box.position_x + box.width - right
            if past > OVERFLOW_TOLERANCE:
                warnings.append(f"page {number}: text runs {past / PX_PER_MM:.0f} mm past the "
                                f"right edge of the text area, beginning '{box.text[:40]}', and is "
                                "cut off in print; break the line, shorten it, or give the table "
                                "fewer columns")
                break
    return warnings


def _flowing_text(box, boxes) -> Iterator:
    """The text boxes under `box`, less those of boxes the theme places itself (absolutely
    positioned, like the QR codes in the margin beside their links): they are meant to be there."""
    if box.style["position"] in ("absolute", "fixed"):
        return
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _flowing_text(child, boxes)
