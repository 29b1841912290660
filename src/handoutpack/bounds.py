"""Limits on the work a project can ask for: templates (the project's and its content's) run
sandboxed and capped, Markdown of shapes known to take quadratic time or blow the stack is
refused, and slow stages are stopped by a deadline. A project may come from a partner: none of
it may run Python, fill the memory, or hang a build."""

from __future__ import annotations

import contextvars
import functools
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

from .errors import HandoutpackError

MAX_TEMPLATE_VALUE = 1_000_000
"""The longest string or list a template may make in one step: no text needs more."""
MAX_TEMPLATE_ARGUMENT = 100_000
"""The largest number a filter or function may be given besides its value (center(80),
wordwrap(72), indent(4)...): widths and counts, never this large in a real template."""
MAX_TEMPLATE_WORK = 50_000_000
"""Characters and items one render may make in all (its output and everything on the way)."""
MAX_LOOP_STEPS = 1_000_000
"""Loop iterations one render may take, across all its loops."""
TEMPLATE_SECONDS = 20
"""A template's render, or a document's Markdown, taking longer than this is stopped."""
MAX_QUOTE_DEPTH = 100
MAX_HTML_DEPTH = 200
MAX_BRACKETS = 1_000
"""Markdown shapes Python-Markdown takes quadratic time or deep recursion over: more '>'
nesting, open HTML block tags, or '[' in one paragraph than any real document holds."""


class TooMuch(SecurityError):
    """A template asked for more work than a handout can need."""


# ---------------------------------------------------------------- a render's budget


class _Budget:
    def __init__(self):
        self.steps = 0
        self.work = 0

    def step(self) -> None:
        check_time()
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise TooMuch(f"its loops take more than {MAX_LOOP_STEPS:,} steps")

    def made(self, value) -> None:
        check_time()
        if isinstance(value, (str, list, tuple, dict)):
            size = len(value)
            if size > MAX_TEMPLATE_VALUE:
                raise TooMuch(f"it makes a value of {size:,} characters or items (at most "
                              f"{MAX_TEMPLATE_VALUE:,})")
            self.work += size
            if self.work > MAX_TEMPLATE_WORK:
                raise TooMuch(f"it makes more than {MAX_TEMPLATE_WORK:,} characters in all")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def _current() -> _Budget:
    budget = _budget.get()
    if budget is None:  # a template rendered outside render(): give it a budget of its own
        budget = _Budget()
        _budget.set(budget)
    return budget


def render(template: jinja2.Template, values: dict) -> str:
    """Render `template` within one budget for its loops and its output."""
    token = _budget.set(_Budget())
    try:
        budget, parts = _current(), []
        for part in template.generate(values):
            budget.made(part)
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)


# ---------------------------------------------------------------- the environment


