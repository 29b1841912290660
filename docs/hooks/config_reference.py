"""The configuration reference, written from the schema itself: every table of
handoutpack.toml, and each key with its type, default, choices and the docstring its dataclass
field carries (src/handoutpack/project/settings.py, keys declared with `setting()` from
project/schema.py). MkDocs runs this as a hook (mkdocs.yml) and puts the reference where
docs/configuration.md has the marker line, so the page cannot drift from the code; a new key
is one field with a docstring, and tests/test_docs.py fails on a table nobody documented."""

from __future__ import annotations

import ast
import functools
import html
import inspect
import re
import textwrap
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Any

from handoutpack.project.config import Project
from handoutpack.project.settings import (PRINT_KEYS, Audience, Brand, ContentSettings,
                                          DownloadPage, Event, LanguageSettings, Org, PackSpec,
                                          PathSettings, Printing, Security, Typography)
from handoutpack.project.sending import Email, Smtp
from handoutpack.project.presenter import Partner, Presenter
from handoutpack.project.schema import toml_keys

MARKER = "<!-- the reference is written here from the schema (docs/hooks/config_reference.py) -->"
PAGE = "configuration.md"


@dataclass(frozen=True)
class Table:
    """A table of handoutpack.toml: its name as written, the dataclass that declares its keys,
    what it is for, and the keys it may hold when not exactly the dataclass's."""

    name: str
    anchor: str
    cls: Any
    about: str
    keys: frozenset[str] | None = None
    also: tuple[tuple[str, Any, str], ...] = ()
    """Keys declared on another dataclass: (key, class, field)."""


TABLES = (
    Table("[org]", "org", Org, "Who publishes the materials: footers, covers and the PDFs' "
          "author name it."),
    Table("[brand]", "brand", Brand, "The brand's colours, fonts and paper. Colours reach the "
          "style sheets as `var(--primary)` and `var(--accent)`, fonts as "
          "`var(--heading-font)` and `var(--body-font)`."),
    Table("[brand.cmyk]", "brand-cmyk", None, "Optional: the inks a brand colour prints with "
          "in print-ready files, instead of a conversion. A key per colour of `[brand]` "
          "(`primary`, `accent`), each four percentages of cyan, magenta, yellow and black: "
          "`primary = [100, 45, 20, 35]`."),
    Table("[languages]", "languages", LanguageSettings, "The languages the project is made in."),
    Table("[event]", "event", Event, "The event documents built on their own are handed out "
          "at (title slides, covers). A pack has its own (`[packs.<id>.event]`, the same "
          "keys): only a pack tied to an event shows one. A profile's `[event]` (`--as`) and "
          "`--set event.name=...` win over both."),
    Table("[[event.partners]]", "event-partners", Partner, "One or two partners (co-hosts, "
          "sponsors), whose logos print beside the organisation's on covers, title slides and "
          "page footers. Also `[[packs.<id>.event.partners]]` for one pack, or `[[partners]]` "
          "in a profile."),
    Table("[audiences.<id>]", "audiences", Audience, "Who a pack is for; `<id>` is lower-case "
          "letters, digits and hyphens."),
    Table("[packs.<id>]", "packs", PackSpec, "A pack: which documents, in which order, for "
          "whom. `<id>` names its files (`build/<lang>/<id>.pdf`): lower-case letters, digits "
          "and hyphens, and not a name Windows reserves."),
    Table("[print]", "print", Printing, "How every pack is printed, and documents on their own "
          "where it applies. A pack's own keys win over these, and the command line "
          "(`--duplex`, `--print-ready`...) over both. The paper is `brand.paper`.",
          keys=frozenset(PRINT_KEYS), also=(("cmyk_profile", Project, "cmyk_profile"),)),
    Table("[paths]", "paths", PathSettings, "Where the project's folders are, relative to it. "
          "Optional: the defaults are shown."),
    Table("[download]", "download", DownloadPage, "What the download page (`build/index.html`)"
          " says above the materials."),
    Table("[email]", "email", Email, "Needed by `handoutpack email`."),
    Table("[email.smtp]", "email-smtp", Smtp, "Needed by `handoutpack email --send`. The "
          "password is never written here: it is read from the environment variable "
          "`password_env` names.", keys=frozenset(toml_keys(Smtp))),
    Table("[labels.<lang>]", "labels", None, "Optional: any word the templates print, changed "
          "for one language, e.g. `contents = \"Table des matières\"` under `[labels.fr]`. The "
          "names are those of `templates/labels.toml`."),
    Table("[content]", "content", ContentSettings, "How documents are read (see [Bringing "
          "Markdown from other tools](bringing-markdown.md))."),
    Table("[security]", "security", Security, "What a document may load."),
    Table("[typography]", "typography", Typography, "How text is set; every rule is on unless "
          "switched off (see [Typography](typography.md))."),
    Table("[presenter]", "presenter", Presenter, "Who presents the packs: \"Presented by\" on "
          "covers and title slides, and a contact page at the end of every pack. Usually given "
          "in a profile (`--as profiles/name.toml`, or saved by the workbench) rather than "
          "here."),
)

