"""The live preview: a watcher that rebuilds what the open pages show as soon as a source is
saved, server-sent events that push each new version to those pages, and render workers kept
warm between its builds.

The watcher (watchfiles: inotify on Linux, FSEvents on macOS, through Rust's notify) wakes on
the save itself rather than at the next poll, and it makes the sources' state a number it
counts up, so a request no longer walks and stats every file of the project to learn whether
anything changed."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..store.outputs import TEMP_DIR
from ..render.pool import Pool, default_jobs, start_early
from ..render.stage import make_renderer

KEEP_ALIVE_SECONDS = 15
"""A comment line this often on a quiet stream: a closed page is noticed and its thread ends."""
BUSY_RETRY_SECONDS = 1
"""While `handoutpack build` holds build/, how often an open page's render is tried again."""
QUIET_MS = 20
"""A save is taken once no further change came for this long (an editor's write, rename...)."""


class Live:
    """Watches a preview's sources; counts changes and rebuilds the targets pages have open."""

    def __init__(self, preview):
        self.preview = preview
        self.generation = 0
        self.changed = threading.Condition()
        self.open: Counter[str] = Counter()  # target path -> pages listening to it
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.failed = ""
        """Why the watcher stopped, if it did: the preview then checks the files' dates on each
        request, and open pages are sent what changed within a second."""

    def start(self) -> None:
        self.thread = threading.Thread(target=self._watch, name="preview-watcher", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        with self.changed:
            self.changed.notify_all()

    def _watch(self) -> None:
        try:
            self._follow()
        except Exception as error:  # no watcher (inotify limits, a network drive): poll
            self.failed = f"{type(error).__name__}: {error}"
            self.preview.log(f"cannot watch the files ({self.failed}); checking them on each "
                             "request instead")
            with self.changed:
                self.changed.notify_all()

    def _follow(self) -> None:
        from watchfiles import watch

        for changes in watch(self.preview.project_dir, watch_filter=self._source, step=QUIET_MS,
                       stop_event=self.stop, ignore_permission_denied=True):
            with self.changed:
                self.generation += 1
            self.preview.changed([Path(path) for _, path in changes])
            for path in list(self.open):
                self.preview.warm(path)  # the new version and its first page, before telling
            with self.changed:
                self.changed.notify_all()

    def _source(self, change, path: str) -> bool:
        """Whether a changed path can change a render: the config, content, templates and
        styles (never build/, where the preview itself writes)."""
        changed = Path(path)
        return any(changed == top or top in changed.parents for top in self.preview.watched)

    def stream(self, path: str, send: Callable[[bytes], None]) -> None:
        """Send the target's state to one open page now and after each change, until the page
        goes away (`send` raises) or the preview stops."""
        self.open[path] += 1
        try:
            sent = None
            while not self.stop.is_set():
                with self.changed:
                    generation = self.generation
                render = self.preview.render(path)
                if render is None:
                    return
                state = json.dumps(self.preview.state(render))
                if state != sent:
                    send(f"data: {state}\n\n".encode())
                    sent = state
                else:
                    send(b": still here\n\n")
                busy = self.preview.renders.get(path) is not render  # not kept: try again
                with self.changed:
                    if self.generation == generation:
                        self.changed.wait(BUSY_RETRY_SECONDS if busy or self.failed
                                          else KEEP_ALIVE_SECONDS)
        finally:
            self.open[path] -= 1
            if not self.open[path]:
                del self.open[path]


class Workers:
    """The preview's render workers, kept between its builds so that a save pays for its
    renders only: no process start, no WeasyPrint import, no font set-up. Made anew when the
    configuration changes (each worker's renderer is made from it) or one of them died."""

    def __init__(self, overrides: dict[str, str]):
        self.overrides = sorted(overrides.items())
        self.workers: Pool | None = None
        self.key = b""
        self.lock = threading.Lock()

    def start(self) -> None:
        """Start the server workers are forked from on this thread, which lives as long as the
        preview: started from a request's thread, it would be killed when that thread ends
        (_forkserver asks the kernel to kill it when the thread that started it exits)."""
        start_early()

    def pool(self, project) -> Pool:
        key = project.config_path.read_bytes() + repr(self.overrides).encode()
        with self.lock:
            if self.workers is not None and key != self.key:
                self.workers.close()
                self.workers = None
            if self.workers is None:
                self.workers = Pool(partial(make_renderer, project.render_settings), default_jobs(),
                                    temp_root=project.build_dir / TEMP_DIR)
                self.key = key
            return self.workers

    def broken(self) -> bool:
        return self.workers is not None and self.workers.broken

    def close(self) -> None:
        with self.lock:
            if self.workers is not None:
                self.workers.close(failed=self.workers.broken)
                self.workers = None
