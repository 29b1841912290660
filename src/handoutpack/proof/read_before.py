"""Pages read before: a page whose PDF objects are the same as a page the proof has read already
(the pages a profile leaves as they were, a document's pages inside its pack) is not parsed
again: parsing a page's content (pdfminer's interpreter) is most of reading it.

A page is known by a digest of what it draws: its boxes, its content streams and, through its
resources, every image and form it uses and the face of every font (its name without the subset
tag, its kind and metrics). A font's program, widths and ToUnicode map are left out: a pack's
fonts are the union of its parts' subsets (pdf/fontunion.py), which keeps each glyph's id, so a
page's glyph ids in the same face are the same letters whichever pack holds the page, while the
font's tables grow with the pack (a profile's contact page adds the presenter's letters). Links,
tags and the page tree are left out too: the proof does not read them. The pages read are kept,
pickled, in a folder the run owns and removes (PageStore)."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import zlib
from dataclasses import replace
from pathlib import Path

NOT_DRAWN = frozenset({"/Parent", "/Annots", "/StructParents", "/StructParent", "/Metadata",
                       "/PieceInfo", "/Tabs", "/B", "/Thumb", "/LastModified"})
"""Keys of a page or form that do not change what the page shows."""
FONT_TABLES = frozenset({"/FontFile", "/FontFile2", "/FontFile3", "/ToUnicode", "/Widths", "/W",
                         "/W2", "/CIDSet", "/CIDToGIDMap", "/FirstChar", "/LastChar"})
"""A font's tables that grow with the glyphs a pack's union holds (see above)."""
SUBSET_TAG = re.compile(rb"/[A-Z]{6}\+")


def page_digests(path: Path, first: int | None = None) -> list[str]:
    """A digest of what each page of the PDF at `path` draws (its `first` pages only, when
    given); objects several pages share are digested once."""
    import pikepdf

    memo: dict[tuple[int, int], bytes] = {}
    with pikepdf.open(path) as pdf:
        return [_digest(page.obj, memo).hex() for page in list(pdf.pages)[:first]]


def _digest(obj, memo: dict) -> bytes:
    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # a number or boolean pikepdf gives as Python's
        return repr(obj).encode()
    if obj.is_indirect:
        key = obj.objgen
        if key not in memo:
            memo[key] = b"(being digested)"  # a cycle ends here rather than going round
            memo[key] = _direct(obj, memo)
        return memo[key]
    return _direct(obj, memo)


def _direct(obj, memo: dict) -> bytes:
    import pikepdf

    digest = hashlib.sha256()
    if isinstance(obj, pikepdf.Stream):
        digest.update(obj.read_raw_bytes())
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        left_out = NOT_DRAWN | FONT_TABLES if _is_font(obj) else NOT_DRAWN
        for key in sorted(k for k in obj.keys() if k not in left_out):
            digest.update(key.encode() + _digest(obj[key], memo))
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            digest.update(b"[" + _digest(item, memo))
    else:
        digest.update(SUBSET_TAG.sub(b"/", obj.unparse()))
    return digest.digest()


def _is_font(obj) -> bool:
    return obj.get("/Type") in ("/Font", "/FontDescriptor")


class PageStore:
    """The pages read so far, by digest, in `folder` (one file each, written whole so that two
    readers may share it); a sheet of a booklet is kept apart from the same page alone."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, digest: str, booklet: bool) -> Path:
        return self.folder / f"{digest}{'-sheet' if booklet else ''}.page"

    def get(self, digest: str, booklet: bool, file: str, number: int):
        """The page (layout.Page) read before with this digest, as page `number` of `file`;
        None if none."""
        try:
            page = pickle.loads(zlib.decompress(self._path(digest, booklet).read_bytes()))
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError):
            return None
        return replace(page, file=file, number=number)

    def put(self, digest: str, page) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._path(digest, page.booklet)
        temporary = target.with_name(f"{target.name}.{os.getpid()}")
        temporary.write_bytes(zlib.compress(pickle.dumps(page, pickle.HIGHEST_PROTOCOL), 1))
        os.replace(temporary, target)
