"""Front matter: the YAML between the --- lines read safely and bounded, other tools' keys told
apart from ours, each value checked with its line."""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from dataclasses import dataclass

import yaml

from ..errors import HandoutpackError, Problem
from ..project.settings import Audience
from ..project.keys import suggest

KINDS = ("presentation", "handout", "about", "document")
DEFAULT_KIND = "document"
"""A plain document: what front matter written for another tool (which has no `kind`) gets."""
ALIASES = {"description": "summary"}
"""Keys other tools use for ours (Jekyll, MkDocs and Hugo write `description`)."""
REVISION_RE = re.compile(r"[0-9a-f]{12}")
MAX_FIELD_CHARS = {"title": 1000, "summary": 4000, "kind": 100}
"""A title longer than a paragraph is a mistake, and costs WeasyPrint minutes to lay out."""
MAX_LIST_ITEMS = 100
MAX_ITEM_CHARS = 200


def _short(text: str, limit: int = 80) -> str:
    """`text`, cut to `limit` characters for a message."""
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass(frozen=True)
class FrontMatter:
    title: str
    summary: str
    kind: str
    order: int = 999
    date: dt.date | None = None
    audiences: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    marp: bool = False
    source_revision: str | None = None
    """In a translation: the revision of the default-language source it was made from."""
    notes: str | None = None
    """Anything for the next writer or reviewer, e.g. a translator's doubts about a term."""
    kind_given: bool = True
    """False when the front matter has no `kind`: a translation then takes its source's."""
    templating: bool = True
    """False: Jinja does not run over the body (a page whose braces belong to another system)."""
    slug: str = ""
    """The page's address on the site it came from (as MDN's front matter gives it)."""
    ignored: tuple[tuple[str, int], ...] = ()
    """Keys handoutpack does not use (other tools' `layout`, `teaching`...), with their lines:
    kept out of the way, and reported once per key name by `check`."""


JSON_FRONT_MATTER = ("; this is JSON front matter, which handoutpack does not read: write it as "
                     "YAML between '---' lines (\"title\": \"A page\" becomes title: A page)")
FENCES = ("---", "+++")
"""YAML's front matter between '---' lines; Hugo's TOML between '+++' lines."""
TOML_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_-]+|\"[^\"\n]*\")[ \t]*=", re.M)


def split_front_matter(name: str, text: str, keys: str) -> tuple[dict, dict[str, int], str, int]:
    """(the front matter, the line of each of its keys, the body, the body's first line): YAML
    between '---' lines, or Hugo's TOML between '+++' lines; `keys` says what the front matter
    holds, for messages."""
    fence = front_matter_fence(text)
    if fence is None:
        other = JSON_FRONT_MATTER if text.startswith("{") else ""
        raise HandoutpackError(f"must start with front matter: a line '---', YAML ({keys}), then "
                               f"another line '---'{other}", file=name, line=1)
    end = front_matter_end(text)
    if end < 0:
        raise HandoutpackError(f"front matter is not closed; add a line '{fence}' after it",
                               file=name, line=1)
    reader = _toml if fence == "+++" else _yaml
    data, lines = reader(name, text[4:end + 1])
    if not isinstance(data, dict):
        raise HandoutpackError("front matter must be 'key: value' lines", file=name, line=2)
    body_line = text[: end + 5].count("\n") + 1
    return data, lines, text[end + 5:], body_line


def front_matter_fence(text: str) -> str | None:
    """'---' or '+++': the line a source's front matter opens with, if it has any."""
    return next((fence for fence in FENCES if text.startswith(fence + "\n")), None)


def front_matter_end(text: str) -> int:
    """Where the line closing the front matter starts (its newline), or -1."""
    fence = front_matter_fence(text)
    if fence is None:
        return -1
    end = text.find(f"\n{fence}\n", 3)
    return end if end >= 0 else (len(text) - 4 if text.endswith("\n" + fence) else -1)


def body_of(text: str) -> str | None:
    """A source text's body, as its revision is computed; None when it has no front matter."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    end = front_matter_end(text)
    return text[end + 5:] if end >= 0 else None


def front_matter_data(name: str, text: str) -> dict:
    """A source text's front matter as data ({} when it has none)."""
    try:
        return split_front_matter(name, text, "")[0]
    except HandoutpackError:
        return {}


