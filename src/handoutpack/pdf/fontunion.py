"""The union of several subsets of one TrueType font, as WeasyPrint makes them.

WeasyPrint subsets a font twice with HarfBuzz: first keeping the glyph ids, then keeping the
glyphs 0..k-1 (k: one past the last glyph the document shows) and renumbering the rest, which
are the components of composite glyphs (an accented letter built from a letter and an accent),
after them. So in every subset a glyph below its k has its id in the full font, and a glyph at
or above it is known only by its outline. The union keeps the ids below the largest k and puts
every distinct component after them, pointing each composite at its components' new ids.
"""

from __future__ import annotations

import array
import io
import logging
import struct
import sys

from fontTools.ttLib import TTFont, TTLibError, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

# Tables a subset may carry that name no glyph (or that the union rebuilds: glyf, hmtx, loca,
# maxp, post, cmap); anything else could hold glyph ids and stops the union.
_KEPT = {"OS/2", "cmap", "gasp", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post",
         "fpgm", "prep", "cvt "}
# Tables a PDF never reads, dropped rather than renumbered.
_DROPPED = {"GDEF", "kern", "hdmx", "LTSH", "VDMX", "DSIG"}


# HarfBuzz's subsets carry no creation date; fontTools warns of it on every read, which would
# print one line per font of every pack.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


class _Mismatch(Exception):
    """Two subsets hold different glyphs under one id: not subsets of one font."""


def union_program(subsets: list[tuple[bytes, int]]) -> bytes | None:
    """One font holding every glyph of `subsets` (font bytes, k) at the ids the PDFs use, or
    None when they cannot be subsets of one font."""
    try:
        # Glyphs are copied as bytes: no bounding box needs recomputing, and the tables that
        # sum them up (head, hhea, maxp) take the extremes of the subsets', which hold them all.
        fonts = [(_Subset(data), kept) for data, kept in subsets]
        if any(not _supported(subset.font, kept) for subset, kept in fonts):
            return None
        return _Union(fonts).save()
    except (_Mismatch, TTLibError, AssertionError, KeyError, IndexError, struct.error):
        return None


def _supported(font: TTFont, kept: int) -> bool:
    tables = set(font.keys()) - {"GlyphOrder"}
    return ("glyf" in tables and "hmtx" in tables and tables <= _KEPT | _DROPPED
            and kept <= font["maxp"].numGlyphs)


class _Subset:
    """One subset's glyphs and metrics by glyph id, read from its tables' bytes. fontTools would
    make an object and a name for each of the thousands of ids a subset keeps from the full font,
    most of them empty (most of the time a union took)."""

    def __init__(self, data: bytes):
        self.font = font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
        self.count = count = font["maxp"].numGlyphs
        font.setGlyphOrder([".notdef", *(f"g{gid}" for gid in range(1, count))])
        self.extended = False  # what Glyph.expand asks of a glyf table, with getGlyphName
        if not {"glyf", "loca", "hmtx", "hhea", "head"} <= set(font.reader.keys()):
            raise KeyError("not a TrueType font with glyf")
        short = font["head"].indexToLocFormat == 0
        offsets = array.array("H" if short else "I", font.reader["loca"])
        if sys.byteorder != "big":
            offsets.byteswap()
        self.offsets = [offset * 2 for offset in offsets] if short else list(offsets)
        if len(self.offsets) < count + 1:
            raise IndexError("loca shorter than the glyph count")
        self.glyf = font.reader["glyf"]
        metrics = min(font["hhea"].numberOfHMetrics, count)
        hmtx = font.reader["hmtx"]
        pairs = struct.unpack(f">{metrics * 'Hh'}", hmtx[:4 * metrics])
        bearings = array.array("h", hmtx[4 * metrics:4 * metrics + 2 * (count - metrics)])
        if sys.byteorder != "big":
            bearings.byteswap()
        self.advances = [*pairs[0::2], *([pairs[-2]] * (count - metrics))]
        self.bearings = [*pairs[1::2], *bearings]

    def data(self, gid: int) -> bytes:
        return self.glyf[self.offsets[gid]:self.offsets[gid + 1]]

    def glyph(self, gid: int) -> Glyph:
        """A new glyph object each time: the union renumbers a composite's components."""
        return Glyph(self.data(gid))

    def metrics(self, gid: int) -> tuple[int, int]:
        return self.advances[gid], self.bearings[gid]

    def composite(self, gid: int) -> bool:
        start, end = self.offsets[gid], self.offsets[gid + 1]
        return end - start >= 2 and self.glyf[start:start + 2] == b"\xff\xff"

    def getGlyphName(self, gid: int) -> int:
        """A component's glyph, as Glyph.expand names it: by its id."""
        return gid

    def codes(self) -> dict[int, int]:
        """Character -> glyph id, from the subset's best cmap."""
        return {code: 0 if name == ".notdef" else int(name[1:])
                for code, name in (self.font.getBestCmap() or {}).items()}


