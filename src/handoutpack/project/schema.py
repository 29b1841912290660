"""Declaring a config table's keys once: each key is a field of the dataclass the table is read
into (or of a dataclass that only describes the table), and the reader takes from the fields
which keys a table may hold, how each value is read and what it defaults to (config.Reader)."""

from __future__ import annotations

import re
from dataclasses import MISSING, field, fields
from typing import Any


def setting(default: Any = MISSING, *, factory: Any = MISSING, toml: str | None = None,
            pattern: re.Pattern | None = None, hint: str = "", choices=None,
            integer: bool = False, inline: type | None = None):
    """A config key: the field's type says how the TOML value is read (str, bool, float, int,
    date, dict of texts by language); `toml` is its name in the file when not the field's;
    `pattern` and `hint` check a string, `choices` limit it; `factory` makes a default (an
    empty table); no default: it is required. `inline`: the keys of that dataclass are written
    in this table itself (a pack's print options)."""
    return field(default=default, default_factory=factory,
                 metadata={"toml": toml, "pattern": pattern, "hint": hint, "choices": choices,
                           "integer": integer, "inline": inline})


def not_a_key():
    """A field that is no key of the table (a pack's id is the table's name)."""
    return field(metadata={"key": False})


def toml_keys(cls, *also: str) -> set[str]:
    """The keys a table read into `cls` may hold (and `also`)."""
    keys = set(also)
    for spec in fields(cls):
        if spec.metadata.get("key") is False:
            continue
        if spec.metadata.get("inline"):
            keys |= toml_keys(spec.metadata["inline"])
        else:
            keys.add(spec.metadata.get("toml") or spec.name)
    return keys
