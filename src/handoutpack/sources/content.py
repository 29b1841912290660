"""Find the Markdown documents, read their front matter, and group translations by slug."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..store.names import WINDOWS_RESERVED
from ..project.config import Project
from .files import read_text
from ..project.keys import suggest
from ..errors import HandoutpackError, Problem, collect

KINDS = ("presentation", "handout", "about", "document")
DEFAULT_KIND = "document"
"""A plain document: what front matter written for another tool (which has no `kind`) gets."""
ALIASES = {"description": "summary"}
"""Keys other tools use for ours (Jekyll, MkDocs and Hugo write `description`)."""
MAX_SOURCE_BYTES = 2_000_000
FILE_RE = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.md\Z")
TITLE_HEADING = re.compile(r"\A(?:[ \t]*\n)*#[ \t]+(?P<title>[^\n]+?)[ \t#]*$", re.M)
"""A first line '# Title': the title of a page written without front matter."""
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


@dataclass(frozen=True)
class Translation:
    """One document in one language: a source file."""

    slug: str
    lang: str
    path: Path
    meta: FrontMatter
    body: str
    body_line: int
    """Line number of the body's first line in the file (for error messages)."""

    @property
    def revision(self) -> str:
        return revision(self.body)


@dataclass
class Document:
    """A document once, in every language it exists in."""

    slug: str
    section: str
    translations: dict[str, Translation] = field(default_factory=dict)

    def main(self, default_language: str) -> Translation:
        return self.translations[default_language]

    def best(self, lang: str, default_language: str) -> Translation:
        """The translation in `lang`, or the default language's when there is none."""
        return self.translations.get(lang) or self.translations[default_language]


