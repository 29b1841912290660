"""Reading handoutpack.toml's values: tables, strings, choices, numbers, dates, paths and texts
by language, each problem recorded with its key and line."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..sources.files import NOT_REGULAR, is_special
from .config import LANG_RE
from .keys import key_lines, line_of, suggest
from .schema import toml_keys


class Reader:
    """Walks the TOML tables, converting values and recording problems with their key path."""

    def __init__(self, source: str, text: str = ""):
        self.source = source
        self.lines = key_lines(text)
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        """The project's languages, once [languages] is read: texts may be given in these."""

    def problem(self, key: str, message: str, label: str = "", **values: object) -> None:
        """A problem with `key`; `label` and `values` say it in a page's language (the
        workbench's, beside the field the key is read from: see Problem.label)."""
        self.problems.append(Problem(
            self.source, line_of(self.lines, key), key, message, label=label,
            values=tuple((name, str(value)) for name, value in values.items())))

    def settings(self, cls, data: dict, key: str, base: Any = None, given: dict | None = None,
                 defaults: dict | None = None) -> dict[str, Any]:
        """The values of the keys `cls` declares (see `setting`), read from the table `data` at
        `key` by each field's type. An absent key takes its value from `defaults`, else from
        `base`, else the field's default (none: it is required). `given` are values read
        elsewhere; fields of other types (tables, paths) are left to the caller."""
        values = dict(given or {})
        for spec in fields(cls):
            if spec.name in values or spec.type not in self.READERS:
                continue
            own = spec.default if spec.default_factory is MISSING else spec.default_factory()
            default = (defaults or {}).get(spec.name, getattr(base, spec.name, own))
            name = spec.metadata.get("toml") or spec.name
            values[spec.name] = self.READERS[spec.type](
                self, data, name, f"{key}.{name}", None if default is MISSING else default,
                **spec.metadata)
        return values

    def read(self, cls, value: Any, key: str, **options) -> dict[str, Any]:
        """The table `value` at `key`, its keys checked against those `cls` declares, read
        into the values of `cls`'s fields (see `settings`, which takes `options`)."""
        return self.settings(cls, self.table(value, key, toml_keys(cls)), key, **options)

    def table(self, value: Any, key: str, allowed: set[str] | None = None) -> dict:
        """`value` as a table, checking its keys against `allowed`."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, not {type(value).__name__}")
            return {}
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    self.problem(f"{key}.{name}", f"unknown key{suggest(name, allowed)}; "
                                 f"allowed here: {', '.join(sorted(allowed))}")
        return value

    def string(self, data: dict, name: str, key: str, default: str | None = None,
               pattern: re.Pattern | None = None, hint: str = "", choices=None, **_) -> str:
        if choices is not None:
            return self.choice(data, name, key, choices, default)
        value = data.get(name, default)
        if value is None:
            self.problem(key, "is required", "wb_err_required")
            return ""
        if not isinstance(value, str) or (pattern and not pattern.match(value)):
            self.problem(key, f"{value!r} is not valid{hint}")
            return default or ""
        return value

    def choice(self, data: dict, name: str, key: str, choices, default: str | None) -> str | None:
        value = data.get(name, default)
        if value is not None and value not in choices:
            self.problem(key, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return value

    def boolean(self, data: dict, name: str, key: str, default: bool, **_) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(key, f"{value!r} is not true or false")
            return default
        return value

    def texts(self, data: dict, name: str, key: str, languages) -> dict[str, str]:
        """A text given once (a string) or per language (a table of language to string)."""
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return {lang: value for lang in languages}
        if isinstance(value, dict) and value:
            for lang, text in value.items():
                if lang not in languages and (not LANG_RE.match(lang) or suggest(lang, languages)):
                    self.problem(f"{key}.{lang}", f"'{lang}' is not in languages.available"
                                 f"{suggest(lang, languages)}")
                elif not isinstance(text, str) or not text.strip():
                    self.problem(f"{key}.{lang}", "must be a non-empty string")
            # a language taken out of languages.available keeps its texts, unused, for its return
            return {k: v for k, v in value.items() if isinstance(v, str) and k in languages}
        self.problem(key, "is required: a string, or a table with one string per language",
                     "wb_err_required")
        return {}

    def localised(self, data: dict, name: str, key: str, default: dict | None = None,
                  **_) -> dict[str, str]:
        """A text in the project's languages (see `texts`); when not given, `default` (none:
        it is required)."""
        if default is not None and not data.get(name):
            return default
        return self.texts(data, name, key, self.languages)

    def number(self, data: dict, name: str, key: str, default: float, integer: bool = False, **_):
        """A positive number (a whole one when `integer`), or `default` when absent."""
        value = data.get(name, default)
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            self.problem(key, f"{value!r} is not a {'whole ' if integer else ''}number of 0 or more")
            return default
        return value

    def date(self, data: dict, name: str, key: str, default: dt.date | None = None,
             **_) -> dt.date | None:
        value = data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(key, f"{value!r} is not a date; write it as YYYY-MM-DD", "wb_err_date",
                         value=value)
            return default

    def path(self, root: Path, value: Any, key: str, must_exist: bool = True,
             file: bool = False) -> Path | None:
        """A path inside the project (links followed); `file`: a regular file, as content files
        are (a named pipe, a device or a folder is a problem, never silently skipped)."""
        if not isinstance(value, str) or not value:
            self.problem(key, "must be a path relative to the project folder")
            return None
        path = (root / value).resolve()
        if not path.is_relative_to(root):
            self.problem(key, f"'{value}' is outside the project folder; keep project files "
                         "inside it", name=value)
            return None
        if must_exist and not path.exists():
            self.problem(key, f"'{value}' does not exist", name=value)
        elif is_special(path):
            self.problem(key, f"'{value}' {NOT_REGULAR}", name=value)
            return None
        elif file and path.is_dir():
            self.problem(key, f"'{value}' is a folder; name a file in it", name=value)
            return None
        return path

    READERS = {"str": string, "bool": boolean, "float": number, "int": number,
               "dt.date | None": date, "dict[str, str]": localised}
    """How a value is read, by the type its field is declared with."""
