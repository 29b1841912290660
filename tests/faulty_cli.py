"""The real CLI, with a fault injected into publishing, for tests that need a build to fail or
stop at a chosen file (tests/test_attacks.py runs it as `python tests/faulty_cli.py ARGS`).

HANDOUTPACK_FAULT = "<when> <what> <glob>": when `write` (staging a file for build/) or `move`
(moving it into place) reaches the first file whose path inside build/ matches <glob>, `enospc`
raises "No space left on device" as a full disk would, and `hang` touches the file named by
HANDOUTPACK_FAULT_READY and waits, to be killed."""

from __future__ import annotations

import errno
import fnmatch
import os
import sys
import time
from pathlib import Path

from handoutpack.ui import cli
from handoutpack.store import outputs


def fault(relative: str) -> None:
    """Fail or hang here when the fault's glob matches `relative` (once: the first match)."""
    _, what, pattern = os.environ["HANDOUTPACK_FAULT"].split()
    if not fnmatch.fnmatch(relative, pattern) or os.environ.get("HANDOUTPACK_FAULT_DONE"):
        return
    os.environ["HANDOUTPACK_FAULT_DONE"] = "1"
    if what == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    Path(os.environ["HANDOUTPACK_FAULT_READY"]).touch()
    time.sleep(600)


def faulty_write(original):
    def write(self, relative: str, data: bytes) -> bool:
        try:
            fault(relative)
        except OSError as error:
            raise outputs.unwritable(self.build_dir / relative, error, len(data)) from None
        return original(self, relative, data)
    return write


def faulty_move(original):
    def move(staged: Path, live: Path) -> None:
        folder = next(p for p in staged.parents if p.name.startswith(outputs.STAGING_PREFIX))
        try:
            fault(staged.relative_to(folder).as_posix())
        except OSError as error:
            raise outputs.unwritable(live, error) from None
        original(staged, live)
    return staticmethod(move)


if __name__ == "__main__":
    when = os.environ["HANDOUTPACK_FAULT"].split()[0]
    if when == "write":
        outputs.Staging.write = faulty_write(outputs.Staging.write)
    else:
        outputs.Staging._move = faulty_move(outputs.Staging._move)
    sys.exit(cli.main(sys.argv[1:]))