def revision(body: str) -> str:
    """A short content hash of a source body; translations record their source's."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def load(project: Project, kept: dict | None = None) -> dict[str, Document]:
    """Every document under the content folder, validated, keyed by slug in toolkit order.
    `kept`: files read before, by their path and stat, for a caller that reads the sources again
    and again under one configuration (the preview): an unchanged file is not parsed again."""
    documents, problems = scan(project, kept)
    collect(p for p in problems if p.severity != "note")
    return documents


def scan(project: Project, kept: dict | None = None
         ) -> tuple[dict[str, Document], list[Problem]]:
    """The documents that could be read, and each problem found on the way."""
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    if not project.content_dir.is_dir():
        raise HandoutpackError("no content folder; create it and put documents in "
                               "content/<section>/<slug>.<lang>.md",
                               file=_rel(project, project.content_dir))
    for path in sorted(project.content_dir.rglob("*.md")):
        # README.md, SOURCES.md and other names in capitals are notes for editors, not documents
        # (a document's slug is lower-case).
        if path.stem.isupper() or path.name.lower() == "readme.md" or path.name.startswith("_") \
                or path.is_dir():
            continue
        try:
            translation, section, found = _read_kept(project, path, kept)
            problems += found  # front matter problems: reported, the body still checked
        except HandoutpackError as error:
            problems += error.problems
            continue
        document = documents.setdefault(translation.slug, Document(translation.slug, section))
        if document.section != section:
            problems.append(Problem(_rel(project, path), message=(
                f"'{translation.slug}' is also in section '{document.section}'; keep all its "
                "languages in one folder")))
        document.translations[translation.lang] = translation
    for slug, document in list(documents.items()):
        if found := _check_document(project, document):
            problems += found
            del documents[slug]
    ordered = sorted(documents.items(), key=lambda item: _sort_key(project, item[1]))
    return dict(ordered), problems


def check_packs(project: Project, documents: dict[str, Document]) -> None:
    """Every pack names documents that exist, once each."""
    collect(pack_problems(project, documents))


def pack_problems(project: Project, documents: dict[str, Document],
                  unreadable: Iterable[str] = ()) -> list[Problem]:
    """Packs naming documents that do not exist (other than `unreadable` ones), or one twice."""
    problems = []
    for pack in project.packs.values():
        seen = set()
        for index, slug in enumerate(pack.documents):
            key = f"packs.{pack.id}.documents[{index}]"
            if slug not in documents and slug not in unreadable:
                problems.append(project.problem(key, f"no document '{slug}'"
                                                f"{suggest(slug, documents)}"))
            elif slug in seen:
                problems.append(project.problem(key, f"'{slug}' is listed twice"))
            seen.add(slug)
    return problems


def _sort_key(project: Project, document: Document):
    meta = document.translations[project.default_language].meta
    return (SECTION_ORDER.get(document.section, 99), document.section, meta.order, document.slug)


SECTION_ORDER = {"presentations": 0, "handouts": 1, "about": 2}


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def _read_kept(project: Project, path: Path, kept: dict | None
               ) -> tuple[Translation, str, list[Problem]]:
    """_read, or what it gave for this file when its inode, date and size were the same (one
    entry a file: an edited file's old reading is replaced)."""
    if kept is None:
        return _read(project, path)
    info = path.stat()
    signature = (info.st_ino, info.st_mtime_ns, info.st_size)
    if path not in kept or kept[path][0] != signature:
        kept[path] = (signature, _read(project, path))
    return kept[path][1]


def _read(project: Project, path: Path) -> tuple[Translation, str, list[Problem]]:
    name = _rel(project, path)
    match = FILE_RE.match(path.name)
    if not match:
        raise HandoutpackError("name it <slug>.<language>.md, e.g. client-protection.en.md "
                               "(slug in lower-case letters, digits and hyphens)", file=name)
    if path.parent == project.content_dir:
        raise HandoutpackError("put it in a section folder, e.g. content/handouts/", file=name)
    slug, lang = match["slug"], match["lang"]
    if slug in WINDOWS_RESERVED:
        raise HandoutpackError(f"'{slug}' is a name Windows reserves for a device, and "
                               "the zips holding it would not unpack there; rename the file",
                               file=name)
    if lang not in project.languages and not suggest(lang, project.languages):
        raise HandoutpackError(Problem(name, message=(
            f"left out: '{lang}' is not in languages.available ({', '.join(project.languages)});"
            f" add it to {project.config_path.name} to build this translation"), severity="note"))
    if lang not in project.languages:
        raise HandoutpackError(f"language '{lang}' is not in languages.available "
                               f"({', '.join(project.languages)}){suggest(lang, project.languages)}; "
                               f"add it to {project.config_path.name} or rename the file", file=name)
    if not path.resolve().is_relative_to(project.root):
        raise HandoutpackError("is a link to a file outside the project; copy the file into the "
                               "project instead", file=name)
    meta, body, body_line, problems = parse_leniently(name, read_source(name, path), project, lang)
    section = path.parent.relative_to(project.content_dir).parts[0]
    return Translation(slug, lang, path, meta, body, body_line), section, problems


def read_source(name: str, path: Path) -> str:
    """A source file's text: UTF-8, not empty, not binary, not huge; or an error saying which."""
    return read_text(name, path, "Markdown", MAX_SOURCE_BYTES,
                     "a document source may be at most 2 MB. Split it, or move images into files",
                     "write front matter and text, or delete it")


def parse(name: str, text: str, project: Project, lang: str | None = None
          ) -> tuple[FrontMatter, str, int]:
    """Split front matter from body and validate the front matter (`lang`: the file name's)."""
    meta, body, body_line, problems = parse_leniently(name, text, project, lang)
    collect(problems)
    return meta, body, body_line


def parse_leniently(name: str, text: str, project: Project, lang: str | None = None
                    ) -> tuple[FrontMatter, str, int, list[Problem]]:
    """As parse, but with the front matter's problems returned beside what could be read, so
    that `check` still looks at the body of a document whose front matter has errors."""
    if not text.startswith("---\n") and (heading := TITLE_HEADING.search(text)):
        # a page without front matter (as MkDocs allows): its first heading is its title
        body = text[:heading.start()] + text[heading.end():]
        return FrontMatter(title=heading["title"].strip(), summary="", kind=DEFAULT_KIND,
                           kind_given=False), body, 1, []
    try:
        data, lines, body, body_line = split_front_matter(name, text, "title, summary, kind...")
    except HandoutpackError as error:
        end = _front_matter_end(text) if text.startswith("---\n") else -1
        if end < 0:
            raise
        # unreadable YAML: its error, and the body still checked under a stand-in title
        body_line = text[: end + 5].count("\n") + 1
        stand_in = FrontMatter(title=Path(name).name, summary="", kind=DEFAULT_KIND,
                               kind_given=False)
        return stand_in, text[end + 5:], body_line, error.problems
    if "title" not in data and (heading := TITLE_HEADING.search(body)):
        data["title"] = heading["title"].strip()  # as Docusaurus and MkDocs take it
    meta, problems = _front_matter(name, data, lines, project, lang)
    return meta, body, body_line, problems


def split_front_matter(name: str, text: str, keys: str) -> tuple[dict, dict[str, int], str, int]:
    """(the YAML front matter, the line of each of its keys, the body, the body's first line);
    `keys` says what the front matter holds, for messages."""
    if not text.startswith("---\n"):
        raise HandoutpackError(f"must start with front matter: a line '---', YAML ({keys}), then "
                               "another line '---'", file=name, line=1)
    end = _front_matter_end(text)
    if end < 0:
        raise HandoutpackError("front matter is not closed; add a line '---' after it", file=name,
                               line=1)
    data, lines = _yaml(name, text[4:end + 1])
    if not isinstance(data, dict):
        raise HandoutpackError("front matter must be 'key: value' lines", file=name, line=2)
    body_line = text[: end + 5].count("\n") + 1
    return data, lines, text[end + 5:], body_line


def _front_matter_end(text: str) -> int:
    """Where the line closing the front matter starts (its newline), or -1."""
    end = text.find("\n---\n", 3)
    return end if end >= 0 else (len(text) - 4 if text.endswith("\n---") else -1)


def body_of(text: str) -> str | None:
    """A source text's body, as its revision is computed; None when it has no front matter."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    end = _front_matter_end(text) if text.startswith("---\n") else -1
    return text[end + 5:] if end >= 0 else None


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


def _front_matter(name: str, data: dict, lines: dict[str, int], project: Project,
                  lang: str | None) -> tuple[FrontMatter, list[Problem]]:
    """The front matter read as far as it can be, and a message for each problem in it."""
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
        if audience not in project.audiences:
            bad("audiences", f"no audience '{audience}'{suggest(audience, project.audiences)}")
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


def _inherit_kind(document: Document, kind: str) -> None:
    """Translations that name no kind (front matter from another tool) take their source's."""
    for lang, translation in document.translations.items():
        if not translation.meta.kind_given:
            document.translations[lang] = replace(
                translation, meta=replace(translation.meta, kind=kind))


def decoded(value):
    """A YAML value with HTML entities in its text decoded (`C&oacute;digo` is Código), as the
    sites these files come from would show it."""
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):  # one level: lists of text (YAML may make a list hold itself)
        return [html.unescape(item) if isinstance(item, str) else item for item in value]
    return value


def _check_document(project: Project, document: Document) -> list[Problem]:
    if project.default_language in document.translations:
        _inherit_kind(document, document.main(project.default_language).meta.kind)
        kinds = {t.meta.kind for t in document.translations.values()}
        if len(kinds) > 1:
            return [Problem(_rel(project, t.path), message=(
                f"kind '{t.meta.kind}' differs between languages ({', '.join(sorted(kinds))}); "
                "use one kind")) for t in document.translations.values()][:1]
        return []
    some = next(iter(document.translations.values()))
    return [Problem(_rel(project, some.path), message=(
        f"there is no {project.default_language} version "
        f"'{document.slug}.{project.default_language}.md'; every document needs one, "
        "as the source of its translations and the fallback for packs"))]

