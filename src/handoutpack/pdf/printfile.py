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
from pikepdf import Array, Dictionary, Name, PdfImage, String

from .colour import Inks
from .cmyk import Stream

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
