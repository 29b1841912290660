"""Load a project: handoutpack.toml and, with --as, an ambassador's profile, into one validated
Project."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import HandoutpackError, collect
from ..sources.files import read_text
from .config import CONFIG_NAME, Event, Project
from .keys import suggest
from .presenter import (
    PROFILE_KEYS,
    Presenter,
    read_partners,
    read_presenter,
    read_profile,
)
from . import texts
from .reader import MAX_CONFIG_BYTES, read_event, read_project
from .values import Reader
from .schema import toml_keys


def load(root: Path, overrides: dict[str, str] | None = None,
         printing: dict[str, Any] | None = None, profile: Path | None = None) -> Project:
    """Read and validate `root/handoutpack.toml`; raise Problems listing everything wrong.
    `overrides` are --set event fields; `printing` are Printing fields from the command line,
    which win over the config's for every pack and document; `profile` is an ambassador's
    profile (--as): its presenter, event and partners win over the config's."""
    root = root.resolve()
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        raise HandoutpackError(
            f"not found. Run handoutpack in a project folder (one holding "
            f"{CONFIG_NAME}), or name one with --project.", file=str(config_path))
    text = read_text(CONFIG_NAME, config_path, "TOML", MAX_CONFIG_BYTES,
                     "a config is a few kB of TOML. Is it the right file?",
                     'it needs at least [org] name = "..." '
                     '(see docs/configuration.md for an example)')
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        raise HandoutpackError(f"{error}. Fix the TOML syntax there.", file=CONFIG_NAME,
                               line=int(line[1]) if line else None) from None
    presenter, forced_event = read_profile_settings(root, profile) if profile else (None, {})
    project = read_project(root, config_path, data, overrides or {}, printing or {}, text,
                       forced_event)
    project = texts.completed(project)  # the texts translators gave in translations/<lang>/
    return replace(project, presenter=presenter) if presenter else project


def read_profile_settings(root: Path, path: Path) -> tuple[Presenter | None, dict[str, Any]]:
    """A profile's presenter, and the event fields (partners too) it sets for every pack."""
    data, text = read_profile(path)
    return profile_settings(root, data, text, path.name)


def profile_settings(root: Path, data: dict, text: str, name: str
                     ) -> tuple[Presenter | None, dict[str, Any]]:
    """A profile's TOML `data` read as a profile `name` (the workbench's forms are checked the
    same way): its presenter, and the event fields it sets; raises Problems naming each key."""
    r = Reader(name, text)
    for key in data:
        if key not in PROFILE_KEYS:
            r.problem(key, f"unknown key{suggest(key, PROFILE_KEYS)}; allowed: "
                      f"{', '.join(sorted(PROFILE_KEYS))}")
    presenter = read_presenter(r, data.get("presenter"), "presenter", root)
    table = r.table(data.get("event"), "event", toml_keys(Event))
    event = read_event(r, table, "event", root=root)
    forced = {key: getattr(event, key) for key in table}
    if "partners" in data:
        forced["partners"] = read_partners(r, data["partners"], "partners", root)
    collect(r.problems)
    return presenter, forced
