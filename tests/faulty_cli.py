"""The real CLI, with a fault injected into publishing, for tests that need a build to fail or
stop at a chosen file (tests/test_attacks.py runs it as `python tests/faulty_cli.py ARGS`).

HANDOUTPACK_FAULT = "<when> <what> <glob>": when `write` (staging a file for build/) or `move`
(moving it into place) reaches the first file whose path inside build/ matches <glob>, or when
`assembled` hears that the first pack matching <glob> was assembled (its worker processes still
running, the other packs still on them), `enospc` raises "No space left on device" as a full
disk would, and `hang` touches the file named by HANDOUTPACK_FAULT_READY and waits, to be
killed or interrupted, or until the file named by HANDOUTPACK_FAULT_GO exists, then goes on: a
test holds the build at the point it tests instead of racing it."""

from __future__ import annotations

import errno
import fnmatch
import os
import sys
import time
from pathlib import Path

from handoutpack.ui import cli
from handoutpack.store import outputs
from handoutpack.store import writing
from handoutpack import progress


def fault(relative: str) -> None:
    """Fail or hang here when the fault's glob matches `relative` (once: the first match)."""
    _, what, pattern = os.environ["HANDOUTPACK_FAULT"].split()
    if not fnmatch.fnmatch(relative, pattern) or os.environ.get("HANDOUTPACK_FAULT_DONE"):
        return
    os.environ["HANDOUTPACK_FAULT_DONE"] = "1"
    if what == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    Path(os.environ["HANDOUTPACK_FAULT_READY"]).touch()
    go = os.environ.get("HANDOUTPACK_FAULT_GO")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not (go and Path(go).exists()):
        time.sleep(0.05)


def faulty_write(original):
    def write(self, relative: str, data: bytes) -> bool:
        try:
            fault(relative)
        except OSError as error:
            raise writing.unwritable(self.build_dir / relative, error, len(data)) from None
        return original(self, relative, data)
    return write


def faulty_move(original):
    def move(staged: Path, live: Path) -> None:
        folder = next(p for p in staged.parents if p.name.startswith(outputs.STAGING_PREFIX))
        try:
            fault(staged.relative_to(folder).as_posix())
        except OSError as error:
            raise writing.unwritable(live, error) from None
        original(staged, live)
    return staticmethod(move)


def faulty_report(original):
    def did(self, kind: str, name: str, reason: str) -> None:
        original(self, kind, name, reason)
        if kind == "assembled":
            fault(name)
    return did


if __name__ == "__main__":
    when = os.environ["HANDOUTPACK_FAULT"].split()[0]
    if when == "write":
        outputs.Staging.write = faulty_write(outputs.Staging.write)
    elif when == "assembled":
        progress.Reporter.did = faulty_report(progress.Reporter.did)
    else:
        outputs.Staging._move = faulty_move(outputs.Staging._move)
    sys.exit(cli.main(sys.argv[1:]))
