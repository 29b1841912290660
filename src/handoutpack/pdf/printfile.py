"""PDF/X print files: WeasyPrint's PDF/X renders with every colour and image in the profile's
CMYK and the output intent naming that profile; finished files (documents, packs, booklets) with
the PDF/X keys, a TrimBox on every page and nothing the variant forbids."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, PdfImage, String

from .colour import Inks

PRINT_VARIANTS = {"pdf/x-1a": ("PDF/X-1a:2003", "1.4"), "pdf/x-3": ("PDF/X-3:2003", "1.4"),
                  "pdf/x-4": ("PDF/X-4", "1.6"), "pdf/x-5g": ("PDF/X-5g", "1.6")}
"""WeasyPrint's PDF/X variants (weasyprint.pdf.pdfx.VARIANTS): the version each declares, and
the PDF version it is based on."""
NO_TRANSPARENCY = ("pdf/x-1a", "pdf/x-3")
"""Variants on PDF 1.4 from before transparency: it is flattened against the white paper."""
PRINT_DEFAULT = "pdf/x-4"
"""What print-ready files are unless --pdf-variant says otherwise."""
FIXED_DATE = "2010-01-01"
"""A print file's date when its content has none: PDF/X needs one, and never the clock's."""
CREATED = re.compile(r'<meta name="dcterms.created" content="([0-9-]+)"')
RGB_SPACES = ("/DeviceRGB", "/CalRGB")


def created(html: str) -> str:
    """The date a render declares (base.html's dcterms.created), or FIXED_DATE."""
    match = CREATED.search(html)
    return match[1] if match else FIXED_DATE


def prepare(pdf: bytes, inks: Inks, variant: str, date: str) -> bytes:
    """A WeasyPrint render made ready for print: colours and images in CMYK, transparency
    flattened where the variant forbids it, the output intent, and `date` (YYYY-MM-DD) in place
    of the time of rendering, so that the same inputs give the same bytes."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        Converter(document, inks, flatten=variant in NO_TRANSPARENCY).run()
        set_output_intent(document, inks)
        _set_dates(document, date)
        return _save(document, variant)


def finish(pdf: bytes, inks: Inks, variant: str, xmp_from: bytes | None = None) -> bytes:
    """A merged or imposed file made a PDF/X file: its version keys, output intent, XMP
    metadata (taken from `xmp_from` when the file has none), a TrimBox on every page, and no
    annotations (links are dead on paper; PDF/X forbids printable annotations in the trim)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        version = PRINT_VARIANTS[variant][0]
        info = document.docinfo
        if version.startswith(("PDF/X-1", "PDF/X-3")):
            info[Name.GTS_PDFXVersion] = String(version)
            info[Name.GTS_PDFXConformance] = String(version)
        info[Name.Trapped] = Name("/False")
        if Name.CreationDate not in info:
            info[Name.CreationDate] = String(_pdf_date(FIXED_DATE))
        info[Name.ModDate] = info[Name.CreationDate]
        if Name.OutputIntents not in document.Root:
            set_output_intent(document, inks)
        if Name.Metadata not in document.Root and xmp_from:
            with pikepdf.open(io.BytesIO(xmp_from)) as source:
                document.Root.Metadata = document.make_stream(source.Root.Metadata.read_bytes())
        for page in document.pages:
            if Name.TrimBox not in page.obj:
                page.obj.TrimBox = page.obj.MediaBox
        remove_annotations(document)
        return _save(document, variant)


def _save(document: pikepdf.Pdf, variant: str) -> bytes:
    out = io.BytesIO()
    old = variant in NO_TRANSPARENCY  # PDF 1.4 has no object streams
    document.save(out, force_version=PRINT_VARIANTS[variant][1], deterministic_id=True,
                  object_stream_mode=(pikepdf.ObjectStreamMode.disable if old
                                      else pikepdf.ObjectStreamMode.preserve))
    return out.getvalue()


def set_output_intent(document: pikepdf.Pdf, inks: Inks) -> None:
    """The output intent: the printing condition the CMYK values are for, with its profile."""
    profile = document.make_stream(inks.profile.data)
    profile.N = 4
    document.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX, DestOutputProfile=profile,
        OutputConditionIdentifier=String(inks.profile.description),
        OutputCondition=String(inks.profile.description), Info=String(inks.profile.description),
        RegistryName=String("http://www.color.org"))])


