"""Who has been sent a pack: build/outbox/<pack>/sent.jsonl, a journal of one JSON line per
event, only ever appended to and each line on the disk before the run goes on. The last line
for an address says where it stands. A run writes 'sending' before a message goes and 'sent'
(or 'refused', 'deferred', 'skipped', 'failed') once the server answered, so a crash in between
leaves 'sending': that message may have arrived, and is never sent again on its own.

Why lines and not sqlite: a line costs one write and one fsync whatever the log holds, a crash
can only cut the last line short (which is dropped), and a person can read the log, or delete an
address's lines to send to it again, with a text editor."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import BinaryIO

from ..errors import HandoutpackError
from ..store.writing import unwritable, write_atomic

JOURNAL = "sent.jsonl"
LEGACY = "sent.json"
"""Earlier versions' log, rewritten whole after each message; read, and moved into the journal
by the first run that sends."""
MIGRATED = "sent.json.migrated"
STATUSES = frozenset({"sending", "sent", "refused", "deferred", "skipped", "failed"})
MAX_LINE = 64_000
"""Longer than any line handoutpack writes (an address and a server's reply)."""


class SentLog:
    """The journal of one pack's outbox folder, read whole at the start of a run; `record`
    appends to it."""

    def __init__(self, folder: Path):
        self.path = folder / JOURNAL
        self.legacy = folder / LEGACY
        self.entries: dict[str, dict] = {}
        """The last entry for each address (lower case)."""
        self.whole = 0
        """Bytes of the journal up to its last complete line."""
        self._file: BinaryIO | None = None
        if self.path.is_symlink():
            raise HandoutpackError("is a link; handoutpack writes the log itself, "
                                   "as a file. Remove the link. Nothing was sent.",
                                   file=str(self.path))
        if self.path.exists():
            self._read_journal()
        elif self.legacy.exists():
            self.entries = read_legacy(self.legacy)

    def status(self, address: str) -> str | None:
        return self.entries.get(address.lower(), {}).get("status")

    def record(self, email: str, lang: str, file: str, status: str, detail: str = "") -> None:
        """Append one event and wait until it is on the disk."""
        entry = {"email": email, "status": status, "lang": lang, "file": file,
                 "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 **({"detail": detail} if detail else {})}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        file = self._file or self._open()
        try:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())
        except OSError as error:
            raise unwritable(self.path, error, len(line)) from None
        self.entries[email.lower()] = entry

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> SentLog:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    # ------------------------------------------------------------ reading

    def _read_journal(self) -> None:
        try:
            with self.path.open("rb") as file:
                for number, raw in enumerate(iter(lambda: file.readline(MAX_LINE), b""), 1):
                    if not raw.endswith(b"\n"):
                        if len(raw) < MAX_LINE and _torn(raw):
                            break  # the last line, cut short by a crash: never acted upon
                        raise self._damaged(number, "is not a line handoutpack writes")
                    entry = _entry(raw)
                    if entry is None:
                        raise self._damaged(number, "is not a line handoutpack writes")
                    self.entries[entry["email"].lower()] = entry
                    self.whole += len(raw)
        except OSError as error:
            raise HandoutpackError(f"cannot be read ({error.strerror}); "
                                   "it says who already has the pack. Nothing was sent.",
                                   file=str(self.path)) from None

    def _damaged(self, line: int, what: str) -> HandoutpackError:
        return HandoutpackError(
            f"{what}, so it is not known who already has the pack. Nothing "
            "was sent. Repair or remove that line (each line is one address's status; an "
            "address without a line is sent the pack), or remove the file to send to everyone "
            "again.", file=str(self.path), line=line)

    # ------------------------------------------------------------ writing

    def _open(self) -> BinaryIO:
        """The journal, for appending: an old sent.json moved into it first, and a last line
        that a crash cut short taken off (nothing acted upon it)."""
        if not self.path.exists():
            self._start()
        try:
            self._file = self.path.open("r+b")
            self._file.truncate(self.whole)
            self._file.seek(self.whole)
        except OSError as error:
            raise unwritable(self.path, error, MAX_LINE) from None
        return self._file

    def _start(self) -> None:
        lines = b"".join((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
                         for entry in self.entries.values())
        write_atomic(self.path, lines)  # whole or not at all: the old log stays until then
        self.whole = len(lines)
        if self.legacy.exists():
            os.replace(self.legacy, self.legacy.with_name(MIGRATED))


def _torn(raw: bytes) -> bool:
    """Whether `raw`, the journal's last bytes with no end of line, is the start of a line
    handoutpack writes, cut short: anything else there was put by someone else."""
    start = b'{"email": "'
    return raw.startswith(start) or start.startswith(raw)


def _entry(raw: bytes) -> dict | None:
    """A journal line as written, or None for anything else."""
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    if (isinstance(entry, dict) and isinstance(entry.get("email"), str) and entry["email"]
            and entry.get("status") in STATUSES):
        return entry
    return None


def read_legacy(path: Path) -> dict[str, dict]:
    """An earlier version's sent.json: {"sent": {address: entry}}."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["sent"]
        if not isinstance(entries, dict):
            raise TypeError
        checked = {key.lower(): {"email": key, **entry} for key, entry in entries.items()}
        if any(_entry(json.dumps(entry).encode()) is None for entry in checked.values()):
            raise TypeError
        return checked
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise HandoutpackError(
            "cannot be read, so it is not known who already has the pack. Nothing was "
            "sent. Repair or remove it (removing it sends to everyone again).",
                               file=str(path)) from None
