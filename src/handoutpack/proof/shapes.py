"""Drawings grouped into the objects they make (a logo of several shapes, a QR code of many
strokes), and how boxes hold one another."""

from __future__ import annotations

from .layout import Box, Page


def drawings(page: Page, boxes: list[Box] | None = None) -> list[Box]:
    """The page's drawings merged into the objects they make (a logo of several shapes that
    touch is one box)."""
    merged: list[Box] = []
    for box in sorted(page.graphics if boxes is None else boxes, key=lambda b: b.x0):
        for i, other in enumerate(merged):
            if _near(other, box):
                merged[i] = Box(min(other.x0, box.x0), min(other.top, box.top),
                                max(other.x1, box.x1), max(other.bottom, box.bottom))
                break
        else:
            merged.append(box)
    return merged


def _near(a: Box, b: Box, gap: float = 2.0) -> bool:
    return (a.x0 - gap <= b.x1 and b.x0 <= a.x1 + gap
            and a.top - gap <= b.bottom and b.top <= a.bottom + gap)


def holds(outer: Box, inner: Box, slack: float = 0.5) -> bool:
    return (outer.x0 - slack <= inner.x0 and inner.x1 <= outer.x1 + slack
            and outer.top - slack <= inner.top and inner.bottom <= outer.bottom + slack)


def area(box: Box) -> float:
    return max(box.width, 0.1) * max(box.height, 0.1)
