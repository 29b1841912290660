"""What to build: the packs, documents and languages asked for."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import HandoutpackError
from ..project.config import PackSpec, Project
from ..project.keys import suggest


@dataclass(frozen=True)
class Selection:
    """What to build: some packs and documents (everything when both are empty) in some
    languages (all when empty)."""

    packs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    def check(self, project: Project) -> None:
        for pack in self.packs:
            if pack not in project.packs:
                raise HandoutpackError(
                    f"no pack '{pack}'{suggest(pack, project.packs)}; the packs in "
                    f"{project.config_path.name} are: {', '.join(project.packs)}")
        for lang in self.languages:
            if lang not in project.languages:
                raise HandoutpackError(
                    f"--lang {lang}: not one of the project's languages "
                    f"({', '.join(project.languages)}){suggest(lang, project.languages)}")

    def pack_specs(self, project: Project) -> list[PackSpec]:
        everything = not self.packs and not self.documents
        return [p for p in project.packs.values() if everything or p.id in self.packs]

    def langs(self, project: Project) -> tuple[str, ...]:
        return self.languages or project.languages
