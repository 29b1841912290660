"""A translated document's front matter, written by `translate import`: the translation's own
keys kept, the English's kind, order, date and audiences, the translated title and summary,
one key a line as authors write them."""

from __future__ import annotations

import yaml

from ..sources.content import Document, Translation
from ..sources.frontmatter import front_matter_data


def front_matter(default: str, document: Document, lang: str, title: str, summary: str,
                  metadata: dict) -> str:
    """The translation's front matter: its own keys kept (keywords, notes), the English's (the
    `default` language's) kind, order, date and audiences, the translated title and summary, the
    revision translated from."""
    source = document.main(default)
    own = document.translations.get(lang)
    data = _front_data(own) if own else {}
    english = _front_data(source)
    result = {"title": title, "summary": summary}
    for key in ("kind", "order", "date", "audiences", "marp"):
        if key in english:
            result[key] = english[key]
    result["keywords"] = data.get("keywords", english.get("keywords", []))
    if "notes" in data:
        result["notes"] = data["notes"]
    result["source_revision"] = metadata.get("X-Source-Revision", source.revision)
    if not result["keywords"]:
        del result["keywords"]
    return "---\n" + "".join(front_matter_line(key, value) for key, value in result.items()) \
        + "---\n"


def front_matter_line(key: str, value) -> str:
    """One key of front matter as authors write it: `key: value`, a list as `[a, b]` (a dump of
    the whole mapping would put a mapping of plain values on one line, in braces)."""
    if isinstance(value, list):
        return f"{key}: " + yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                                           width=100).strip() + "\n"
    return yaml.safe_dump({key: value}, default_flow_style=False, allow_unicode=True,
                          width=100, sort_keys=False)


def _front_data(translation: Translation) -> dict:
    return front_matter_data(str(translation.path), translation.path.read_text(encoding="utf-8"))
