"""What is kept between builds: Jinja's, Markdown's, typesetting's and QR codes' results, by their
inputs and the code (see keeping())."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

from .. import syntax
from ..store.cache import Kept
from ..store.digests import key
from ..store.memos import memo
from . import typography

_kept: ContextVar[Kept | None] = ContextVar("kept", default=None)
"""The Kept of the build running in this thread, if any (set only within keeping())."""
_this_build: ContextVar[dict | None] = ContextVar("this_build", default=None)
"""What once_a_build() found in the build running in this thread (set only within keeping())."""


@contextmanager
def keeping(kept: Kept) -> Iterator[Kept]:
    """Within this block, Jinja's, Markdown's, typesetting's and QR codes' results are kept in
    `kept` between builds: they are most of the cost of planning a build, and most do not
    change. Nothing of it is left once the block ends."""
    token, found = _kept.set(kept), _this_build.set({})
    try:
        yield kept
    finally:
        _kept.reset(token)
        _this_build.reset(found)


def active() -> bool:
    """Whether a build keeps results here now (within keeping())."""
    return _kept.get() is not None


def once_a_build(name: str, inputs: tuple, compute):
    """compute(), asked once within a build (keeping()) for the same `inputs`: for what a build
    looks up for each of hundreds of pages and cannot change while it runs as far as it is
    concerned (the list of the theme's files). Outside a build, compute() each time."""
    found = _this_build.get()
    if found is None:
        return compute()
    if (name, inputs) not in found:
        found[name, inputs] = compute()
    return found[name, inputs]


def kept_typeset(text: str, lang: str, settings) -> str:
    return kept_call("typeset", (text, lang, repr(settings)),
                      lambda: typography.typeset(text, lang, settings))


def kept_call(name: str, inputs: tuple[str, ...], compute) -> str:
    """compute(), or what it gave for the same `inputs` in an earlier build (see keeping)."""
    kept = _kept.get()
    if kept is None:
        return compute()
    return kept.get(key(name, _code(), *inputs), compute)


@memo("process")
def _code() -> str:
    """What Jinja, Markdown and typesetting give depends on besides their input: this code and
    the libraries'."""
    sources = (Path(__file__).read_bytes(), Path(typography.__file__).read_bytes())
    return key(*(version(name) for name in ("handoutpack", "jinja2", "markdown",
                                            "pymdown-extensions", "babel")),
               *(source.decode("utf-8") for source in sources), *syntax.sources())
