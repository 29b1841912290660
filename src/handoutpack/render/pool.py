"""Run renders and merges on every core: a pool of worker processes, each with one Renderer,
that live as long as their build and no longer, whatever ends it (even kill -9)."""

from __future__ import annotations

import ctypes
import multiprocessing
from multiprocessing import forkserver
import os
import select
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from ..bounds import deadline
from ..errors import HandoutpackError
from ..store.outputs import TEMP_PREFIX
from ..store.lock import remove_dead_builds_folders, running
from .engine import FIXED_FONT_TIME, Renderer, subsetter

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


class Pool:
    """Runs tasks on up to `jobs` worker processes, started when there is a first task.

    Renders happen only on workers, never in the build's own process, so what a render needs
    for the whole process (the temporary folder WeasyPrint keeps fonts in, a fixed time for
    fontTools' font subsets) is set once when a worker starts, and goes with it. Each worker
    watches its build's process and ends as soon as it ends, however it ends; a later pool
    removes the temporary folders of builds that are gone."""

    def __init__(self, make_renderer: Callable[[], Renderer], jobs: int,
                 temp_root: Path | None = None, fresh_stages: bool = False):
        self.make_renderer = make_renderer
        self.jobs = max(1, jobs)
        self.temp_root = temp_root
        self.fresh_stages = fresh_stages
        """Whether next_stage() gives the next tasks new workers (a build's own pool)."""
        self._tasks = 0
        """Tasks given to the workers since the stage began."""
        self._executor: ProcessPoolExecutor | None = None
        self._temp: str | None = None
        self.broken = False
        """A worker died: a pool kept between builds (the preview's) must be made anew."""

    def run(self, task: Task, items: Iterable[T]) -> Iterator[tuple[T, Any]]:
        """(item, task(item)) for each item, as each finishes. When tasks fail, the error is
        that of the first failed item in the order given, whichever process failed first."""
        items = list(items)
        if not items:
            return
        yield from self.results({self.submit(task, item): item for item in items}, items)

    def submit(self, task: Task, item: T) -> Future:
        """Start task(item) on a worker now; its result comes through results()."""
        executor = self._start()
        self._tasks += 1
        try:
            return executor.submit(_call, task, item)
        except BrokenProcessPool:
            self.broken = True
            raise

    def results(self, pending: dict[Future, T], order: list[T]) -> Iterator[tuple[T, Any]]:
        """(item, result) of each submitted task in `pending`, as each finishes. When tasks
        fail, no new one starts, and the error is that of the first failed item in `order`."""
        index = {id(item): number for number, item in enumerate(order)}
        pending = dict(pending)
        failed: list[tuple[int, BaseException]] = []
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    if future.cancelled():
                        continue
                    if future.exception() is not None:
                        self.broken |= isinstance(future.exception(), BrokenProcessPool)
                        failed.append((index.get(id(item), len(order)),
                                       _explained(future.exception(), item)))
                        for other in pending:  # no new work; what runs already finishes
                            other.cancel()
                    elif not failed:
                        yield item, future.result()
        finally:
            for future in pending:
                future.cancel()
        if failed:
            raise min(failed, key=lambda pair: pair[0])[1]

    def next_stage(self) -> None:
        """Between a build's renders and its packs: new workers for what comes next, when the
        pool is the build's own. A worker that has laid out hundreds of pages holds the memory
        its largest needed; packs then need pikepdf's and fontTools' on top (the build's peak)."""
        if self.fresh_stages and self._executor is not None and self._tasks >= FRESH_AFTER:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._tasks = 0

    def _start(self) -> ProcessPoolExecutor:
        """The executor; it starts a worker for a task when none is idle, up to `jobs`."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_context(),
                initializer=_start_worker,
                initargs=(self.make_renderer, self._temporary(), os.getpid()))
        return self._executor

    def _temporary(self) -> str:
        if self._temp is None:
            root = self.temp_root or Path(tempfile.gettempdir())
            root.mkdir(parents=True, exist_ok=True)
            remove_dead_builds_folders(root)
            self._temp = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=root)
        return self._temp

    def close(self, failed: bool = False) -> None:
        """Stop the workers: after a failure at once (what they are making is not wanted, and
        a worker left writing a result nobody reads would outlive the build)."""
        if self._executor is not None:
            if failed:
                self._kill_workers()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def _kill_workers(self) -> None:
        """Kill this pool's workers. concurrent.futures has no public way to before Python
        3.14 (kill_workers), so each worker writes its pid into the pool's folder when it
        starts, and this process kills those of its own live children."""
        reported = _reported_workers(self._temp) if self._temp else set()
        for process in multiprocessing.active_children():
            if process.pid in reported:
                process.kill()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(failed=kind is not None)


def start_early() -> None:
    """Start the server workers are forked from now, so that its imports (WeasyPrint, a second
    or so) happen while this process checks and plans, not when the first render waits."""
    if _context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server that has imported WeasyPrint once (where there is one): they
    start warm, and, unlike children forked from this process, hold none of its open files
    (such as the build lock, which must go when this process goes, however it ends)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    _room_for_the_socket()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["handoutpack.render._forkserver", "weasyprint", "handoutpack.build"])
    return context


SOCKET_PATH_ROOM = 100
"""Bytes a Unix socket's path may take (107 on Linux, 103 on macOS), with a margin."""
SOCKET_NAME = "/pymp-XXXXXXXX/listener-XXXXXXXX"
"""Where multiprocessing puts the forkserver's socket, in the system's temporary folder."""


