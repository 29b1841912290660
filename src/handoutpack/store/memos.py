"""Every memo a process keeps, in one registry: what each is keyed on, and one call that forgets
them. No state outlives a build unseen: a long-running process (the preview, the workbench)
can list what it holds and forget it.

Kinds:
- `inputs`: a function of its arguments alone (a file's memo takes the file's date and size among
  them, so an edited file is read again); never stale, only bounded.
- `process`: fixed for the life of the process (handoutpack's own code, the libraries' versions,
  the emoji table).
- `machine`: reads what can change outside the project while a process runs (the fonts
  installed); `serve` forgets these when the files it watches change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
