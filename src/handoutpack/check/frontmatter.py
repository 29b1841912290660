"""Front matter: keys handoutpack does not use (other tools' `layout`, `permalink`...)."""

from __future__ import annotations

from collections.abc import Iterable

from ..sources import frontmatter
from ..project.parts import Folders
from ..project.keys import suggest
from ..sources.content import Document
from ..errors import Problem
from .findings import finding, rel

USED_KEYS = sorted(set(frontmatter.FrontMatter.__dataclass_fields__) - {"ignored", "kind_given"})
OTHER_TOOLS_KEYS = frozenset({
    "layout", "permalink", "draft", "tags", "categories", "weight", "aliases", "author",
    "authors", "sidebar_position", "sidebar_label", "nav_order", "parent", "hide", "toc",
    "teaching", "exercises", "questions", "objectives", "keypoints", "bibliography", "lastmod",
    "publishdate", "expirydate", "linkTitle", "url", "type", "menu", "image", "excerpt"})
"""Keys Jekyll, Hugo, MkDocs, Docusaurus, Pandoc and Carpentries lessons use: never a
misspelling of ours ('draft' is not 'date'), so no suggestion."""


def ignored_keys(folders: Folders, documents: dict[str, Document],
                 langs: Iterable[str]) -> list[Problem]:
    """One warning per front matter key handoutpack does not use (other tools' `layout`,
    `permalink`, `teaching`...), at its first place, counting the files that have it."""
    places: dict[str, list[tuple[str, int]]] = {}
    for document in documents.values():
        for lang, translation in document.translations.items():
            if lang in langs:
                for key, line in translation.meta.ignored:
                    places.setdefault(key, []).append((rel(folders, translation.path), line))
    findings = []
    for key, found in sorted(places.items()):
        (name, line), others = found[0], len(found) - 1
        also = f" (and in {others} other file{'s' if others > 1 else ''})" if others else ""
        findings.append(finding("warning", "front matter", name, line,
                                f"front matter '{key}' is not used by handoutpack and is "
                                f"ignored{also}"
                                f"{'' if key in OTHER_TOOLS_KEYS else suggest(key, USED_KEYS)}; "
                                "keep it for the tool "
                                "it was written for, or remove it"))
    return findings
