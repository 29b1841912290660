"""Markup's results kept between builds (Jinja's, Markdown's, typesetting's and QR codes'): keyed
by their inputs and by the code that makes them, kept in the memory of the running build, which
store/memos.py holds (memos.building); outside a build each is computed."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from .. import syntax
from ..store import memos
from ..store.digests import key
from ..store.memos import memo
from . import typography


def kept_typeset(text: str, lang: str, settings) -> str:
    return kept_call("typeset", (text, lang, repr(settings)),
                     lambda: typography.typeset(text, lang, settings))


def kept_call(name: str, inputs: tuple[str, ...], compute) -> str:
    """compute(), or what it gave for the same `inputs` in this build or an earlier one."""
    return memos.kept(key(name, _code(), *inputs), compute)


@memo("process")
def _code() -> str:
    """What Jinja, Markdown and typesetting give depends on besides their input: this code and
    the libraries'."""
    sources = (Path(__file__).read_bytes(), Path(typography.__file__).read_bytes())
    return key(*(version(name) for name in ("handoutpack", "jinja2", "markdown",
                                            "pymdown-extensions", "babel")),
               *(source.decode("utf-8") for source in sources), *syntax.sources())
