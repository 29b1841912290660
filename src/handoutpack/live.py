"""The live preview: a watcher that rebuilds what the open pages show as soon as a source is
saved, and server-sent events that push each new version to those pages.

The watcher (watchfiles: inotify on Linux, FSEvents on macOS, through Rust's notify) wakes on
the save itself rather than at the next poll, and it makes the sources' state a number it
counts up, so a request no longer walks and stats every file of the project to learn whether
anything changed."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

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

    def start(self) -> None:
        self.thread = threading.Thread(target=self._watch, name="preview-watcher", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        with self.changed:
            self.changed.notify_all()

    def _watch(self) -> None:
        from watchfiles import watch

        for _ in watch(self.preview.project_dir, watch_filter=self._source, step=QUIET_MS,
                       stop_event=self.stop, ignore_permission_denied=True):
            with self.changed:
                self.generation += 1
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
                        self.changed.wait(BUSY_RETRY_SECONDS if busy else KEEP_ALIVE_SECONDS)
        finally:
            self.open[path] -= 1
            if not self.open[path]:
                del self.open[path]
