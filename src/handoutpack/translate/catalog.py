"""PO catalogues of documents (polib): made from the English, merged when the English changes
(msgmerge --previous: a changed block keeps its translation, marked fuzzy, with the English it was
translated from), aligned once from a hand-made translation, and read back into Markdown."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

from ..project.parts import Folders, Translating
from ..sources.content import Document, Translation
from ..errors import HandoutpackError
from ..store.writing import write_atomic
from .front import front_matter
from .guard import check_additions
from .segments import (TAG, PlaceholderError, Segment, Skeleton, check_placeholders, restore,
                       segment)

FOLDER = "translations"
"""Where the PO files live: translations/<lang>/<slug>.po (one component per document, the layout
Weblate and Crowdin expect), and translations/<lang>/labels.po."""
SIMILAR = 0.4
"""How alike a changed English block must be to its old version to keep the old translation as a
fuzzy suggestion (difflib's ratio); below it the block starts untranslated."""
FRONT_MATTER = ("title", "summary")


def po_path(root: Path, slug: str, lang: str) -> Path:
    """Where a document's catalogue in `lang` is, in the project folder `root`."""
    return root / FOLDER / lang / f"{slug}.po"


def source_segments(default: str, document: Document) -> tuple[list[Segment], Skeleton]:
    """The English (`default` language's) document's segments (its title and summary first)
    and its body's skeleton."""
    source = document.main(default)
    skeleton = _skeleton(source)
    return _front_segments(source) + skeleton.segments, skeleton


def _skeleton(translation: Translation) -> Skeleton:
    return segment(translation.body, translation.body_line,
                   notes=translation.meta.kind == "presentation")


def _front_segments(translation: Translation) -> list[Segment]:
    return [Segment(getattr(translation.meta, key), key, _key_line(translation, key), context=key)
            for key in FRONT_MATTER]


def _key_line(translation: Translation, key: str) -> int:
    text = translation.path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((n for n, line in enumerate(text[:translation.body_line], 1)
                 if line.startswith(f"{key}:")), 1)


def _context(segment: Segment) -> str | None:
    return segment.context


# ---------------------------------------------------------------- files


@dataclass
class Written:
    path: Path
    summary: str


def read(folders: Folders, path: Path) -> polib.POFile:
    """A PO file through polib, or an error naming it."""
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise HandoutpackError(f"not a PO file polib can read ({error}); open it in Poedit to "
                               "find the broken line, or export it again",
                               file=folders.shown(path)) from None


def po_bytes(po: polib.POFile) -> bytes:
    return (str(po).rstrip("\n") + "\n").encode("utf-8")


def describe(status: Status) -> str:
    return (f"{status.total} entries: {status.current} translated, {len(status.changed)} fuzzy, "
            f"{len(status.untranslated)} untranslated")


def write_if_changed(path: Path, po: polib.POFile) -> bytes | None:
    """Write the catalogue unless the file holds it already; the bytes it held before."""
    before = path.read_bytes() if path.is_file() else None
    data = po_bytes(po)
    if data != before:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, sync=False)
    return before


# ---------------------------------------------------------------- making and merging


def new_catalogue(translating: Translating, document: Document, lang: str) -> polib.POFile:
    source = document.main(translating.languages.default)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"{translating.theme.org.name} {document.slug}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _stamp(source),
        "PO-Revision-Date": _stamp(source),
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": "handoutpack",
    }
    return po


def _stamp(translation: Translation) -> str:
    """A date for the header: the English document's own, so files are the same run after run."""
    date = translation.meta.date
    return f"{date.isoformat()} 00:00+0000" if date else "2000-01-01 00:00+0000"