def _room_for_the_socket() -> None:
    """The forkserver's socket in /tmp when the temporary folder's path is too long to name a
    socket in (a deep TMPDIR): multiprocessing keeps its folder for the whole process from its
    first use, and would fail there with 'AF_UNIX path too long' (Python 3.13 does this)."""
    from multiprocessing import util

    fits = len(tempfile.gettempdir()) + len(SOCKET_NAME) < SOCKET_PATH_ROOM
    if fits or not Path("/tmp").is_dir():
        return
    chosen, tempfile.tempdir = tempfile.tempdir, "/tmp"
    try:
        util.get_temp_dir()  # made and kept now: in /tmp
    finally:
        tempfile.tempdir = chosen


class Inline:
    """Runs tasks one after the other in this process, with its renderer: for a worker, whose
    own tasks (a pack's cover and contents) need renders too."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer

    def run(self, task: Task, items: Iterable[T]) -> Iterator[tuple[T, Any]]:
        for item in items:
            yield item, task(self.renderer, item)

    def submit(self, task: Task, item: T) -> Future:
        """task(item), done at once: its result or error in a finished Future."""
        future: Future = Future()
        try:
            future.set_result(task(self.renderer, item))
        except Exception as error:  # given back in order by results(), as the pool does
            future.set_exception(error)
        return future

    def results(self, pending: dict[Future, T], order: list[T]) -> Iterator[tuple[T, Any]]:
        index = {id(item): number for number, item in enumerate(order)}
        for future, item in sorted(pending.items(), key=lambda pair: index.get(id(pair[1]), 0)):
            yield item, future.result()


def _start_worker(make_renderer: Callable[[], Renderer], temp: str, build: int) -> None:
    """A worker's whole life belongs to one build: its temporary folder is the build's, fonts
    are subset with a fixed time (fontTools stamps the clock into each subset otherwise), and
    it ends when the build's process ends."""
    global _worker_renderer
    _end_with(build)
    _report_worker(temp)
    tempfile.tempdir = temp
    if subsetter() != "harfbuzz":
        os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_FONT_TIME)
    _worker_renderer = make_renderer()


FRESH_AFTER = 24
"""Workers that did fewer tasks in a stage are kept for the next: new ones would pay their
start (fonts, stylesheets) again for an edit's few renders, and these have not grown much."""

