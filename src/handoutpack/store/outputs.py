"""Every path under build/ (named here and nowhere else), atomic writes, the manifest of what was
made from what, and the lock."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..project.config import PRESENTATION_LAYOUTS
from ..project.parts import Folders
from ..errors import HandoutpackError
from .memos import memo
from .writing import unwritable, write_atomic

LOCK_NAME = ".handoutpack.lock"
MANIFEST = "manifest.json"
EVERYTHING = "everything.zip"
"""Every PDF in build/, in its language's folder, and a README."""
CACHE_DIR = ".cache"
"""The cache's folder inside the build folder."""
TEMP_DIR = f"{CACHE_DIR}/tmp"
"""Where renders keep their temporary files (font folders) while a build runs."""
TEMP_PREFIX = "handoutpack-"
"""A build's temporary folder is handoutpack-<pid of its process>-...: a later build removes
those of builds that are no longer running."""
PREVIEW_DIR = ".preview"
"""The preview (`serve`) builds in build/.preview, leaving build/ to `handoutpack build`."""
PERSONAL_DIR = "personal"
"""build/personal/<lang>/<pack>/<person>.pdf: personalised packs (build --for)."""
OUTBOX_DIR = "outbox"
"""build/outbox/<pack>/: an email run's messages, log and sent-log."""
WORKBENCH_DIR = "workbench"
"""build/workbench/: the workbench's profile, list and what it last built."""
THUMBNAILS_DIR = "thumbnails"
"""build/thumbnails/: the download page's first-page pictures."""
FONTS_DIR = "fonts"
"""build/fonts/: the download page's fonts."""
NOT_PUBLISHED = {LOCK_NAME, CACHE_DIR, PREVIEW_DIR, PERSONAL_DIR, OUTBOX_DIR}
"""What in build/ is not a build's: the cache, the preview's, personalised packs (build --for)
and email outboxes."""
LAYOUT_FOLDERS = {"document": "documents", "slides": "slides", "handout": "handouts",
                  "notes": "notes"}
"""Where each layout of a document goes in build/<lang>/; a presentation is built in three."""


def cache_folder(folders: Folders) -> Path:
    """Where a build keeps renders and layouts for the next: build/.cache (the project's build
    folder's, for a build into a folder inside it)."""
    return folders.outputs / CACHE_DIR


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


def review_path(lang: str, slug: str) -> str:
    """A translation's review PDF (English beside the translation), inside build/."""
    return f"{lang}/review/{slug}.pdf"


def page_path(lang: str, default_language: str) -> str:
    """The download page in `lang`: index.html for the default language, fr/index.html..."""
    return "index.html" if lang == default_language else f"{lang}/index.html"


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
    source_sha256: dict[str, str] = field(default_factory=dict)
    """Each source's SHA-256 as this file was built from it: to tell later whether a source
    changed since (its date cannot: a build rewrites no unchanged file)."""
    print: dict | None = None
    """A print file's job ticket: trim size, pages, sheets, duplex, binding, colour, copies."""


def save(stage: Staging, relative: str, data: bytes, **details) -> Output:
    """Stage `data` for build/relative (unless it holds these bytes already) and describe it."""
    stage.write(relative, data)
    return Output(path=relative, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                  **details)


def write_manifest(stage: Staging, outputs: list[Output]) -> None:
    """Stage build/manifest.json: this build's outputs replace earlier entries for their paths;
    entries whose files are gone are dropped."""
    entries = {o.path: asdict(o) for o in read_outputs(stage.build_dir).values()}
    entries.update((o.path, asdict(o)) for o in outputs)
    entries = [entries[key] for key in sorted(entries)]
    stage.write(MANIFEST, (json.dumps({"outputs": entries}, indent=2, ensure_ascii=False) + "\n")
                .encode("utf-8"))


def published_state(build_dir: Path) -> str:
    """A digest of every file a build and its publishing leave in build/, each with its inode,
    size, modification and change times: any write, replacement, rename or touch changes it."""
    state = hashlib.sha256()
    for folder, folders, files in os.walk(build_dir):
        if folder == str(build_dir):
            folders[:] = [f for f in folders if f not in NOT_PUBLISHED]
            files = [f for f in files if f not in NOT_PUBLISHED]
        folders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:  # gone while we looked: the state is not one to trust
                return ""
            state.update(f"{path} {info.st_ino} {info.st_size} {info.st_mtime_ns} "
                         f"{info.st_ctime_ns}\n".encode("utf-8", "surrogateescape"))
    return state.hexdigest()


