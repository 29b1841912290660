"""Text or images within 5 mm of the trim, or of a booklet's fold: office printers leave that
edge white, and a print shop's cut or a fold may take it."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .findings import Finding, short
from .layout import MM, Box, Page
from .shapes import drawings

SAFE = 5 * MM


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    for page in pages:
        safe = page.trim.inset(SAFE)
        fold = (page.trim.x0 + page.trim.x1) / 2 if page.booklet else None
        for kind, box in _marks(page):
            where = _outside(box, safe, fold, page.trim)
            if where:
                yield Finding("safe-area", page.file, page.number,
                              f"{kind} {where}",
                              "keep it 5 mm inside the trim (and clear of the fold): "
                              "move it in or widen that margin", box)


def _marks(page: Page) -> Iterator[tuple[str, Box]]:
    for line in page.lines:
        yield f'text "{short(line.text)}"', line.box
    for box in drawings(page, page.graphics + page.strokes):
        if not _bleeds(box, page.trim) and box.overlap(page.trim) > 0:  # crop marks lie outside
            yield "an image or drawing", box


def _bleeds(box: Box, trim: Box) -> bool:
    """A background meant to run off the edge: wide or tall, and past the trim."""
    past = box.x0 < trim.x0 or box.x1 > trim.x1 or box.top < trim.top or box.bottom > trim.bottom
    return past and (box.width > trim.width / 2 or box.height > trim.height / 2)


def _outside(box: Box, safe: Box, fold: float | None, trim: Box) -> str:
    gaps = {"left": box.x0 - trim.x0, "right": trim.x1 - box.x1,
            "top": box.top - trim.top, "bottom": trim.bottom - box.bottom}
    edge, gap = min(gaps.items(), key=lambda item: item[1])
    if gap < SAFE - 0.3:
        return (f"stands {max(gap, 0) / MM:.1f} mm from the {edge} edge of the trim"
                if gap > 0 else f"runs {-gap / MM:.1f} mm past the {edge} edge of the trim")
    if fold is not None and box.x0 < fold + SAFE - 0.3 and box.x1 > fold - SAFE + 0.3:
        gap = max(fold - box.x1, box.x0 - fold, 0)
        return f"stands {gap / MM:.1f} mm from the fold"
    return ""
