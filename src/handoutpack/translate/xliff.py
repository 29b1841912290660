"""XLIFF 1.2 beside each PO file, for the tools and agencies that want it: the same entries, the
placeholders as XLIFF's own inline elements (<x id="1"/>, <g id="1">…</g>), which CAT tools show
as tags. `translate import` reads a translator's targets back into the PO file first."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import polib

from ..errors import HandoutpackError
from ..store.outputs import write_atomic

NS = "urn:oasis:names:tc:xliff:document:1.2"
Q = f"{{{NS}}}"
PLACEHOLDER = re.compile(r"<(/?)([gx])(\d+)(/?)>")


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
        unit = etree.SubElement(body, f"{Q}trans-unit", {"id": unit_id(entry)})
        if entry.msgctxt:
            unit.set("resname", entry.msgctxt)
        _inline(etree.SubElement(unit, f"{Q}source"), entry.msgid)
        if entry.msgstr:
            state = "needs-review-translation" if entry.fuzzy else "translated"
            _inline(etree.SubElement(unit, f"{Q}target", {"state": state}), entry.msgstr)
        if entry.comment:
            etree.SubElement(unit, f"{Q}note", {"from": "developer"}).text = entry.comment
        if entry.fuzzy and entry.previous_msgid:
            etree.SubElement(unit, f"{Q}note", {"from": "previous-source"}).text = \
                entry.previous_msgid
    etree.indent(root)
    target = path_for(po_path)
    data = etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data, sync=False)
    return target


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
    try:
        root = etree.parse(xlf).getroot()
    except (etree.ParseError, OSError) as error:
        raise HandoutpackError(f"{shown}: not XLIFF that can be read ({error}); export it "
                               "again") from None
    targets = {}
    for unit in root.iter(f"{Q}trans-unit"):
        target = unit.find(f"{Q}target")
        if target is not None:
            targets[unit.get("id")] = (_placeholders(target), target.get("state", "translated"))
    changed = 0
    for entry in (e for e in po if not e.obsolete):
        found = targets.get(unit_id(entry))
        if found is None or not found[0].strip():
            continue
        text, state = found
        fuzzy = state.startswith("needs-")
        if text != entry.msgstr or fuzzy != entry.fuzzy:
            entry.msgstr = text
            if fuzzy and not entry.fuzzy:
                entry.flags.append("fuzzy")
            elif not fuzzy and entry.fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
            changed += 1
    return changed


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
