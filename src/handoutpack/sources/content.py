"""Find the Markdown documents, read their front matter, and group translations by slug."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import HandoutpackError, Problem, collect
from ..project.parts import Folders, Reading
from ..project.settings import Audience, PackSpec
from ..project.keys import suggest
from ..store.names import WINDOWS_RESERVED
from .files import read_text
from .frontmatter import (
    DEFAULT_KIND,
    FrontMatter,
    front_matter_end,
    front_matter_fence,
    read_front_matter,
    split_front_matter,
)

MAX_SOURCE_BYTES = 2_000_000
FILE_RE = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.md\Z")
TITLE_HEADING = re.compile(r"\A(?:[ \t]*\n)*#[ \t]+(?P<title>[^\n]+?)[ \t#]*$", re.M)
"""A first line '# Title': the title of a page written without front matter."""


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


def load(reading: Reading, kept: dict | None = None) -> dict[str, Document]:
    """Every document under the content folder, validated, keyed by slug in toolkit order.
    `kept`: files read before, by their path and stat, for a caller that reads the sources again
    and again under one configuration (the preview): an unchanged file is not parsed again."""
    documents, problems = scan(reading, kept)
    collect(p for p in problems if p.severity != "note")
    return documents


def scan(reading: Reading, kept: dict | None = None
         ) -> tuple[dict[str, Document], list[Problem]]:
    """The documents that could be read, and each problem found on the way."""
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    folders = reading.folders
    if not folders.content.is_dir():
        raise HandoutpackError("no content folder; create it and put documents in "
                               "content/<section>/<slug>.<lang>.md",
                               file=folders.shown(folders.content))
    for path in sorted(folders.content.rglob("*.md")):
        # README.md, SOURCES.md and other names in capitals are notes for editors, not documents
        # (a document's slug is lower-case).
        if path.stem.isupper() or path.name.lower() == "readme.md" or path.name.startswith("_") \
                or path.is_dir():
            continue
        try:
            translation, section, found = _read_kept(reading, path, kept)
            problems += found  # front matter problems: reported, the body still checked
        except HandoutpackError as error:
            problems += error.problems
            continue
        document = documents.setdefault(translation.slug, Document(translation.slug, section))
        if document.section != section:
            problems.append(Problem(folders.shown(path), message=(
                f"'{translation.slug}' is also in section '{document.section}'; keep all its "
                "languages in one folder")))
        document.translations[translation.lang] = translation
    for slug, document in list(documents.items()):
        if found := _check_document(folders, reading.languages.default, document):
            problems += found
            del documents[slug]
    ordered = sorted(documents.items(),
                     key=lambda item: _sort_key(reading.languages.default, item[1]))
    return dict(ordered), problems


def check_packs(folders: Folders, packs: dict[str, PackSpec],
                documents: dict[str, Document]) -> None:
    """Every pack names documents that exist, once each."""
    collect(pack_problems(folders, packs, documents))


def pack_problems(folders: Folders, packs: dict[str, PackSpec], documents: dict[str, Document],
                  unreadable: Iterable[str] = ()) -> list[Problem]:
    """Packs naming documents that do not exist (other than `unreadable` ones), or one twice;
    each problem at its key in the config file (in `folders`)."""
    problems = []
    for pack in packs.values():
        seen = set()
        for index, slug in enumerate(pack.documents):
            key = f"packs.{pack.id}.documents[{index}]"
            if slug not in documents and slug not in unreadable:
                problems.append(folders.config_problem(key, f"no document '{slug}'"
                                                       f"{suggest(slug, documents)}"))
            elif slug in seen:
                problems.append(folders.config_problem(key, f"'{slug}' is listed twice"))
            seen.add(slug)
    return problems


def _sort_key(default: str, document: Document):
    meta = document.translations[default].meta
    return (SECTION_ORDER.get(document.section, 99), document.section, meta.order, document.slug)


SECTION_ORDER = {"presentations": 0, "handouts": 1, "about": 2}


def _read_kept(reading: Reading, path: Path, kept: dict | None
               ) -> tuple[Translation, str, list[Problem]]:
    """_read, or what it gave for this file when its inode, date and size were the same (one
    entry a file: an edited file's old reading is replaced)."""
    if kept is None:
        return _read(reading, path)
    info = path.stat()
    signature = (info.st_ino, info.st_mtime_ns, info.st_size)
    if path not in kept or kept[path][0] != signature:
        kept[path] = (signature, _read(reading, path))
    return kept[path][1]


def _read(reading: Reading, path: Path) -> tuple[Translation, str, list[Problem]]:
    folders, every = reading.folders, reading.languages.all
    name = folders.shown(path)
    match = FILE_RE.match(path.name)
    if not match:
        raise HandoutpackError("name it <slug>.<language>.md, e.g. client-protection.en.md "
                               "(slug in lower-case letters, digits and hyphens)", file=name)
    if path.parent == folders.content:
        raise HandoutpackError("put it in a section folder, e.g. content/handouts/", file=name)
    slug, lang = match["slug"], match["lang"]
    if slug in WINDOWS_RESERVED:
        raise HandoutpackError(f"'{slug}' is a name Windows reserves for a device, and "
                               "the zips holding it would not unpack there; rename the file",
                               file=name)
    if lang not in every and not suggest(lang, every):
        raise HandoutpackError(Problem(name, message=(
            f"left out: '{lang}' is not in languages.available ({', '.join(every)});"
            f" add it to {folders.config.name} to build this translation"), severity="note"))
    if lang not in every:
        raise HandoutpackError(f"language '{lang}' is not in languages.available "
                               f"({', '.join(every)}){suggest(lang, every)}; "
                               f"add it to {folders.config.name} or rename the file", file=name)
    if not path.resolve().is_relative_to(folders.root):
        raise HandoutpackError("is a link to a file outside the project; copy the file into the "
                               "project instead", file=name)
    meta, body, body_line, problems = parse_leniently(name, read_source(name, path),
                                                      reading.audiences, lang)
    section = path.parent.relative_to(folders.content).parts[0]
    return Translation(slug, lang, path, meta, body, body_line), section, problems


def read_source(name: str, path: Path) -> str:
    """A source file's text: UTF-8, not empty, not binary, not huge; or an error saying which."""
    return read_text(name, path, "Markdown", MAX_SOURCE_BYTES,
                     "a document source may be at most 2 MB. Split it, or move images into files",
                     "write front matter and text, or delete it")


def parse(name: str, text: str, audiences: dict[str, Audience], lang: str | None = None
          ) -> tuple[FrontMatter, str, int]:
    """Split front matter from body and validate the front matter (`lang`: the file name's;
    `audiences`: the project's, which it may name)."""
    meta, body, body_line, problems = parse_leniently(name, text, audiences, lang)
    collect(problems)
    return meta, body, body_line


def parse_leniently(name: str, text: str, audiences: dict[str, Audience],
                    lang: str | None = None) -> tuple[FrontMatter, str, int, list[Problem]]:
    """As parse, but with the front matter's problems returned beside what could be read, so
    that `check` still looks at the body of a document whose front matter has errors."""
    if front_matter_fence(text) is None and (heading := TITLE_HEADING.search(text)):
        # a page without front matter (as MkDocs allows): its first heading is its title
        body = text[:heading.start()] + text[heading.end():]
        return FrontMatter(title=heading["title"].strip(), summary="", kind=DEFAULT_KIND,
                           kind_given=False), body, 1, []
    try:
        data, lines, body, body_line = split_front_matter(name, text, "title, summary, kind...")
    except HandoutpackError as error:
        end = front_matter_end(text)
        if end < 0:
            raise
        # unreadable YAML: its error, and the body still checked under a stand-in title
        body_line = text[: end + 5].count("\n") + 1
        stand_in = FrontMatter(title=Path(name).name, summary="", kind=DEFAULT_KIND,
                               kind_given=False)
        return stand_in, text[end + 5:], body_line, error.problems
    if "title" not in data and (heading := TITLE_HEADING.search(body)):
        data["title"] = heading["title"].strip()  # as Docusaurus and MkDocs take it
    meta, problems = read_front_matter(name, data, lines, audiences, lang)
    return meta, body, body_line, problems


def _inherit_kind(document: Document, kind: str) -> None:
    """Translations that name no kind (front matter from another tool) take their source's."""
    for lang, translation in document.translations.items():
        if not translation.meta.kind_given:
            document.translations[lang] = replace(
                translation, meta=replace(translation.meta, kind=kind))


def _check_document(folders: Folders, default: str, document: Document) -> list[Problem]:
    """A document has a translation in the `default` language, and one kind in all."""
    if default in document.translations:
        _inherit_kind(document, document.main(default).meta.kind)
        kinds = {t.meta.kind for t in document.translations.values()}
        if len(kinds) > 1:
            return [Problem(folders.shown(t.path), message=(
                f"kind '{t.meta.kind}' differs between languages ({', '.join(sorted(kinds))}); "
                "use one kind")) for t in document.translations.values()][:1]
        return []
    some = next(iter(document.translations.values()))
    return [Problem(folders.shown(some.path), message=(
        f"there is no {default} version "
        f"'{document.slug}.{default}.md'; every document needs one, "
        "as the source of its translations and the fallback for packs"))]

