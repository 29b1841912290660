"""What the dialects that rewrite a source before Jinja share: where its code is (fenced blocks
and `inline code`, which stay as written), and the notes they leave for `check`."""

from __future__ import annotations

import bisect
import html
import re
import shlex
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*$", re.M)
INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)[^`]+(?P=ticks)(?!`)")
"""`code` and ``code``: each span ends at the next backticks, so a stray one costs one scan."""
ATTRIBUTE = re.compile(r"""(?P<name>[\w:.-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|"""
                       r"""\{(?P<js>[^{}]*)\}|(?P<bare>[^\s"'>/]+))""")


@dataclass(frozen=True)
class Page:
    """What a dialect may need to know about the document it rewrites."""

    lang: str = "en"
    folder: Path | None = None
    """The source's folder: Hugo's code shortcodes read files from there (or its parents)."""
    root: Path | None = None
    """The project folder: no file outside it is read."""
    slug: str = ""
    """The page's address on the site it came from (MDN's front matter `slug`), if known."""


@dataclass
class Notes:
    """What a rewrite changed that a reader of the source should hear about: (the source text to
    point at, the message) pairs, which `check` and every build print as warnings."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, needle: str, message: str) -> None:
        if (needle, message) not in self.items:
            self.items.append((needle, message))


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Where `text` holds code: fenced blocks (to their closing fence, or the end) and inline
    code spans outside them."""
    ranges, position = [], 0
    while (opening := FENCE.search(text, position)) is not None:
        fence = opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        end_match = closing.search(text, opening.end())
        end = end_match.end() if end_match else len(text)
        ranges += _inline(text, position, opening.start())
        ranges.append((opening.start(), end))
        position = end
    return ranges + _inline(text, position, len(text))


def _inline(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in INLINE_CODE.finditer(text[start:end])]


