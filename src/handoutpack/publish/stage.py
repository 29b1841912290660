"""After a build: thumbnails, bundles and the download pages for everything in build/, staged with
the build's PDFs."""

from __future__ import annotations

from ..errors import Problem
from ..project.parts import Publishing
from ..sources.content import Document
from ..store.outputs import Staging, read_outputs
from .bundles import write_everything, write_pack_bundles
from .catalogue import Catalogue, Log
from .downloads import write_pages
from .thumbnails import Draw, first_pages, make_thumbnails


def publish(publishing: Publishing, documents: dict[str, Document], stage: Staging,
            log: Log = lambda m: None, draw: Draw = first_pages) -> list[Problem]:
    """After a build: thumbnails, bundles and the download pages for everything in build/
    (as build/manifest.json lists it), staged with the build's PDFs. Returns warnings.
    `draw` draws the thumbnails that are missing (a build's workers can)."""
    outputs = read_outputs(publishing.folders.build, stage)
    if not outputs:
        return []
    log("drawing thumbnails")
    catalogue = Catalogue(publishing, documents, stage, outputs,
                          make_thumbnails(stage, outputs, draw))
    warnings = write_pack_bundles(catalogue, log)
    write_everything(catalogue, log)
    for path in write_pages(catalogue, publishing.download):
        log(f"writing {path}")
    return warnings
