"""The theme's page layouts: where templates and styles are looked up, the sandboxed layout
environment, page CSS."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from .. import bounds
from ..errors import HandoutpackError
from ..project import paper
from ..project.parts import Folders, Theme
from ..project.settings import Printing, Typography
from ..store.digests import code_digest, key
from ..store.memos import memo, once_a_build
from . import colours, numbers
from .formats import long_date
from .jinja import template_line
from .memory import kept_call, kept_typeset
from .scripts import direction, isolated, own_direction, script_fonts
from .theme import builtin_dir, check_given


def template_dirs(where: Theme | Folders) -> list[Path]:
    """Where templates are looked up: the project's folders, then the built-in theme's."""
    return [*where.templates, builtin_dir("templates")]


def style_dirs(where: Theme | Folders) -> list[Path]:
    return [*where.styles, builtin_dir("styles")]


def find_style(theme: Theme, name: str) -> Path:
    """The first `name` along the style chain: the user's folders, then the built-in theme."""
    for folder in style_dirs(theme):
        if (folder / name).is_file():
            return folder / name
    raise HandoutpackError(f"no '{name}' in {', '.join(map(str, style_dirs(theme)))}",
                           file="styles")


@memo("inputs", maxsize=8)  # the loader sees edited templates: it checks their dates
def _page_env(folders: tuple[Path, ...]) -> jinja2.Environment:
    """The layouts' environment: sandboxed and bounded like content's, as a project's own
    templates/ may come from anyone the project is shared with."""
    env = bounds.BoundedEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(("html", "xml")), undefined=jinja2.StrictUndefined)
    env.add_filters({"long_date": _long_date, "digits": _digits, "direction": direction,
                     "isolated": isolated, "own_direction": own_direction,
                     "script_fonts": script_fonts})
    return env


@jinja2.pass_context
def _digits(context, value, lang: str) -> str:
    """A number a layout prints (a contents' page number) in `lang`'s digits."""
    typography = context.get("typography")
    style = numbers.numerals(typography.numerals, lang) if typography else numbers.WESTERN
    return numbers.digits(str(value), lang, style)


@jinja2.pass_context
def _long_date(context, date, lang: str) -> str:
    """A layout's date, in the digits the project's typography.numerals gives `lang`."""
    return _digits(context, long_date(date, lang), lang)


def page(theme: Theme, template: str, **values) -> str:
    """Render one of the theme's layouts (document.html, cover.html...): an .html one escaped and
    its text punctuated for its language, a .txt one as it is. Kept between builds (memos.building)
    under everything it is made from: the values, the theme's files and the code."""
    check_given(template, values)
    default = theme.languages.default
    values.setdefault("typography", theme.typography)
    values.setdefault("palette_css", colours.css_variables(theme.brand))
    values.setdefault("colours", colours.palette(theme.brand))
    # the project's own statement of what readers may do with its materials; none: no line
    values.setdefault("rights", theme.org.rights_in(values.get("lang", default), default))
    values.setdefault("presenter", theme.presenter and theme.presenter.in_language(
        values.get("lang", default)))  # the role in the page's language
    folders = template_dirs(theme)
    return kept_call("page", (code_digest(), template, _files_state(folders),
                              repr(sorted(values.items()))),
                     lambda: _layout(_page_env(tuple(folders)), template, values,
                                     theme.typography))


def _files_state(folders: list[Path]) -> str:
    """The files in `folders`, by path, size and date: a layout depends on every template it
    may include. Listed once a build (a build lays out hundreds of pages from one theme)."""
    return once_a_build("theme files", tuple(folders), lambda: _list_files(folders))


def _list_files(folders: list[Path]) -> str:
    lines = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            try:
                info = path.stat()
            except OSError:
                continue  # gone since: not read either
            lines.append(f"{path} {info.st_size} {info.st_mtime_ns}")
    return key(*lines)


def _layout(env: jinja2.Environment, template: str, values: dict, typography: Typography
            ) -> str:
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, f"templates: {template}"):
            text = bounds.render(env.get_template(template), values)
        if not template.endswith(".html"):
            return text
        return kept_typeset(text, values["lang"], typography)
    except RecursionError:
        raise HandoutpackError("includes or calls itself without end; fix the "
                               "template", file=template) from None
    except MemoryError:
        raise HandoutpackError("makes more than fits in memory; fix the template", file=template
                               ) from None
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None) or template_line(error.__traceback__)
        name = getattr(error, "filename", None) or template
        raise HandoutpackError(f"{error}; fix the template there", file=name,
                               line=line) from None


def page_css(printing: Printing) -> str:
    """The pages' size and, for a print shop, their bleed and crop marks; `--bleed` tells the
    theme how far colour that touches the page edge must run past it."""
    css = f"@page {{ size: {paper.css_size(printing.paper)}; }}"
    if printing.print_ready:
        css += (f"\n  @page {{ bleed: {paper.BLEED_MM + paper.MARKS_MM:g}mm; marks: crop; }}"
                f"\n  :root {{ --bleed: {paper.BLEED_MM:g}mm; }}")
    return css


def page_counter_css(words: dict[str, str], lang: str = "en",
                     style: str = numbers.WESTERN) -> str:
    """'Page {page} of {pages}' as a CSS content value built from counters, in the digits
    `style` gives `lang`."""
    parts = re.split(r"(\{page\}|\{pages\})", words["page_of"])
    css = {"{page}": numbers.counter("page", lang, style),
           "{pages}": numbers.counter("pages", lang, style)}
    return " ".join(css.get(p) or '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"'
                    for p in parts if p)
