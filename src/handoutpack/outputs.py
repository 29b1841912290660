"""Every path under build/ (named here and nowhere else), atomic writes, the manifest of what was
made from what, and the lock."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import PRESENTATION_LAYOUTS
from .errors import HandoutpackError

LOCK_NAME = ".handoutpack.lock"
MANIFEST = "manifest.json"
EVERYTHING = "everything.zip"
"""Every PDF in build/, in its language's folder, and a README."""
CACHE_DIR = ".cache"
"""The cache's folder inside the build folder."""
TEMP_DIR = f"{CACHE_DIR}/tmp"
"""Where renders keep their temporary files (font folders) while a build runs."""
PREVIEW_DIR = ".preview"
"""The preview (`serve`) builds in build/.preview, leaving build/ to `handoutpack build`."""
LAYOUT_FOLDERS = {"document": "documents", "slides": "slides", "handout": "handouts",
                  "notes": "notes"}
"""Where each layout of a document goes in build/<lang>/; a presentation is built in three."""


def layouts(kind: str) -> tuple[str, ...]:
    """The layouts a document of this kind is built in: a presentation's handout first."""
    return PRESENTATION_LAYOUTS if kind == "presentation" else ("document",)


def document_path(lang: str, slug: str, layout: str = "document") -> str:
    """Where one layout of a document in one language goes, inside build/."""
    return f"{lang}/{LAYOUT_FOLDERS[layout]}/{slug}.pdf"


def pack_path(lang: str, pack: str, booklet: bool = False) -> str:
    """Where a pack (or its booklet) in one language goes, inside build/."""
    return f"{lang}/{pack}{'-booklet' if booklet else ''}.pdf"


def bundle_path(lang: str, pack: str) -> str:
    """The zip of a pack and its documents, inside build/."""
    return f"{lang}/{pack}.zip"


def page_path(lang: str, default_language: str) -> str:
    """The download page in `lang`: index.html for the default language, fr/index.html..."""
    return "index.html" if lang == default_language else f"{lang}/index.html"


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file.
    `sync` makes the bytes reach the disk first, so a crash cannot leave an empty file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            if sync:
                file.flush()
                os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Output:
    """One file in build/ and what made it."""

    kind: str
    lang: str
    path: str
    pages: int
    bytes: int
    sha256: str
    pack: str | None = None
    document: str | None = None
    sources: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    """Documents given in another language because this one has no translation."""
    print: dict | None = None
    """A print file's job ticket: trim size, pages, sheets, duplex, binding, colour, copies."""


def save(build_dir: Path, relative: str, data: bytes, **details) -> Output:
    """Write `data` to build_dir/relative (unless it holds these bytes already) and describe it."""
    write_changed(build_dir / relative, data)
    return Output(path=relative, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                  **details)


def write_manifest(build_dir: Path, outputs: list[Output]) -> Path:
    """Update build/manifest.json: this build's outputs replace earlier entries for their paths;
    entries whose files are gone are dropped."""
    path = build_dir / MANIFEST
    entries = {e["path"]: e for e in _read_manifest(path) if (build_dir / e["path"]).is_file()}
    entries.update((o.path, asdict(o)) for o in outputs)
    entries = [entries[key] for key in sorted(entries)]
    write_changed(path, (json.dumps({"outputs": entries}, indent=2, ensure_ascii=False) + "\n")
                  .encode("utf-8"))
    return path


def read_outputs(build_dir: Path) -> dict[str, Output]:
    """The manifest's outputs whose files are still there, by path."""
    fields = set(Output.__dataclass_fields__)
    found = {}
    for entry in _read_manifest(build_dir / MANIFEST):
        try:
            output = Output(**{k: v for k, v in entry.items() if k in fields})
        except (TypeError, AttributeError):
            continue  # a damaged entry: the next build of that file writes a good one
        if (build_dir / output.path).is_file():
            found[output.path] = output
    return found


def write_changed(path: Path, data: bytes) -> bool:
    """write_atomic, unless the file holds exactly `data` already: an unchanged output keeps its
    date, and a build with nothing new writes nothing. Return whether it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def _read_manifest(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest yet, or a damaged one: this build writes a good one


class Busy(HandoutpackError):
    """Another handoutpack process holds the build folder."""


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold build/.handoutpack.lock while building, so two builds of one project never write the
    same files at once. The operating system drops the lock when the process ends, however it
    ends (even kill -9), so a lock is never left stale."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / LOCK_NAME, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise Busy(
                f"{build_dir}: another handoutpack build is running in this project ({holder}); "
                "wait for it to finish, then build again") from None
        lock.truncate(0)
        lock.write(f"process {os.getpid()}\n")
        lock.flush()
        remove_leftovers(build_dir)
        try:
            yield
        finally:
            lock.truncate(0)


def remove_leftovers(build_dir: Path) -> None:
    """Delete temporary files a killed build left behind (no finished file is ever one)."""
    for leftover in build_dir.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)
