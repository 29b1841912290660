"""Turn sources into HTML: Jinja over Markdown for content, then the theme's page layouts."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

import jinja2
import markdown
from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, is_currency
from markdown.extensions.toc import slugify_unicode
from pymdownx.emoji import emojione, to_alt as emoji_to_alt

from .. import bounds, syntax
from . import colours, theme, typography
from ..project import paper
from ..store.cache import Kept
from ..store.digests import code_digest, key
from .scripts import direction, isolated
from ..project.config import Event, Printing, Project
from ..sources.content import Translation
from .theme import builtin_dir
from ..errors import HandoutpackError
from ..store.memos import memo

SLIDE_BREAK = re.compile(r"\n[ \t]*---[ \t]*\n")
NOTES = re.compile(r"<!--(.*?)-->", re.S)
H1_LINE = re.compile(r"#[ \t]+\S")
SUBHEADING = re.compile(r"^##", re.M)
HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
LEADING_H1 = re.compile(r"\s*<h1\b[^>]*>(?P<text>.*?)</h1>\s*", re.S)
FIRST_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
SLIDE_SEPARATOR = "\x00"
"""Never in HTML: joins a deck's slides while their headings are levelled as one outline."""
ANCHOR = re.compile(r'\b(id="|href="#)')
MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "toc", "pymdownx.magiclink", "admonition",
                       "pymdownx.emoji"]
"""admonition and pymdownx.emoji read MkDocs' `!!! note` blocks and `:smile:` short codes."""


@memo("process")
def _emoji_index() -> dict:
    """pymdownx's EmojiOne table, copied once per process. Its default index deep-copies the
    table (thousands of entries) for every Markdown instance: 23 ms a document, over ten seconds
    of a cold build. The table is the library's constant data and the extension only reads it."""
    return emojione({}, None)


MARKDOWN_CONFIG = {"toc": {"slugify": slugify_unicode, "permalink": False},
                   "pymdownx.magiclink": {"hide_protocol": True},
                   "pymdownx.emoji": {"emoji_generator": emoji_to_alt,
                                      "emoji_index": lambda options, md: _emoji_index()}}


def template_dirs(project: Project) -> list[Path]:
    return [*project.template_dirs, builtin_dir("templates")]


def style_dirs(project: Project) -> list[Path]:
    return [*project.style_dirs, builtin_dir("styles")]


def find_style(project: Project, name: str) -> Path:
    """The first `name` along the style chain: the user's folders, then the built-in theme."""
    for folder in style_dirs(project):
        if (folder / name).is_file():
            return folder / name
    raise HandoutpackError(f"no '{name}' in {', '.join(map(str, style_dirs(project)))}",
                           file="styles")


# ---------------------------------------------------------------- words and dates by language


def language_name(code: str, in_lang: str) -> str:
    """'anglais' for ('en', 'fr'): a language's name as written in another."""
    try:
        return Locale.parse(in_lang).languages.get(code, code)
    except (ValueError, LookupError):
        return code


def long_date(date: dt.date | None, lang: str) -> str:
    return format_date(date, format="long", locale=lang) if date else ""


def language_filters(lang: str) -> dict:
    """Jinja filters that write numbers, money and dates as `lang` does (Babel's CLDR data)."""

    def number(value, decimals: int | None = None) -> str:
        return _format(Locale.parse(lang).decimal_formats[None], value, decimals, "number", lang)

    def percent(value, decimals: int = 0) -> str:
        return _format(Locale.parse(lang).percent_formats[None], value, decimals, "percent", lang)

    def currency(value, code: str) -> str:
        if not isinstance(code, str) or not is_currency(code.upper()):
            raise jinja2.TemplateRuntimeError(
                f"currency: {code!r} is not a currency code; write one like 'USD' or 'EUR'")
        return format_currency(_number(value, "currency"), code.upper(), locale=lang)

    def date(value, format: str = "long") -> str:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise jinja2.TemplateRuntimeError(
                    f"date: {value!r} is not a date; write it as YYYY-MM-DD") from None
        if not isinstance(value, dt.date):
            raise jinja2.TemplateRuntimeError(f"date: {value!r} is not a date")
        if format not in ("short", "medium", "long", "full"):
            raise jinja2.TemplateRuntimeError(
                f"date: {format!r} is not one of short, medium, long, full")
        return format_date(value, format=format, locale=lang)

    return {"number": number, "percent": percent, "currency": currency, "date": date}


