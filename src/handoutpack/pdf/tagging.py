"""Tags a screen reader and PDF/UA can rely on: what repeats on every page (the organisation,
"Page 3 of 8", slide furniture) marked as artifacts, and every link annotation with its text
(/Contents), its place in the structure tree (/StructParent and a Link element) and the print
flag PDF/A asks for.

WeasyPrint tags the content of @page margin boxes as spans under a /NonStruct element that names
/Document as its parent but is missing from its /K (PDF 1.7 has no artifact elements), so that
text is reachable from no structure element: each of its marked-content sequences becomes an
/Artifact of type /Pagination here, and its mapping leaves the parent tree."""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String

from .files import read, to_bytes

PRINT_FLAG = 4
"""An annotation's /F bit 3: printed with the page (PDF/A 6.3.2 wants it on every annotation)."""
BDC = Operator("BDC")


def mended(data: bytes) -> bytes:
    """A rendered PDF's bytes with its tags made whole (see mend)."""
    with read(data) as pdf:
        mend(pdf)
        return to_bytes(pdf, pdf.pdf_version)


def mend(pdf: pikepdf.Pdf) -> None:
    """Make `pdf`'s tags whole, in place: see the module's docstring. A PDF without a
    structure tree is left as it is."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    reachable = reachable_elements(tree)
    pages = {int(page.obj.StructParents): page for page in pdf.pages
             if "/StructParents" in page.obj}
    numbers = tree.get("/ParentTree", Dictionary()).get("/Nums", Array())
    for index in range(0, len(numbers), 2):
        key, mapped = int(numbers[index]), numbers[index + 1]
        if not isinstance(mapped, Array) or key not in pages:
            continue
        orphans = {mcid for mcid, element in enumerate(mapped)
                   if isinstance(element, Dictionary) and element.objgen not in reachable}
        if orphans:
            _as_artifacts(pdf, pages[key], orphans)
            for mcid in orphans:
                mapped[mcid] = None
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG


def reachable_elements(tree: pikepdf.Dictionary) -> set[tuple[int, int]]:
    """The structure elements (by object id) that can be reached from the tree's root."""
    found, stack = set(), [tree.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(node)
        elif isinstance(node, Dictionary) and "/S" in node and node.objgen not in found:
            found.add(node.objgen)
            stack.append(node.get("/K"))
    return found


MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC\b")
"""A marked-content sequence's start as WeasyPrint writes it: `/Span <</MCID 7>> BDC`."""
PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


def _as_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the page's marked-content sequences numbered `mcids` into pagination artifacts:
    in the stream's bytes, when each is found exactly once there (a sixth of a render's time
    saved, against parsing every operator), else operator by operator."""
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        found = [int(match[1]) for match in MARKED.finditer(data)]
        if all(found.count(mcid) == 1 for mcid in mcids):
            contents.write(MARKED.sub(lambda match: PAGINATION if int(match[1]) in mcids
                                      else match[0], data))
            return
    operations = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if (operator == BDC and len(operands) == 2 and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in mcids):
            operands = [Name.Artifact, Dictionary(Type=Name.Pagination)]
        operations.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))


def as_artifact(form: pikepdf.Stream) -> None:
    """A Form XObject about to be drawn as an artifact (a page number, a slide on a handout)
    without the tags it had where it came from: its marked content with an MCID becomes artifact
    content too, since PDF/UA allows no tagged content inside an artifact, and those MCIDs
    would name elements of another file's tree."""
    operations, changed = [], False
    for operands, operator in pikepdf.parse_content_stream(form):
        if operator == BDC and len(operands) == 2 and isinstance(operands[1], Dictionary) \
                and "/MCID" in operands[1]:
            operands, changed = [Name.Artifact, Dictionary(Type=Name.Pagination)], True
        operations.append((operands, operator))
    if changed:
        form.write(pikepdf.unparse_content_stream(operations))


def tag_link(pdf: pikepdf.Pdf, page: pikepdf.Page, annotation: pikepdf.Dictionary,
             text: str) -> None:
    """Give a link annotation made after rendering (`annotation`, already on `page`) what
    WeasyPrint's own links have: its text, the print flag, and a Link structure element under
    the document's that refers to it through the parent tree."""
    annotation.Contents = String(text)
    annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    document = _document_element(tree)
    key = _next_key(tree)
    link = pdf.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Link, P=document, Pg=page.obj, Alt=String(text),
        K=Array([Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj)])))
    kids = document.get("/K")
    if not isinstance(kids, Array):
        document.K = kids = Array([] if kids is None else [kids])
    kids.append(link)
    annotation.StructParent = key
    if "/ParentTree" not in tree:
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array()))
    tree.ParentTree.Nums.extend([key, link])
    tree.ParentTreeNextKey = key + 1


def _document_element(tree: pikepdf.Dictionary) -> pikepdf.Dictionary:
    kids = tree.get("/K")
    first = kids[0] if isinstance(kids, Array) else kids
    return first if isinstance(first, Dictionary) else tree


def _next_key(tree: pikepdf.Dictionary) -> int:
    numbers = tree.get("/ParentTree", Dictionary()).get("/Nums", Array())
    used = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    return max([int(tree.get("/ParentTreeNextKey", 0)), *(n + 1 for n in used)])
