"""One build at a time in a build/ folder (its lock), and what killed builds left behind."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import HandoutpackError
from .outputs import (
    LOCK_NAME,
    PREVIEW_DIR,
    STAGING_PREFIX,
    TEMP_DIR,
    TEMP_PREFIX,
    inside,
    remove_folder,
)
from .writing import TEMPORARY_SUFFIX, unwritable


class Busy(HandoutpackError):
    """Another handoutpack process holds the build folder."""


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold build/.handoutpack.lock while building, so two builds of one project never write the
    same files at once. The operating system drops the lock when the process ends, however it
    ends (even kill -9), so a lock is never left stale."""
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        lock = open(build_dir / LOCK_NAME, "a+")
    except OSError as error:
        raise unwritable(build_dir / LOCK_NAME, error) from None
    with lock:
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
    """Delete temporary files a killed build left behind: only files named as write_atomic
    names them, inside build/ (no finished file is ever one, and no file of the user's)."""
    temp_folder = Path(TEMP_DIR)
    for folder, folders, files in os.walk(build_dir):  # one pass: the cache holds thousands
        here = Path(folder)
        for name in files:
            if name.startswith(".") and name.endswith(TEMPORARY_SUFFIX):
                leftover = here / name
                if leftover.is_file() and not leftover.is_symlink() \
                        and inside(build_dir, leftover):
                    leftover.unlink(missing_ok=True)
        if here.parts[-len(temp_folder.parts):] == temp_folder.parts:
            remove_dead_builds_folders(here)
            folders.clear()  # a live build's fonts: nothing of ours to remove in there
    for root in (build_dir, build_dir / PREVIEW_DIR):
        remove_dead_builds_folders(root, STAGING_PREFIX)


def remove_dead_builds_folders(root: Path, prefix: str = TEMP_PREFIX) -> None:
    """Remove the folders in `root` named `prefix`<pid>... (temporary or staging folders) of
    builds whose process has ended (killed)."""
    for folder in root.glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).partition("-")[0]
        if pid.isdigit() and not running(int(pid)) and folder.is_dir():
            remove_folder(folder)


def running(pid: int) -> bool:
    """Whether process `pid` is there."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process took the number: not ours to judge
    return True
