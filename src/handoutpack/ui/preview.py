"""The preview's builds: what each of its pages shows, built into build/.preview/ when asked and again whenever a source it read changes."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from ..build import build
from ..errors import HandoutpackError, Problem
from ..markup import labels
from ..plan.selection import Selection
from ..project import config, loader
from ..publish.catalogue import layout_label
from ..publish.thumbnails import page_images
from ..sources import content
from ..store import memos
from ..store.lock import Busy, build_lock
from ..store.outputs import PREVIEW_DIR, Staging, document_path, layouts, pack_path
from .live import Live, Workers

Log = Callable[[str], None]
PAGE_WIDTH = 1000
"""Pixels across a page image: sharp at the viewer's widest (about 800 CSS pixels)."""
PAGE_FORMAT = "JPEG"
"""How page images are sent (see thumbnails.IMAGE_OPTIONS): the quickest to make that looks
the same as the page."""


@dataclass(frozen=True)
class Target:
    """Something to preview: a document or a pack in one language, named as in build/."""

    path: str
    kind: str
    id: str
    lang: str
    title: str

    def selection(self) -> Selection:
        if self.kind == "pack":
            return Selection(packs=(self.id,), languages=(self.lang,))
        return Selection(documents=(self.id,), languages=(self.lang,))


@dataclass
class Render:
    """The latest build of a target: its PDF, or the problem that stopped it."""

    stamp: str
    pdf: bytes = b""
    pages: int = 0
    error: str = ""
    warnings: list[Problem] = field(default_factory=list)
    images: dict[int, bytes] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return hashlib.sha256(self.pdf or self.error.encode("utf-8")).hexdigest()[:16]


class Preview:
    """Builds what the browser asks for, once per change of the sources, one build at a time."""

    def __init__(self, project_dir: Path, overrides: dict[str, str] | None = None,
                 log: Log = lambda message: None):
        self.project_dir = project_dir.resolve()
        self.overrides = overrides or {}
        self.log = log
        self.lock = threading.Lock()
        self.renders: dict[str, Render] = {}
        self.watched: list[Path] = [self.project_dir]
        self.live: Live | None = None  # once started, it says when sources change
        self.workers = Workers(self.overrides)  # kept warm between builds
        self.sources: dict = {}  # parsed sources, by path and stat (content.load's `kept`)
        self.sources_config = b""

    def load(self):
        """The project and its documents as they are now; raises HandoutpackError. Sources
        unchanged since the last load under the same configuration are not parsed again."""
        project = loader.load(self.project_dir, self.overrides)
        self.watched = [project.config_path, project.content_dir, *project.template_dirs,
                        *project.style_dirs]
        configuration = project.config_path.read_bytes()
        if configuration != self.sources_config:
            self.sources, self.sources_config = {}, configuration
        return project, content.load(project.reading, self.sources)

    def stamp(self) -> str:
        """Changes whenever a file that can change a render is saved, added or removed: the
        watcher's count of changes, or without one every file's time and size."""
        if self.live is not None and not self.live.failed:
            return f"change {self.live.generation}"
        digest = hashlib.sha256()
        for top in self.watched:
            for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
                try:
                    info = path.stat()
                except OSError:
                    continue
                digest.update(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\n".encode())
        return digest.hexdigest()

    def changed(self, paths: list[Path]) -> None:
        """Files were saved: what they make stale is forgotten through the one place that knows
        every memo (memos.changed); a font among them also leaves the render workers' font
        set-up behind, so they are made anew. The renders themselves are rebuilt when asked for
        (their stamp changed)."""
        memos.changed(paths)
        if any(memos.is_font(path) for path in paths):
            self.workers.close()

    def render(self, path: str) -> Render | None:
        """The current build of the target at `path` (None when there is no such target),
        rebuilt first when a source changed since the last one."""
        with self.lock:
            stamp = self.stamp()
            known = self.renders.get(path)
            if known and known.stamp == stamp:
                return known
            memos.forget("machine")  # fonts installed on the system (not watched) are seen too
            result, keep = self._build(path, stamp)
            if self.workers.broken():  # a kept worker died since the last build: new ones
                self.workers.close()
                result, keep = self._build(path, stamp)
            if keep:
                self.renders[path] = result
            return result

    def _build(self, path: str, stamp: str) -> tuple[Render | None, bool]:
        """A new build of the target at `path`, and whether to keep it until the next change."""
        started = time.monotonic()
        try:
            project, documents = self.load()
            target = targets(project, documents).get(path)
            if target is None:
                return None, False
            # build/.preview is a build of the project's build folder: its renders join
            # build/.cache (a page `handoutpack build` made shows at once), and nothing in
            # build/ is one of its inputs
            preview = dataclasses.replace(project, build_dir=project.build_dir / PREVIEW_DIR,
                                          build_root=project.build_dir)
            with build_lock(project.build_dir), Staging(preview.build_dir) as stage:
                outputs, warnings = build(preview, documents, target.selection(),
                                          stage=stage,  # build/.preview is in build/
                                          pool=self.workers.pool(preview))
            output = next(o for o in outputs if o.path == path)
            self.log(f"built {path} in {time.monotonic() - started:.1f} s")
            return Render(stamp, (preview.build_dir / path).read_bytes(), output.pages,
                          warnings=warnings), True
        except Busy as busy:  # `handoutpack build` is running: try again at the next request
            return Render(stamp, error=str(busy)), False
        except HandoutpackError as error:
            self.log(f"{path}: {error}")
            return Render(stamp, error=str(error)), True
        except Exception as error:  # a bug of ours: show it where the user is looking
            if not self.workers.broken():  # (a broken pool is made anew, and tried again)
                self.workers.close()
            message = ("handoutpack failed unexpectedly: "
                       f"{''.join(traceback.format_exception(error))}")
            self.log(message)
            return Render(stamp, error=message), True

    def warm(self, path: str) -> None:
        """Rebuild the target at `path` if a source changed, and draw its first page: what an
        open page asks for next."""
        render = self.render(path)
        if render is not None and render.pages:
            self.page_image(path, 1, render.version)

    @staticmethod
    def state(render: Render) -> dict:
        """What the page needs to show a render: its version, pages and problems."""
        return {"version": render.version, "pages": render.pages, "error": render.error,
                "warnings": [str(w) for w in render.warnings]}

    def page_image(self, path: str, number: int, version: str) -> bytes | None:
        """Page `number` (from 1) of the render with this `version`, as an image."""
        with self.lock:  # pdfium, which draws the pages, is not safe across threads
            known = self.renders.get(path)
            if not known or known.version != version or not 1 <= number <= known.pages:
                return None
            if number not in known.images:
                known.images[number] = page_images(known.pdf, PAGE_WIDTH, PAGE_FORMAT,
                                                   range(number - 1, number))[0][0]
            return known.images[number]


def targets(project: config.Project, documents: dict[str, content.Document]) -> dict[str, Target]:
    """Every document in every language it exists in, and every pack in every language."""
    found = {}
    words = cache(partial(labels.labels, project.theme))  # once a language, not a file
    for slug, document in documents.items():
        for lang, translation in document.translations.items():
            for layout in layouts(translation.meta.kind):
                path = document_path(lang, slug, layout)
                title = " · ".join(filter(None, [translation.meta.title, layout_label(
                    words(lang), layout)]))
                found[path] = Target(path, "document", slug, lang, title)
    for spec in project.packs.values():
        for lang in project.languages:
            path = pack_path(lang, spec.id)
            found[path] = Target(path, "pack", spec.id, lang, project.text(spec.titles, lang))
    return found
