"""What to build: the packs, documents and languages asked for."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import HandoutpackError
from ..project.parts import Languages
from ..project.settings import CONFIG_NAME, PackSpec
from ..project.keys import suggest


@dataclass(frozen=True)
class Selection:
    """What to build: some packs and documents (everything when both are empty) in some
    languages (all when empty)."""

    packs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    def check(self, packs: dict[str, PackSpec], languages: Languages) -> None:
        """The packs and languages asked for are the project's (`packs`, `languages`)."""
        for pack in self.packs:
            if pack not in packs:
                raise HandoutpackError(
                    f"no pack '{pack}'{suggest(pack, packs)}; the packs in "
                    f"{CONFIG_NAME} are: {', '.join(packs)}")
        every = languages.all
        for lang in self.languages:
            if lang not in every:
                raise HandoutpackError(
                    f"--lang {lang}: not one of the project's languages "
                    f"({', '.join(every)}){suggest(lang, every)}")

    def pack_specs(self, packs: dict[str, PackSpec]) -> list[PackSpec]:
        everything = not self.packs and not self.documents
        return [p for p in packs.values() if everything or p.id in self.packs]

    def langs(self, languages: Languages) -> tuple[str, ...]:
        return self.languages or languages.all
