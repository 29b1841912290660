"""What the workbench page lists and shows: the files a build made (titled, with their page
count and the name they download under), pages as pictures, and each message as it will read."""

from __future__ import annotations

import re
from pathlib import Path

from ..distribute import letters
from ..errors import Problem, printable
from ..markup.scripts import direction
from ..pdf.files import page_count
from ..project import config
from ..publish.catalogue import own_name
from ..publish.thumbnails import page_images
from ..store.memos import memo
from ..store.outputs import PERSONAL_DIR, bundle_path, pack_path, read_outputs

PAGE_WIDTH = 900
"""Pixels across a page picture: sharp in the preview's column."""


def shown_problems(problems: list[Problem]) -> list[str]:
    """A build's warnings as the page lists them: each record formatted as the command line
    does ('content/x.en.md:12: ...'), one line each."""
    return [printable(str(problem)) for problem in problems]


def page_image(path: Path, number: int) -> bytes | None:
    """Page `number` (from 1) of the PDF at `path` as a PNG; None when it has no such page."""
    stat = path.stat()
    return _page_image(str(path), stat.st_mtime_ns, stat.st_size, number)


@memo("inputs", maxsize=64)
def _page_image(path: str, _mtime: int, _size: int, number: int) -> bytes | None:
    data = Path(path).read_bytes()
    if not 1 <= number <= page_count(data):
        return None
    return page_images(data, PAGE_WIDTH, "PNG", range(number - 1, number))[0][0]


def pack_files(project: config.Project, pack: str, lang: str) -> list[dict]:
    """A pack built in a language, and its ZIP, as the page lists them."""
    spec = project.packs[pack]
    if spec.languages and lang not in spec.languages:
        return []
    title = project.text(spec.titles, lang)
    files = [described(project, project.build_dir / pack_path(lang, pack), title, lang, "pack")]
    if (project.build_dir / bundle_path(lang, pack)).is_file():
        files.append(described(project, project.build_dir / bundle_path(lang, pack), title, lang,
                               "zip"))
    return files


def download_name(project: config.Project, relative: str) -> str:
    """What a file downloads as: named with the pack and language, as email attachments are
    (SPTF-media-fr.pdf; a person's own: SPTF-media-fr-rene-char.pdf)."""
    short = re.sub(r"[^A-Za-z0-9]+", "-", project.org.short_name).strip("-")
    parts = Path(relative).parts
    if len(parts) == 2:  # <lang>/<pack>.pdf or .zip
        lang, name = parts
        stem, suffix = Path(name).stem, Path(name).suffix
        return f"{short}-{stem}-{lang}{suffix}".lstrip("-")
    if len(parts) == 4 and parts[0] == PERSONAL_DIR:  # personal/<lang>/<pack>/<name>
        _, lang, pack, name = parts
        return f"{short}-{pack}-{lang}-{name}".lstrip("-")
    return "-".join([short, *parts]).lstrip("-")


def described(project: config.Project, path: Path, title: str, lang: str, kind: str) -> dict:
    relative = path.relative_to(project.build_dir).as_posix()
    if kind == "zip":
        pages = 0
    elif (known := read_outputs(project.build_dir).get(relative)) is not None:
        pages = known.pages
    else:
        pages = page_count(path.read_bytes())
    return {"path": relative, "title": title, "lang": lang, "lang_name": own_name(lang),
            "kind": kind, "pages": pages, "version": f"{path.stat().st_mtime_ns:x}",
            "download": download_name(project, relative)}


def shown_message(project: config.Project, draft: letters.Draft, pack: Path) -> dict:
    """A message as the page shows it: to whom, the subject, the message as it reads in a mail
    program (its HTML part), and their pack."""
    recipient = draft.letter.recipient
    to = str(draft.to)  # as a mail program shows it: the header's Address, made as it is sent
    return {"to": to, "subject": draft.subject, "lang": recipient.lang,
            "dir": direction(recipient.lang), "text": draft.text, "html": draft.html,
            "attachment": draft.letter.attachment.filename,
            "pack": pack.relative_to(project.build_dir).as_posix()}


