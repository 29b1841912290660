"""Writing into build/: each file whole or not at all (written aside, then renamed), and errors
that say what to do when the disk is full or the folder may not be written."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import HandoutpackError

TEMPORARY_SUFFIX = ".handoutpack.tmp"
"""Ends every file being written: only such files are leftovers a build may delete."""


def write_atomic(path: Path, data: bytes, sync: bool = True, named: Path | None = None) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file.
    `sync` makes the bytes reach the disk first, so a crash cannot leave an empty file.
    `named`: the file messages name (where a staged file goes), when not `path`."""
    named = named or path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                                         dir=path.parent)
    except OSError as error:
        raise unwritable(named, error, len(data)) from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            if sync:
                file.flush()
                os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise unwritable(named, error, len(data)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def unwritable(path: Path, error: OSError, size: int = 0) -> HandoutpackError:
    """A write into `path`'s folder that failed (`path` a folder when the file is not known),
    as a message naming the folder and what to do about it."""
    folder, what = (path, "its files") if path.is_dir() else (path.parent, path.name)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return HandoutpackError(
            f"no space left on its disk to write {what} ({_space(folder, size)}); "
            "free some space there (or move paths.build), then build again. Files already in "
            "the build folder are unchanged.", file=str(folder))
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return HandoutpackError(f"cannot be written ({error.strerror}); make it "
                                "writable, or set paths.build to a folder you may write",
                                file=str(folder))
    return HandoutpackError(f"cannot be written ({error.strerror or error})", file=str(path))


def _space(folder: Path, size: int) -> str:
    """'0.2 MB free, 1.5 MB needed': what the disk has left, and what the write needed when known
    (a full disk can be met at any write, some of which do not know their size)."""
    free = _free_bytes(folder)
    parts = ([f"{free / 1_000_000:.1f} MB free"] if free is not None else []) + (
        [f"{max(size, 1) / 1_000_000:.1f} MB needed"] if size else [])
    return ", ".join(parts) or "no room left"


def _free_bytes(folder: Path) -> int | None:
    """The free bytes of the disk holding `folder` (or its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None
