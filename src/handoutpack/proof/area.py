"""A file's text area, read from its pages: where its body lines start and end, across and down
(the proof has no CSS, so it takes the margins from where most of the body text stands)."""

from __future__ import annotations

from collections import Counter

from .flow import next_line
from .layout import MM, Box, Line, Page


def body_lines(page: Page) -> list[Line]:
    """The lines set at the page's body size (running heads, notes, captions and tables'
    cells apart)."""
    size = page.body_size
    return [line for line in page.running if abs(line.size - size) < 0.25]


def text_lines(page: Page) -> list[Line]:
    """The lines that keep to the text column: near the body size (a summary, a list, a box's
    text; not titles, which may stand wider, nor notes in the margin), not in a table's cells
    nor code, which may take the frame's width."""
    size = page.body_size
    return [line for line in page.running if abs(line.size - size) <= 0.2 * size
            and not all("mono" in word.font.lower() for word in line.words)]


TITLE_SIZE = 16.0
"""Points: text this large is a title, not text to read (an A5 cover's title in four lines
of Arabic holds most of its words)."""


def is_cover(page: Page) -> bool:
    """A pack's first page: a title, a line or two at its body size (the rights, the
    website), no running text and no table. (A document's first page holds its masthead and
    a paragraph or more: four lines on an A5 page.)"""
    return page.number == 1 and (page.body_size >= TITLE_SIZE
                                 or len(body_lines(page)) + len(page.in_cells) < 4)


def text_area(pages: list[Page]) -> Box | None:
    """The box the body text of these pages keeps to (covers, slides and booklets apart, and
    pages of the other direction than most: an English document in an Arabic pack has its own
    column; pages set in columns have their own area, see page_area): the edge their lines
    start at (most lines share it), the edge they end at (the one justified lines share, or
    else see _ragged_edge), and the highest and lowest body line or table cell."""
    bodies = [(page, body_lines(page)) for page in pages
              if not (is_cover(page) or page.slide or page.booklet or page.sheet)]
    bodies = [(page, lines) for page, lines in bodies if lines and not columns(lines)]
    rtl = sum(_rtl(lines) for _, lines in bodies) > len(bodies) / 2
    bodies = [(page, lines) for page, lines in bodies if _rtl(lines) == rtl]
    lines = [line for _, page_lines in bodies for line in page_lines]
    if len(lines) < 10:
        return None
    starts = Counter(round(line.box.x1 if rtl else line.box.x0) for line in lines)
    ends = Counter(round(line.box.x0 if rtl else line.box.x1) for line in lines)
    wrapped = [line for page, _ in bodies for line in _wrapped(page)]
    if ends.most_common(1)[0][1] >= 0.2 * len(lines):  # justified: most lines end at one edge
        end = _further(_edge(ends, min if rtl else max), wrapped, rtl)
    else:
        end = _ragged_edge([(line, page.number) for page, page_lines in bodies
                            for line in page_lines], wrapped, rtl)
    start = _edge(starts, max if rtl else min)
    tall = lines + [line for page, _ in bodies for line in page.in_cells]  # tables stand in it
    top, bottom = min(line.box.top for line in tall), max(line.box.bottom for line in tall)
    return Box(end, top, start, bottom) if rtl else Box(start, top, end, bottom)


def page_area(page: Page, area: Box | None) -> Box | None:
    """The text area of one page: the file's, or the page's own when it is set in columns (a
    one-page flyer in a pack whose other pages keep to one narrower column): from the edge its
    first column starts at to the ragged end of its last, as high and low as the file's."""
    groups = columns(body_lines(page))
    if not groups:
        return area
    rtl = _rtl([line for group in groups for line in group])
    first, last = (groups[-1], groups[0]) if rtl else (groups[0], groups[-1])
    starts = Counter(round(line.box.x1 if rtl else line.box.x0) for line in first)
    start = _edge(starts, max if rtl else min)
    wrapped = {id(line) for line in _wrapped(page)}
    end = _ragged_edge([(line, page.number) for line in last],
                       [line for line in last if id(line) in wrapped], rtl)
    lines = [line for group in groups for line in group]
    top = min(line.box.top for line in lines) if area is None else area.top
    bottom = max(line.box.bottom for line in lines) if area is None else area.bottom
    return Box(end, top, start, bottom) if rtl else Box(start, top, end, bottom)