def read_outputs(build_dir: Path, stage: Staging | None = None) -> dict[str, Output]:
    """The manifest's outputs that are what it says, by path (as `stage` will leave them, when
    given). build/ is not trusted: an entry counts only when its path is one this tool writes,
    inside build/, and the file has the SHA-256 the entry gives; anything else is left out (the
    next build of it writes it anew)."""
    locate = stage.path if stage else (lambda relative: build_dir / relative)
    fields = set(Output.__dataclass_fields__)
    found = {}
    for entry in _read_manifest(locate(MANIFEST)):
        try:
            output = Output(**{k: v for k, v in entry.items() if k in fields})
        except (TypeError, AttributeError):
            continue  # a damaged entry: the next build of that file writes a good one
        if _genuine(build_dir, output, locate):
            found[output.path] = output
    return found


OUTPUT_PATH = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?/(?:(?:documents|slides|handouts|notes)/)?"
                         r"[a-z0-9][a-z0-9-]*\.pdf")
"""Every path a build writes a PDF to, inside build/ (see document_path, PlannedPack.path)."""


def _genuine(build_dir: Path, output: Output, locate: Callable[[str], Path]) -> bool:
    """Whether `output` names a PDF this tool writes, inside build/, holding what it says."""
    if not isinstance(output.path, str) or not OUTPUT_PATH.fullmatch(output.path):
        return False
    path = locate(output.path)
    if path.is_symlink() or not inside(build_dir, path):
        return False
    try:
        info = path.stat()
        if not path.is_file() or info.st_size != output.bytes:
            return False
        return _sha256_at(str(path), info.st_ino, info.st_size, info.st_mtime_ns,
                          info.st_ctime_ns) == output.sha256
    except OSError:
        return False