class _BoundedCode(CodeGenerator):
    """Jinja's compiler, with every `~` concatenation's result measured and every for loop
    counting its steps."""

    def visit_Template(self, node: nodes.Template, frame=None) -> None:
        # before Jinja's own visit, which collects the filters the template uses
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_counted", [], [], None, None,
                                     lineno=loop.lineno)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.measured(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedNamespace(Namespace):
    """namespace(): a value kept across loop steps is measured as it grows."""

    def __setitem__(self, name, value):
        _current().made(value)
        super().__setitem__(name, value)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > 100 or max > 1000:
        raise TooMuch("lipsum: at most 100 paragraphs of at most 1000 words")
    return generate_lorem_ipsum(n, html, min, max)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja for templates and content nobody has vetted: no Python internals, no changing the
    values it is given, and a cap on everything that can grow: each value ('x' * 10**10,
    center(3000000000)), the numbers filters are given, the loop steps and the output."""

    code_generator_class = _BoundedCode
    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters["_counted"] = _counted
        self.globals.update(namespace=BoundedNamespace, lipsum=_lipsum)

    def add_filters(self, filters: dict) -> None:
        self.filters.update({name: _bounded_filter(name, f) for name, f in filters.items()})

    @staticmethod
    def measured(value):
        _current().made(value)
        return value

    def call_binop(self, context, operator, left, right):
        if operator == "*" and _product_size(left, right) > MAX_TEMPLATE_VALUE:
            raise TooMuch("the result of * is too large")
        if operator == "**" and isinstance(right, int) and abs(right) > 10_000 and abs(left) > 1:
            raise TooMuch("the result of ** is too large")
        return self.measured(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 — Jinja's own signature
        return __self.measured(super().call(__context, __obj, *args, **kwargs))


# Environment.concat is "".join, looked up on the environment by compiled templates.
BoundedEnvironment.concat = staticmethod(lambda parts: _joined(list(parts)))


def _joined(parts: list[str]) -> str:
    size = sum(map(len, parts))
    if size > MAX_TEMPLATE_VALUE:
        raise TooMuch(f"it makes a value of {size:,} characters (at most {MAX_TEMPLATE_VALUE:,})")
    return BoundedEnvironment.measured("".join(parts))


def _counted(iterable) -> Iterator:
    budget = _current()
    for item in iterable:
        budget.step()
        yield item


def _product_size(left, right) -> int:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
            return len(sequence) * count
    return 0


FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")


def _bounded_filter(name: str, filter_function):
    """`filter_function`, refusing numbers too large for a width or count, a format with a
    huge width, and results larger than a value may be."""

    first = 1 if hasattr(filter_function, "jinja_pass_arg") else 0  # after Jinja's context

    @functools.wraps(filter_function)  # keeps Jinja's pass_context marks
    def bounded(*args, **kwargs):
        values = [*args[first + 1:], *kwargs.values()]
        if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_TEMPLATE_ARGUMENT
               for v in values):
            raise TooMuch(f"{name}: a number over {MAX_TEMPLATE_ARGUMENT:,} is too large here")
        if name == "format":
            _check_format(args[first:])
        if name == "replace":
            _check_replace(args[first:])
        if name == "join" and len(args) > first and isinstance(args[first], (list, tuple)):
            if sum(len(v) if isinstance(v, str) else 1 for v in args[first]) > MAX_TEMPLATE_VALUE:
                raise TooMuch("join: the result is too large")
        return BoundedEnvironment.measured(filter_function(*args, **kwargs))

    return bounded


def _check_format(args) -> None:
    text = args[0] if args and isinstance(args[0], str) else ""
    for match in FORMAT_WIDTH.finditer(text):
        for number in match.groups():
            if number and number.isdigit() and int(number) > MAX_TEMPLATE_ARGUMENT:
                raise TooMuch(f"format: a width of {int(number):,} is too large")


def _check_replace(args) -> None:
    if len(args) >= 3 and all(isinstance(a, str) for a in args[:3]):
        text, old, new = args[:3]
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * len(new) > MAX_TEMPLATE_VALUE:
            raise TooMuch("replace: the result is too large")


# ---------------------------------------------------------------- deadlines


class TooSlow(BaseException):
    """A stage ran past its deadline: a BaseException, so that no library's `except Exception`
    swallows it and carries on. Its argument is the deadline that stopped it."""


SIMPLIFY = ("simplify it (a loop, a filter or a Markdown shape makes too much work)")

_due: contextvars.ContextVar[tuple[float, object] | None] = contextvars.ContextVar(
    "due", default=None)
"""The nearest deadline of the work in this thread (monotonic time, the deadline's token),
where the work checks it itself (see check_time)."""


def check_time() -> None:
    """Stop the work here if its deadline has passed. Called at every template loop step and
    value made, and at every Markdown block: how a deadline reaches work no signal can stop
    (the preview's request threads, or a template inside a render's own time limit)."""
    due = _due.get()
    if due is not None and time.monotonic() > due[0]:
        raise TooSlow(due[1])


@contextmanager
def deadline(seconds: float, what: str, advice: str = SIMPLIFY) -> Iterator[None]:
    """Stop the block with HandoutpackError (naming `what`, saying `advice`) after `seconds`:
    by a signal, wherever it is, on the main thread with no other alarm set; elsewhere at the
    template step or Markdown block it is at (check_time)."""
    token = object()
    stop = _alarm if _alarm_usable() else _checked
    try:
        with stop(seconds, token):
            yield
    except TooSlow as slow:
        if slow.args[0] is not token:
            raise  # an outer deadline's, for it to report
        raise HandoutpackError(f"took longer than {seconds:g} s and was stopped; {advice}",
                               file=what) from None


def _alarm_usable() -> bool:
    return (threading.current_thread() is threading.main_thread()
            and hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


@contextmanager
def _alarm(seconds: float, token: object) -> Iterator[None]:
    def stop(signum, frame):
        raise TooSlow(token)

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


@contextmanager
def _checked(seconds: float, token: object) -> Iterator[None]:
    due = time.monotonic() + seconds
    outer = _due.get()
    if outer is not None and outer[0] <= due:
        yield  # an earlier deadline is being checked already
        return
    previous = _due.set((due, token))
    try:
        yield
    finally:
        _due.reset(previous)


class Clock(Extension):
    """Markdown that checks its deadline (check_time) before each block it reads."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 — Python-Markdown's name
        md.parser.blockprocessors.register(_ClockBlock(md.parser), "handoutpack-clock", 1000)


class _ClockBlock(BlockProcessor):
    def test(self, parent, block) -> bool:
        check_time()
        return False


# ---------------------------------------------------------------- Markdown shapes

BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+", re.M)
HTML_BLOCK_TAG = re.compile(r"<(/?)(div|section|article|aside|blockquote|table|ul|ol|li|p|span)"
                            r"\b[^>]*?(/?)>", re.I)


def check_markdown(name: str, text: str) -> None:
    """Refuse Markdown that Python-Markdown takes quadratic time or deep recursion over;
    `name` (a file, with its line when known) is for the message."""
    deepest_quote = max((m.group().count(">") for m in QUOTE_PREFIX.finditer(text)), default=0)
    if deepest_quote > MAX_QUOTE_DEPTH:
        raise HandoutpackError(f"quotes are nested {deepest_quote} deep ('>' at a line's "
                               f"start); at most {MAX_QUOTE_DEPTH} are allowed", file=name)
    depth = deepest = 0
    for match in HTML_BLOCK_TAG.finditer(text):
        if match[3]:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        deepest = max(deepest, depth)
    if deepest > MAX_HTML_DEPTH:
        raise HandoutpackError(f"HTML tags are nested {deepest} deep; at most "
                               f"{MAX_HTML_DEPTH} are allowed", file=name)
    brackets = max((block.count("[") for block in BLOCK_BREAK.split(text)), default=0)
    if brackets > MAX_BRACKETS:
        raise HandoutpackError(f"a paragraph holds {brackets:,} '['; at most "
                               f"{MAX_BRACKETS:,} are allowed (split it, or write \\[ for a "
                               "bracket that is not a link)", file=name)
