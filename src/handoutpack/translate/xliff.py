"""XLIFF 1.2 beside each PO file, for the tools and agencies that want it: the same entries, the
placeholders as XLIFF's own inline elements (<x id="1"/>, <g id="1">…</g>), which CAT tools show
as tags. `translate import` reads a translator's targets back into the PO file first."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import defusedxml.ElementTree as safe_xml
import polib
from defusedxml import DefusedXmlException

from ..errors import HandoutpackError
from ..store.writing import write_atomic

NS = "urn:oasis:names:tc:xliff:document:1.2"
Q = f"{{{NS}}}"
PLACEHOLDER = re.compile(r"<(/?)([gx])(\d+)(/?)>")
SPACE = "{http://www.w3.org/XML/1998/namespace}space"
LAYOUT = re.compile(r"\s*\n\s*")


def unit_id(entry: polib.POEntry) -> str:
    """A stable id for an entry: its context and English."""
    return hashlib.sha1(f"{entry.msgctxt or ''}\x04{entry.msgid}".encode()).hexdigest()[:16]


def path_for(po_path: Path) -> Path:
    return po_path.with_suffix(".xlf")


def write(po: polib.POFile, po_path: Path, source_lang: str, target_lang: str) -> Path:
    """Write <slug>.xlf from the catalogue (obsolete entries left out)."""
    etree.register_namespace("", NS)
    root = etree.Element(f"{Q}xliff", {"version": "1.2"})
    original = po.metadata.get("X-Source-File", po_path.name)
    body = etree.SubElement(etree.SubElement(root, f"{Q}file", {
        "original": original, "source-language": source_lang, "target-language": target_lang,
        "datatype": "plaintext"}), f"{Q}body")
    for entry in (e for e in po if not e.obsolete):
        # xml:space="preserve": a unit's text is exact (a CAT tool must not trim or reflow it)
        unit = etree.SubElement(body, f"{Q}trans-unit", {
            "id": unit_id(entry), SPACE: "preserve"})
        if entry.msgctxt:
            unit.set("resname", entry.msgctxt)
        if entry.msgstr and not entry.fuzzy:
            unit.set("approved", "yes")  # translate-toolkit (Weblate, Pootle) reads it as done
        _inline(etree.SubElement(unit, f"{Q}source"), entry.msgid)
        if entry.msgstr:
            state = "needs-review-translation" if entry.fuzzy else "translated"
            _inline(etree.SubElement(unit, f"{Q}target", {"state": state}), entry.msgstr)
        if entry.comment:
            etree.SubElement(unit, f"{Q}note", {"from": "developer"}).text = entry.comment
        if entry.fuzzy and entry.previous_msgid:
            etree.SubElement(unit, f"{Q}note", {"from": "previous-source"}).text = \
                entry.previous_msgid
    _indent(root)
    target = path_for(po_path)
    data = etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data, sync=False)
    return target


TEXT_ELEMENTS = {f"{Q}source", f"{Q}target", f"{Q}note"}


def _indent(element: etree.Element, level: int = 0) -> None:
    """Indent the file's structure for people reading it, never the text of a source, target
    or note (etree.indent would put whitespace into them, and it would come back as text)."""
    if element.tag in TEXT_ELEMENTS or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def _inline(element: etree.Element, text: str) -> None:
    """Text with placeholders as XLIFF inline elements: <x1/> → <x id="1"/>."""
    markup = PLACEHOLDER.sub(_element, _escape(text))
    parsed = etree.fromstring(f'<t xmlns="{NS}">{markup}</t>')
    element.text = parsed.text
    for child in parsed:
        element.append(child)


def _element(match: re.Match) -> str:
    closing, kind, number, empty = match.groups()
    return f"</{kind}>" if closing else f'<{kind} id="{number}"{empty}>'


def _escape(text: str) -> str:
    """Escape XML in text but keep our placeholders."""
    parts, start = [], 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(_xml(text[start:match.start()]))
        parts.append(match.group())
        start = match.end()
    parts.append(_xml(text[start:]))
    return "".join(parts)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def read_into(po: polib.POFile, xlf: Path, shown: str) -> int:
    """Copy the targets of a translated XLIFF file into the catalogue (matched by unit id);
    returns how many entries changed."""
    try:  # defusedxml: no entities, no DTD, no external references (a file from outside)
        root = safe_xml.parse(xlf, forbid_dtd=True).getroot()
    except DefusedXmlException as error:
        raise HandoutpackError(f"declares a DTD or entities ({type(error).__name__}), which a "
                               "translation file has no need of and which can read files or "
                               "exhaust memory; export it again, or remove the <!DOCTYPE ...> "
                               "and the entities from it", file=shown) from None
    except (etree.ParseError, OSError) as error:
        raise HandoutpackError(f"not XLIFF that can be read ({error}); export it again",
                               file=shown) from None
    targets = {}
    for unit in root.iter(f"{Q}trans-unit"):
        target = unit.find(f"{Q}target")
        if target is not None:
            text = _placeholders(target)
            if unit.get(SPACE) != "preserve":  # whitespace a tool laid out, not the translator's
                text = LAYOUT.sub(" ", text).strip()
            targets[unit.get("id")] = (text, _fuzzy(unit, target))
    changed = 0
    for entry in (e for e in po if not e.obsolete):
        found = targets.get(unit_id(entry))
        if found is None or not found[0].strip():
            continue
        text, fuzzy = found
        if text != entry.msgstr or fuzzy != entry.fuzzy:
            entry.msgstr = text
            if fuzzy and not entry.fuzzy:
                entry.flags.append("fuzzy")
            elif not fuzzy and entry.fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
            changed += 1
    return changed


def _fuzzy(unit: etree.Element, target: etree.Element) -> bool:
    """Whether a unit still needs review: its target's state says so, or the unit is marked
    approved="no" (as translate-toolkit marks fuzzy units)."""
    return target.get("state", "").startswith("needs-") or unit.get("approved") == "no"


def _placeholders(element: etree.Element) -> str:
    """An XLIFF target's text with its inline elements back as our placeholders."""
    parts = [element.text or ""]
    for child in element:
        name = child.tag.removeprefix(Q)
        if name == "x":
            parts.append(f"<x{child.get('id')}/>")
        elif name == "g":
            parts.append(f"<g{child.get('id')}>{_placeholders(child)}</g{child.get('id')}>")
        else:
            parts.append(_placeholders(child))
        parts.append(child.tail or "")
    return "".join(parts)
