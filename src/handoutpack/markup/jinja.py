"""Content's templates: the sandboxed Jinja environment by language, the context a document sees,
and template errors that name their line."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from .. import bounds, syntax
from ..errors import HandoutpackError
from ..project.parts import Theme
from ..project.settings import Event
from ..sources.content import Translation
from ..store.memos import memo
from . import numbers
from .formats import language_filters, long_date
from .memory import kept_call


@dataclass(frozen=True)
class Context:
    """What content may refer to; `names()` lists what one source actually uses."""

    org: dict
    event: dict
    pack: dict
    audience: dict
    lang: str
    templating: bool = True
    """[content] templating: False turns Jinja off for every document."""
    root: str = ""
    """The project folder: Hugo's code shortcodes read files inside it only."""

    def as_dict(self) -> dict:
        return {"org": self.org, "event": self.event, "pack": self.pack,
                "audience": self.audience, "lang": self.lang, "callout": callout}


def make_context(theme: Theme, lang: str, event: Event, pack_title: str = "",
                 pack_id: str = "", audience_id: str = "", templating: bool = True) -> Context:
    """What content in `lang` may refer to; `templating`: [content] templating."""
    shown = event.shown(lang, theme.languages.default)
    return Context(
        org={"name": theme.org.name, "short_name": theme.org.short_name,
             "website": theme.org.website},
        event={"name": shown.name, "place": shown.place,
               "date": numbers.digits(long_date(shown.date, lang), lang,
                                      numbers.numerals(theme.typography.numerals, lang))},
        pack={"id": pack_id, "title": pack_title},
        audience={"id": audience_id, "name": theme.audience(audience_id, lang)},
        lang=lang, templating=templating, root=str(theme.root),
    )


def callout(title: str = "", kind: str = "note", caller=None) -> str:
    """`{% call callout("Title") %}markdown{% endcall %}`: a highlighted box."""
    body = textwrap.dedent(caller() if caller else "").strip()
    heading = f'<p class="callout-title">{html.escape(title)}</p>\n' if title else ""
    return (f'\n\n<div class="callout callout-{html.escape(kind)}" markdown="1">\n{heading}\n'
            f"{body}\n\n</div>\n\n")


@memo("inputs", maxsize=16)
def language_env(lang: str) -> bounds.BoundedEnvironment:
    """The content environment whose number, money and date filters write `lang`."""
    env = bounds.BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                    keep_trailing_newline=True)
    env.add_filters(language_filters(lang))
    return env


content_env = language_env("en")
"""For reading sources without running them (the filters' names are all that matter there)."""


def expand(translation: Translation, context: Context) -> str:
    """The source body with other systems' syntax rewritten (syntax.dialects), then run through
    Jinja unless the project or the document turned templating off; errors name the file and
    line."""
    text, _ = source_text(translation, context)
    if not templating(translation, context):
        return syntax.without_raw_markers(text)
    try:
        return kept_call("expand", (text, repr(context), translation.lang),
                         lambda: render_text(translation.path.name,
                                             syntax.protect_from_jinja(text), 1,
                                             context.as_dict(), CONTENT_NAMES, translation.lang))
    except HandoutpackError as error:
        error.problems = [replace(p, line=file_line(translation, text, p.line)) if p.line else p
                          for p in error.problems]
        raise


def file_line(translation: Translation, text: str, line: int) -> int:
    """The file line of line `line` of `text`, the body as rewritten: the same line of the body
    when the rewriting left it alone, else the body's first line that reads like it."""
    lines, body = text.splitlines(), translation.body.splitlines()
    if text.count("\n") == translation.body.count("\n") or not 0 < line <= len(lines):
        return translation.body_line + line - 1  # rewritten within its lines, if at all
    wanted = lines[line - 1].strip()
    found = next((number for number, written in enumerate(body, 1)
                  if wanted and written.strip() == wanted), None)
    found = found or next((number for number, written in enumerate(body, 1)
                           if wanted and wanted in written), None)
    return translation.body_line + (found or min(line, len(body) or 1)) - 1


