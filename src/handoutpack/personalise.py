"""Personalised packs: each recipient's pack with a cover saying "Prepared for Jane Doe, The
Example Times", in their language. Only the cover is rendered per recipient; it replaces the
first page of the pack already built, as an incremental update appended to the pack's bytes,
so that every document comes as built and nothing else is rewritten. A log beside the packs
remembers what was made from what, so a rerun renders nobody's cover twice."""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, DictionaryObject, EncodedStreamObject, IndirectObject,
                           NameObject, PdfObject, StreamObject)

from . import markup
from .build import make_renderer
from .config import Project
from .errors import HandoutpackError
from .mailing import Recipient
from .outputs import read_outputs, write_atomic
from .pack import page_values
from .parallel import Pool, default_jobs
from .render import Renderer

ORGANISATION_COLUMNS = ("organisation", "organization", "outlet", "company", "affiliation")
"""The list's column that names where a recipient works, the first one found."""
PERSONAL_DIR = "personal"
LOG_NAME = "made.jsonl"
BATCH = 64
"""Recipients handed to the workers at a time: memory stays the same for any length of list."""


def recipient_line(recipient: Recipient) -> str:
    """'Jane Doe, The Example Times': the name, and the organisation when the list gives one."""
    organisation = next((recipient.fields[c] for c in ORGANISATION_COLUMNS
                         if recipient.fields.get(c)), "")
    return ", ".join(filter(None, (recipient.name or recipient.email, organisation)))


def file_names(recipients: Iterable[Recipient]) -> dict[str, str]:
    """Each recipient's file name from their name ('lucia-gomez.pdf'), unique in each language:
    a second Jane Doe is 'jane-doe-2.pdf'."""
    names, used = {}, set()
    for recipient in recipients:
        stem = _slug(recipient.name) or _slug(recipient.email.partition("@")[0]) or "recipient"
        name, count = f"{stem}.pdf", 1
        while (recipient.lang, name) in used:
            count += 1
            name = f"{stem}-{count}.pdf"
        used.add((recipient.lang, name))
        names[recipient.key] = name
    return names


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def personal_dir(project: Project, lang: str, pack: str) -> Path:
    return project.build_dir / PERSONAL_DIR / lang / pack


@dataclass(frozen=True)
class Made:
    """What a run of `make` did."""

    paths: dict[str, Path]
    """Each recipient's pack, by recipient key."""
    made: int
    kept: int


def make(project: Project, pack_id: str, recipients: list[Recipient], jobs: int | None = None,
         progress: Callable[[int, int], None] = lambda done, total: None) -> Made:
    """Write each recipient's pack to build/personal/<lang>/<pack>/<name>.pdf from the built
    pack in their language; a pack made before from the same pack and cover is kept."""
    names = file_names(recipients)
    todo, paths, kept = [], {}, 0
    bases = {lang: _base(project, pack_id, lang)
             for lang in dict.fromkeys(r.lang for r in recipients)}
    logs = {lang: MadeLog(personal_dir(project, lang, pack_id) / LOG_NAME) for lang in bases}
    for recipient in recipients:
        path = personal_dir(project, recipient.lang, pack_id) / names[recipient.key]
        paths[recipient.key] = path
        cover = cover_html(project, pack_id, recipient.lang, recipient_line(recipient))
        made_from = _key(bases[recipient.lang].digest, cover)
        if logs[recipient.lang].get(path.name) == made_from and path.is_file():
            kept += 1
            continue
        todo.append(Cover(recipient.lang, cover, str(path), made_from, bases[recipient.lang],
                          project.packs[pack_id].printing.variant))
    made = 0
    with Pool(partial(make_renderer, project), jobs or default_jobs(),
              temp_root=project.build_dir / ".cache" / "tmp") as pool:
        for batch in _batches(todo, BATCH):
            for item, _ in pool.run(_personal_pack, batch):
                logs[item.lang].add(Path(item.path).name, item.made_from)
                made += 1
                progress(made, len(todo))
    return Made(paths, made, kept)


def cover_html(project: Project, pack_id: str, lang: str, recipient: str) -> str:
    """The pack's cover as the pack has it, saying whom it was prepared for."""
    spec = project.packs[pack_id]
    values = page_values(project, spec, lang, None, spec.printing)
    return markup.page(project, "cover.html", recipient=recipient, **values)


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---------------------------------------------------------------- the base pack


@dataclass(frozen=True)
class Base:
    """A built pack the personal packs are made from, and where its first page is."""

    path: str
    digest: str
    size: int
    """The pack's /Size: the first object number free for the update."""
    cover: int
    """The object number of the cover page."""
    page: bytes
    """The cover page's dictionary, without /Contents and /Resources, serialised."""
    trailer: bytes
    """/Root, /Info and /ID of the pack's trailer, serialised, for the update's trailer."""
    startxref: int