@memo("inputs", maxsize=4096)  # by inode, size and times: a file written since is read again
def _sha256_at(path: str, inode: int, size: int, modified: int, changed: int) -> str:
    """The SHA-256 of the file at `path` in this state: a build reads the manifest's outputs
    three or four times (before writing, for the manifest, for publishing)."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def inside(folder: Path, path: Path) -> bool:
    """Whether `path`, with every link followed, is in `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def guarded(build_dir: Path, relative: str) -> Path:
    """build_dir/relative, refused when a link in build/ would take it outside build/."""
    path = build_dir / relative
    if ".." in Path(relative).parts or not inside(build_dir, path):
        raise HandoutpackError(f"leads outside {build_dir} (a link put there?); remove it, "
                               "as a build writes only inside its build folder", file=str(path))
    return path


STAGING_PREFIX = ".handoutpack-staging-"
"""A build's new outputs wait in build/.handoutpack-staging-<pid of its process> until all are
written: a later build removes those of builds that are no longer running."""


class Staging:
    """This build's outputs, written aside inside build/ and moved into place together once all
    are written, the manifest last: a build that fails before the switch (an error, a full disk,
    kill -9) leaves build/ as it was. Only files whose bytes change are staged: an unchanged one
    stays where it is, with its date, and is read there."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.folder = build_dir / f"{STAGING_PREFIX}{os.getpid()}"
        self.staged: dict[str, Path] = {}
        self.removed: set[str] = set()

    def __enter__(self) -> Staging:
        if self.folder.is_symlink():  # planted under this name: never write through it
            self.folder.unlink()
        remove_folder(self.folder)  # a killed build's, whose pid this process got again
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self.switch()
        finally:
            remove_folder(self.folder)

    def write(self, relative: str, data: bytes) -> bool:
        """Stage `data` for build/relative, unless the file there holds it already; return
        whether it did."""
        live = guarded(self.build_dir, relative)
        self.removed.discard(relative)
        if relative not in self.staged and _holds_bytes(live, data):
            return False
        staged = self.folder / relative
        try:
            staged.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unwritable(live, error, len(data)) from None
        self._check_staged(staged.parent)
        write_atomic(staged, data, named=live)
        self.staged[relative] = staged
        return True

    def _check_staged(self, path: Path) -> None:
        """`path` is in this build's staging folder with every link followed: a link planted
        there while the build runs would have the build write, then move, a file of the user's."""
        if not path.resolve().is_relative_to(self.build_dir.resolve() / self.folder.name):
            raise HandoutpackError(
                f"leads outside {self.folder} (a link put there while the build ran?); nothing "
                "was written through it, and build/ is as it was. Build again.", file=str(path))

    def path(self, relative: str) -> Path:
        """Where build/relative is as this build leaves it: staged, or in place."""
        return self.staged.get(relative) or guarded(self.build_dir, relative)

    def exists(self, relative: str) -> bool:
        return relative not in self.removed and self.path(relative).is_file()

    def remove(self, relative: str) -> None:
        """Delete build/relative after the switch: a file this build no longer makes."""
        if (staged := self.staged.pop(relative, None)) is not None:
            staged.unlink(missing_ok=True)
        self.removed.add(relative)

    def switch(self) -> None:
        """Move every staged file into place, the PDFs first, the pages and the manifest last;
        then delete what this build no longer makes. Renames only: no data is left to write, so
        a full disk cannot stop it halfway."""
        moves = [(self.staged[relative], self._place(relative))
                 for relative in sorted(self.staged, key=_switch_order)]
        for staged, _ in moves:  # all checked before the first moves: all or nothing
            if staged.is_symlink() or not staged.is_file():
                raise HandoutpackError("is no longer the file this build wrote (a link put "
                                       "there?); build/ is as it was. Build again.",
                                       file=str(staged))
            self._check_staged(staged)
        for staged, live in moves:
            self._move(staged, live)
        for relative in sorted(self.removed):
            guarded(self.build_dir, relative).unlink(missing_ok=True)

    def _place(self, relative: str) -> Path:
        """Where build/relative goes: its folder inside build/ with every link followed. The
        name itself may be a link someone put there, which the move replaces (a rename never
        writes through a link)."""
        live = self.build_dir / relative
        if ".." in Path(relative).parts or not inside(self.build_dir, live.parent):
            raise HandoutpackError(f"leads outside {self.build_dir} (a link put there?); remove "
                                   "it, as a build writes only inside its build folder",
                                   file=str(live))
        return live

    @staticmethod
    def _move(staged: Path, live: Path) -> None:
        try:
            live.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, live)
        except OSError as error:
            raise unwritable(live, error) from None


def _switch_order(relative: str) -> tuple[int, str]:
    """PDFs, then the zips holding them, then the rest, the pages that link to all of these,
    and the manifest, which says what the build made, last."""
    rank = (0 if relative.endswith(".pdf") else 1 if relative.endswith(".zip")
            else 4 if relative == MANIFEST else 3 if relative.endswith(".html") else 2)
    return rank, relative


def _holds_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def remove_folder(folder: Path) -> None:
    if folder.is_symlink():
        return  # not a folder this tool made
    shutil.rmtree(folder, ignore_errors=True)


def _read_manifest(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest yet, or a damaged one: this build writes a good one


SPACE_MARGIN = 1_000_000
"""Bytes left free on the build folder's disk besides what a build needs."""


def ensure_space(build_dir: Path, sizes: dict[str, int]) -> None:
    """Refuse to start writing when the build folder's disk cannot take what this build writes
    (`sizes`: output path -> bytes): the PDFs, the bundles holding them again, and a temporary
    copy of the largest while it replaces the old one. A build that stops at a full disk would
    leave some outputs new and some old; this way, none is replaced."""
    outputs = {path: output.bytes for path, output in read_outputs(build_dir).items()}
    every = {**outputs, **sizes}
    if not sizes:  # before rendering: what the last build wrote is the best guess
        sizes = outputs
    needed = sum(sizes.values()) + 2 * sum(every.values()) + SPACE_MARGIN
    try:
        free = shutil.disk_usage(build_dir).free
    except OSError:
        return  # not yet made: its mkdir reports any problem
    if free < needed:
        raise HandoutpackError(
            f"its disk has {free / 1_000_000:.1f} MB free, and this build needs "
            f"about {needed / 1_000_000:.1f} MB (its PDFs, and the zips holding them); free "
            "some space there, then build again. Nothing was written.", file=str(build_dir))
