"""What a document's pages and findings are made from, by digest: the setting every document
shares (the code, the configuration, every file of the project that is not a document's source,
the theme) and each source's own text. A build keeps each document's planned renders and check
findings under these, so an edit plans and checks again only the documents it can change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..markup.theme import builtin_dir
from ..markup import templates
from ..project.parts import Folders
from ..sources.content import Document, Translation
from ..store.digests import code_digest, key


def setting(folders: Folders, config: object) -> str:
    """Everything a document's pages and findings may depend on besides the documents' sources:
    handoutpack's code, the configuration as loaded that they are made from (`config`: the
    slice, or the project, by its repr: the profile and the config texts in it), the settings
    from the environment, every other file of the project and of its template and style folders
    (templates, labels, translation catalogues, styles, images: by path, size and date), and the
    sources' names (a link to another document works when its file exists). Files outside the
    project are not seen, as for a build with nothing changed (pipeline.Unchanged)."""
    tops = [folders.root, *templates.template_dirs(folders), *templates.style_dirs(folders),
            builtin_dir("templates"), builtin_dir("styles")]
    sources = folders.content.resolve()
    listing = [line for top in dict.fromkeys(f.resolve() for f in tops)
               for line in _listing(top, folders.outputs.resolve(), sources)]
    return key("setting", code_digest(), repr(config), os.environ.get("SOURCE_DATE_EPOCH", ""),
               *listing)


def _listing(root: Path, build_dir: Path, sources: Path) -> list[str]:
    """Each file under `root` but build/ and hidden folders, by path, size and date; a
    document's source (a .md file in the content folder) by its path only."""
    lines = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".")
                            and Path(folder, f) != build_dir)
        source_folder = Path(folder).is_relative_to(sources)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if source_folder and name.endswith(".md"):
                lines.append(path)
                continue
            try:
                info = os.stat(path)
            except OSError:
                continue
            lines.append(f"{path} {info.st_size} {info.st_mtime_ns}")
    return lines


def source_state(translation: Translation) -> str:
    """A translation's source as read: its front matter and body."""
    return hashlib.sha256(f"{translation.path}\n{translation.meta!r}\n{translation.body_line}\n"
                          f"{translation.body}".encode("utf-8", "surrogatepass")).hexdigest()


def sources_state(documents: dict[str, Document]) -> dict[Path, str]:
    """Each source's state (source_state), by its path."""
    return {t.path.resolve(): source_state(t) for d in documents.values()
            for t in d.translations.values()}