def _format(pattern: NumberPattern, value, decimals: int | None, name: str, lang: str) -> str:
    """`value` in the language's pattern, with exactly `decimals` decimals when given."""
    if decimals is not None:
        if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
            raise jinja2.TemplateRuntimeError(f"{name}: {decimals!r} decimals: give a whole "
                                              "number, e.g. 2")
        pattern = copy.copy(pattern)
        pattern.frac_prec = (decimals, decimals)
    return pattern.apply(_number(value, name), Locale.parse(lang))


def _number(value, name: str) -> float | int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise jinja2.TemplateRuntimeError(f"{name}: {value!r} is not a number") from None


# ---------------------------------------------------------------- content: Jinja, then Markdown


@dataclass(frozen=True)
class Context:
    """What content may refer to; `names()` lists what one source actually uses."""

    org: dict
    event: dict
    pack: dict
    audience: dict
    lang: str

    def as_dict(self) -> dict:
        return {"org": self.org, "event": self.event, "pack": self.pack,
                "audience": self.audience, "lang": self.lang, "callout": callout}


def make_context(project: Project, lang: str, event: Event, pack_title: str = "",
                 pack_id: str = "", audience_id: str = "") -> Context:
    audience = project.audiences.get(audience_id)
    shown = event.shown(lang, project.default_language)
    return Context(
        org={"name": project.org.name, "short_name": project.org.short_name,
             "website": project.org.website},
        event={"name": shown.name, "place": shown.place, "date": long_date(shown.date, lang)},
        pack={"id": pack_id, "title": pack_title},
        audience={"id": audience_id, "name": project.text(audience.names, lang) if audience else ""},
        lang=lang,
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
    """Run the source body through Jinja; errors name the file and line."""
    return kept_call("expand", (translation.body, repr(context), translation.lang),
                      lambda: _expand(translation, context))


def _expand(translation: Translation, context: Context) -> str:
    return render_text(translation.path.name, syntax.protect_from_jinja(translation.body),
                       translation.body_line,
                       context.as_dict(), "org, event, pack, audience and lang (see docs/authoring.md)",
                       translation.lang)


def render_text(name: str, text: str, first_line: int, values: dict, names: str,
                lang: str) -> str:
    """Jinja over a user's text in `lang`, sandboxed; errors name the file (`name`), the line
    and, for an undefined name, the `names` one may use."""
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, name):
            return bounds.render(_compiled(lang, text), values)
    except jinja2.TemplateSyntaxError as error:
        raise _jinja_error(name, first_line, error, error.lineno, names) from None
    except HandoutpackError:
        raise
    except RecursionError:
        raise HandoutpackError(f"{name}: template error: macros call themselves too deeply"
                               ) from None
    except MemoryError:
        raise HandoutpackError(f"{name}: template error: it makes more than fits in memory"
                               ) from None
    except Exception as error:  # undefined names, and whatever Python raises (1/0, 'a' + 1)
        line = _template_line(error.__traceback__)
        raise _jinja_error(name, first_line, error, line, names) from None


@memo("inputs", maxsize=32)  # an email's template, compiled once for a list of thousands
def _compiled(lang: str, text: str) -> jinja2.Template:
    return language_env(lang).from_string(text)


def _template_line(tb) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _jinja_error(name: str, first_line: int, error: Exception, line: int | None,
                 names: str) -> HandoutpackError:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    hint = f"; the names you can use are {names}" if isinstance(error, jinja2.UndefinedError) else ""
    if LIQUID.search(message):
        hint += LIQUID_HINT
    return HandoutpackError(f"template error: {message}{hint}", file=name,
                            line=first_line + line - 1 if line else None)


