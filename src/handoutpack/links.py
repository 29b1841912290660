"""Links on paper: number a document's external links and give each a QR code to scan; links
to other documents' sources become jumps inside a pack."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import segno

from .content import FILE_RE
from .pdf.placeholders import DOCUMENT_LINK

EXTERNAL_LINK = re.compile(r"""<a\b[^>]*?\shref=(["'])(https?://.+?)\1[^>]*>.*?</a>""",
                           re.S | re.I)
SCHEME = re.compile(r"^https?://", re.I)
SOURCE_LINK = re.compile(r"""<a\b([^>]*?)\shref=(["'])([^"':#?]+\.md)(?:#[^"']*)?\2([^>]*)>(.*?)</a>""",
                         re.S | re.I)
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


def number_links(body: str) -> tuple[str, list[PrintedLink]]:
    """`body` with a number after each external link (one per distinct URL), and the links."""
    numbers: dict[str, int] = {}

    def mark(match: re.Match) -> str:
        url = html.unescape(match[2])
        number = numbers.setdefault(url, len(numbers) + 1)
        return f'{match[0]}<span class="link-number">{number}</span>'

    body = EXTERNAL_LINK.sub(mark, body)
    return body, [PrintedLink(number, url, qr_code(url)) for url, number in numbers.items()]


@cache  # the same links come back in every language and every pack
def qr_code(url: str) -> str:
    """A QR code for `url` as an SVG data: URI, sized by CSS (no width or height of its own)."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(dark=QR_COLOUR, omitsize=True)


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
