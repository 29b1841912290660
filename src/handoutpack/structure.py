"""Keep the tags (the PDF structure tree) of documents merged into one pack."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, DictionaryObject, IndirectObject,
                           NameObject, NumberObject, TextStringObject)

CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/ViewerPreferences")
"""What a PDF/A or PDF/UA variant puts in the catalog; taken from the cover for the pack."""


class StructureMerger:
    """Collects each appended part's structure tree under one tree for the whole pack.

    pypdf's append copies pages but not the catalog's /StructTreeRoot, and drops the pages'
    /StructParents, so a naively merged pack is untagged. Each part's tree is cloned into the
    writer (its page and annotation references land on the copies append made), its parent-tree
    numbers are moved past the previous parts', and all parts hang under one /Document."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        self.parts = ArrayObject()
        self.parent_tree = ArrayObject()
        self.namespaces = ArrayObject()
        self.offset = 0

    def append(self, reader: PdfReader, lang: str, **options) -> None:
        """Append `reader` to the writer (pypdf's append `options`) and keep its tags."""
        start = len(self.writer.pages)
        self.writer.append(reader, **options)
        tree = reader.trailer["/Root"].get("/StructTreeRoot")
        if tree is None:
            return
        tree = tree.get_object()
        kids = tree.get("/K", ArrayObject())
        kids = [self._clone(kid) for kid in (kids if isinstance(kids, list) else [kids])]
        if len(kids) == 1 and kids[0].get_object().get("/S") == "/Document":
            part = kids[0].get_object()  # WeasyPrint's one /Document becomes a /Part of the pack
        else:
            part = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                     NameObject("/K"): ArrayObject(kids)})
            self.writer._add_object(part)
        part[NameObject("/S")] = NameObject("/Part")
        part[NameObject("/Lang")] = TextStringObject(lang)
        self.parts.append(part.indirect_reference)
        for namespace in tree.get("/Namespaces", []):
            self.namespaces.append(self._clone(namespace))
        numbers = tree.get("/ParentTree", DictionaryObject()).get_object().get("/Nums", [])
        count = 0
        for index in range(0, len(numbers), 2):
            self.parent_tree.append(NumberObject(int(numbers[index]) + self.offset))
            self.parent_tree.append(self._clone(numbers[index + 1]))
            count = max(count, int(numbers[index]) + 1)
        for page, source in zip(self.writer.pages[start:], reader.pages):
            if "/StructParents" in source:
                page[NameObject("/StructParents")] = NumberObject(
                    source["/StructParents"] + self.offset)
            for annotation in page.get("/Annots", []):
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    annotation[NameObject("/StructParent")] = NumberObject(
                        annotation["/StructParent"] + self.offset)
        self.offset += count

    def _clone(self, value):
        """A copy in the writer; parents (/P) are set again once the new tree is complete."""
        value = value.get_object() if isinstance(value, IndirectObject) else value
        if not hasattr(value, "clone"):
            return value
        copy = value.clone(self.writer, ignore_fields=["/P"])
        return getattr(copy, "indirect_reference", None) or copy

    def finish(self, lang: str, first: PdfReader) -> None:
        """Write the pack's tree into the catalog, with the first part's variant entries."""
        if not self.parts:
            return
        document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                     NameObject("/S"): NameObject("/Document"),
                                     NameObject("/Lang"): TextStringObject(lang),
                                     NameObject("/K"): self.parts})
        document_ref = self.writer._add_object(document)
        root = DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): ArrayObject([document_ref]),
            NameObject("/ParentTree"): self.writer._add_object(
                DictionaryObject({NameObject("/Nums"): self.parent_tree})),
            NameObject("/ParentTreeNextKey"): NumberObject(self.offset),
        })
        if self.namespaces:
            root[NameObject("/Namespaces")] = self.namespaces
        root_ref = self.writer._add_object(root)
        _set_parents(document_ref, root_ref)
        catalog = self.writer._root_object
        catalog[NameObject("/StructTreeRoot")] = root_ref
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)})
        for key in CATALOG_KEYS:
            if key in first.trailer["/Root"]:
                catalog[NameObject(key)] = self._clone(first.trailer["/Root"].raw_get(key))


def _set_parents(element: IndirectObject, parent: IndirectObject) -> None:
    """Give every structure element its /P again (iteratively: trees can be deep)."""
    stack = [(element, parent)]
    while stack:
        reference, parent = stack.pop()
        node = reference.get_object()
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            continue
        node[NameObject("/P")] = parent
        kids = node.raw_get("/K") if "/K" in node else None
        if isinstance(kids, IndirectObject) and isinstance(kids.get_object(), ArrayObject):
            kids = kids.get_object()
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject):
                stack.append((kid, reference))
