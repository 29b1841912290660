"""One font file per face in a PDF made of other PDFs.

Each document WeasyPrint renders embeds its own subset of every face it uses, so a pack of ten
documents carries ten subsets of the body font. WeasyPrint subsets with the glyph ids kept
(HarfBuzz's RETAIN_GIDS) and names a subset after the full font's hash, so the subsets of one
face agree glyph for glyph: their union is one font that serves every part. Each part's font
dictionary is then pointed at it; its text layer (ToUnicode) is kept or, when the parts agree,
shared too.

A face is merged only when the parts' subsets agree on every glyph they have in common;
anything else (a CFF font, a font without the glyf table, other writers' PDFs) is
left as it was."""

from __future__ import annotations

import re
from collections import defaultdict

import pikepdf
from pikepdf import Array, Dictionary, Name

from .fontunion import union_program

_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def share_fonts(pdf: pikepdf.Pdf) -> int:
    """Give each face one font file in `pdf`; returns how many faces were merged."""
    merged = 0
    for fonts in _faces(pdf).values():
        if len({font.DescendantFonts[0].FontDescriptor.FontFile2.objgen for font in fonts}) > 1:
            merged += _merge_face(pdf, fonts)
    return merged


def _faces(pdf: pikepdf.Pdf) -> dict[str, list[Dictionary]]:
    """The Type 0 fonts of `pdf` by their subset name ("ABCDEF+Lato"): WeasyPrint derives the
    six letters from the full font file, so one name is one face."""
    faces: dict[str, list[Dictionary]] = defaultdict(list)
    for obj in pdf.objects:
        if _mergeable(obj):
            faces[str(obj.BaseFont)].append(obj)
    return faces


def _mergeable(obj) -> bool:
    if not isinstance(obj, Dictionary) or obj.get("/Subtype") != Name.Type0:
        return False
    if obj.get("/Encoding") != Name("/Identity-H") or "/DescendantFonts" not in obj:
        return False
    descendants = obj.DescendantFonts
    if len(descendants) != 1:
        return False
    cid = descendants[0]
    descriptor = cid.get("/FontDescriptor")
    return (cid.get("/Subtype") == Name.CIDFontType2
            and cid.get("/CIDToGIDMap") == Name.Identity
            and descriptor is not None and "/FontFile2" in descriptor
            and "/CIDSet" not in descriptor)


def _merge_face(pdf: pikepdf.Pdf, fonts: list[Dictionary]) -> int:
    """Point every part's font of one face at one descriptor and font file. Each part keeps its
    own widths (/W): WeasyPrint rounds them at the size the text was set in, so they differ by
    a unit between parts and the glyph positions in the page depend on them."""
    cids = [font.DescendantFonts[0] for font in fonts]
    used: dict[tuple, set[int]] = defaultdict(set)
    streams: dict[tuple, pikepdf.Stream] = {}
    for cid in cids:
        stream = cid.FontDescriptor.FontFile2
        streams[stream.objgen] = stream
        used[stream.objgen] |= _glyphs(cid.get("/W", Array()))
    program = union_program([(streams[key].read_bytes(), max(used[key], default=0) + 1)
                             for key in streams])
    if program is None:
        return 0
    font_file = pikepdf.Stream(pdf, program)
    font_file.Length1 = len(program)
    descriptor = Dictionary({key: value for key, value in cids[0].FontDescriptor.items()})
    descriptor.FontFile2 = font_file
    descriptor.FontBBox = _union_box([cid.FontDescriptor.FontBBox for cid in cids])
    descriptor = pdf.make_indirect(descriptor)
    to_unicode = _union_to_unicode(pdf, fonts)
    for font, cid in zip(fonts, cids):
        cid.FontDescriptor = descriptor
        if to_unicode is not None:
            font.ToUnicode = to_unicode
    return 1


def _glyphs(widths: Array) -> set[int]:
    """The glyph ids a /W array gives widths for: the glyphs the part shows."""
    glyphs: set[int] = set()
    items = list(widths)
    index = 0
    while index + 1 < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            glyphs.update(range(first, first + len(items[index + 1])))
            index += 2
        else:
            glyphs.update(range(first, int(items[index + 1]) + 1))
            index += 3
    return glyphs


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _union_box(boxes: list[Array]) -> Array:
    values = [[float(v) for v in box] for box in boxes]
    return Array([_number(min(v[0] for v in values)), _number(min(v[1] for v in values)),
                  _number(max(v[2] for v in values)), _number(max(v[3] for v in values))])


def _union_to_unicode(pdf: pikepdf.Pdf, fonts: list[Dictionary]) -> pikepdf.Stream | None:
    """One ToUnicode map for every part when they agree (each glyph meaning the same text),
    else None: each part then keeps its own and its text reads as before."""
    union: dict[bytes, bytes] = {}
    for font in fonts:
        if "/ToUnicode" not in font:
            return None
        data = font.ToUnicode.read_bytes()
        if b"beginbfrange" in data or b"beginbfchar" not in data:
            return None
        for glyph, text in _BFCHAR.findall(data):
            if union.setdefault(glyph.lower(), text.lower()) != text.lower():
                return None
    return pikepdf.Stream(pdf, _cmap(union))


def _cmap(entries: dict[bytes, bytes]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(entries.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(b"%d beginbfchar" % len(batch))
        lines += [b"<%s> <%s>" % item for item in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