def remove_annotations(document: pikepdf.Pdf) -> None:
    """Every annotation off every page, and out of the structure tree that refers to it."""
    removed = set()
    for page in document.pages:
        if Name.Annots in page.obj:
            removed |= {annotation.objgen for annotation in page.obj.Annots}
            del page.obj.Annots
    if removed and Name.StructTreeRoot in document.Root:
        _drop_object_references(document.Root.StructTreeRoot, removed, set())


def _drop_object_references(element, removed: set, seen: set) -> None:
    if element.objgen != (0, 0):
        if element.objgen in seen:
            return
        seen.add(element.objgen)
    kids = element.get(Name.K)
    if isinstance(kids, pikepdf.Dictionary):
        kids = Array([kids])
        element.K = kids
    if not isinstance(kids, pikepdf.Array):
        return
    for index in reversed(range(len(kids))):
        kid = kids[index]
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        if kid.get(Name.Type) == Name.OBJR and kid.Obj.objgen in removed:
            del kids[index]
        else:
            _drop_object_references(kid, removed, seen)


def _set_dates(document: pikepdf.Pdf, date: str) -> None:
    """`date` wherever WeasyPrint wrote the time of rendering (Info, XMP), and an XMP document
    ID made from the file's metadata instead of a random one."""
    document.docinfo[Name.CreationDate] = String(_pdf_date(date))
    document.docinfo[Name.ModDate] = String(_pdf_date(date))
    if Name.Metadata not in document.Root:
        return
    xmp = document.Root.Metadata.read_bytes().decode("utf-8")
    for tag in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        xmp = re.sub(f"<{tag}>[^<]*</{tag}>", f"<{tag}>{date}</{tag}>", xmp)
    same = uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(xmp.encode()).hexdigest())
    xmp = re.sub(r"xmp\.did:[0-9a-f-]+", f"xmp.did:{same}", xmp)
    document.Root.Metadata = document.make_stream(xmp.encode("utf-8"))
    document.Root.Metadata.Type = Name.Metadata
    document.Root.Metadata.Subtype = Name.XML


def _pdf_date(date: str) -> str:
    return "D:" + date.replace("-", "")


