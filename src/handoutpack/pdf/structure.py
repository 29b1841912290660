"""Keep the tags (the PDF structure tree) of documents merged into one pack.

No PDF library merges structure trees: copying pages leaves each part's /StructTreeRoot behind.
Each part's tree is copied in after its pages (qpdf maps the tree's page and annotation
references onto the copies already made), its parent-tree numbers are moved past the previous
parts', and all parts hang under one /Document."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/ViewerPreferences")
"""What a PDF/A or PDF/UA variant puts in the catalog; taken from the cover for the pack."""


class StructureMerger:
    """Collects each appended part's structure tree under one tree for the whole pack."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.parts = Array()
        self.parent_tree = Array()
        self.namespaces = Array()
        self.offset = 0

    def add(self, source: pikepdf.Pdf, pages: list[pikepdf.Page], lang: str) -> None:
        """Keep the tags of `source`, whose pages were just copied in as `pages`."""
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            return
        kids = tree.get("/K", Array())
        kids = list(kids) if isinstance(kids, Array) else [kids]
        for kid in kids:  # their parent is the tree root left behind; set again in finish()
            if isinstance(kid, Dictionary) and "/P" in kid:
                del kid["/P"]
        kids = [self.copy(source, kid) for kid in kids]
        if len(kids) == 1 and kids[0].get("/S") == Name.Document:
            part = kids[0]  # WeasyPrint's one /Document becomes a /Part of the pack
        else:
            part = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, K=Array(kids)))
        part.S = Name.Part
        part.Lang = pikepdf.String(lang)
        self.parts.append(part)
        for namespace in tree.get("/Namespaces", []):
            self.namespaces.append(self.copy(source, namespace))
        numbers = tree.get("/ParentTree", Dictionary()).get("/Nums", Array())
        count = 0
        for index in range(0, len(numbers), 2):
            self.parent_tree.append(int(numbers[index]) + self.offset)
            self.parent_tree.append(self.copy(source, numbers[index + 1]))
            count = max(count, int(numbers[index]) + 1)
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + self.offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.offset
        self.offset += count

    def copy(self, source: pikepdf.Pdf, value):
        """`value` of `source` copied into the pack (qpdf copies only indirect objects)."""
        if not isinstance(value, (Dictionary, Array, pikepdf.Stream)):
            return value
        if not value.is_indirect:
            value = source.make_indirect(value)
        return self.pdf.copy_foreign(value)

    def finish(self, lang: str, first: pikepdf.Pdf) -> None:
        """Write the pack's tree into the catalog, with the first part's variant entries."""
        if not self.parts:
            return
        document = self.pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Document, Lang=pikepdf.String(lang), K=self.parts))
        root = self.pdf.make_indirect(Dictionary(
            Type=Name.StructTreeRoot, K=Array([document]),
            ParentTree=self.pdf.make_indirect(Dictionary(Nums=self.parent_tree)),
            ParentTreeNextKey=self.offset))
        if self.namespaces:
            root.Namespaces = self.namespaces
        _set_parents(document, root)
        catalog = self.pdf.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)
        for key in CATALOG_KEYS:
            if key in first.Root:
                catalog[key] = self.copy(first, first.Root[key])


def _set_parents(element: pikepdf.Object, parent: pikepdf.Object) -> None:
    """Give every structure element its /P again (iteratively: trees can be deep)."""
    stack, seen = [(element, parent)], set()
    while stack:
        node, parent = stack.pop()
        if not isinstance(node, Dictionary) or "/S" not in node or node.objgen in seen:
            continue
        seen.add(node.objgen)
        node.P = parent
        kids = node.get("/K")
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and kid.is_indirect:
                stack.append((kid, node))
