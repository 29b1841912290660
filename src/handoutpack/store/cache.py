"""Keep renders and packs between builds, each under a hash of everything that can change it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .digests import key
from .writing import write_atomic

if TYPE_CHECKING:  # render.py loads WeasyPrint, which a build with nothing to do never needs
    from ..render.engine import Fetcher, Rendered

MAGIC = b"handoutpack-cache 2\n"
"""The first line of every entry; a change of format is a change of this line."""
KEY_BYTES = 32
KEEP_DAYS = 30
"""Entries no build has used for this long are deleted at the end of a build."""
PRUNED = "pruned"
"""A file in the cache's folder whose date says when it was last pruned."""


@dataclass(frozen=True)
class Miss:
    """Why a cached result cannot be used."""

    reason: str


class Cache:
    """Entries in `folder`: one file each, a header line of JSON (with the SHA-256 of the data),
    then the data. A damaged or unreadable entry is a miss, never an error and never trusted."""

    def __init__(self, folder: Path, reuse: bool = True, root: Path | None = None):
        self.folder = folder
        self.reuse = reuse
        self.root = root
        self.secret = project_secret(root or folder)
        if folder.is_symlink():  # planted in build/ (not trusted): made anew, never written through
            try:
                folder.unlink()
            except OSError:
                pass  # then nothing is written or pruned there (_ours)

    # ------------------------------------------------------------ entries

    def _path(self, kind: str, entry: str) -> Path:
        return self.folder / kind / entry[:2] / entry

    def read(self, kind: str, entry: str) -> tuple[dict, bytes] | Miss:
        """The header and data stored under `entry`, or why there are none."""
        if not self.reuse:
            return Miss("--no-cache")
        path = self._path(kind, entry)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return Miss("new")
        except OSError as error:
            return Miss(f"cache entry unreadable ({error.strerror})")
        header, data = _parse(blob, self._signer(kind, entry))
        if header is None:
            if self._ours(path.parent):
                path.unlink(missing_ok=True)
            return Miss("cache entry damaged")
        _touch(path)
        return header, data

    def write(self, kind: str, entry: str, data: bytes, **header) -> None:
        if not self._ours(self._path(kind, entry).parent):
            return  # a link planted in the cache: kept renders are only a saving
        header = {**header, "bytes": len(data)}
        line = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        seal = self._signer(kind, entry)(line, data).encode("ascii")
        write_atomic(self._path(kind, entry), MAGIC + seal + b"\n" + line + b"\n" + data,
                     sync=False)

    def _signer(self, kind: str, entry: str) -> Callable[[bytes, bytes], str]:
        """The seal of an entry's header and data: an HMAC under the project's secret, which is
        kept outside build/ (see project_secret). A checksum would catch damage but not a forged
        entry, whose maker can compute any checksum; and the entry's own name is sealed in, so
        an entry cannot be moved to stand for another."""

        def seal(line: bytes, data: bytes) -> str:
            mac = hmac.new(self.secret, f"{kind}/{entry}\n".encode("ascii"), hashlib.sha256)
            mac.update(line + b"\n")
            mac.update(data)
            return mac.hexdigest()

        return seal

    # ------------------------------------------------------------ renders

    def render(self, entry: str, fetcher: Fetcher) -> Rendered | Miss:
        """The render stored under `entry`, if every file it read is unchanged."""
        found = self.read("renders", entry)
        if isinstance(found, Miss):
            return found
        from ..render.engine import Rendered
        header, pdf = found
        try:
            dependencies = tuple((url, digest) for url, digest in header["dependencies"])
            rendered = Rendered(pdf, int(header["pages"]), tuple(header["warnings"]), dependencies)
        except (KeyError, TypeError, ValueError):
            return Miss("cache entry damaged")
        for url, digest in rendered.dependencies:
            changed = self._changed(url, digest, fetcher)
            if changed:
                return Miss(changed)
        return rendered

    def store_render(self, entry: str, rendered: Rendered) -> bool:
        """Keep a render; not one that read from the network, which may change at any time."""
        if any(digest is None for _, digest in rendered.dependencies):
            return False
        self.write("renders", entry, rendered.pdf, pages=rendered.pages,
                   warnings=list(rendered.warnings),
                   dependencies=[list(d) for d in rendered.dependencies])
        return True

    def _changed(self, url: str, digest: str | None, fetcher: Fetcher) -> str:
        """'' when the file at `url` still has `digest`, else what changed."""
        from ..render.engine import Refused
        if digest is None:
            return f"{url} is on the network"
        try:
            now = fetcher.digest(url)
        except Refused:
            return f"{self._shown(url)} is gone"
        return "" if now == digest else f"{self._shown(url)} changed"

    def _shown(self, url: str) -> str:
        path = Path(url.removeprefix("file://"))
        if self.root and path.is_relative_to(self.root):
            return str(path.relative_to(self.root))
        return path.name

    # ------------------------------------------------------------ what was made before

    def remember(self, name: str, value: str) -> None:
        """Note what `name` was last made from, to say what changed when it is made again."""
        path = self._path("history", key(name))
        if not self._ours(path.parent):
            return
        if not path.is_file() or path.read_text(encoding="utf-8") != value:
            write_atomic(path, value.encode("utf-8"), sync=False)

    def recall(self, name: str) -> str | None:
        try:
            return self._path("history", key(name)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    # ------------------------------------------------------------ upkeep

    def prune(self, days: int = KEEP_DAYS) -> int:
        """Delete entries unused for `days` (every read touches its entry); return how many.
        Done at most once a day: looking at every entry takes longer than an edit's build."""
        marker = self.folder / PRUNED
        if self.folder.is_symlink():
            return 0
        try:
            if marker.stat().st_mtime > time.time() - 86400:
                return 0
        except OSError:
            pass
        limit, removed = time.time() - days * 86400, 0
        ours: dict[Path, bool] = {}
        for path in self.folder.glob("*/*/*"):
            if not ours.setdefault(path.parent, self._ours(path.parent)):
                continue  # never delete through a link planted in the cache
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        try:
            marker.touch()
        except OSError:
            pass  # pruned again next time
        return removed

    def _ours(self, folder: Path) -> bool:
        """Whether `folder` is the cache's own, inside its folder through no link: build/ is
        not trusted, and a link planted in it must carry no write, and no deletion, elsewhere."""
        if self.folder.is_symlink():
            return False
        own = os.path.realpath(self.folder)
        return os.path.realpath(folder).startswith(own + os.sep)


class Kept:
    """The results of a pure but costly function, kept in a cache between builds. New results
    are written by save(), once the build has succeeded: bad input writes nothing."""

    def __init__(self, cache: Cache, kind: str):
        self.cache, self.kind = cache, kind
        self.seen: dict[str, str] = {}
        self.new: list[str] = []

    def get(self, entry: str, compute: Callable[[], str]) -> str:
        """The result kept under `entry` (a key of everything it depends on), or compute()'s."""
        if entry not in self.seen:
            found = self.cache.read(self.kind, entry)
            if isinstance(found, Miss):
                self.seen[entry] = compute()
                self.new.append(entry)
            else:
                self.seen[entry] = found[1].decode("utf-8")
        return self.seen[entry]

    def save(self) -> None:
        for entry in self.new:
            self.cache.write(self.kind, entry, self.seen[entry].encode("utf-8"))
        self.new.clear()


def _parse(blob: bytes, seal: Callable[[bytes, bytes], str]) -> tuple[dict | None, bytes]:
    """An entry's header and data, or (None, b"") when it is damaged or not sealed by us."""
    if not blob.startswith(MAGIC):
        return None, b""
    given, _, rest = blob[len(MAGIC):].partition(b"\n")
    line, _, data = rest.partition(b"\n")
    if not hmac.compare_digest(given, seal(line, data).encode("ascii")):
        return None, b""
    try:
        header = json.loads(line)
        intact = header["bytes"] == len(data)
    except (ValueError, KeyError, TypeError):
        return None, b""
    return (header, data) if intact else (None, b"")


def secrets_folder() -> Path:
    """Where the projects' cache secrets are kept: the user's state folder, outside any project
    and any build folder, so that whoever can write build/ cannot read them."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "handoutpack" / "cache-keys"


_secrets: dict[Path, bytes] = {}


def project_secret(root: Path) -> bytes:
    """The secret that seals the cache entries of the project at `root`, made on first use.
    Where none can be kept (no writable home), one for this process only: the cache then
    serves within a build, and nothing of an earlier build is trusted."""
    root = root.resolve()
    if root not in _secrets:
        path = secrets_folder() / hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:32]
        try:
            _secrets[root] = _read_or_make_secret(path)
        except OSError:
            _secrets[root] = secrets.token_bytes(KEY_BYTES)
    return _secrets[root]


def _read_or_make_secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
        if len(secret) == KEY_BYTES:
            return secret
        damaged = True
    except FileNotFoundError:
        damaged = False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_bytes(KEY_BYTES)
    fd, temporary = tempfile.mkstemp(dir=path.parent)  # private (0600), then in place at once
    with os.fdopen(fd, "wb") as file:
        file.write(secret)
    try:
        if damaged:
            os.replace(temporary, path)
            return secret
        os.link(temporary, path)  # two builds starting at once: the first one's secret wins
    except FileExistsError:
        pass
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path.read_bytes()


def _touch(path: Path) -> None:
    """Mark an entry as used today (at most once a day, so a no-op build writes nothing)."""
    try:
        if path.stat().st_mtime < time.time() - 86400:
            os.utime(path)
    except OSError:
        pass
