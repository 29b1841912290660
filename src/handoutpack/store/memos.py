"""Every memo a process keeps, in one registry: what each is keyed on, and one call that forgets
them. No state outlives a build unseen: a long-running process (the preview, the workbench)
can list what it holds and forget it.

Kinds:
- `inputs`: a function of its arguments alone (a file's memo takes the file's date and size among
  them, so an edited file is read again); never stale, only bounded.
- `process`: fixed for the life of the process (handoutpack's own code, the libraries' versions,
  the emoji table).
- `machine`: reads what can change outside the project while a process runs (the fonts
  installed); `serve` forgets these when the files it watches change (`changed`).

Besides the memos, the memory of a build: what the build running in a thread keeps between
builds (Jinja's, Markdown's, typesetting's and QR codes' results, in build/.cache) and looks up
once, opened by whoever runs the build (`building`) and asked for here by the markup
(`kept`, `once_a_build`); outside a build nothing is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

KINDS = ("inputs", "process", "machine")


@dataclass(frozen=True)
class Memo:
    name: str
    kind: str
    function: Callable


REGISTRY: dict[str, Memo] = {}


def memo(kind: str, maxsize: int | None = None) -> Callable[[Callable], Callable]:
    """functools.lru_cache(maxsize), registered under the function's name as `kind`."""
    if kind not in KINDS:
        raise ValueError(f"a memo's kind is one of {', '.join(KINDS)}, not {kind!r}")

    def register(function: Callable) -> Callable:
        cached = lru_cache(maxsize=maxsize)(function)
        name = f"{function.__module__}.{function.__qualname__}"
        REGISTRY[name] = Memo(name, kind, cached)
        return cached
    return register


def forget(*kinds: str) -> list[str]:
    """Empty the memos of these kinds (every memo when none is named); return their names."""
    chosen = [m for m in REGISTRY.values() if not kinds or m.kind in kinds]
    for entry in chosen:
        entry.function.cache_clear()
    return [entry.name for entry in chosen]


def held() -> dict[str, int]:
    """How many results each memo holds now, by name."""
    return {m.name: m.function.cache_info().currsize for m in REGISTRY.values()}


FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2", ".ttc"}


def changed(paths: Iterable[Path]) -> list[str]:
    """Forget what the changed files `paths` make stale; return the memos' names. An `inputs`
    memo keys on what it reads (a file by its date and size) and a `process` one cannot change,
    so only a font file counts: it changes what the `machine` memos found (the fonts there
    are)."""
    if any(is_font(path) for path in paths):
        return forget("machine")
    return []


def is_font(path: Path) -> bool:
    return Path(path).suffix.lower() in FONT_SUFFIXES


# ---------------------------------------------------------------- what one build keeps


@dataclass
class BuildMemory:
    """What one build keeps: the results of costly pure functions, kept between builds in
    `kept` (store.cache.Kept, in build/.cache: get(entry, compute), then save() once the build
    succeeded), and what the build looked up once (`looked_up`)."""

    kept: Any
    looked_up: dict = field(default_factory=dict)


_build: ContextVar[BuildMemory | None] = ContextVar("build", default=None)
"""The memory of the build running in this thread (the preview's and the workbench's builds run
in threads of their own); set only within `building`."""


@contextmanager
def building(kept: Any) -> Iterator[BuildMemory]:
    """Within this block, in this thread, `kept` and `once_a_build` use a new BuildMemory over
    `kept`; nothing of it is held once the block ends. A build opens it (pipeline, build.make):
    the one switch that decides whether results are kept between builds."""
    token = _build.set(BuildMemory(kept))
    try:
        yield _build.get()
    finally:
        _build.reset(token)


def active() -> bool:
    """Whether a build is running in this thread (within `building`): what it keeps is kept."""
    return _build.get() is not None


def kept(entry: str, compute: Callable[[], str]) -> str:
    """compute(), or the result the running build (or an earlier one) kept under `entry`, a
    key of everything it depends on; outside a build, compute()."""
    memory = _build.get()
    return compute() if memory is None else memory.kept.get(entry, compute)


def once_a_build(name: str, inputs: tuple, compute: Callable[[], Any]) -> Any:
    """compute(), asked once within a build for the same `inputs`: for what a build looks up
    for each of hundreds of pages and cannot change while it runs as far as it is concerned (the
    list of the theme's files). Outside a build, compute() each time."""
    memory = _build.get()
    if memory is None:
        return compute()
    if (name, inputs) not in memory.looked_up:
        memory.looked_up[name, inputs] = compute()
    return memory.looked_up[name, inputs]
