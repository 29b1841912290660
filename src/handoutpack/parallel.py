"""Run renders and merges on every core: a pool of worker processes, each with one Renderer."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from .bounds import deadline
from .errors import HandoutpackError
from .render import Renderer

T = TypeVar("T")
Task = Callable[[Renderer, T], Any]
"""A module-level function (workers find it by name) given the process's renderer and an item."""
_worker_renderer: Renderer | None = None


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


LEFTOVER_HOURS = 1
"""A temporary folder this old in `temp_root` is a killed build's: the next build removes it."""


class Pool:
    """Runs tasks on up to `jobs` processes. The workers start only when there are at least two
    tasks to share; otherwise tasks run in this process, which is quicker for one.

    WeasyPrint keeps the fonts of each process's renders in a folder of the temporary folder,
    and leaves it when a worker ends without Python's clean-up: renders here use a folder of
    ours instead, under `temp_root` when given (else the system's), removed when the pool
    closes, or by a later pool if this process is killed."""

    def __init__(self, make_renderer: Callable[[], Renderer], jobs: int,
                 temp_root: Path | None = None):
        self.make_renderer = make_renderer
        self.jobs = max(1, jobs)
        self.temp_root = temp_root
        self._executor: ProcessPoolExecutor | None = None
        self._temp: str | None = None
        self._renderer: Renderer | None = None

    def run(self, task: Task, items: Iterable[T]) -> Iterator[tuple[T, Any]]:
        """(item, task(item)) for each item, as each finishes. When tasks fail, the error is
        that of the first failed item in the order given, whichever process failed first."""
        items = list(items)
        if self.jobs == 1 or len(items) < 2:
            if self._renderer is None:
                self._renderer = self.make_renderer()
            for item in items:
                with _temporary_folder(self._temporary()):
                    result = _limited(task, self._renderer, item)
                yield item, result
            return
        executor = self._start()
        order = {id(item): index for index, item in enumerate(items)}
        pending: dict[Future, T] = {executor.submit(_call, task, item): item for item in items}
        failed: list[tuple[int, BaseException]] = []
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    if future.cancelled():
                        continue
                    if future.exception() is not None:
                        failed.append((order[id(item)], _explained(future.exception(), item)))
                        for other in pending:  # no new work; what runs already finishes
                            other.cancel()
                    elif not failed:
                        yield item, future.result()
        finally:
            for future in pending:
                future.cancel()
        if failed:
            raise min(failed, key=lambda pair: pair[0])[1]

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_context(),
                initializer=_start_worker, initargs=(self.make_renderer, self._temporary()))
        return self._executor

    def _temporary(self) -> str | None:
        if self._temp is None and self.temp_root is not None:
            self.temp_root.mkdir(parents=True, exist_ok=True)
            limit = time.time() - LEFTOVER_HOURS * 3600
            for leftover in self.temp_root.iterdir():
                if leftover.stat().st_mtime < limit:
                    shutil.rmtree(leftover, ignore_errors=True)
            self._temp = tempfile.mkdtemp(prefix="handoutpack-", dir=self.temp_root)
        elif self._temp is None:
            self._temp = tempfile.mkdtemp(prefix="handoutpack-")
        return self._temp

    def close(self, failed: bool = False) -> None:
        """Stop the workers: after a failure at once (what they are making is not wanted, and
        a worker left writing a result nobody reads would outlive the build)."""
        if self._executor is not None:
            if failed:
                for process in list(getattr(self._executor, "_processes", {}).values()):
                    process.kill()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._renderer = None  # WeasyPrint removes its font folder then, if it can
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(failed=kind is not None)


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server that has imported WeasyPrint once (where there is one): they
    start warm, and, unlike children forked from this process, hold none of its open files
    (such as the build lock, which must go when this process goes, however it ends)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "handoutpack.build"])
    return context


@contextmanager
def _temporary_folder(folder: str | None) -> Iterator[None]:
    """Python's temporary folder is `folder` within the block (for WeasyPrint's font folder)."""
    if folder is None:
        yield
        return
    before, tempfile.tempdir = tempfile.tempdir, folder
    try:
        yield
    finally:
        tempfile.tempdir = before


def _start_worker(make_renderer: Callable[[], Renderer], temp: str) -> None:
    global _worker_renderer
    tempfile.tempdir = temp
    _worker_renderer = make_renderer()
    _limit_memory(render_memory())


def _call(task: Task, item):
    assert _worker_renderer is not None
    return _limited(task, _worker_renderer, item)


# ---------------------------------------------------------------- limits on each render

RENDER_SECONDS = 600
"""The longest one render or pack assembly may take (HANDOUTPACK_RENDER_SECONDS to change):
ten times what the largest sample pack needs on a slow machine."""
RENDER_MEMORY_MB = 4096
"""The address space a worker may use (HANDOUTPACK_RENDER_MEMORY_MB to change)."""


def render_seconds() -> float:
    return _setting("HANDOUTPACK_RENDER_SECONDS", RENDER_SECONDS)


def render_memory() -> int:
    return int(_setting("HANDOUTPACK_RENDER_MEMORY_MB", RENDER_MEMORY_MB))


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        raise HandoutpackError(f"{name}={os.environ[name]!r}: give a number") from None
    return value if value > 0 else default


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's memory, so one render cannot take the machine's: past it, allocations
    fail (MemoryError) and the render stops with a message naming its document."""
    try:
        import resource
    except ImportError:  # not on a POSIX system
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _limited(task: Task, renderer: Renderer, item):
    """task(renderer, item) within the time limit; running out of time or memory becomes a
    message naming what was being made."""
    try:
        with deadline(render_seconds(), describe(item), "make it smaller (very long tables or "
                      "huge images), or raise HANDOUTPACK_RENDER_SECONDS"):
            return task(renderer, item)
    except MemoryError:
        raise HandoutpackError(f"{describe(item)}: rendering it needs more than "
                               f"{render_memory()} MB of memory; make it smaller (large images, "
                               "very long tables) or raise HANDOUTPACK_RENDER_MEMORY_MB") from None


def describe(item) -> str:
    """What a task's item is made from, for messages: a job's source, or a pack's path."""
    if isinstance(item, tuple) and item and isinstance(item[0], str):
        return item[0]
    return getattr(item, "source", "") or getattr(item, "name", "") or repr(item)[:80]


def _explained(error: BaseException, item) -> BaseException:
    """A worker that died (killed by the system for its memory, or crashed) says what it was
    making; other errors are already explained."""
    if isinstance(error, BrokenProcessPool):
        return HandoutpackError(f"{describe(item)}: the process rendering it died (out of "
                                "memory?); make it smaller, or raise "
                                "HANDOUTPACK_RENDER_MEMORY_MB")
    return error
