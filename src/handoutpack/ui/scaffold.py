"""`handoutpack new DIR`: a project that builds at once, to start from (src/handoutpack/starter)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..sources import content
from ..sources import frontmatter
from ..errors import HandoutpackError

STARTER = Path(__file__).parent / "starter"
TRANSLATION = "content/handouts/welcome.fr.md"
SOURCE = "content/handouts/welcome.en.md"


def create(folder: Path) -> list[Path]:
    """Write the starter project into `folder` (new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise HandoutpackError("already exists and is not an empty folder; name a new "
                               "folder, e.g. `handoutpack new my-handouts`", file=str(folder))
    shutil.copytree(STARTER, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    # the translation is current: it records the revision of the English it was written from
    english = frontmatter.body_of((folder / SOURCE).read_text(encoding="utf-8"))
    french = folder / TRANSLATION
    french.write_text(french.read_text(encoding="utf-8").replace(
        "REVISION", content.revision(english or "")), encoding="utf-8")
    return sorted(p for p in folder.rglob("*") if p.is_file())
