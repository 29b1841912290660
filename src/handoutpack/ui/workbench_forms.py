"""The workbench's forms and a profile's TOML, each made from the other: what the page sends
becomes the profile `--as` reads; a saved profile fills the forms again, every choice kept."""

from __future__ import annotations

import re
from typing import Any

from ..project.presenter import profile_toml

FIELD_KEYS = {"presenter": ("name", "role", "organisation", "email", "phone", "photo"),
              "event": ("name", "date", "place")}
TRANSLATABLE = {"event.name", "event.place", "presenter.role"}
"""Fields given once or once per language."""
CHOICES = ("packs", "languages", "mail_pack", "personalise")
"""The page's choices a saved profile keeps besides the presenter, event and partners."""


def form_profile(form: dict, keep_choices: bool = False) -> str:
    """The forms as a profile's TOML (with the page's other choices when `keep_choices`)."""
    def texts(table: Any, prefix: str, keys) -> dict[str, Any]:
        table = table if isinstance(table, dict) else {}
        return {key: _text(table.get(key), f"{prefix}.{key}" in TRANSLATABLE) for key in keys}

    partners = [texts(p, "partners", ("name", "logo")) for p in (form.get("partners") or [])[:3]
                if isinstance(p, dict)]
    choices = {key: form[key] for key in CHOICES if key in form} if keep_choices else {}
    choices = {k: ([str(v) for v in value] if isinstance(value, list) else str(value).lower()
                   if isinstance(value, bool) else str(value)) for k, value in choices.items()}
    return profile_toml(texts(form.get("presenter"), "presenter", FIELD_KEYS["presenter"]),
                        partners, texts(form.get("event"), "event", FIELD_KEYS["event"]), choices)


def _text(value: Any, translatable: bool) -> str | dict[str, str]:
    """A field's text; a translatable one may be a table of texts by language."""
    if translatable and isinstance(value, dict):
        given = {str(k): str(v or "").strip() for k, v in value.items()
                 if k == "*" or re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", str(k))}
        return {k: v for k, v in given.items() if v} if any(
            v for k, v in given.items() if k != "*") else given.get("*", "")
    return str(value or "").strip()


def profile_form(data: dict) -> dict:
    """A profile's TOML data as the forms hold it."""
    def values(table: Any) -> dict:
        table = table if isinstance(table, dict) else {}
        return {k: (v if isinstance(v, dict) else str(v)) for k, v in table.items()}

    choices = data.get("workbench") if isinstance(data.get("workbench"), dict) else {}
    form = {"presenter": values(data.get("presenter")), "event": values(data.get("event")),
            "partners": [values(p) for p in data.get("partners") or [] if isinstance(p, dict)]}
    for key in ("packs", "languages"):
        if isinstance(choices.get(key), list):
            form[key] = [str(v) for v in choices[key]]
    if "mail_pack" in choices:
        form["mail_pack"] = str(choices["mail_pack"])
    if "personalise" in choices:
        form["personalise"] = str(choices["personalise"]) == "true"
    return form
