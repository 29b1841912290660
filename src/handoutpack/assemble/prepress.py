"""What a print shop gets besides the PDFs: the preflight's warnings (the `print` topic of
check), each naming its file, line or page, the job ticket, the order form of a print job, and
the finish of print files (documents, covers)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..project import paper
from ..pdf import imposition
from ..errors import Problem, warning
from ..store.cache import Cache, Miss
from ..store.digests import code_digest, key
from ..project.parts import Languages, Press
from ..project.settings import Printing
from ..store.outputs import Output, Staging
from ..pdf import colour
from ..plan.jobs import Job, Plan, PlannedPack
from ..render.engine import Rendered, is_print

BINDING_MULTIPLE = 4
"""A saddle-stitched booklet's sheets each carry four pages."""


def image_warnings(root: Path, source: str, rendered: Rendered,
                   for_print: bool) -> list[Problem]:
    """Each image of a document's render printed coarser than print (300 ppi) or screens
    (150 ppi) need, named with the line of `source` (in the project folder `root`) that places
    it."""
    from ..pdf import preflight  # pikepdf: only print builds pay for it

    minimum = preflight.PRINT_PPI if for_print else preflight.SCREEN_PPI
    roots = [root]
    names = preflight.image_sizes(rendered.dependencies, roots)
    warnings = []
    for placed in preflight.placed_images(rendered.pdf):
        if placed.ppi >= minimum - 0.5:
            continue
        name = names.get(placed.pixels, f"an image of {placed.pixels[0]} × {placed.pixels[1]} px")
        line = _line_of(root / source, Path(name).name) if source else None
        needed = round(placed.points[0] / 72 * minimum)
        warnings.append(warning(
            source, f"{name} is {placed.ppi:.0f} ppi at its printed size ({placed.printed_mm}, "
            f"page {placed.page}); {'print' if for_print else 'screens'} need {minimum}: use an "
            f"image at least {needed} px wide, or print it smaller", line, topic="print"))
    return list(dict.fromkeys(warnings))


def file_warnings(shown: str, pdf: bytes) -> list[Problem]:
    """What a prepress check rejects in a finished print file."""
    from ..pdf import preflight

    messages = [f"{where}: RGB left in a print file; it would print as the shop's software "
                "converts it" for where in preflight.rgb_left(pdf)]
    messages += [f"the font {name} is not embedded; the shop would print another in its place"
                 for name in preflight.fonts_not_embedded(pdf)]
    messages += [f"page {page}: text closer than {preflight.SAFE_MM:g} mm to the trim "
                 f"(\"{text}\"); it may be cut off" for page, text in preflight.text_near_trim(pdf)]
    messages += [f"page {page}: text in rich black ({inks}), not black ink alone; it blurs "
                 "when the plates are out of register" for page, inks in
                 preflight.rich_black_text(pdf)]
    messages += [f"page {page}: the {box} reaches outside the MediaBox, which PDF/X forbids"
                 for page, box in preflight.boxes_outside_media(pdf)]
    return [warning(shown, message, topic="print") for message in messages]


def binding_warning(shown: str, pages: int) -> Problem | None:
    """A booklet whose pages are not a multiple of four gets blank pages, before its outside back
    cover (`pages` counts that cover: the organisation's, or the presenter's contact page)."""
    blanks = -pages % BINDING_MULTIPLE
    if not blanks:
        return None
    return warning(shown, f"the pack has {pages} pages with its outside back cover, not a "
                   f"multiple of {BINDING_MULTIPLE} as a "
                   f"saddle-stitched booklet needs: {blanks} blank page{'s' if blanks > 1 else ''} "
                   "added, before the outside back cover. To use every page, add "
                   f"{blanks} page{'s' if blanks > 1 else ''} or cut {BINDING_MULTIPLE - blanks}",
                   topic="print")


def _line_of(path: Path, needle: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if needle in line), None)


@dataclass(frozen=True)
class Ticket:
    """A print job as a print shop's order form asks for it."""

    file: str
    trim: str
    pages: int
    sheets: int
    duplex: str
    binding: str
    colour: str
    variant: str
    copies: int
    bleed: str
    cover: str | None = None

    def text(self, title: str) -> str:
        rows = [("File", self.file), ("Trim size", self.trim), ("Pages", str(self.pages)),
                ("Sheets per copy", str(self.sheets)), ("Printing", self.duplex),
                ("Binding", self.binding), ("Colour", self.colour), ("PDF", self.variant),
                ("Bleed", self.bleed), ("Copies", str(self.copies))]
        if self.cover:
            rows.append(("Cover", self.cover))
        width = max(len(name) for name, _ in rows) + 2
        return (f"Print job: {title}\n\n"
                + "".join(f"{name + ':':<{width}}{value}\n" for name, value in rows))


def ticket(printing: Printing, profile: str, file: str, pages: int, booklet: bool,
           cover: str | None = None) -> Ticket:
    """The job ticket of a pack file (`pages` pages; for a booklet, its pages before
    imposition)."""
    if booklet:
        page_size, sheet = paper.BOOKLET[printing.paper]
        pages += -pages % BINDING_MULTIPLE
        width, height = paper.PAGE_MM[page_size]
        sheet_w, sheet_h = paper.PAGE_MM[sheet]
        sheets = pages // BINDING_MULTIPLE
        duplex = (f"both sides, flipped on the short edge; {sheet} sheets ({sheet_h:g} × "
                  f"{sheet_w:g} mm), two pages a side in booklet order")
        binding = f"saddle stitch: fold the {sheets} sheets in the middle, two staples"
    else:
        width, height = paper.PAGE_MM[printing.paper]
        sheets = (pages + 1) // 2 if printing.duplex else pages
        duplex = ("both sides (duplex), flipped on the long edge" if printing.duplex
                  else "one side")
        binding = "none: loose sheets, in page order"
    colour = (f"CMYK for {profile} (the PDF's output intent)" if is_print(printing.variant)
              else "RGB (not a print variant: the shop converts it)")
    bleed = ("none: trim to the page" if not printing.print_ready
             else "3 mm around each sheet, crop marks outside it, fold marks at the spine"
             if booklet else "3 mm on every side, crop marks outside it")
    return Ticket(file, f"{width:g} × {height:g} mm ({page_size if booklet else printing.paper})",
                  pages, sheets, duplex, binding, colour, (printing.variant or "PDF").upper(),
                  printing.copies, bleed, cover)