LIQUID = re.compile(r"'(site|page|layout|jekyll|include)' is undefined|no filter named "
                    r"'(relative_url|absolute_url|markdownify|jsonify)'|unknown tag '(include|"
                    r"highlight|raw|capture|assign)'|no loader for this environment")
LIQUID_HINT = (". This looks like Liquid, Jekyll's template language, which handoutpack does not "
               "run: write the text or path it stood for (e.g. '/assets/x.png' for "
               "'{{ site.baseurl }}/assets/x.png'), or use {{ org.website }}")


@memo("inputs", maxsize=256)  # within a build, a deck's slides are made into several layouts
def to_html(text: str, figure_label: str = "Figure {number}", line_breaks: bool = False) -> str:
    """Markdown to HTML, with footnotes where they are called and numbered figures; with
    `line_breaks`, each line break stays one (as in an email)."""
    return kept_call("markdown", (text, figure_label, str(line_breaks)),
                      lambda: _to_html(text, figure_label, line_breaks))


def _to_html(text: str, figure_label: str, line_breaks: bool) -> str:
    return converter(figure_label, line_breaks).convert(text)


def converter(figure_label: str = "Figure {number}", line_breaks: bool = False
              ) -> markdown.Markdown:
    """A Markdown converter as to_html uses; one kept for many texts needs `reset()` between
    them (making one sets up every extension again)."""
    extensions = [*MARKDOWN_EXTENSIONS, *syntax.extensions(), typography.PrintExtension(figure_label),
                  *(["nl2br"] if line_breaks else []), bounds.Clock()]
    return markdown.Markdown(extensions=extensions, extension_configs=MARKDOWN_CONFIG)


def split_slides(text: str) -> list[str]:
    """Marp's convention: slides are separated by a line holding only '---'."""
    return [slide.strip("\n") for slide in SLIDE_BREAK.split("\n" + text + "\n") if slide.strip()]


def slide_notes(slide: str) -> tuple[str, str]:
    """(the slide without its HTML comments, the comments' text as speaker notes)."""
    notes = "\n\n".join(n.strip() for n in NOTES.findall(slide) if not n.strip().startswith("_"))
    return NOTES.sub("", slide).strip(), notes


def document_body(translation: Translation, context: Context,
                  words: dict[str, str] | None = None) -> str:
    """The document's HTML body. `words` are the labels in its language (for "Figure 2")."""
    text = expand(translation, context)
    with bounded_markdown(translation, text):
        body = to_html(text, figure_label(translation, words))
    return without_repeated_title(body, translation.meta.title)


@contextmanager
def bounded_markdown(translation: Translation, text: str) -> Iterator[None]:
    """Turn `text` (the translation's expanded source) into HTML within the block, refusing the
    shapes Python-Markdown is slow or recursive on, and stopping it when it takes too long."""
    name = translation.path.name
    bounds.check_markdown(name, text)
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, name):
            yield
    except RecursionError:
        raise HandoutpackError(f"{name}: its Markdown is nested too deeply (quotes, lists or "
                               "HTML inside each other); flatten it") from None


def without_repeated_title(body: str, title: str) -> str:
    """`body` without a first `# heading` that repeats the title (as pages written for MkDocs or
    Jekyll start), which the page prints above it already."""
    first = LEADING_H1.match(body)
    if first and _plain(first["text"]) == _plain(html.escape(title, quote=False)):
        return body[first.end():]
    return body


def _plain(markup_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup_text)).split()).casefold()


def figure_label(translation: Translation, words: dict[str, str] | None) -> str:
    """The label numbered figures get in this translation, e.g. "Figure {number}"."""
    label = (words or {}).get("figure", "Figure {number}")
    try:
        label.format(number=1)
    except (KeyError, IndexError, ValueError):
        raise HandoutpackError(f"figure = {label!r} ({translation.lang}): write the number as "
                               "{number}, e.g. \"Figure {number}\"", file="labels") from None
    return label