CONTENT_NAMES = "org, event, pack, audience and lang (see docs/authoring.md)"


def templating(translation: Translation, context: Context) -> bool:
    return context.templating and translation.meta.templating


def source_text(translation: Translation, context: Context) -> tuple[str, syntax.Notes]:
    """The body as Jinja gets it: Hugo's, MDN's and MDX's syntax rewritten, with the notes the
    rewriting left (check prints them as warnings)."""
    page = syntax.Page(translation.lang, translation.path.parent,
                       Path(context.root) if context.root else None, translation.meta.slug)
    with bounds.deadline(bounds.TEMPLATE_SECONDS, translation.path.name):
        return syntax.before_templating(translation.body, page)


def render_text(name: str, text: str, first_line: int, values: dict, names: str,
                lang: str, finalize: Callable[[Any], str] | None = None) -> str:
    """Jinja over a user's text in `lang`, sandboxed; errors name the file (`name`), the line
    and, for an undefined name, the `names` one may use. `finalize`, if given, makes what each
    {{ ... }} prints (Jinja's `finalize`)."""
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, name):
            return bounds.render(_compiled(lang, text, finalize), values)
    except jinja2.TemplateSyntaxError as error:
        raise _jinja_error(name, first_line, error, error.lineno, names, text) from None
    except HandoutpackError:
        raise
    except RecursionError:
        raise HandoutpackError("template error: macros call themselves too deeply", file=name
                               ) from None
    except MemoryError:
        raise HandoutpackError("template error: it makes more than fits in memory", file=name
                               ) from None
    except Exception as error:  # undefined names, and whatever Python raises (1/0, 'a' + 1)
        line = template_line(error.__traceback__)
        raise _jinja_error(name, first_line, error, line, names, text) from None


@memo("inputs", maxsize=32)  # an email's template, compiled once for a list of thousands
def _compiled(lang: str, text: str, finalize: Callable[[Any], str] | None = None
              ) -> jinja2.Template:
    env = language_env(lang) if finalize is None else _finalizing_env(lang, finalize)
    return env.from_string(text)


@memo("inputs", maxsize=16)
def _finalizing_env(lang: str, finalize: Callable[[Any], str]) -> jinja2.Environment:
    return language_env(lang).overlay(finalize=finalize)


def template_line(tb) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _jinja_error(name: str, first_line: int, error: Exception, line: int | None,
                 names: str, text: str = "") -> HandoutpackError:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    hint = f"; the names you can use are {names}" if isinstance(error, jinja2.UndefinedError) else ""
    if LIQUID.search(message):
        hint += LIQUID_HINT
    elif isinstance(error, (jinja2.UndefinedError, jinja2.TemplateSyntaxError)) and (
            system := syntax.looks_like(_line_of(text, line))):  # not for a limit reached
        hint += system_hint(system)
    return HandoutpackError(f"template error: {message}{hint}", file=name,
                            line=first_line + line - 1 if line else None)


def _line_of(text: str, line: int | None) -> str:
    lines = text.splitlines()
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def system_hint(system: str) -> str:
    """What to do about a template syntax handoutpack does not run."""
    return (f". This looks like {system}, which handoutpack does not run: write the text it "
            f"stood for, or {syntax.dialects.TURN_OFF}")


LIQUID = re.compile(r"'(site|page|layout|jekyll|include)' is undefined|no filter named "
                    r"'(relative_url|absolute_url|markdownify|jsonify)'|unknown tag '(include|"
                    r"highlight|raw|capture|assign)'|no loader for this environment")


LIQUID_HINT = (". This looks like Liquid, Jekyll's template language, which handoutpack does not "
               "run: write the text it stood for (e.g. the site's name for '{{ site.title }}'), "
               "use {{ org.name }} and {{ org.website }}, or " + syntax.dialects.TURN_OFF)
