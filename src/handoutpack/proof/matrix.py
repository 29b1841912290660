"""Making the outputs the proof reads: each paper and print variant built into its own folder
(build/proof/<variant>/), plainly, then with a profile (--as), then personalised for a list
(--for), proofed after each step (each step writes over the one before)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..plan.selection import Selection
from ..project import loader
from ..project.parts import Mail, RenderSettings

PROOF_DIR = "proof"

VARIANTS = {
    "a4": {"paper": "A4"},
    "letter": {"paper": "Letter"},
    "a5-booklet": {"paper": "A5", "booklet": True},
    "print-ready": {"print_ready": True},
}
"""The paper and print variants, as the command line's print options."""


def proof_dir(build_dir: Path, name: str) -> Path:
    """A folder of the proof's own in the project's build folder (paths.build)."""
    return build_dir / PROOF_DIR / name


@dataclass(frozen=True)
class Step:
    """One build of the matrix: a variant, and who it is made for."""

    variant: str
    who: str
    """'plain', 'as <profile>' or 'for <list>'."""
    build_dir: Path
    """Where its outputs are; personalised packs are under its personal/ folder."""

    @property
    def name(self) -> str:
        return f"{self.variant} {self.who}"


def steps(root: Path, variants: list[str], selection: Selection, profile: Path | None,
          recipients: Path | None, jobs: int | None,
          log: Callable[[str], None] = lambda message: None
          ) -> Iterator[tuple[Step, list[tuple[Path, int | None]]]]:
    """Build each variant and give its step with the PDFs it made, before the next build
    writes over them: (path, how many of its first pages to read; None: all). A personalised
    pack is its built pack with another cover: its first page is what there is to read."""
    from ..pipeline import build_and_publish

    root = root.resolve()  # personalised covers need the logos' absolute paths
    for variant in variants:
        for who, with_profile in (("plain", None), (f"as {profile}", profile)):
            if who != "plain" and with_profile is None:
                continue
            loaded = loader.load(root, None, VARIANTS[variant], with_profile)
            build_dir = proof_dir(loaded.build_dir, variant)
            project = dataclasses.replace(loaded, build_dir=build_dir,
                                          build_root=loaded.build_dir)
            log(f"building {variant} ({who})")
            outputs, _ = build_and_publish(project, None, selection, jobs=jobs,
                                           publishing=False)  # the PDFs are what it reads
            step = Step(variant, who, build_dir)
            yield step, [(build_dir / o.path, None) for o in outputs if o.path.endswith(".pdf")]
            if recipients is not None and who == "plain":
                log(f"personalising {variant} for {recipients.name}")
                yield Step(variant, f"for {recipients.name}", build_dir), [
                    (path, 1) for path in _personal(project.mail, project.render_settings,
                                                    selection, recipients, jobs)]


def _personal(mail: Mail, settings: RenderSettings, selection: Selection, recipients: Path,
              jobs: int | None) -> list[Path]:
    from ..distribute import personalise, recipients as lists

    people, _ = lists.read_recipients(recipients, mail.languages)
    paths: list[Path] = []
    for pack_id, spec in mail.packs.items():
        if selection.packs and pack_id not in selection.packs:
            continue
        chosen = [p for p in people if (not spec.languages or p.lang in spec.languages)
                  and (not selection.languages or p.lang in selection.languages)]
        if chosen:
            paths += personalise.make(mail, settings, pack_id, chosen, jobs).paths.values()
    return paths