class Converter:
    """Rewrites every content stream of a PDF (pages, forms, patterns, soft masks) so that RGB
    and Lab colours become DeviceCMYK, converts RGB images and shadings, and, when `flatten`,
    removes transparency by tinting colours against white paper."""

    def __init__(self, document: pikepdf.Pdf, inks: Inks, flatten: bool):
        self.document, self.inks, self.flatten = document, inks, flatten
        self.done: set[tuple[int, int]] = set()

    def run(self) -> None:
        for page in self.document.pages:
            resources = page.obj.get(Name.Resources, Dictionary())
            self._content(page.obj, resources, is_page=True)
            self._group(page.obj)
            self._drop_spaces(resources)

    def _drop_spaces(self, resources) -> None:
        """RGB and Lab colour spaces nothing uses any more (WeasyPrint declares Lab on every
        page, used or not)."""
        spaces = resources.get(Name.ColorSpace)
        for name in list(spaces.keys()) if spaces is not None else []:
            if self.space_kind(spaces[name]) in ("rgb", "lab"):
                del spaces[name]

    # ------------------------------------------------------------ content streams

    def _content(self, owner, resources, is_page: bool = False) -> None:
        if not is_page and self._seen(owner):
            return
        instructions = pikepdf.parse_content_stream(owner)
        rewritten = Stream(self, resources).rewrite(instructions)
        data = pikepdf.unparse_content_stream(rewritten)
        if is_page:
            owner.Contents = self.document.make_stream(data)
        else:
            owner.write(data)

    def _seen(self, obj) -> bool:
        if obj.objgen == (0, 0):
            return False
        if obj.objgen in self.done:
            return True
        self.done.add(obj.objgen)
        return False

    def _group(self, owner) -> None:
        group = owner.get(Name.Group)
        if group is None:
            return
        if self.flatten:
            del owner.Group
        elif self.space_kind(group.get(Name.CS)) == "rgb":
            group.CS = Name.DeviceCMYK

    def xobject(self, xobject, resources) -> None:
        if xobject.get(Name.Subtype) == Name.Image:
            self.image(xobject)
        elif xobject.get(Name.Subtype) == Name.Form and not self._seen_form(xobject):
            self._content(xobject, xobject.get(Name.Resources, resources), is_page=False)
            self._group(xobject)

    def _seen_form(self, form) -> bool:
        return form.objgen in self.done

    def pattern(self, pattern, resources) -> None:
        if pattern.get(Name.PatternType) == 1:
            if not self._seen_form(pattern):
                self._content(pattern, pattern.get(Name.Resources, resources))
        elif Name.Shading in pattern:
            self.shading(pattern.Shading)

    def graphics_state(self, state, resources) -> tuple[float | None, float | None]:
        """The fill and stroke alpha an ExtGState sets; flattened, it sets none any more."""
        fill, stroke = state.get(Name.ca), state.get(Name.CA)
        mask = state.get(Name.SMask)
        if isinstance(mask, pikepdf.Dictionary) and Name.G in mask:
            self.xobject(mask.G, resources)
        if self.flatten:
            for key in (Name.ca, Name.CA):
                if key in state:
                    state[key] = 1
            if mask is not None:
                state.SMask = Name("/None")
            if Name.BM in state:
                state.BM = Name.Normal
        return (float(fill) if fill is not None else None,
                float(stroke) if stroke is not None else None)

    # ------------------------------------------------------------ colour spaces and colours

    def space_kind(self, space, resources=None) -> str:
        """'rgb', 'lab', 'cmyk', 'gray' or 'other' for a colour space (a name or an array)."""
        if isinstance(space, pikepdf.Name):
            if str(space) in RGB_SPACES:
                return "rgb"
            if space == Name.DeviceCMYK:
                return "cmyk"
            if space == Name.DeviceGray:
                return "gray"
            spaces = resources.get(Name.ColorSpace) if resources is not None else None
            if spaces is not None and space in spaces:
                return self.space_kind(spaces[space])
            return "other"
        if isinstance(space, pikepdf.Array) and len(space):
            family = space[0]
            if family == Name.ICCBased:
                return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get(Name.N, 0)), "other")
            if family == Name.Lab:
                return "lab"
            if str(family) in RGB_SPACES:
                return "rgb"
        return "other"

    def colour(self, kind: str, values: list[float]) -> list[float]:
        if kind == "lab":
            return list(self.inks.lab(*values))
        return list(self.inks.rgb(*values))

    def shading(self, shading) -> None:
        """Axial and radial shadings with exponential or stitched functions, to CMYK."""
        if self._seen(shading):
            return
        kind = self.space_kind(shading.get(Name.ColorSpace))
        if kind not in ("rgb", "lab"):
            return
        if self._function(shading.get(Name.Function), kind):
            shading.ColorSpace = Name.DeviceCMYK
            if Name.Background in shading:
                shading.Background = Array(self.colour(kind, [float(v) for v in shading.Background]))

    def _function(self, function, kind: str) -> bool:
        if function is None:
            return False
        if int(function.get(Name.FunctionType, -1)) == 2:
            for key in (Name.C0, Name.C1):
                values = [float(v) for v in function.get(key, [0, 0, 0] if key == Name.C0 else [1, 1, 1])]
                function[key] = Array(self.colour(kind, values))
            return True
        if int(function.get(Name.FunctionType, -1)) == 3:
            return all([self._function(f, kind) for f in function.Functions])
        return False  # a sampled function: left for the preflight to report

    # ------------------------------------------------------------ images

    def image(self, image) -> None:
        if self._seen(image) or image.get(Name.ImageMask):
            return
        kind = self.space_kind(image.get(Name.ColorSpace))
        has_mask = Name.SMask in image
        if kind not in ("rgb", "lab") and not (self.flatten and has_mask):
            return
        picture = PdfImage(image).as_pil_image()
        if self.flatten and has_mask:
            picture = _on_white(picture, PdfImage(image.SMask).as_pil_image())
            del image.SMask
        if kind in ("rgb", "lab") or picture.mode not in ("L", "CMYK"):
            picture = self.inks.image(picture)
            image.ColorSpace = Name.DeviceCMYK
        elif picture.mode == "L":
            image.ColorSpace = Name.DeviceGray
        image.write(zlib.compress(picture.tobytes()), filter=Name.FlateDecode)
        image.BitsPerComponent = 8
        for key in (Name.Decode, Name.DecodeParms):
            if key in image:
                del image[key]


