"""Packs: documents that exist, once each, and packs that would have nothing in a language."""

from __future__ import annotations

from ..project.parts import Planning
from ..sources.content import Document
from ..plan.selection import Selection
from ..errors import Problem
from .findings import found


def empty_packs(planning: Planning, documents: dict[str, Document],
                selection: Selection) -> list[Problem]:
    """A pack none of whose documents exist in a language is the English pack with another cover:
    worth a warning, unless the pack lists that language on purpose."""
    findings, default = [], planning.languages.default
    for spec in selection.pack_specs(planning.packs):
        slugs = list(dict.fromkeys(s for s in spec.documents if s in documents))
        for lang in selection.langs(planning.languages):
            if lang == default or not slugs or spec.languages:
                continue
            if not any(lang in documents[s].translations for s in slugs):
                findings += found([planning.folders.config_problem(
                    f"packs.{spec.id}", f"has no document in '{lang}': all {len(slugs)} would "
                    f"be in {default}; translate some, or list the languages it "
                    f"is made in: languages = [...] under [packs.{spec.id}]", "warning")], "packs")
    return findings