WORKERS_DIR = "workers"
"""The folder of a pool's temporary folder where its workers write their pids (empty files)."""


def _report_worker(temp: str) -> None:
    folder = Path(temp, WORKERS_DIR)
    # the pool's folder too, if it went (a user cleaning build/ while the build runs): the
    # worker keeps its fonts there, and would die starting otherwise
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(os.getpid())).touch()


def _reported_workers(temp: str) -> set[int]:
    try:
        return {int(path.name) for path in Path(temp, WORKERS_DIR).iterdir()
                if path.name.isdigit()}
    except FileNotFoundError:
        return set()


def _end_with(pid: int) -> None:
    """End this process as soon as process `pid` ends: a thread waits on a pidfd (Linux 5.3+;
    elsewhere it asks twice a second)."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while running(pid):
                threading.Event().wait(0.5)
        os._exit(1)  # the build is gone: nobody wants this work, nor this process

    threading.Thread(target=watch, daemon=True, name="end-with-build").start()


def _call(task: Task, item):
    assert _worker_renderer is not None
    try:
        return _limited(task, _worker_renderer, item)
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Hand the memory a task freed back to the system: glibc keeps freed heap pages for the
    process otherwise, and a worker's footprint would grow to the largest render's and stay."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


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


@contextmanager
def memory_limit(megabytes: int) -> Iterator[None]:
    """Cap this worker's memory while the block runs, so one render cannot take the machine's:
    past it, allocations fail (MemoryError, or the process dies in C) and the render stops with
    a message naming its document. Only while the block runs: the message, the result sent back
    and the worker's own bookkeeping then have memory again, so running out happens in one
    place, the render, and always ends the same way (never a worker's traceback)."""
    try:
        import resource
    except ImportError:  # not on a POSIX system
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY
                                            else min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _limited(task: Task, renderer: Renderer, item):
    """task(renderer, item) within the time and memory limits; running out of either becomes a
    message naming what was being made."""
    try:
        with deadline(render_seconds(), describe(item), "make it smaller (very long tables or "
                      "huge images), or raise HANDOUTPACK_RENDER_SECONDS"), \
                memory_limit(render_memory()):
            return task(renderer, item)
    except HandoutpackError:
        raise
    except Exception as error:
        if not isinstance(error, MemoryError) and not _near_memory_limit():
            raise  # a bug of ours, not a render too large
        raise HandoutpackError(f"rendering it needs more than {render_memory()} MB of memory; "
                               "make it smaller (large images, very long tables) or raise "
                               "HANDOUTPACK_RENDER_MEMORY_MB", file=describe(item)) from None


MEMORY_MARGIN_MB = 64
"""A failed allocation can be this large (a thread's stack, a malloc arena) and still be one
that the memory limit refused."""


def _near_memory_limit() -> bool:
    """Whether this process's address space is within MEMORY_MARGIN_MB of the memory limit: a
    library that fails an allocation does not always say MemoryError (a C extension's
    SystemError, an error code of its own)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: only MemoryError is known to be memory
        return False
    size_kb = next((int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmSize:")), 0)
    return size_kb / 1024 >= render_memory() - MEMORY_MARGIN_MB


def describe(item) -> str:
    """What a task's item is made from, for messages: a job's source, or a pack's path."""
    if isinstance(item, tuple) and item and isinstance(item[0], str):
        return item[0]
    return getattr(item, "source", "") or getattr(item, "name", "") or repr(item)[:80]


def _explained(error: BaseException, item) -> BaseException:
    """A worker that died (killed by the system for its memory, or crashed) says what it was
    making; other errors are already explained."""
    if isinstance(error, BrokenProcessPool):
        return HandoutpackError("the process rendering it died (out of memory?); make it "
                                "smaller, or raise HANDOUTPACK_RENDER_MEMORY_MB",
                                file=describe(item))
    return error