def brand_notes(press: Press, planned: Plan) -> list[str]:
    """How each brand colour prints, once per build that makes print files."""
    if not (is_print(press.printing.variant)
            or any(is_print(pack.printing.variant) for pack in planned.packs)):
        return []
    inks = colour.inks_for(press)
    return [ink.report(inks.profile) for ink in inks.brand]


def document_pdf(press: Press, rendered: Rendered) -> bytes:
    """A document's file as written: print-ready boxes, a print file's finish."""
    pdf = imposition.print_ready(rendered.pdf) if press.printing.print_ready else rendered.pdf
    if is_print(press.printing.variant):
        from ..pdf import printfile  # pikepdf: only print builds pay for it

        pdf = printfile.finish(pdf, colour.inks_for(press), press.printing.variant)
    return pdf


def print_warnings(press: Press, planned: Plan, rendered: dict[Job, Rendered],
                   documents: dict[str, bytes], packs: dict[str, tuple[bytes, int, int]],
                   cache: Cache, screen_images: bool = False) -> list[Problem]:
    """The preflight of every print file a build makes, kept in the cache by the bytes they
    read; with `screen_images`, the images of screen files too."""
    warnings = []
    for job, render in rendered.items():
        for_print = is_print(job.variant)
        if job.source and (for_print or screen_images):
            warnings += _cached(cache, ("images", job.source, str(for_print)), render.pdf,
                                lambda: image_warnings(press.root, job.source, render,
                                                       for_print))
    finals = [(path, documents[path]) for path, _ in planned.documents
              if is_print(press.printing.variant)]
    finals += [(pack.path, packs[pack.path][0]) for pack in planned.packs
               if is_print(pack.printing.variant)]
    for path, pdf in finals:
        warnings += _cached(cache, ("file", path), pdf, lambda: file_warnings(path, pdf))
    for pack in planned.packs:
        if pack.booklet and (binding := binding_warning(pack.path, packs[pack.path][2])):
            warnings.append(binding)
    return list(dict.fromkeys(warnings))


def _cached(cache: Cache, what: tuple[str, ...], pdf: bytes, check) -> list[Problem]:

    entry = key("prepress", code_digest(), *what, hashlib.sha256(pdf).hexdigest())
    found = cache.read("checks", entry)
    if not isinstance(found, Miss):
        return [Problem.from_dict(data) for data in json.loads(found[1])]
    warnings = check()
    cache.write("checks", entry, json.dumps([asdict(w) for w in warnings]).encode("utf-8"))
    return warnings


def ticket_data(press: Press, pack: PlannedPack, pack_pages: int) -> dict | None:
    """The job ticket of a print file's pack, for the manifest and <pack>-print.txt."""
    printing = pack.printing
    if not (printing.print_ready or is_print(printing.variant)):
        return None
    profile = colour.inks_for(press).profile.description if is_print(
        printing.variant) else ""
    cover = (f"{pack.spec.id}-cover.pdf: "
             + ("the outer sheet, both sides; the booklet holds the sheets inside it"
                if pack.booklet else
                f"page 1{' and its back' if printing.duplex else ''}, also in the pack")
             if printing.cover_file else None)
    return asdict(ticket(printing, profile, Path(pack.path).name, pack_pages, pack.booklet, cover))


def write_tickets(languages: Languages, planned: Plan, outputs: list[Output],
                  stage: Staging) -> None:
    """build/<lang>/<pack>-print.txt beside each print file (`outputs` are the packs'): the
    booklet's when there is one. Not an output of the manifest, which lists PDFs: the pack's
    entry holds the same data."""
    tickets = {}
    for pack, output in zip(planned.packs, outputs):
        if output.print:
            tickets[(pack.lang, pack.spec.id)] = (pack, output)  # the booklet comes after
    for (lang, pack_id), (pack, output) in tickets.items():
        title = f"{languages.text(pack.spec.titles, lang)} ({lang})"
        stage.write(f"{lang}/{pack_id}-print.txt",
                    Ticket(**output.print).text(title).encode("utf-8"))


def covers(planned: Plan, packs: dict[str, tuple[bytes, int, int]]) -> dict[str, tuple]:
    """<pack>-cover.pdf for packs whose printing asks for it, to print on heavier paper: a
    booklet's outer sheet, which then leaves the booklet; else the cover page (and its back,
    printed on both sides), the pack keeping it too, as it is read on screen."""
    found = {}
    for pack in planned.packs:
        has_booklet = pack.spec.printing.booklet
        if not pack.printing.cover_file or (has_booklet and not pack.booklet):
            continue
        pdf, pages, pack_pages = packs[pack.path]
        count = 2 if pack.booklet or pack.printing.duplex else 1
        if pages <= count:  # a booklet of one sheet is all cover
            continue
        from ..pdf import printfile  # pikepdf: only packs with a cover file pay for it

        cover, body = printfile.split(pdf, count)
        if pack.booklet:
            packs[pack.path] = (body, pages - count, pack_pages)
        found[f"{pack.lang}/{pack.spec.id}-cover.pdf"] = (pack, cover, count)
    return found
