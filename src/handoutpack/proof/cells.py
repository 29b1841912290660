"""Table cells as a PDF draws them. WeasyPrint draws a table one cell at a time: filled
rectangles side by side (a header row, a striped row) and rule segments end to end (each row's
bottom border). A table may take the frame's whole width where the running text keeps to a
narrower measure; its text keeps to its cells, and is no measure of the text area.
Boxes here are (x0, top, x1, bottom) in points from the page's top left, as pdfplumber's."""

from __future__ import annotations

from collections import defaultdict

Edges = tuple[float, float, float, float]

TOUCH = 0.6
"""Points between two cells' edges that meet."""
RULE = 1.5
"""A filled rectangle at most this tall (in points) is a rule."""
ROW = 40 * 72 / 25.4
"""How far above its bottom border a cell's text may stand (40 mm: a cell of several lines)."""


def cells(rects: list[dict], lines: list[dict]) -> list[Edges]:
    """The table cells drawn on a page, from pdfplumber's rects and lines."""
    filled = [_edges(r) for r in rects if r.get("fill") and r["height"] > RULE]
    rules = [_edges(r) for r in rects if r["height"] <= RULE] + [
        _edges(line) for line in lines if line["height"] < TOUCH]
    boxes, borders = _beside_another(filled), _beside_another(rules)
    tops = [(x0, bottom, x1) for x0, _, x1, bottom in boxes] + [
        (x0, top, x1) for x0, top, x1, _ in borders]
    for x0, top, x1, _ in borders:  # a row's cell: from its bottom border up to the row above
        above = [y for left, y, right in tops if y < top - TOUCH and left < x1 - TOUCH
                 and right > x0 + TOUCH and top - y <= ROW]
        boxes.append((x0, max(above, default=top - ROW), x1, top))
    return boxes


def _edges(item: dict) -> Edges:
    return item["x0"], item["top"], item["x1"], item["bottom"]


def _beside_another(boxes: list[Edges]) -> list[Edges]:
    """The boxes another box of the same height meets end to end: the next cell. Looked up by
    where their edges are (a page of rules or a QR code has thousands: not each against each)."""
    starts: dict[tuple[int, int], list[Edges]] = defaultdict(list)
    ends: dict[tuple[int, int], list[Edges]] = defaultdict(list)
    for box in boxes:
        starts[_place(box[0]), _place(box[1])].append(box)
        ends[_place(box[2]), _place(box[1])].append(box)

    def beside(box: Edges) -> bool:
        x0, top, x1, bottom = box
        near = [other for across in (-1, 0, 1) for down in (-1, 0, 1) for other in
                starts.get((_place(x1) + across, _place(top) + down), [])
                + ends.get((_place(x0) + across, _place(top) + down), [])]
        return any(other is not box and abs(other[1] - top) < TOUCH
                   and abs(other[3] - bottom) < TOUCH
                   and (abs(other[0] - x1) < TOUCH or abs(other[2] - x0) < TOUCH)
                   for other in near)

    return [box for box in boxes if beside(box)]


def _place(x: float) -> int:
    """Where an edge is, in steps of TOUCH: edges less than TOUCH apart are at most a step
    apart."""
    return round(x / TOUCH)
