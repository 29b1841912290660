"""Digests: a SHA-256 over parts, a file's bytes, handoutpack's own code."""

from __future__ import annotations

import hashlib
from pathlib import Path
from .memos import memo


def key(*parts: str) -> str:
    """A SHA-256 over the parts, each length-prefixed so that no two lists give the same key."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


@memo("process")  # the code cannot change while it runs
def code_digest() -> str:
    """handoutpack's own code, for what is cached without a render's checks: whole builds,
    packs, placed slides, slide checks."""
    return key(*(file_digest(m) for m in sorted(Path(__file__).parents[1].rglob("*.py"))))