def _on_white(picture, alpha):
    """`picture` composited on white paper through its `alpha`."""
    from PIL import Image

    base = picture.convert("RGB") if picture.mode not in ("L", "RGB") else picture
    white = Image.new(base.mode, base.size, 255 if base.mode == "L" else (255, 255, 255))
    return Image.composite(base, white, alpha.convert("L").resize(base.size))


TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
FILLING = {"f", "F", "f*", "B", "B*", "b", "b*"}
"""Operators that paint with the fill colour: shapes (text is told apart, see Stream)."""
BLACK_TEXT_BELOW = 20.0
"""Text darker than this CIE lightness (L*, 0..100) prints with black ink alone: the body text
and every near-black, crisp on one plate where four would blur it by any misregistration and
carry 250 % ink or more; large dark areas keep the profile's rich black."""
BLACK = [0.0, 0.0, 0.0, 1.0]


def lightness(red: float, green: float, blue: float) -> float:
    """CIE L* (0..100) of an sRGB colour (components 0..1)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    y = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


class Stream:
    """One content stream being rewritten: the colour spaces and alpha in force, by q/Q. A dark
    fill colour is set as black ink alone, for text; before a shape is filled with it, the
    profile's (rich) colour is set instead, and black again before the next text."""

    def __init__(self, converter: Converter, resources):
        self.converter, self.resources = converter, resources
        self.state = {"fill": "gray", "stroke": "gray", "fill_alpha": 1.0, "stroke_alpha": 1.0,
                      "fill_colour": None, "stroke_colour": None, "fill_dark": False,
                      "fill_set": None}
        self.saved: list[dict] = []

    def rewrite(self, instructions) -> list:
        out = []
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                out.append(instruction)
                continue
            operands, operator = list(instruction.operands), str(instruction.operator)
            out += self._instruction(operands, operator)
        return out

    def _instruction(self, operands: list, operator: str) -> list:
        flatten = self.converter.flatten
        if operator in ("k", "g", "cs", "sc", "scn"):  # a new fill colour: not known dark
            self.state["fill_dark"], self.state["fill_set"] = False, None
        if operator == "q":
            self.saved.append(dict(self.state))
        elif operator == "Q" and self.saved:
            self.state = self.saved.pop()
        elif operator in ("rg", "RG"):
            side = "fill" if operator == "rg" else "stroke"
            cmyk = self.converter.inks.rgb(*map(float, operands))
            dark = lightness(*map(float, operands)) < BLACK_TEXT_BELOW
            return self._set_cmyk(side, list(cmyk), dark=dark)
        elif operator in TEXT_SHOWING and self.state["fill_dark"]:
            return self._fill_with(BLACK) + [_op(operands, operator)]
        elif operator in FILLING and self.state["fill_dark"]:
            return self._fill_with(self.state["fill_colour"]) + [_op(operands, operator)]
        elif operator in ("k", "K") and flatten:
            return self._set_cmyk("fill" if operator == "k" else "stroke", list(map(float, operands)))
        elif operator in ("g", "G"):
            side = "fill" if operator == "g" else "stroke"
            self.state[side] = "gray"
            if flatten:
                return self._set_cmyk(side, [0, 0, 0, 1 - float(operands[0])])
        elif operator in ("cs", "CS"):
            side = "fill" if operator == "cs" else "stroke"
            kind = self.converter.space_kind(operands[0], self.resources)
            self.state[side] = kind
            if kind in ("rgb", "lab"):
                return [_op([Name.DeviceCMYK], operator)]
        elif operator in ("sc", "scn", "SC", "SCN"):
            side = "fill" if operator in ("sc", "scn") else "stroke"
            if self.state[side] in ("rgb", "lab") and all(
                    isinstance(o, (int, float, pikepdf.Object)) and not isinstance(o, pikepdf.Name)
                    for o in operands):
                values = [float(o) for o in operands]
                cmyk = self.converter.colour(self.state[side], values)
                dark = (values[0] if self.state[side] == "lab" else lightness(*values[:3])
                        ) < BLACK_TEXT_BELOW
                return self._set_cmyk(side, cmyk, operator, dark)
            if operands and isinstance(operands[-1], pikepdf.Name):
                self._pattern(operands[-1])
        elif operator == "gs":
            return self._graphics_state(operands)
        elif operator == "Do":
            xobject = self._resource(Name.XObject, operands[0])
            if xobject is not None:
                self.converter.xobject(xobject, self.resources)
        elif operator == "sh":
            shading = self._resource(Name.Shading, operands[0])
            if shading is not None:
                self.converter.shading(shading)
        return [_op(operands, operator)]

    def _set_cmyk(self, side: str, cmyk: list[float], operator: str | None = None,
                  dark: bool = False) -> list:
        self.state[side] = "cmyk"
        self.state[f"{side}_colour"] = cmyk
        if side == "fill":
            self.state["fill_dark"] = dark
            if dark:  # set for text, the commonest use of a dark fill
                cmyk = BLACK
            self.state["fill_set"] = cmyk
        if operator:  # sc or scn in a colour space now DeviceCMYK
            return [_op(self._tinted(side, cmyk), operator)]
        return [_op(self._tinted(side, cmyk), "k" if side == "fill" else "K")]

    def _tinted(self, side: str, cmyk: list[float]) -> list[float]:
        alpha = self.state[f"{side}_alpha"] if self.converter.flatten else 1.0
        return [round(value * alpha, 4) for value in cmyk]

    def _fill_with(self, cmyk: list[float]) -> list:
        """`cmyk` as the fill colour, unless it is the one set already."""
        if self.state["fill_set"] == cmyk:
            return []
        self.state["fill_set"] = cmyk
        return [_op(self._tinted("fill", cmyk), "k")]

    def _graphics_state(self, operands: list) -> list:
        out = [_op(operands, "gs")]
        state = self._resource(Name.ExtGState, operands[0])
        if state is None:
            return out
        fill, stroke = self.converter.graphics_state(state, self.resources)
        for side, alpha in (("fill", fill), ("stroke", stroke)):
            if alpha is None or alpha == self.state[f"{side}_alpha"]:
                continue
            self.state[f"{side}_alpha"] = alpha
            if self.converter.flatten and self.state[f"{side}_colour"] is not None:
                out += self._set_cmyk(side, self.state[f"{side}_colour"],
                                      dark=side == "fill" and self.state["fill_dark"])
        return out

    def _pattern(self, name) -> None:
        pattern = self._resource(Name.Pattern, name)
        if pattern is not None:
            self.converter.pattern(pattern, self.resources)

    def _resource(self, kind, name):
        table = self.resources.get(kind)
        return table.get(name) if table is not None else None


def _op(operands, operator: str):
    return pikepdf.ContentStreamInstruction(operands, Operator(operator))


def split(pdf: bytes, count: int) -> tuple[bytes, bytes]:
    """The first `count` pages as one file (a cover, for heavier paper) and the rest as another,
    each keeping the file's version, output intent and metadata; bookmarks, tags and named
    destinations, which would point at pages no longer there, are dropped from the first."""
    parts = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        version = document.pdf_version
    for keep in (slice(0, count), slice(count, None)):
        with pikepdf.open(io.BytesIO(pdf)) as document:
            kept = set(range(len(document.pages))[keep])
            for index in reversed(range(len(document.pages))):
                if index not in kept:
                    del document.pages[index]
            if keep.start == 0 and count:
                for key in (Name.Outlines, Name.StructTreeRoot, Name.MarkInfo, Name.Names):
                    if key in document.Root:
                        del document.Root[key]
            out = io.BytesIO()
            document.save(out, force_version=version, deterministic_id=True)
            parts.append(out.getvalue())
    return parts[0], parts[1]
