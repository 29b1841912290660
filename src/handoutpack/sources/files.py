"""Reading the user's files safely: regular files only, bounded, UTF-8, with errors that name them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import HandoutpackError


NOT_REGULAR = ("is not a regular file (a named pipe, a device or a socket); replace it with a "
               "file, or remove it")


def read_regular(name: str, path: Path, max_bytes: int) -> tuple[bytes, int]:
    """The bytes of the regular file at `path` (none when it holds more than `max_bytes`), and
    its size. A named pipe, device or socket is refused without waiting on it."""
    data, size = _read(name, path, max_bytes + 1)
    return (b"" if len(data) > max_bytes else data), size


def read_head(name: str, path: Path, count: int) -> bytes:
    """The first `count` bytes of the regular file at `path` (all of a shorter one), refused as
    read_regular refuses: enough to tell what a file is without reading a large one whole."""
    return _read(name, path, count)[0]


def _read(name: str, path: Path, count: int) -> tuple[bytes, int]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise HandoutpackError(f"cannot be read ({error.strerror}); check that it is a file you "
                               "may read", file=name) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise HandoutpackError(NOT_REGULAR, file=name)
        try:
            data = file.read(count)
            return data, max(len(data), os.fstat(fd).st_size)
        except OSError as error:
            raise HandoutpackError(f"cannot be read ({error.strerror})", file=name) from None


def is_special(path: Path) -> bool:
    """Whether `path` is there but neither a regular file nor a folder (a named pipe, a device,
    a socket): asked without opening it, which could wait for ever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def read_text(name: str, path: Path, kind: str, max_bytes: int, too_big: str, empty: str) -> str:
    """A text file of the user's: readable, not huge, not binary, UTF-8 and not empty; or an error
    naming it and saying what to do (`too_big` and `empty` say it for this kind of file)."""
    data, size = read_regular(name, path, max_bytes)
    if size > max_bytes:
        raise HandoutpackError(f"is {size / 1_000_000:.1f} MB; {too_big}", file=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HandoutpackError("is UTF-16 text; save it as UTF-8", file=name)
    if b"\0" in data:
        raise HandoutpackError(f"is a binary file, not {kind} text", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HandoutpackError("is not UTF-8 text; save it as UTF-8", file=name,
                               line=line) from None
    if not text.strip():
        raise HandoutpackError(f"is empty; {empty}", file=name)
    return text.replace("\r\n", "\n")