def _base(project: Project, pack_id: str, lang: str) -> Base:
    relative = f"{lang}/{pack_id}.pdf"
    path = project.build_dir / relative
    if relative not in read_outputs(project.build_dir) or not path.is_file():
        raise HandoutpackError(f"{relative} is not built yet: run `handoutpack build {pack_id} "
                               f"--lang {lang}` first")
    data = path.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    kept = DictionaryObject({key: value for key, value in page.items()
                             if key not in ("/Contents", "/Resources")})
    trailer = DictionaryObject({key: value for key, value in reader.trailer.items()
                                if key in ("/Root", "/Info", "/ID")})
    found = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not found:
        raise HandoutpackError(f"{relative}: cannot be personalised (no cross-reference table at "
                               "its end); build it again with `handoutpack build --no-cache`")
    return Base(str(path), hashlib.sha256(data).hexdigest(), int(reader.trailer["/Size"]),
                page.indirect_reference.idnum, _serialised(kept), _serialised(trailer),
                int(found[-1]))


# ---------------------------------------------------------------- on a worker


@dataclass(frozen=True)
class Cover:
    lang: str
    html: str
    path: str
    made_from: str
    base: Base
    variant: str | None = None
    """The pack's PDF variant: the cover is rendered as the pack's was."""


def _personal_pack(renderer: Renderer, item: Cover) -> None:
    """Render one recipient's cover and write their pack: the base pack, then the new cover."""
    rendered = renderer.render(item.html, Path(item.base.path).parent,
                               f"personal cover ({item.lang})", item.lang, item.variant)
    write_atomic(Path(item.path), swap_cover(_base_bytes(item.base.path, item.base.digest),
                                             item.base, rendered.pdf), sync=False)


@lru_cache(maxsize=4)
def _base_bytes(path: str, digest: str) -> bytes:
    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise HandoutpackError(f"{path} changed while personal packs were made from it; run the "
                               "same command again")
    return data


def swap_cover(base: bytes, info: Base, cover_pdf: bytes) -> bytes:
    """`base` with its first page showing the first page of `cover_pdf`: the cover's content
    and resources appended as new objects, and the page object updated to use them (PDF's
    incremental update, ISO 32000-1 §7.5.6). The page keeps its place in the pack's structure
    tree, bookmarks and boxes; the cover comes from the same template, so its marked content
    matches the tree."""
    page = PdfReader(io.BytesIO(cover_pdf)).pages[0]
    numbers: dict[int, int] = {}
    order: list[PdfObject] = []

    def number(ref: IndirectObject) -> int:
        if ref.idnum not in numbers:
            numbers[ref.idnum] = info.size + len(numbers)
            order.append(ref)
        return numbers[ref.idnum]

    def copy(value):
        if isinstance(value, IndirectObject):
            return IndirectObject(number(value), 0, None)  # type: ignore[arg-type]
        if isinstance(value, StreamObject):
            stream = EncodedStreamObject()
            stream._data = value._data  # the bytes as encoded, with their /Filter
            stream.update({k: copy(v) for k, v in value.items() if k != "/Length"})
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject({k: copy(v) for k, v in value.items() if k != "/Parent"})
        if isinstance(value, ArrayObject):
            return ArrayObject(copy(v) for v in value)
        return value

    contents = copy(page.raw_get("/Contents"))
    resources = copy(page.raw_get("/Resources"))
    out = io.BytesIO()
    out.write(base if base.endswith(b"\n") else base + b"\n")
    offsets: dict[int, int] = {}
    done = 0
    while done < len(order):  # copying an object may number more
        ref = order[done]
        done += 1
        value = copy(ref.get_object())
        offsets[numbers[ref.idnum]] = out.tell()
        out.write(f"{numbers[ref.idnum]} 0 obj\n".encode())
        value.write_to_stream(out)
        out.write(b"\nendobj\n")
    offsets[info.cover] = out.tell()
    out.write(f"{info.cover} 0 obj\n".encode() + info.page[:-2])  # without the closing >>
    out.write(b"/Contents ")
    contents.write_to_stream(out)
    out.write(b"\n/Resources ")
    resources.write_to_stream(out)
    out.write(b"\n>>\nendobj\n")
    return _finish(out, offsets, info)


def _finish(out: io.BytesIO, offsets: dict[int, int], info: Base) -> bytes:
    """The update's cross-reference section and trailer."""
    xref = out.tell()
    out.write(b"xref\n")
    for start, run in _runs(sorted(offsets)):
        out.write(f"{start} {len(run)}\n".encode())
        out.write(b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run))
    size = max(info.size, max(offsets) + 1)
    out.write(b"trailer\n" + info.trailer[:-2]
              + f"/Size {size}\n/Prev {info.startxref}\n>>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _runs(numbers: list[int]) -> Iterator[tuple[int, list[int]]]:
    """Consecutive object numbers grouped: each group is one subsection of the xref table."""
    run: list[int] = []
    for n in numbers:
        if run and n != run[-1] + 1:
            yield run[0], run
            run = []
        run.append(n)
    if run:
        yield run[0], run


def _serialised(value: DictionaryObject) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    data = out.getvalue().rstrip()
    assert data.endswith(b">>")
    return data


# ---------------------------------------------------------------- what was made


class MadeLog:
    """build/personal/<lang>/<pack>/made.jsonl: one line per pack written, its file and what it
    was made from. Lines are only ever appended; the last one for a file counts."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, str] = {}
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
                self.entries[entry["file"]] = entry["from"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash: that pack is made again

    def get(self, name: str) -> str | None:
        return self.entries.get(name)

    def add(self, name: str, made_from: str) -> None:
        self.entries[name] = made_from
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps({"file": name, "from": made_from}) + "\n")