def merge(po: polib.POFile, segments: list[Segment], source_name: str,
          revision: str) -> polib.POFile:
    """A catalogue for `segments` that keeps `po`'s work: an unchanged block keeps its
    translation; a changed one keeps the translation of its old English, marked fuzzy, with that
    English as its previous msgid; English that is gone stays as an obsolete entry."""
    merged = polib.POFile(wrapwidth=0)
    merged.metadata = {**po.metadata, "X-Source-File": source_name, "X-Source-Revision": revision}
    merged.header = po.header
    old = sorted((e for e in po if e.msgstr), key=lambda e: not e.obsolete)
    by_key = {(e.msgctxt, e.msgid): e for e in old}  # an obsolete entry comes back if its
    # English does (the current one wins)
    used: set[int] = set()
    new_entries: list[polib.POEntry] = []
    for seg in segments:
        key = (_context(seg), seg.text)
        if key in by_key:
            found = by_key[key]
            used.add(id(found))
            entry = _entry(seg, source_name, found.msgstr)
            if found.fuzzy:
                entry.flags.append("fuzzy")
                entry.previous_msgid = found.previous_msgid
            _add(new_entries, entry)
        else:
            _add(new_entries, _entry(seg, source_name, ""))
    _fuzzy_matches(new_entries, [e for e in old if id(e) not in used], used)
    for entry in new_entries:
        merged.append(entry)
    current = {(e.msgctxt, e.msgid) for e in new_entries}
    for entry in po:  # translations whose English is gone are kept at the end, as obsolete
        if entry.msgstr and id(entry) not in used and (entry.msgctxt, entry.msgid) not in current:
            entry.obsolete = True
            entry.occurrences = []
            merged.append(entry)
    return merged


def _add(entries: list[polib.POEntry], entry: polib.POEntry) -> None:
    """Add an entry, or its occurrence to an entry with the same English (a PO has each once)."""
    for other in entries:
        if (other.msgctxt, other.msgid) == (entry.msgctxt, entry.msgid):
            other.occurrences += entry.occurrences
            return
    entries.append(entry)


def _entry(seg: Segment, source_name: str, msgstr: str) -> polib.POEntry:
    comment = seg.kind + (f"; {seg.legend()}" if seg.markup else "")
    return polib.POEntry(msgctxt=_context(seg), msgid=seg.text, msgstr=msgstr, comment=comment,
                         occurrences=[(source_name, str(seg.line))])


def _fuzzy_matches(entries: list[polib.POEntry], unused: list[polib.POEntry],
                   used: set[int]) -> None:
    """Give each new untranslated entry, in the English's order, the translation of the most
    alike old entry whose English is gone, if alike enough (msgmerge's fuzzy matching): the
    translator sees the old translation and, as its previous msgid, the English it was for."""
    remaining = sorted(unused, key=_line)
    for new in (e for e in entries if not e.msgstr):
        candidates = [old for old in remaining if old.msgctxt == new.msgctxt]
        scored = [(_ratio(old.msgid, new.msgid), index) for index, old in enumerate(candidates)]
        ratio, index = max(scored, default=(0.0, -1))
        if ratio < SIMILAR:
            continue
        old = candidates[index]
        new.msgstr, new.previous_msgid = old.msgstr, old.previous_msgid or old.msgid
        new.flags.append("fuzzy")
        used.add(id(old))
        remaining.remove(old)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def _line(entry: polib.POEntry) -> int:
    return min((int(line) for _, line in entry.occurrences if str(line).isdigit()), default=0)


# ---------------------------------------------------------------- aligning a hand-made translation


def align(translating: Translating, document: Document, translation: Translation,
          segments: list[Segment], old_english: str | None) -> polib.POFile:
    """A catalogue holding the work of a hand-made translation: its blocks paired with the
    English's in order (by kind of block), its inline markup mapped onto the English
    placeholders. When the translation was made from an older English (`old_english`, from git)
    the blocks that changed since are fuzzy; when that is unknown, every block is."""
    po = new_catalogue(translating, document, translation.lang)
    theirs = _front_segments(translation) + _skeleton(translation).segments
    current = _current_english(translating.languages.default, document, translation, segments,
                               old_english)
    source = translating.folders.shown(document.main(translating.languages.default).path)
    for mine, other in _aligned(segments, theirs):
        entry = _entry(mine, source, "")
        text, exact = _renamed(other, mine)
        entry.msgstr = text
        previous = current.get(mine.text, "unknown")
        if previous != "current" or not exact:
            entry.flags.append("fuzzy")
            if previous not in ("current", "unknown"):
                entry.previous_msgid = previous
            if not exact:
                entry.tcomment = "aligned from the earlier translation: check its markup"
        _add(po, entry)
    for seg in segments:
        if all((e.msgctxt, e.msgid) != (_context(seg), seg.text) for e in po):
            po.append(_entry(seg, source, ""))
    return po