@dataclass(frozen=True)
class Slide:
    """One slide of a deck, as HTML, with its speaker notes."""

    number: int
    kind: str
    """'title' (the first slide, headed '#'), 'section' (only a '#' heading) or 'content'."""
    title: str
    """Its heading as plain text ('' when it has none): for bookmarks and captions."""
    level: int
    """Its heading's level in the deck's outline (0 when it has none): 1 for the title slide,
    2 for sections and for slides before the first section, 3 for the slides of a section."""
    html: str
    notes_html: str


def deck(translation: Translation, context: Context,
         words: dict[str, str] | None = None) -> list[Slide]:
    """A presentation's slides, Marp-style: '---' between slides, notes in HTML comments.
    `words` are the labels in its language (for "Figure 2")."""
    label = figure_label(translation, words)
    expanded = expand(translation, context)
    sources = [slide_notes(s) for s in split_slides(expanded)]
    if not sources:
        raise HandoutpackError("has no slides; a presentation starts with a title slide "
                               "('# Title', then a subtitle line)", file=translation.path.name)
    kinds = [_slide_kind(number, text) for number, (text, _) in enumerate(sources, 1)]
    with bounded_markdown(translation, expanded):
        bodies = [_own_ids(to_html(text, label), f"s{number}-")
                  for number, (text, _) in enumerate(sources, 1)]
        notes_html = [_own_ids(to_html(notes, label), f"n{number}-")
                      for number, (_, notes) in enumerate(sources, 1)]
    titles = [_heading_text(body) for body in bodies]
    return [Slide(number, kind, title, _heading_level(body), _mark_heading(body), notes)
            for number, (kind, title, body, notes)
            in enumerate(zip(kinds, titles, _outline(bodies, kinds), notes_html), 1)]


def _outline(bodies: list[str], kinds: list[str]) -> list[str]:
    """The slides' headings as one outline: the title slide's at level 1, then sections and
    slides beneath it, never skipping a level (as screen readers and `check` expect)."""
    title = bodies[:1] if kinds[0] == "title" else []
    rest = SLIDE_SEPARATOR.join(bodies[len(title):])
    return title + _shift_headings(rest, top=2).split(SLIDE_SEPARATOR) if rest else title


def _shift_headings(body: str, top: int) -> str:
    """Headings from level `top` down, each one level below the nearest heading above it of a
    higher rank: never skipping a level, and slides of one rank staying siblings (a deck's first
    slides may be ## before any # section slide)."""
    ranks: list[int] = []  # the source levels of the headings enclosing this one

    def level(match: re.Match) -> str:
        if not match[1]:  # an opening tag; its closing tag follows before the next heading
            while ranks and ranks[-1] >= int(match[2]):
                ranks.pop()
            ranks.append(int(match[2]))
        return f"<{match[1]}h{min(top + len(ranks) - 1, 6)}"

    return HEADING_TAG.sub(level, body)


def _mark_heading(body: str) -> str:
    """Mark a slide's own heading (its first), for styles that do not depend on its level."""
    return FIRST_HEADING.sub(lambda m: f'<h{m[1]} class="slide-heading"{m[2]}>{m[3]}</h{m[1]}>',
                             body, count=1)


def _slide_kind(number: int, text: str) -> str:
    if not H1_LINE.match(text):
        return "content"
    if number == 1 and not SUBHEADING.search(text):
        return "title"  # '# Title', then a subtitle line or two
    return "section" if "\n" not in text else "content"


def _heading_level(body: str) -> int:
    match = FIRST_HEADING.search(body)
    return int(match[1]) if match else 0


def _heading_text(body: str) -> str:
    match = FIRST_HEADING.search(body)
    return html.unescape(re.sub(r"<[^>]+>", "", match[3])).strip() if match else ""


def _own_ids(body: str, prefix: str) -> str:
    """Prefix ids and in-page links, so that two slides never share an anchor."""
    return ANCHOR.sub(lambda m: m[1] + prefix, body)


# ---------------------------------------------------------------- page layouts from the theme


