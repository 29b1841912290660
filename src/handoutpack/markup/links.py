"""Links on paper: number a document's external links and give each a QR code to scan, in the
margin beside the line where the link first appears; links to other documents' sources become jumps
inside a pack."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import segno

from ..pdf.placeholders import DOCUMENT_LINK
from ..sources.content import FILE_RE
from .memory import kept_call

EXTERNAL_LINK = re.compile(r"""<a\b[^>]*?\shref=(["'])(https?://.+?)\1[^>]*>.*?</a>""",
                           re.S | re.I)
SCHEME = re.compile(r"^https?://", re.I)
SOURCE_LINK = re.compile(r"""<a\b([^>]*?)\shref=(["'])([^"':#?]+\.md)(?:#[^"']*)?\2([^>]*)>(.*?)</a>""",
                         re.S | re.I)
BLOCK_START = re.compile(r"<(?:p|li|dt|dd|td|th|h[1-6]|blockquote|figcaption)\b", re.I)
"""Where a new block of text starts: codes of links in one block are stacked beside it."""
QR_COLOUR = "#1f2a30"  # the body text's near-black: phones read dark on white best


@dataclass(frozen=True)
class PrintedLink:
    """An external link as the links table prints it: its number in the text, URL and code."""

    number: int
    url: str
    qr: str
    """The QR code as a data: URI of an SVG, which the renderer's fetcher accepts."""

    @property
    def shown(self) -> str:
        """The URL as printed: without its scheme, which the code carries and browsers add."""
        return SCHEME.sub("", self.url)


def number_links(body: str, qr_alt: str = "QR code for {url}",
                 lang: str = "") -> tuple[str, list[PrintedLink]]:
    """`body` with a number after each external link (one per distinct URL), and the links.
    Where a URL first appears, its QR code follows, which the styles place in the margin beside
    that line with the same number: no page of codes alone, and a one-page document stays one
    page. The codes of several links in one block all follow its last one, stacked up the
    margin from that line: anchored at their own links' lines, the earlier ones went up beside
    the block before. `qr_alt` (with {url}) is the codes' alt text, in `lang`."""
    numbers: dict[str, int] = {}
    blocks = [m.start() for m in BLOCK_START.finditer(body)]
    coded = _first_links_by_block(body, blocks)  # how many codes each block puts in the margin
    waiting: dict[int, list[PrintedLink]] = {}

    def mark(match: re.Match) -> str:
        url = html.unescape(match[2])
        first = url not in numbers
        number = numbers.setdefault(url, len(numbers) + 1)
        badge = f'<span class="link-number">{number}</span>'
        if not first:
            return match[0] + badge
        block = bisect.bisect_right(blocks, match.start())
        links = waiting.setdefault(block, [])
        links.append(PrintedLink(number, url, qr_code(url)))
        if len(links) < coded[block]:
            return match[0] + badge
        return match[0] + badge + "".join(_code_note(link, qr_alt, lang, len(links) - 1 - index)
                                          for index, link in enumerate(links))

    body = EXTERNAL_LINK.sub(mark, body)
    return body, [PrintedLink(number, url, qr_code(url)) for url, number in numbers.items()]


def _first_links_by_block(body: str, blocks: list[int]) -> dict[int, int]:
    """For each block of text (its index in `blocks`), how many URLs appear first in it."""
    seen: set[str] = set()
    counts: dict[int, int] = {}
    for match in EXTERNAL_LINK.finditer(body):
        url = html.unescape(match[2])
        if url not in seen:
            seen.add(url)
            block = bisect.bisect_right(blocks, match.start())
            counts[block] = counts.get(block, 0) + 1
    return counts


def _code_note(link: PrintedLink, qr_alt: str, lang: str, after: int) -> str:
    """A link's QR code with its number, for the margin beside its block's last link; `after`
    more codes of the block follow, so it goes that many places up the margin: codes read 1, 2,
    3 down the margin and the last sits beside its line, clear of the footer when the block ends
    a page."""
    alt = html.escape(qr_alt.format(url=link.url))
    lang_attr = f' lang="{html.escape(lang)}"' if lang else ""
    stack = f" stack-{min(after, 3)}" if after else ""
    return (f'<span class="link-code{stack}"{lang_attr}><span class="link-number">{link.number}</span>'
            f'<img class="qr" src="{link.qr}" alt="{alt}"></span>')


def qr_code(url: str) -> str:
    """A QR code for `url` as an SVG data: URI, sized by CSS (no width or height of its own);
    kept between builds by URL (the same links come back in every language and every pack)."""
    return kept_call("qr", (url, QR_COLOUR), lambda: segno.make(url, error="m", micro=False)
                     .svg_data_uri(dark=QR_COLOUR, omitsize=True))


def link_documents(body: str, folder: Path, linkable: frozenset[str]) -> str:
    """Links to another document's source file (`other.en.md#part`): a jump to that document where
    it is in the same pack (`linkable`), else just the link's text — a source file's path means
    nothing to a reader and would print this computer's folders into the PDF."""

    def replace(match: re.Match) -> str:
        name = FILE_RE.match((folder / unquote(html.unescape(match[3]))).name)
        if name and name["slug"] in linkable:
            return f'<a{match[1]} href="{DOCUMENT_LINK}{name["slug"]}"{match[4]}>{match[5]}</a>'
        return match[5]

    return SOURCE_LINK.sub(replace, body)
