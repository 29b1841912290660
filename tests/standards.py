"""Reading a PDF back against the rules of PDF/UA-1 (ISO 14289-1, as the Matterhorn Protocol
words them), PDF/A (6.3.2) and PDF/X-4, from its content streams and structure tree, since no
validator (veraPDF) can be had here. Each function returns what breaks a rule: empty is good."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf
from pikepdf import Array, Dictionary, Name

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


@dataclass
class Tree:
    """What a structure tree reaches: its elements, and the marked content and annotations
    they claim, by page."""

    elements: set = field(default_factory=set)
    mcids: set = field(default_factory=set)
    """(page object id, MCID)."""
    annotations: dict = field(default_factory=dict)
    """annotation object id: the structure type of the element holding it."""
    order: list = field(default_factory=list)
    """(page object id, MCID) in the tree's reading order."""


def tree(pdf: pikepdf.Pdf) -> Tree:
    found = Tree()
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return found
    stack = [(root.get("/K"), None, None)]
    while stack:
        node, page, parent = stack.pop()
        if isinstance(node, Array):
            stack.extend((kid, page, parent) for kid in reversed(list(node)))
        elif isinstance(node, Dictionary):
            kind = node.get("/Type")
            page = node.get("/Pg", page)
            if kind == Name.MCR:
                found.mcids.add((page.objgen, int(node.MCID)))
                found.order.append((page.objgen, int(node.MCID)))
            elif kind == Name.OBJR:
                found.annotations[node.Obj.objgen] = str(parent.get("/S")) if parent else None
            elif "/S" in node and node.objgen not in found.elements:
                found.elements.add(node.objgen)
                stack.append((node.get("/K"), page, node))
        elif node is not None:
            try:
                mcid = int(node)
            except (TypeError, ValueError):
                continue
            found.mcids.add((page.objgen, mcid))
            found.order.append((page.objgen, mcid))
    return found


def marked_content_problems(path: Path) -> list[str]:
    """Marked content outside the structure tree, text that is neither tagged nor an artifact,
    tagged content inside an artifact: on every page, forms drawn by the page included."""
    problems = []
    with pikepdf.open(path) as pdf:
        reached = tree(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            for problem in _walk(page, page.obj.objgen, reached, [], set()):
                problems.append(f"{path.name} page {number}: {problem}")
    return list(dict.fromkeys(problems))


def _walk(content, page_id, reached: Tree, stack: list, seen: set):
    resources = content.get("/Resources", Dictionary()) if hasattr(content, "get") else \
        content.obj.get("/Resources", Dictionary())
    for operands, operator in pikepdf.parse_content_stream(content):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            mcid = int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None
            if mcid is not None:
                if any(t == "/Artifact" for t, _ in stack):
                    yield f"tagged content (MCID {mcid}) inside an artifact"
                elif (page_id, mcid) not in reached.mcids:
                    yield f"marked content MCID {mcid} ({tag}) is outside the structure tree"
            stack.append((tag, mcid))
        elif op == "EMC" and stack:
            stack.pop()
        elif op in TEXT_SHOWING and not any(t == "/Artifact" or m is not None for t, m in stack):
            yield "text neither tagged nor marked as an artifact"
        elif op == "Do":
            xobject = resources.get("/XObject", Dictionary()).get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == Name.Form \
                    and xobject.objgen not in seen:
                yield from _walk(xobject, page_id, reached, list(stack), seen | {xobject.objgen})


def annotation_problems(path: Path) -> list[str]:
    """Link annotations without /Contents, without the print flag, or without a Link element
    in the structure tree that holds them through /StructParent."""
    problems = []
    with pikepdf.open(path) as pdf:
        reached = tree(pdf)
        parents = _parent_tree(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            for annotation in page.obj.get("/Annots", []):
                where = f"{path.name} page {number}: {annotation.get('/Subtype')} annotation"
                if not str(annotation.get("/Contents", "")).strip():
                    problems.append(f"{where} has no /Contents")
                if not int(annotation.get("/F", 0)) & 4:
                    problems.append(f"{where} lacks the print flag")
                key = annotation.get("/StructParent")
                element = parents.get(int(key)) if key is not None else None
                if not isinstance(element, Dictionary) or element.objgen not in reached.elements:
                    problems.append(f"{where} has no structure element")
                elif reached.annotations.get(annotation.objgen) != "/Link":
                    problems.append(f"{where} is not held by a Link element")
    return problems


def _parent_tree(pdf: pikepdf.Pdf) -> dict:
    root = pdf.Root.get("/StructTreeRoot")
    numbers = root.get("/ParentTree", Dictionary()).get("/Nums", Array()) if root else Array()
    return {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def tagged_and_artifact_text(path: Path) -> list[tuple[str, str, str]]:
    """Each page's text as (all of it, what the structure tree reaches, what is an artifact),
    from the characters drawn and the marked content each was drawn in."""
    pages = []
    with pikepdf.open(path) as pdf:
        reached = tree(pdf)
        page_ids = [page.obj.objgen for page in pdf.pages]
    with pdfplumber.open(path) as document:
        for page_id, page in zip(page_ids, document.pages):
            chars = page.chars
            everything = "".join(c["text"] for c in chars)
            tagged = "".join(c["text"] for c in chars
                             if (page_id, c.get("mcid")) in reached.mcids)
            artifacts = "".join(c["text"] for c in chars if c.get("tag") == "Artifact")
            pages.append((everything, tagged, artifacts))
    return pages


def metadata_problems(path: Path) -> list[str]:
    """The Info dictionary and the XMP metadata disagree (PDF/A 6.6.3, PDF/UA 7.1)."""
    with pikepdf.open(path) as pdf:
        info = {key: str(value) for key, value in pdf.docinfo.items()}
        xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        pairs = [("/Title", xmp.get("dc:title")), ("/Subject", xmp.get("dc:description"))]
    return [f"{path.name}: Info {key} '{info.get(key)}' but XMP '{value}'"
            for key, value in pairs if key in info and info[key] != str(value or "")]


def box_problems(path: Path) -> list[str]:
    """Pages whose BleedBox, TrimBox, ArtBox or CropBox reach outside the MediaBox (PDF/X)."""
    problems = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            media = [float(v) for v in page.obj.MediaBox]
            for key in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
                if key not in page.obj:
                    continue
                box = [float(v) for v in page.obj[key]]
                if (box[0] < media[0] - 0.01 or box[1] < media[1] - 0.01
                        or box[2] > media[2] + 0.01 or box[3] > media[3] + 0.01):
                    problems.append(f"{path.name} page {number}: {key} {box} outside the "
                                    f"MediaBox {media}")
    return problems
