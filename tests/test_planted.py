"""Links planted in build/ and in a build's staging folder while the build runs (held there by
tests/faulty_cli.py's fault hook, so the link lands where the test means it to): nothing is
written outside build/, no file outside is changed or deleted, and build/ stays consistent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_attacks import (FAULTY_CLI, LIMIT, OUTSIDE, STAGING, assert_consistent,  # noqa: F401
                          built_once, project, published, revise, run)


def held_build(project: Path, fault: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A build stopped at `fault`; touching the returned file lets it go on."""
    ready, go = tmp_path / "ready", tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, str(FAULTY_CLI), "--project", str(project), "build", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "HANDOUTPACK_FAULT": fault,
             "HANDOUTPACK_FAULT_READY": str(ready), "HANDOUTPACK_FAULT_GO": str(go)})
    deadline = time.monotonic() + LIMIT
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), process.communicate()[1]
    return process, go


def outside_folder(project: Path) -> tuple[Path, dict[Path, bytes]]:
    """A folder of the user's beside the project, holding files named as the build's are."""
    folder = project.parent / "mine"
    files = {folder / "hello.pdf": b"the user's own hello.pdf", folder / "notes.txt": b"keep me"}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder, files


@pytest.mark.slow
def test_a_link_planted_in_the_staging_folder_writes_nothing_outside(project, tmp_path):
    """While the build is held before staging fr/documents/hello.pdf, fr/documents in its
    staging folder becomes a link to a folder of the user's holding a hello.pdf."""
    folder, files = outside_folder(project)
    before = published(project / "build")
    revise(project)
    process, go = held_build(project, "write hang fr/documents/hello.pdf", tmp_path)
    staging = project / "build" / f"{STAGING}{process.pid}"
    planted = staging / "fr/documents"
    if planted.exists():
        os.rename(planted, staging / "fr/moved-aside")
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(folder, target_is_directory=True)
    go.touch()
    _, stderr = process.communicate(timeout=LIMIT)
    assert all(path.read_bytes() == data for path, data in files.items()), "nothing outside changed"
    assert sorted(p.name for p in folder.iterdir()) == ["hello.pdf", "notes.txt"], \
        "nothing written outside, not even for a moment"
    assert "Traceback" not in stderr
    if process.returncode == 0:
        assert_consistent(project / "build")
    else:
        assert process.returncode == 2 and "outside" in stderr, stderr
        assert published(project / "build") == before, "a refused build changes nothing"
    assert not list((project / "build").glob(f"{STAGING}*"))
    assert run(project, "build", "-q").returncode == 0
    assert_consistent(project / "build")


@pytest.mark.slow
def test_a_link_planted_in_build_during_a_build_is_replaced_not_followed(project, tmp_path):
    """While the build is held (its files staged, none moved yet), build/fr/documents/hello.pdf
    becomes a link to the user's own file: moving the new file into place replaces the link,
    and the user's file is untouched."""
    folder, files = outside_folder(project)
    revise(project)
    process, go = held_build(project, "move hang en/documents/hello.pdf", tmp_path)
    live = project / "build/fr/documents/hello.pdf"
    live.unlink()
    live.symlink_to(folder / "hello.pdf")
    go.touch()
    _, stderr = process.communicate(timeout=LIMIT)
    assert all(path.read_bytes() == data for path, data in files.items()), stderr
    assert process.returncode in (0, 2), stderr
    assert "Traceback" not in stderr
    assert run(project, "build", "-q").returncode == 0
    assert not live.is_symlink() and live.read_bytes().startswith(b"%PDF")
    assert_consistent(project / "build")