@memo("inputs", maxsize=8)  # the loader sees edited templates: it checks their dates
def _page_env(folders: tuple[Path, ...]) -> jinja2.Environment:
    """The layouts' environment: sandboxed and bounded like content's, as a project's own
    templates/ may come from anyone the project is shared with."""
    env = bounds.BoundedEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(("html", "xml")), undefined=jinja2.StrictUndefined)
    env.add_filters({"long_date": long_date, "direction": direction, "isolated": isolated})
    return env


def page(project: Project, template: str, **values) -> str:
    """Render one of the theme's layouts (document.html, cover.html...): an .html one escaped and
    its text punctuated for its language, a .txt one as it is. Kept between builds (keeping)
    under everything it is made from: the values, the theme's files and the code."""
    theme.check_given(template, values)
    values.setdefault("typography", project.typography)
    values.setdefault("palette_css", colours.css_variables(project.brand))
    values.setdefault("colours", colours.palette(project.brand))
    # the project's own statement of what readers may do with its materials; none: no line
    values.setdefault("rights", project.org.rights_in(values.get("lang", project.default_language),
                                                      project.default_language))
    values.setdefault("presenter", project.presenter)
    folders = template_dirs(project)
    return kept_call("page", (code_digest(), template, _files_state(folders),
                              repr(sorted(values.items()))),
                     lambda: _layout(_page_env(tuple(folders)), template, values, project))


def _files_state(folders: list[Path]) -> str:
    """The files in `folders`, by path, size and date: a layout depends on every template it
    may include. Listed once a build (a build lays out hundreds of pages from one theme)."""
    listed = _listed.get()
    if listed is None:
        return _list_files(folders)
    if tuple(folders) not in listed:
        listed[tuple(folders)] = _list_files(folders)
    return listed[tuple(folders)]


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


def _layout(env: jinja2.Environment, template: str, values: dict, project: Project) -> str:
    try:
        with bounds.deadline(bounds.TEMPLATE_SECONDS, f"templates: {template}"):
            text = bounds.render(env.get_template(template), values)
        if not template.endswith(".html"):
            return text
        return _typeset(text, values["lang"], project.typography)
    except RecursionError:
        raise HandoutpackError(f"{template}: includes or calls itself without end; fix the "
                               "template") from None
    except MemoryError:
        raise HandoutpackError(f"{template}: makes more than fits in memory; fix the template"
                               ) from None
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None) or _template_line(error.__traceback__)
        name = getattr(error, "filename", None) or template
        raise HandoutpackError(f"{error}; fix the template there", file=name,
                               line=line) from None


_kept: ContextVar[Kept | None] = ContextVar("kept", default=None)
"""The Kept of the build running in this thread, if any (set only within keeping())."""
_listed: ContextVar[dict | None] = ContextVar("listed", default=None)
"""The theme's files as this build found them, by folders (set only within keeping())."""


@contextmanager
def keeping(kept: Kept) -> Iterator[Kept]:
    """Within this block, Jinja's, Markdown's, typesetting's and QR codes' results are kept in
    `kept` between builds: they are most of the cost of planning a build, and most do not
    change. Nothing of it is left once the block ends."""
    token, listing = _kept.set(kept), _listed.set({})
    try:
        yield kept
    finally:
        _kept.reset(token)
        _listed.reset(listing)


def _typeset(text: str, lang: str, settings) -> str:
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


def page_css(printing: Printing) -> str:
    """The pages' size and, for a print shop, their bleed and crop marks; `--bleed` tells the
    theme how far colour that touches the page edge must run past it."""
    css = f"@page {{ size: {paper.css_size(printing.paper)}; }}"
    if printing.print_ready:
        css += (f"\n  @page {{ bleed: {paper.BLEED_MM + paper.MARKS_MM:g}mm; marks: crop; }}"
                f"\n  :root {{ --bleed: {paper.BLEED_MM:g}mm; }}")
    return css


def page_counter_css(words: dict[str, str]) -> str:
    """'Page {page} of {pages}' as a CSS content value built from counters."""
    parts = re.split(r"(\{page\}|\{pages\})", words["page_of"])
    css = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return " ".join(css.get(p) or '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"'
                    for p in parts if p)