def inside(ranges: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` falls in one of `ranges` (sorted, as code_ranges gives them)."""
    index = bisect.bisect_right(ranges, (position, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= position < ranges[index][1]


def find_file(name: str, page: Page) -> Path | None:
    """The file `name` beside the page, or in an `examples` folder there, or in a folder above
    it up to the project's (where Hugo's code shortcodes and MkDocs' snippets look); never a
    file outside the project."""
    if not name or page.folder is None or page.root is None:
        return None
    folder = page.folder
    while True:
        for candidate in (folder / name, folder / "examples" / name):
            real = candidate.resolve()
            if real.is_file() and real.is_relative_to(page.root.resolve()):
                return real
        if folder == page.root or folder.parent == folder or not folder.is_relative_to(page.root):
            return None
        folder = folder.parent



def outside_code(pattern: re.Pattern, text: str, start: int = 0):
    """pattern.finditer(text) without the matches that start inside code."""
    ranges = code_ranges(text)
    for match in pattern.finditer(text, start):
        if not inside(ranges, match.start()):
            yield match


def replace_outside_code(pattern: re.Pattern, replace, text: str) -> str:
    """`text` with each match of `pattern` outside code (and not inside a match before it)
    replaced by `replace(match)`."""
    out, position = [], 0
    for match in outside_code(pattern, text):
        if match.start() < position:
            continue
        out += [text[position:match.start()], replace(match)]
        position = match.end()
    return "".join(out) + text[position:]


def replace_pairs(opening: re.Pattern, closing: re.Pattern, replace, text: str) -> str:
    """`text` with each block from an `opening` to the first `closing` after it (both outside
    code) replaced by `replace(opening match, the text between, closing match)`. One pass over
    the tags: a regex spanning both (`open.*?close`) looks to the end of the text from every
    opening that never closes, which takes minutes for a few thousand of them."""
    code = code_ranges(text)
    closings = [m for m in closing.finditer(text) if not inside(code, m.start())]
    out, position, next_closing = [], 0, 0
    for match in opening.finditer(text):
        if match.start() < position or inside(code, match.start()):
            continue
        while next_closing < len(closings) and closings[next_closing].start() < match.end():
            next_closing += 1
        if next_closing == len(closings):
            break
        close = closings[next_closing]
        out += [text[position:match.start()], replace(match, text[match.end():close.start()], close)]
        position = close.end()
    return "".join(out) + text[position:]


@dataclass(frozen=True)
class Tag:
    """A shortcode or component tag found in a source: opening, closing or standing alone."""

    start: int
    end: int
    name: str
    closing: bool
    alone: bool
    match: re.Match


MAX_NESTING = 40
"""Tags nested deeper than this enclose nothing (each prints alone): no page nests so deep, and
a source that does must not exhaust the stack."""


def nest(text: str, tags: list[Tag], handler) -> str:
    """`text` with each tag, and what it encloses when a closing tag of its name follows, replaced
    by handler(tag, inner text already rewritten, or None when it encloses nothing)."""
    pairs, stack = {}, []
    for index, tag in enumerate(tags):
        if tag.closing:
            for depth in range(len(stack) - 1, -1, -1):
                if tags[stack[depth]].name == tag.name:
                    pairs[stack[depth]] = index
                    del stack[depth:]
                    break
        elif not tag.alone and len(stack) < MAX_NESTING:
            stack.append(index)

    def render(first: int, last: int, start: int, end: int) -> str:
        out, position, index = [], start, first
        while index < last:
            tag = tags[index]
            out.append(text[position:tag.start])
            closing = pairs.get(index)
            if tag.closing:  # one that closes nothing: dropped
                position, index = tag.end, index + 1
                continue
            inner = None if closing is None else render(index + 1, closing, tag.end,
                                                        tags[closing].start)
            out.append(handler(tag, inner))
            position = tag.end if closing is None else tags[closing].end
            index = index + 1 if closing is None else closing + 1
        return "".join(out) + text[position:end]

    return render(0, len(tags), 0, len(text))


def attributes(text: str) -> dict[str, str]:
    """`title="A" type=tip href={'/x'}` as a dict; bare words (Hugo's positional arguments)
    get the keys 0, 1..."""
    found: dict[str, str] = {}
    for match in ATTRIBUTE.finditer(text):
        value = next(v for v in (match["dq"], match["sq"], match["js"], match["bare"])
                     if v is not None)
        found[match["name"]] = html.unescape(value.strip().strip("'\"`"))
    rest = ATTRIBUTE.sub(" ", text)
    try:
        words = shlex.split(rest)
    except ValueError:
        words = rest.split()
    for index, word in enumerate(w for w in words if w not in ("/",)):
        found.setdefault(str(index), word)
    return found


def callout(kind: str, title: str, body: str, indent: str = "") -> str:
    """A titled box, as Pandoc's fenced divs print (`<div class="block note">`), with Markdown
    inside. Indented (inside a list item, where HTML blocks cannot go), a quote of that class
    with its title in bold, which Markdown nests in the item."""
    if indent:
        lines = ([f"**{title}**", ""] if title else []) + dedent(body).splitlines()
        quoted = "\n".join(f"> {line}".rstrip() for line in lines)
        return indented(f"\n\n{quoted}\n>\n> {{: .{kind}}}\n\n", indent)
    heading = f'<p class="block-title">{html.escape(title)}</p>\n\n' if title else ""
    return (f'\n\n<div class="block {html.escape(kind)}" markdown="1">\n\n{heading}'
            f"{body.strip()}\n\n</div>\n\n")


def code_block(code: str, language: str = "") -> str:
    """`code` as a fenced block, its fence longer than any run of backticks inside it."""
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def dedent(text: str) -> str:
    return textwrap.dedent(text.strip("\n"))


def indent_at(text: str, at: int) -> str:
    """The white space that starts the line `at` is on, when only white space precedes `at`
    there (a tag on a line of its own, inside a list item when it is indented)."""
    start = text.rfind("\n", 0, at) + 1
    before = text[start:at]
    return before if not before.strip() else ""


def indented(text: str, indent: str) -> str:
    """`text` with every line after the first indented by `indent`."""
    return text.replace("\n", "\n" + indent) if indent else text


def heading_levels(text: str):
    """A function giving the level of the last Markdown heading before a position of `text`
    (0 when none): its headings are found once, however many tabs ask."""
    found = [(m.start(), len(m[1])) for m in outside_code(re.compile(r"^(#{1,6})[ \t]", re.M), text)]
    starts = [position for position, _ in found]

    def level_before(at: int) -> int:
        index = bisect.bisect_left(starts, at) - 1
        return found[index][1] if index >= 0 else 0

    return level_before


def section(title: str, level: int, body: str, indent: str = "") -> str:
    """A headed section one level below `level` (as tabs print on paper); inside a list item
    (`indent`), a bold line instead, as headings cannot nest there."""
    if indent:
        return indented(f"\n\n**{title}**\n\n{dedent(body)}\n\n", indent)
    hashes = "#" * min(max(level + 1, 2), 6)
    return f"\n\n{hashes} {title}\n\n{body.strip()}\n\n"


WORDS = {
    "note": {"en": "Note", "fr": "Remarque", "es": "Nota", "pt": "Nota", "de": "Hinweis",
             "it": "Nota", "ru": "Примечание", "ja": "備考", "zh": "说明", "ko": "참고",
             "hi": "टिप्पणी", "ar": "ملاحظة", "id": "Catatan", "uk": "Примітка", "pl": "Uwaga"},
    "warning": {"en": "Warning", "fr": "Avertissement", "es": "Advertencia", "pt": "Aviso",
                "de": "Warnung", "it": "Avviso", "ru": "Предупреждение", "ja": "警告",
                "zh": "警告", "ko": "경고", "hi": "चेतावनी", "ar": "تحذير", "id": "Peringatan",
                "uk": "Попередження", "pl": "Ostrzeżenie"},
    "caution": {"en": "Caution", "fr": "Attention", "es": "Precaución", "pt": "Cuidado",
                "de": "Vorsicht", "it": "Attenzione", "ru": "Осторожно", "ja": "注意",
                "zh": "注意", "ko": "주의", "hi": "सावधानी", "ar": "تنبيه", "id": "Perhatian",
                "uk": "Увага", "pl": "Ostrożnie"},
    "tip": {"en": "Tip", "fr": "Astuce", "es": "Consejo", "pt": "Dica", "de": "Tipp",
            "it": "Suggerimento", "ru": "Совет", "ja": "ヒント", "zh": "提示", "ko": "팁",
            "hi": "सुझाव", "ar": "نصيحة", "id": "Tips", "uk": "Порада", "pl": "Wskazówka"},
    "danger": {"en": "Danger", "fr": "Danger", "es": "Peligro", "pt": "Perigo", "de": "Gefahr",
               "it": "Pericolo", "ru": "Опасно", "ja": "危険", "zh": "危险", "ko": "위험",
               "hi": "ख़तरा", "ar": "خطر", "id": "Bahaya", "uk": "Небезпека", "pl": "Niebezpieczeństwo"},
}
WORDS["info"] = WORDS["important"] = WORDS["note"]


def word(kind: str, lang: str) -> str:
    """The title a box of `kind` gets in `lang` when its source gives none."""
    table = WORDS.get(kind, WORDS["note"])
    return table.get(lang, table.get(lang.split("-")[0], table["en"]))
