"""Shared fixtures: the sample toolkit built once, and throwaway projects made from a dict of files."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import threading
import textwrap
from pathlib import Path

import pytest

from handoutpack.ui.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PARTS = ("handoutpack.toml", "content", "templates", "styles", "emails", "translations")

MINIMAL_CONFIG = """\
[org]
name = "Example Trust"

[languages]
default = "en"
available = ["en", "fr"]

[audiences.public]
name = { en = "the public", fr = "le public" }

[packs.starter]
title = { en = "Starter Pack", fr = "Dossier de départ" }
audience = "public"
documents = ["hello"]
"""

HELLO = """\
---
title: Hello
summary: A first document.
kind: handout
---
## Welcome

Hello from {{ org.name }}.
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text,
                            encoding="utf-8")
    return root


@pytest.fixture(scope="session", autouse=True)
def private_state(tmp_path_factory):
    """The cache secrets (kept in the user's state folder) go to a folder of the test run."""
    import os

    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        del os.environ["XDG_STATE_HOME"]
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture
def make_project(tmp_path):
    """A project from a dict of files; a minimal config and one document unless replaced."""

    def make(files: dict[str, str | bytes] | None = None, minimal: bool = True) -> Path:
        base = {"handoutpack.toml": MINIMAL_CONFIG, "content/handouts/hello.en.md": HELLO}
        return write_files(tmp_path / "project", {**(base if minimal else {}), **(files or {})})

    return make


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The repository's sample toolkit, copied and built once for the whole test run: with
    pytest-xdist, the first worker to need it builds it while the others wait, then all read
    it (no test changes it but for the email outbox, which only the email test reads)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder the workers' own folders are in
    root = shared / "sample"
    with open(shared / "sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / ".built").is_file():
            shutil.rmtree(root, ignore_errors=True)
            for part in SAMPLE_PARTS:
                source = REPO / part
                if source.is_dir():
                    shutil.copytree(source, root / part)
                else:
                    root.mkdir(parents=True, exist_ok=True)
                    shutil.copy(source, root / part)
            result = invoke(root, "build", "-q")
            assert result.exit_code == 0, result.output
            (root / ".built").touch()
    return root


SLOW_FIXTURES = {"sample", "browser", "built", "corpus", "printshop", "x4", "x1a", "handbook",
                 "typeset_project"}
"""Tests using these are slow, and `make test-fast` skips them: the full sample build, a browser,
and the modules' shared builds of larger projects (several languages, scripts, print variants),
each a build of many renders. Tests that make a real build of their own are marked slow where
they are written, but for a few kept in the fast loop as its representatives: one build of each
kind (a plain build, a pack, the cache, email, bundles, the network guard, print options) and two
attack cases (a YAML bomb, the cache secret's place) on the attacks' shared built project."""


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def invoke(project: Path, *args: str):
    """Call the real entry point (error handling included) and capture what it prints."""

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(project), *args])
    return Outcome(code, out.getvalue(), err.getvalue())


class Outcome:
    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr
        self.output = stdout + stderr


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (whose own browser download is unused)."""
    if not CHROMIUM.is_file():
        pytest.skip("browser tests need Debian's chromium: `apt-get install chromium` "
                    "(`make test` installs it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def serving(project: Path):
    """`handoutpack serve` of `project` on a free port of 127.0.0.1, in a thread: its base URL."""
    from handoutpack.ui.serve import make_server

    server = make_server(project, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
