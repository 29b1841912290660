"""Pictures of pages: each PDF's first page as a small WebP for the download page, and page images
for the preview and the workbench."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

from ..store import outputs as paths
from ..store.outputs import Output, Staging

THUMBNAIL_WIDTH = 240
"""Pixels; shown at half that many CSS pixels, so they stay sharp on high-density screens."""


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
            # PNG (the previews): zlib level 3 makes a smaller file than optimize=True (level 9
            # and filter trials) in a seventh of the time, 0.03 s against 0.18 s a page
            options = {"quality": 80} if image_format == "WEBP" else {"compress_level": 3}
            image.convert("RGB").save(out, image_format, **options)
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


def make_thumbnails(stage: Staging, outputs: dict[str, Output]) -> dict[str, Thumbnail]:
    """A first-page thumbnail for every PDF, by the PDF's path; old thumbnails are removed."""
    thumbnails = {}
    for output in outputs.values():
        name = f"{paths.THUMBNAILS_DIR}/{output.sha256[:24]}.webp"
        try:
            width, height = _webp_size(stage.path(name).read_bytes())
        except (OSError, ValueError):  # none yet, or not a picture: draw it
            data, width, height = page_images(stage.path(output.path).read_bytes(),
                                              THUMBNAIL_WIDTH, pages=range(1))[0]
            stage.write(name, data)
        thumbnails[output.path] = Thumbnail(name, width, height)
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
