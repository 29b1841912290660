"""Personalised packs: each recipient's pack with a cover saying "Prepared for Jane Doe, The
Example Times", in their language. Only the cover is rendered per recipient; it replaces the
first page of the pack already built, as an incremental update appended to the pack's bytes,
so that every document comes as built and nothing else is rewritten. A log beside the packs
remembers what was made from what, so a rerun renders nobody's cover twice."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..markup import templates
from ..project.parts import Mail, RenderSettings, Theme
from ..project.settings import PackSpec
from ..render.stage import make_renderer
from ..errors import HandoutpackError
from ..store.names import portable
from .recipients import Recipient
from ..store.outputs import PERSONAL_DIR, TEMP_DIR, read_outputs
from ..store.writing import write_atomic
from ..assemble.pack import page_values
from ..render.pool import Pool, default_jobs
from ..pdf.update import FirstPage, first_page, with_first_page
from ..render.engine import Renderer
from ..store.memos import memo

ORGANISATION_COLUMNS = ("organisation", "organization", "outlet", "company", "affiliation")
"""The list's column that names where a recipient works, the first one found."""
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
        name, count = portable(f"{stem}.pdf"), 1  # a Con or a Nul gets con_.pdf, nul_.pdf
        while (recipient.lang, name) in used:
            count += 1
            name = portable(f"{stem}-{count}.pdf")
        used.add((recipient.lang, name))
        names[recipient.key] = name
    return names


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def personal_dir(build_dir: Path, lang: str, pack: str) -> Path:
    return build_dir / PERSONAL_DIR / lang / pack


@dataclass(frozen=True)
class Made:
    """What a run of `make` did."""

    paths: dict[str, Path]
    """Each recipient's pack, by recipient key."""
    made: int
    kept: int


def make(mail: Mail, settings: RenderSettings, pack_id: str, recipients: list[Recipient],
         jobs: int | None = None, progress: Callable[[int, int], None] = lambda done, total: None
         ) -> Made:
    """Write each recipient's pack to build/personal/<lang>/<pack>/<name>.pdf from the built
    pack in their language, their covers rendered with `settings`; a pack made before from the
    same pack and cover is kept."""
    names, build_dir, spec = file_names(recipients), mail.folders.build, mail.packs[pack_id]
    todo, paths, kept = [], {}, 0
    bases = {lang: _base(build_dir, pack_id, lang)
             for lang in dict.fromkeys(r.lang for r in recipients)}
    logs = {lang: MadeLog(personal_dir(build_dir, lang, pack_id) / LOG_NAME) for lang in bases}
    for recipient in recipients:
        path = personal_dir(build_dir, recipient.lang, pack_id) / names[recipient.key]
        paths[recipient.key] = path
        cover = cover_html(mail.theme, spec, recipient.lang, recipient_line(recipient))
        made_from = _key(bases[recipient.lang].digest, cover)
        if logs[recipient.lang].get(path.name) == made_from and path.is_file():
            kept += 1
            continue
        todo.append(Cover(recipient.lang, cover, str(path), made_from, bases[recipient.lang],
                          spec.printing.variant))
    made = 0
    with Pool(partial(make_renderer, settings), jobs or default_jobs(),
              temp_root=build_dir / TEMP_DIR) as pool:
        for batch in _batches(todo, BATCH):
            for item, _ in pool.run(_personal_pack, batch):
                logs[item.lang].add(Path(item.path).name, item.made_from)
                made += 1
                progress(made, len(todo))
    return Made(paths, made, kept)


def cover_html(theme: Theme, spec: PackSpec, lang: str, recipient: str) -> str:
    """The pack's cover as the pack has it, saying whom it was prepared for."""
    values = page_values(theme, spec, lang, None, spec.printing)
    return templates.page(theme, "cover.html", recipient=recipient, **values)


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
    first: FirstPage


def _base(build_dir: Path, pack_id: str, lang: str) -> Base:
    relative = f"{lang}/{pack_id}.pdf"
    path = build_dir / relative
    if relative not in read_outputs(build_dir) or not path.is_file():
        raise HandoutpackError(f"not built yet: run `handoutpack build {pack_id} --lang {lang}` "
                               "first", file=str(relative))
    data = path.read_bytes()
    first = first_page(data)
    if first is None:
        raise HandoutpackError("cannot be personalised (no cross-reference table at "
                               "its end); build it again with `handoutpack build --no-cache`",
                               file=relative)
    return Base(str(path), hashlib.sha256(data).hexdigest(), first)


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
    base = _base_bytes(item.base.path, item.base.digest)
    write_atomic(Path(item.path), with_first_page(base, item.base.first, rendered.pdf), sync=False)


@memo("inputs", maxsize=4)
def _base_bytes(path: str, digest: str) -> bytes:
    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise HandoutpackError("changed while personal packs were made from it; run the same "
                               "command again", file=str(path))
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