def _current_english(default: str, document: Document, translation: Translation,
                     segments: list[Segment], old_english: str | None) -> dict[str, str]:
    """English text → 'current' when the translation was made from it, the old English it
    replaced when it changed since, or 'unknown'."""
    source = document.main(default)
    if translation.meta.source_revision == source.revision:
        return {seg.text: "current" for seg in segments}
    if old_english is None:
        return {}
    old = [s.text for s in segment(old_english, 1, source.meta.kind == "presentation").segments]
    new = [s.text for s in segments if s.kind not in FRONT_MATTER]
    status = {s.text: "current" for s in segments if s.kind in FRONT_MATTER}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset, text in enumerate(new[b0:b1]):
            if tag == "equal":
                status[text] = "current"
            elif tag == "replace" and a0 + offset < a1:
                status[text] = old[a0 + offset]
    return status


def _aligned(english: list[Segment], theirs: list[Segment]):
    """Pairs of blocks, English and translated, matched by their kinds in order."""
    matcher = difflib.SequenceMatcher(a=[s.kind for s in english], b=[s.kind for s in theirs],
                                      autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("equal", "replace") and (a1 - a0) == (b1 - b0):
            yield from zip(english[a0:a1], theirs[b0:b1])


def _renamed(theirs: Segment, mine: Segment) -> tuple[str, bool]:
    """The translated block's text with its placeholders renamed to the English block's (the
    same markup, in order), markup the English lacks written out as Markdown; and whether the
    result holds every placeholder the English needs."""
    free = dict(mine.markup)
    names: dict[str, str] = {}
    for name, value in theirs.markup.items():
        match = next((n for n, v in free.items() if v == value), None)
        if match is not None:
            names[name] = match
            del free[match]

    def rename(tag: re.Match) -> str:
        name = tag["name"]
        if name in names:
            return f"<{tag['close'] or ''}{names[name]}{tag['empty'] or ''}>"
        value = theirs.markup[name]
        return value if isinstance(value, str) else value[1] if tag["close"] else value[0]
    text = TAG.sub(rename, theirs.text)
    try:
        check_placeholders(text, mine.markup)
    except PlaceholderError:
        return text, False
    return text, True


# ---------------------------------------------------------------- reading back


@dataclass
class Status:
    """How current one translation's catalogue is against the English now."""

    total: int
    current: int
    changed: list[tuple[int, str, str]]
    """(line in the English, the English it was translated from, the English now)"""
    untranslated: list[int]


def status(merged: polib.POFile) -> Status:
    entries = [e for e in merged if not e.obsolete]
    changed, untranslated, current = [], [], 0
    for entry in entries:
        if not entry.msgstr:
            untranslated.append(_line(entry))
        elif entry.fuzzy:
            changed.append((_line(entry), entry.previous_msgid or "", entry.msgid))
        else:
            current += 1
    return Status(len(entries), current, sorted(changed), sorted(untranslated))


def translated_markdown(default: str, document: Document, po: polib.POFile, po_name: str,
                        lang: str) -> tuple[str, list[str]]:
    """The translation's Markdown from its catalogue, and warnings (blocks left in English).
    A fuzzy entry keeps its translation (check reports it), or gives the English when its markup
    no longer fits (a suggestion carried over from other English); a missing one gives the
    English."""
    segments, skeleton = source_segments(default, document)
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    texts, missing, problems, unfit = {}, [], [], []
    for seg in segments:
        entry = entries.get((_context(seg), seg.text))
        text = seg.text
        if entry is not None and entry.msgstr.strip():
            try:
                check_placeholders(entry.msgstr, seg.markup)
                check_additions(entry.msgstr, seg.text, seg.kind)
                text = entry.msgstr
            except PlaceholderError as error:
                if entry.fuzzy:
                    unfit.append(entry.linenum)
                else:
                    problems.append(f"{po_name}:{entry.linenum}: {error} "
                                    f"(msgid \"{_short(seg.text)}\")")
        else:
            missing.append(seg.line)
        texts[seg] = text
    if problems:
        raise HandoutpackError("; ".join(problems) + "; fix these translations and import again")
    body_texts = [restore(texts[s], s.markup) for s in skeleton.segments]
    title, summary = (restore(texts[s], s.markup) for s in segments[:2])
    front = front_matter(default, document, lang, title, summary, po.metadata)
    warnings = []
    if unfit:
        warnings.append(f"{po_name}: fuzzy translations whose markup does not fit their English "
                        f"now, left in English (lines {_lines(unfit)}); translate them again")
    if missing:
        warnings.append(f"{po_name}: {len(missing)} of {len(segments)} blocks not translated yet, "
                        f"left in English (lines {_lines(missing)} of the English)")
    return front + skeleton.fill(body_texts), warnings


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _lines(lines: Iterable[int]) -> str:
    return ", ".join(str(n) for n in lines)