class _Union:
    def __init__(self, fonts: list[tuple[_Subset, int]]):
        self.fonts = fonts
        self.kept = max(kept for _, kept in fonts)
        self.glyphs: list[tuple[Glyph, tuple] | None] = [None] * self.kept
        self.extras: dict[tuple, int] = {}  # a component's signature -> its id in the union
        self.extra_glyphs: list[tuple[Glyph, tuple]] = []
        self.codes: dict[int, int] = {}  # character -> glyph id, as the subsets' cmaps have it
        # A component renumbered in one subset may be kept under its own id in another: known
        # by its outline and metrics, it takes that id (else two versions of one composite).
        # So simple glyphs first, then composites, the subsets keeping the most glyphs first.
        self.known: dict[tuple, int] = {}
        largest_first = sorted(range(len(fonts)), key=lambda index: -fonts[index][1])
        for composites in (False, True):
            for index in largest_first:
                subset, kept = fonts[index]
                offsets, advances = subset.offsets, subset.advances
                for gid in range(kept):
                    if (offsets[gid + 1] > offsets[gid] or advances[gid]) \
                            and subset.composite(gid) == composites:
                        self._add(index, gid)
        for subset, kept in fonts:
            for code, gid in subset.codes().items():
                if gid < kept:
                    self.codes.setdefault(code, gid)

    def _add(self, index: int, gid: int) -> None:
        entry = self._entry(index, gid)
        if self.glyphs[gid] is None:
            self.glyphs[gid] = entry
            self.known.setdefault(entry[1], gid)
        elif self.glyphs[gid][1] != entry[1]:
            raise _Mismatch(gid)

    def _entry(self, index: int, gid: int) -> tuple[Glyph, tuple]:
        """Glyph `gid` of subset `index` ready for the union (its components renumbered) and
        its signature."""
        subset, _ = self.fonts[index]
        glyph, metrics = subset.glyph(gid), subset.metrics(gid)
        if not subset.composite(gid):
            return glyph, ("simple", getattr(glyph, "data", b""), metrics)
        glyph.expand(subset)
        parts = []
        for component in glyph.components:
            new_id = self._component(index, component.glyphName)
            component.glyphName = new_id  # a number until the union's names are made
            parts.append((new_id, component.x, component.y, component.flags,
                          getattr(component, "transform", None)))
        program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
        box = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
        return glyph, ("composite", repr(parts), program, box, metrics)

    def _component(self, index: int, gid: int) -> int:
        _, kept = self.fonts[index]
        if gid < kept:
            self._add(index, gid)
            return gid
        entry = self._entry(index, gid)
        if entry[1] in self.known:
            return self.known[entry[1]]
        if entry[1] not in self.extras:
            self.extras[entry[1]] = self.kept + len(self.extra_glyphs)
            self.extra_glyphs.append(entry)
        return self.extras[entry[1]]

    def save(self) -> bytes:
        fonts = [subset.font for subset, _ in self.fonts]
        font = max(fonts, key=lambda f: f["maxp"].numGlyphs)
        cmaps = font["cmap"].tables  # read while the font's own names still stand
        entries = self.glyphs + self.extra_glyphs
        order = [".notdef"] + [f"glyph{gid:05d}" for gid in range(1, len(entries))]
        glyphs, metrics = {}, {}
        for name, entry in zip(order, entries):
            glyph, signature = entry if entry is not None else (_empty(), (None, (0, 0)))
            if _composite(glyph):
                for component in glyph.components:
                    component.glyphName = order[component.glyphName]
            glyphs[name], metrics[name] = glyph, signature[-1]
        for tag in _DROPPED & set(font.keys()):
            del font[tag]
        _extremes(font, fonts)
        font.setGlyphOrder(order)
        font["loca"] = newTable("loca")  # made anew from the glyphs when the font is saved
        font["glyf"] = newTable("glyf")
        font["glyf"].glyphOrder, font["glyf"].glyphs = order, glyphs
        font["hmtx"] = newTable("hmtx")
        font["hmtx"].metrics = metrics
        font["post"].formatType = 3.0  # no glyph names: a PDF never reads them
        # The characters' glyphs stay listed: a rasteriser's auto-hinter finds its reference
        # letters through them, so the pages render as each part's own subset did.
        for table in cmaps:
            table.cmap = {code: order[gid] for code, gid in self.codes.items()
                          if table.format != 4 or code <= 0xFFFF}
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()


def _extremes(font: TTFont, fonts: list[TTFont]) -> None:
    """The font-wide sums of its glyphs (bounding box, widest advance, most points...) over
    every subset: each subset's hold for its own glyphs, the union's glyphs are theirs."""
    for tag, largest, smallest in (
            ("head", ("xMax", "yMax"), ("xMin", "yMin")),
            ("hhea", ("advanceWidthMax", "xMaxExtent"),
             ("minLeftSideBearing", "minRightSideBearing")),
            ("maxp", ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                      "maxComponentElements", "maxComponentDepth", "maxSizeOfInstructions",
                      "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                      "maxInstructionDefs", "maxStackElements", "maxZones"), ())):
        for field in largest:
            if hasattr(font[tag], field):
                setattr(font[tag], field, max(getattr(f[tag], field) for f in fonts))
        for field in smallest:
            setattr(font[tag], field, min(getattr(f[tag], field) for f in fonts))


def _has_data(glyph: Glyph) -> bool:
    """Whether a glyph has an outline (an unexpanded glyph is its bytes)."""
    return bool(glyph.data) if hasattr(glyph, "data") else glyph.numberOfContours != 0


def _composite(glyph: Glyph) -> bool:
    """Whether a glyph is made of others: -1 contours, the first two bytes of its data."""
    if hasattr(glyph, "data"):
        return len(glyph.data) >= 2 and struct.unpack(">h", glyph.data[:2])[0] == -1
    return glyph.numberOfContours == -1


def _empty() -> Glyph:
    glyph = Glyph()
    glyph.numberOfContours = 0
    return glyph