def _toml(name: str, text: str) -> tuple[dict, dict[str, int]]:
    """Hugo's TOML front matter: its data, and the file line of each top-level key (those
    before the first [table])."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise HandoutpackError(f"front matter is not valid TOML ({error}); check quoting there",
                               file=name, line=int(found[1]) + 1 if found else None) from None
    top = text.split("\n[", 1)[0]
    lines = {}
    for match in TOML_KEY.finditer(top):
        lines.setdefault(match["key"].strip('"'), top.count("\n", 0, match.start()) + 2)
    return data, lines


class FrontMatterLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: front matter is plain 'key: value' lines, and an alias
    repeated inside aliases (a 'billion laughs') makes a value of any size from a few lines."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "anchors (&) and aliases (*) are not allowed in front matter", mark)
        return super().compose_node(parent, index)


def _yaml(name: str, text: str) -> tuple[object, dict[str, int]]:
    """The front matter's data, and the file line of each top-level key."""
    loader = None
    try:
        loader = FrontMatterLoader(text)  # checks the characters already
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        raise HandoutpackError(f"front matter is not valid YAML ({reason}); check quoting and "
                               "indentation there", file=name,
                               line=mark.line + 2 if mark else None) from None
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a date like 2027-02-30
        raise HandoutpackError(f"front matter has a value YAML cannot read ({error}); quote it, "
                               "or correct it (dates are YYYY-MM-DD)", file=name) from None
    except RecursionError:
        raise HandoutpackError("front matter is nested too deeply; it holds simple 'key: value' "
                               "lines", file=name) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.setdefault(str(key.value), key.start_mark.line + 2)
            if key.value == "source_revision" and isinstance(value, yaml.ScalarNode) \
                    and isinstance(data, dict):
                # as written: YAML would read 012345678901 as a number and drop the 0
                data["source_revision"] = value.value
    return data, lines


def read_front_matter(name: str, data: dict, lines: dict[str, int],
                      audiences: dict[str, Audience], lang: str | None
                      ) -> tuple[FrontMatter, list[Problem]]:
    """The front matter read as far as it can be, and a message for each problem in it; the
    `audiences` it may name are the project's."""
    problems = []

    def bad(key: str, message: str) -> None:
        line = lines.get(key, 1)  # a missing key: point at the front matter's start
        problems.append(Problem(name, line, message=f"front matter '{key}': {message}"))

    data = {str(key): decoded(value) for key, value in data.items()}
    for alias, key in ALIASES.items():
        if alias in data and key not in data:
            data[key] = data.pop(alias)
            lines.setdefault(key, lines.get(alias, 1))
    allowed = set(FrontMatter.__dataclass_fields__) - {"ignored", "kind_given"} | {"lang"}
    ignored = tuple((key, lines.get(key, 1)) for key in data if key not in allowed)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", "is required and must be text")
        title = ""
    summary = data.get("summary", "")
    if not isinstance(summary, str):
        bad("summary", "must be text")
        summary = ""
    for key, value in (("title", title), ("summary", summary)):
        if len(value) > MAX_FIELD_CHARS[key]:
            bad(key, f"is {len(value):,} characters long; at most {MAX_FIELD_CHARS[key]:,}")
    kind = data.get("kind", DEFAULT_KIND)
    if kind not in KINDS:
        bad("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
        kind = DEFAULT_KIND
    written_lang = data.get("lang")
    if written_lang is not None and lang is not None and str(written_lang) != lang:
        bad("lang", f"'{written_lang}' does not agree with the file name, which says '{lang}'; "
            "rename the file or correct lang (or remove it: the file name is enough)")
    order = data.get("order", 999)
    if not isinstance(order, int) or isinstance(order, bool):
        bad("order", "must be a whole number")
        order = 999
    date = data.get("date")
    if date is not None and not isinstance(date, dt.date):
        bad("date", f"{_short(repr(date))} is not a date; write YYYY-MM-DD")
        date = None
    lists = {}
    for key in ("audiences", "keywords"):
        value = data.get(key, [])
        if key == "keywords" and isinstance(value, str):  # 'a, b, c', as some sites write them
            value = [word.strip() for word in value.split(",") if word.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(key, "must be a list of text, e.g. [conference, media]")
            value = []
        elif len(value) > MAX_LIST_ITEMS or any(len(v) > MAX_ITEM_CHARS for v in value):
            bad(key, f"holds at most {MAX_LIST_ITEMS} entries of at most {MAX_ITEM_CHARS} "
                "characters each")
            value = []
        lists[key] = tuple(value)
    for audience in lists["audiences"]:
        if audience not in audiences:
            bad("audiences", f"no audience '{audience}'{suggest(audience, audiences)}")
    source_revision = data.get("source_revision")
    if source_revision is not None and not REVISION_RE.fullmatch(str(source_revision)):
        bad("source_revision", "must be 12 hex digits (see `handoutpack revision FILE`)")
        source_revision = None
    marp = data.get("marp", False)
    if not isinstance(marp, bool):
        bad("marp", "must be true or false")
        marp = False
    if not isinstance(data.get("notes", ""), str):
        bad("notes", "must be text")
    templating = data.get("templating", True)
    if not isinstance(templating, bool):
        bad("templating", "must be true or false")
        templating = True
    slug = data.get("slug", "")
    return FrontMatter(
        title=title.strip(), summary=summary.strip(), kind=kind, order=order,
        date=date.date() if isinstance(date, dt.datetime) else date,
        audiences=lists["audiences"], keywords=lists["keywords"], marp=marp,
        source_revision=str(source_revision) if source_revision is not None else None,
        notes=data.get("notes") if isinstance(data.get("notes"), str) else None,
        kind_given="kind" in data, ignored=ignored, templating=templating,
        slug=slug if isinstance(slug, str) else "",
    ), problems


def decoded(value):
    """A YAML value with HTML entities in its text decoded (`C&oacute;digo` is Código), as the
    sites these files come from would show it."""
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):  # one level: lists of text (YAML may make a list hold itself)
        return [html.unescape(item) if isinstance(item, str) else item for item in value]
    return value