COLUMN_LINES = 6
"""Lines a column holds at least: fewer side by side are a label and its value (a contact
page's email address beside "Email"), not columns."""


def columns(lines: list[Line]) -> list[list[Line]]:
    """The lines in columns, left to right, when they stand in two or more side by side: each
    column's lines apart from the others' by a gutter no line crosses, and each column as tall
    as a third of the text at least. Else nothing: one column."""
    groups: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.box.x0):
        if groups and line.box.x0 < max(other.box.x1 for other in groups[-1]) + MM:
            groups[-1].append(line)
        else:
            groups.append([line])
    if len(groups) < 2:
        return []
    height = max(line.box.bottom for line in lines) - min(line.box.top for line in lines)
    if all(len(group) >= COLUMN_LINES and _height(group) >= height / 3 for group in groups):
        return groups
    return []


def _height(lines: list[Line]) -> float:
    return max(line.box.bottom for line in lines) - min(line.box.top for line in lines)


WORD = 6 * MM
"""How far short of the column's edge ragged text may stop on every line of a short text: a
long word (Arabic has no hyphenation)."""


def _ragged_edge(lines: list[tuple[Line, int]], wrapped: list[Line], rtl: bool) -> float:
    """The outermost edge body lines (each with its page number) of two pages reach (within
    1 mm of each other; two lines of any page, when there are fewer than three): ragged text
    comes near the column's edge on every page, and what runs past the margin stands alone, or
    on a page of its own (a contact page's addresses). A short text (Arabic, unhyphenated) may
    have no two lines that near its edge: a line the line breaker wrapped (`wrapped`), a word's
    width further out, shows where it is, as the breaker kept it inside."""
    ends = sorted(((line.box.x0 if rtl else line.box.x1, page) for line, page in lines),
                  reverse=not rtl)  # outermost first
    return _further(_paired_edge(ends), wrapped, rtl)


def _further(edge: float, wrapped: list[Line], rtl: bool) -> float:
    """`edge`, or the outermost of the `wrapped` lines a word's width or less past it: the line
    breaker kept them inside the column, so it reaches that far (ragged text's lines near the
    edge may happen to end together, and a summary set larger wraps further out than the body)."""
    further = sorted((line.box.x0 if rtl else line.box.x1 for line in wrapped
                      if 0 < (edge - line.box.x0 if rtl else line.box.x1 - edge) <= WORD),
                     reverse=not rtl)
    return further[0] if further else edge


def _wrapped(page: Page) -> list[Line]:
    """The column's lines (text_lines) of four words or more that the next line of their
    paragraph follows: the line breaker ended them where the next word would not fit (what
    runs past the margin is a word that could not break, an address, or a line that may not)."""
    return [line for line in text_lines(page)
            if len(line.words) >= 4 and next_line(page, line) is not None]


def _paired_edge(ends: list[tuple[float, int]]) -> float:
    pages = len({page for _, page in ends})
    for i, (edge, page) in enumerate(ends):
        for other, other_page in ends[i + 1:]:
            if abs(edge - other) > MM:
                break
            if pages < 3 or other_page != page:
                return edge
    return ends[-1][0]


def _rtl(lines: list[Line]) -> bool:
    return sum(line.rtl for line in lines) > len(lines) / 2


def _edge(counts: Counter, pick) -> float:
    """The outermost edge many lines share: each line of a paragraph starts there, and an
    indented list starts further in than the text it belongs to."""
    most = counts.most_common(1)[0][1]
    shared = [x for x, n in counts.items() if n >= max(3, most / 4)]
    return pick(shared or counts)
