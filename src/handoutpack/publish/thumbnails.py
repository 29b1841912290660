"""Pictures of pages: each PDF's first page as a small WebP for the download page, and page images
for the preview and the workbench."""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..store import outputs as paths
from ..store.outputs import Output, Staging

THUMBNAIL_WIDTH = 240
"""Pixels; shown at half that many CSS pixels, so they stay sharp on high-density screens."""


IMAGE_OPTIONS = {
    "WEBP": {"quality": 80},  # the download page's thumbnails: small, drawn once a build
    # the preview's pages, drawn at each save: JPEG at 92 without chroma subsampling looks the
    # same as PNG beside it (text's edges too) and is as large, in 14 ms a page against PNG's
    # 28 (zlib level 3; optimize=True, level 9 with filter trials, took 180)
    "JPEG": {"quality": 92, "subsampling": 0},
    "PNG": {"compress_level": 3},
}


def page_images(pdf: bytes, width: int, image_format: str = "WEBP",
                pages: range | None = None) -> list[tuple[bytes, int, int]]:
    """Pages of a PDF (all, or those in `pages`, counted from 0) as images `width` pixels wide:
    (image bytes, width, height) for each."""
    import pypdfium2  # imported here: only the page and the preview draw pages

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in pages if pages is not None else range(len(document)):
            page = document[index]
            image = page.render(scale=width / page.get_width()).to_pil()
            out = io.BytesIO()
            image.convert("RGB").save(out, image_format, **IMAGE_OPTIONS[image_format])
            images.append((out.getvalue(), *image.size))
        return images
    finally:
        document.close()


@dataclass(frozen=True)
class Thumbnail:
    path: str
    """Inside build/; named by the PDF's content, so an unchanged PDF keeps its thumbnail."""
    width: int
    height: int


Draw = Callable[[list[Path]], Iterable[tuple[bytes, int, int]]]
"""Draws the first page of each PDF (by its path) as a thumbnail, in order: one after the other
here (first_pages), or on a build's workers."""


def first_pages(pdfs: list[Path]) -> Iterable[tuple[bytes, int, int]]:
    """Each PDF's first page as a thumbnail, one after the other."""
    return (first_page(pdf) for pdf in pdfs)


def first_page(pdf: Path) -> tuple[bytes, int, int]:
    return page_images(pdf.read_bytes(), THUMBNAIL_WIDTH, pages=range(1))[0]


def make_thumbnails(stage: Staging, outputs: dict[str, Output],
                    draw: Draw = first_pages) -> dict[str, Thumbnail]:
    """A first-page thumbnail for every PDF, by the PDF's path; old thumbnails are removed.
    `draw` draws those that are missing."""
    thumbnails, missing = {}, {}
    for output in outputs.values():
        name = f"{paths.THUMBNAILS_DIR}/{output.sha256[:24]}.webp"
        try:
            width, height = _webp_size(stage.path(name).read_bytes())
        except (OSError, ValueError):  # none yet, or not a picture: draw it
            missing[output.path] = name
            continue
        thumbnails[output.path] = Thumbnail(name, width, height)
    drawn = draw([stage.path(path) for path in missing])
    for (path, name), (data, width, height) in zip(missing.items(), drawn):
        stage.write(name, data)
        thumbnails[path] = Thumbnail(name, width, height)
    thumbnails = {path: thumbnails[path] for path in outputs}  # in the outputs' order
    kept = {t.path for t in thumbnails.values()}
    for old in (stage.build_dir / paths.THUMBNAILS_DIR).glob("*.webp"):
        if THUMBNAIL_NAME.fullmatch(old.name) and f"{paths.THUMBNAILS_DIR}/{old.name}" not in kept \
                and not old.is_symlink():
            stage.remove(f"{paths.THUMBNAILS_DIR}/{old.name}")
    return thumbnails


THUMBNAIL_NAME = re.compile(r"[0-9a-f]{24}\.webp")
"""How make_thumbnails names a thumbnail: only such files are its to delete."""


def _webp_size(data: bytes) -> tuple[int, int]:
    """A WebP's width and height, from its header (a lossy picture, as page_images makes them),
    else as Pillow reads them: the page lists a hundred thumbnails, most of them unchanged."""
    if len(data) >= 30 and data[:4] == b"RIFF" and data[8:16] == b"WEBPVP8 " \
            and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size
