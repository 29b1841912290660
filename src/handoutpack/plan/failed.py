"""A build that keeps going: the documents whose sources have errors are left out, the packs
holding one keep their previous PDF (recorded as stale, with the failed documents' names, for
`email` to refuse), and everything else is built."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import HandoutpackError, Problems
from ..project.parts import Folders
from ..project.settings import PackSpec
from ..sources.content import FILE_RE, Document
from .selection import Selection

STALE = "stale.json"
"""build/stale.json: {pack id: [the failed sources that keep it from being rebuilt]}."""


@dataclass
class Failed:
    """What a build left out."""

    errors: list = field(default_factory=list)
    """The findings (file, line, message) that failed documents."""
    files: set[str] = field(default_factory=set)
    packs: dict[str, list[str]] = field(default_factory=dict)
    """Each pack left out, with the failed sources it holds."""

    def __bool__(self) -> bool:
        return bool(self.errors)

    def problem(self, built: int) -> Problems:
        """The run's end: what failed, where, and which packs kept their previous PDF."""
        messages = list(self.errors)
        messages += [f"pack '{pack}' was not rebuilt: it holds {', '.join(files)}; its previous "
                     "PDF (if any) is kept, marked stale, and `email` refuses it until this is "
                     "fixed" for pack, files in self.packs.items()]
        messages.append(f"{len(self.files)} document source(s) failed; the {built} other "
                        "output(s) were built")
        return Problems(messages)


def failed(packs: dict[str, PackSpec], errors: list) -> Failed:
    """What the `errors` of documents leave out: their files, and the `packs` holding them."""
    files = {f.file for f in errors}
    slugs = {match["slug"] for file in files if (match := FILE_RE.match(Path(file).name))}
    stale = {spec.id: sorted(f for f in files if FILE_RE.match(Path(f).name)
                             and FILE_RE.match(Path(f).name)["slug"] in spec.documents)
             for spec in packs.values() if slugs & set(spec.documents)}
    return Failed(errors, files, stale)


def left_out(folders: Folders, default: str, packs: dict[str, PackSpec],
             documents: dict[str, Document], selection: Selection, failure: Failed
             ) -> tuple[dict[str, PackSpec], dict[str, Document], Selection | None]:
    """The packs, documents and selection without what failed (a document without its
    translation in the `default` language is left out whole); None for the selection when
    nothing asked for is left to build."""
    if not failure:
        return packs, documents, selection
    kept: dict[str, Document] = {}
    for slug, document in documents.items():
        good = {lang: t for lang, t in document.translations.items()
                if folders.shown(t.path) not in failure.files}
        if default in good:
            kept[slug] = replace(document, translations=good)
    packs = {pack_id: spec for pack_id, spec in packs.items() if pack_id not in failure.packs}
    chosen = tuple(p for p in selection.packs if p in packs)
    wanted_docs = tuple(d for d in selection.documents if d in kept)
    if (selection.packs or selection.documents) and not chosen and not wanted_docs:
        return packs, kept, None
    return packs, kept, replace(selection, packs=chosen, documents=wanted_docs)


def stale_record(build_dir: Path, failure: Failed, built_packs: set[str]) -> bytes:
    """build/stale.json's new text: earlier stale packs not rebuilt now stay stale."""
    record = {pack: files for pack, files in read_stale(build_dir).items()
              if pack not in built_packs}
    record.update(failure.packs)
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_stale(build_dir: Path) -> dict[str, list[str]]:
    """The packs whose PDF is older than their sources, with the sources that failed."""
    try:
        data = json.loads((build_dir / STALE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): [str(x) for x in v] for k, v in data.items() if isinstance(v, list)} \
        if isinstance(data, dict) else {}


def refuse_stale(build_dir: Path, pack: str) -> None:
    """Refuse to send `pack` when the last build could not rebuild it (email, the workbench)."""
    if failed := read_stale(build_dir).get(pack):
        raise HandoutpackError(f"pack '{pack}' is stale: the last build could not rebuild it, as "
                               f"{', '.join(failed)} failed, so its PDF is older than its "
                               "sources. Fix that document and build again, then email it")