TYPES = {
    "str": "text", "str | None": "text", "bool": "`true` or `false`", "float": "number",
    "int": "whole number", "dt.date | None": "date, `2027-06-14`", "Path": "file in the project",
    "Path | None": "file in the project", "tuple[str, ...]": "list of texts",
    "list[str] | None": "list of texts", "str | list[str] | None": "folder, or list of folders",
    "dict[str, str]": "text, or a table of one per language",
    "Event": "table: the keys of [`[event]`](#event)",
    "Smtp": "table: [`[email.smtp]`](#email-smtp)",
    "tuple[Partner, ...]": "list of tables: [`[[event.partners]]`](#event-partners)",
    "dict[str, tuple[float, float, float, float]]": "table: [`[brand.cmyk]`](#brand-cmyk)",
}
"""What a value is, in a reader's words, by the type its field is declared with."""
OWN_TYPES = {(Typography, "quote_marks"): "table: a language and its two marks, `es = \"“”\"`",
             (Typography, "never_hyphenate"): "list of words",
             (Presenter, "role"): "text, or a table of one per language"}
"""The fields whose type says less than their reader does."""


def reference() -> str:
    """The reference as Markdown: a section per table, a row per key."""
    return "\n\n".join(section(table) for table in TABLES) + "\n"


def section(table: Table) -> str:
    heading = f"## {as_text(table.name)} {{#{table.anchor}}}\n\n{table.about}"
    if table.cls is None:
        return heading
    return heading + "\n\n" + "\n".join(entry(key, cls, spec)
                                         for key, cls, spec in keys_of(table))


def keys_of(table: Table) -> list[tuple[str, Any, Any]]:
    """(key as written, declaring class, field) for every key the table may hold."""
    found = []
    for spec in fields(table.cls):
        if spec.metadata.get("key") is False:
            continue
        if inline := spec.metadata.get("inline"):
            found += [(toml_name(inner), inline, inner) for inner in fields(inline)]
        else:
            found.append((toml_name(spec), table.cls, spec))
    found += [(key, cls, next(f for f in fields(cls) if f.name == name))
              for key, cls, name in table.also]
    if table.keys is not None:
        found = [entry for entry in found if entry[0] in table.keys]
    return found


def toml_name(spec) -> str:
    return spec.metadata.get("toml") or spec.name


def entry(key: str, cls: Any, spec) -> str:
    """A key as a list item: its name, what its value may be and its default, then what it
    does (a list, not a table: it reads on a phone too)."""
    default = default_of(spec)
    default = "**required**" if default == "required" else default and f"default {default}"
    facts = "; ".join(filter(None, (value_kind(cls, spec), default)))
    return f"- **`{key}`** — {facts}.  \n  {as_text(doc_of(cls, spec.name))}"


def as_text(doc: str) -> str:
    """A docstring as Markdown text: its `<pack>`s and `[tables]` shown as written, not
    taken for HTML or links (code spans are left alone)."""
    parts = re.split(r"(`[^`]*`)", doc)
    return "".join(part if part.startswith("`") else html.escape(part, quote=False)
                   .replace("[", "\\[") for part in parts)


def value_kind(cls: Any, spec) -> str:
    kind = OWN_TYPES.get((cls, spec.name)) or TYPES.get(spec.type)
    if kind is None:
        raise KeyError(f"{cls.__name__}.{spec.name}: no reader's word for type {spec.type!r}; "
                       "add it to TYPES in docs/hooks/config_reference.py")
    if spec.metadata.get("integer"):
        kind = "whole number"
    if choices := spec.metadata.get("choices"):
        kind = "one of " + ", ".join(f"`{choice}`" for choice in choices)
    if hint := spec.metadata.get("hint"):
        kind += " " + hint.strip()
    return kind


def default_of(spec) -> str:
    if spec.default is MISSING and spec.default_factory is MISSING:
        return "required"
    value = spec.default if spec.default_factory is MISSING else spec.default_factory()
    if value is None or value in ((), [], {}, "") or is_dataclass(value):
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def doc_of(cls: Any, name: str) -> str:
    """The docstring under field `name` in `cls`'s source, in one paragraph, without the
    'print.cmyk_profile: ' it may start with to say which key it is read from."""
    return re.sub(rf"^[a-z_.]+\.{name}: ", "", field_docs(cls).get(name, ""))


@functools.cache
def field_docs(cls: Any) -> dict[str, str]:
    """Every field's docstring in `cls`: the string that follows its declaration."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body
    docs = {}
    for statement, following in zip(body, body[1:]):
        if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            docs[statement.target.id] = " ".join(inspect.cleandoc(following.value.value).split())
    return docs


def on_page_markdown(markdown: str, page, config, files) -> str:
    """MkDocs hook: the configuration page gets the reference where its marker is."""
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/{PAGE} lost its marker line {MARKER}")
    return markdown.replace(MARKER, reference())

