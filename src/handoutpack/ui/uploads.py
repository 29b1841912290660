"""Pictures added through the workbench: a partner's logo (logos/) or the presenter's photo
(photos/). Each is written aside, checked as a build would check it (its type, its size, its
pixel count against the project's bound, that it decodes whole), and only then renamed into
place: a refused upload leaves nothing behind and never touches a file already there. Replacing
a file of the same name is a choice the page asks the user for."""

from __future__ import annotations

import os
import re
import struct
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..project.presenter import (LOGO_TYPES, MIN_LOGO_PIXELS, PHOTO_TYPES, check_logo,
                                 check_picture_type, png_size)
from ..store.names import WINDOWS_RESERVED

MAX_UPLOAD_BYTES = 8_000_000
"""A logo or a photo for print is well under this; the server reads no more."""


@dataclass(frozen=True)
class Kind:
    folder: str
    types: tuple[str, ...]


KINDS = {"logo": Kind("logos", LOGO_TYPES), "photo": Kind("photos", PHOTO_TYPES)}


class Refused(Exception):
    """An upload that is not saved: `key` names its reason among the page's words, `values` what
    the message names."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


class Exists(Exception):
    """A file of that name is there already, and the user did not say to replace it."""

    def __init__(self, relative: str):
        super().__init__(relative)
        self.relative = relative


def save(root: Path, kind: str, name: str, data: bytes, max_pixels: int,
         replace: bool = False) -> str:
    """Save an uploaded picture of `kind` under its folder; its path relative to `root`."""
    spec = KINDS[kind]
    target = root / spec.folder / safe_name(name, spec.types)
    relative = target.relative_to(root).as_posix()
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused("wb_err_upload_too_big", name=name, mb=MAX_UPLOAD_BYTES // 1_000_000)
    if target.is_file() and target.read_bytes() == data:
        return relative  # the same picture again: nothing to ask
    if target.exists() and not replace:
        raise Exists(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, aside = tempfile.mkstemp(prefix=".upload-", suffix=target.suffix, dir=target.parent)
    aside_path = Path(aside)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        check(aside_path, kind, name, max_pixels)
        os.replace(aside_path, target)  # only a checked picture ever takes the name
    finally:
        aside_path.unlink(missing_ok=True)
    return relative


def safe_name(name: str, types: tuple[str, ...]) -> str:
    """The file name an upload is saved under: letters, digits, - and _, its type's suffix; a
    name Windows reserves (con, nul, com1...) or a type not offered is refused."""
    stem, dot, suffix = Path(name.replace("\\", "/")).name.rpartition(".")
    suffix = "." + suffix.lower()
    if not dot or suffix not in types:
        raise Refused("wb_err_upload_type", name=name,
                      kinds=" / ".join(t.lstrip(".").upper() for t in types))
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60]
    if not safe:
        raise Refused("wb_err_upload_name", name=name)
    if safe.lower() in WINDOWS_RESERVED:
        raise Refused("wb_err_upload_reserved", name=name)
    return f"{safe}{suffix}"


def check(path: Path, kind: str, name: str, max_pixels: int) -> None:
    """Raise Refused unless the picture at `path` is what a build accepts."""
    problems = _Messages()
    types = KINDS[kind].types
    if not check_picture_type(problems, path, types, kind):
        raise Refused("wb_err_upload_not_what_it_says", name=name)
    if path.suffix.lower() != ".svg":
        _check_pixels(path, name, max_pixels)
    if kind == "logo" and not check_logo(problems, "logo", path):
        width, height = png_size(path)
        raise Refused("wb_err_logo_small", name=name, width=width, height=height,
                      needed=MIN_LOGO_PIXELS)


def _check_pixels(path: Path, name: str, max_pixels: int) -> None:
    """Within the pixel bound (read from the header, before anything is decoded), and whole."""
    try:
        if path.suffix.lower() == ".png":
            _within(*png_size(path), name, max_pixels)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                _within(*image.size, name, max_pixels)
                image.verify()  # a PNG's chunks whole, to its end
            with Image.open(path) as image:
                image.load()  # and its pixels decode
        _check_whole(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("wb_err_upload_pixels", name=name, width="?", height="?",
                      mp=f"{max_pixels / 1e6:g}") from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise Refused("wb_err_upload_damaged", name=name) from None


def _check_whole(path: Path) -> None:
    """A JPEG ends with its end marker: WeasyPrint has Pillow fill a cut-off file in with grey
    (ImageFile.LOAD_TRUNCATED_IMAGES), so decoding alone does not tell."""
    if path.suffix.lower() in (".jpg", ".jpeg"):
        with path.open("rb") as file:
            file.seek(max(0, path.stat().st_size - 64))
            if b"\xff\xd9" not in file.read():
                raise OSError("no end marker")


def _within(width: int, height: int, name: str, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise Refused("wb_err_upload_pixels", name=name, width=f"{width:,}", height=f"{height:,}",
                      mp=f"{max_pixels / 1e6:g}")


class _Messages:
    """What presenter's checks need of config's reader: somewhere to put a problem."""

    def __init__(self):
        self.messages: list[str] = []

    def problem(self, key: str, message: str, label: str = "", **values: object) -> None:
        self.messages.append(message)
