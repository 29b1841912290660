"""Nothing lost: random front matter never crashes the parser, a killed build leaves the last good
PDFs whole and the next build right, and two builds of one project do not run at once."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import HELLO, MINIMAL_CONFIG, invoke, write_files
from handoutpack.project import loader
from handoutpack.sources import content
from handoutpack.errors import HandoutpackError
from handoutpack.store.lock import build_lock
from pdfs import all_text

KEYS = ["title", "summary", "kind", "order", "date", "audiences", "keywords", "marp",
        "source_revision"]
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.dates() | st.datetimes() | st.sampled_from(
               ["handout", "presentation", "about", "public", "3f2a9c81d0e4", "012345678901"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=10)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("fuzz"), {
        "handoutpack.toml": MINIMAL_CONFIG, "content/handouts/hello.en.md": HELLO})
    return loader.load(root)


def parse(project, text: str) -> None:
    """Parse `text` as a source: it is fine, or a HandoutpackError naming the file; never else."""
    try:
        content.parse("content/handouts/fuzz.en.md", text, project.audiences)
    except HandoutpackError as error:
        assert str(error).startswith("content/handouts/fuzz.en.md"), str(error)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=front_matters)
def test_random_front_matter_never_crashes(project, data):
    parse(project, "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nText.\n")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_random_yaml_text_never_crashes(project, text):
    parse(project, "---\n" + text + "\n---\nText.\n")


@pytest.mark.parametrize("text", [
    "title: x\ndate: 2027-02-30\n",                    # a date that is not one
    "? [a, b]\n: c\n",                                 # an unhashable key
    "title: &a [*a]\n",                                # a recursive alias
    "title: !!python/object:os.system x\n",            # a Python tag: refused by the safe loader
    "a: " + "[" * 5000 + "]" * 5000 + "\n",            # nested beyond Python's recursion limit
    "source_revision: 1e5\n",                          # a number, not a revision
    "title: !!binary aGVsbG8=\n",                       # bytes, not text
])
def test_front_matter_that_once_could_crash(project, text):
    parse(project, "---\n" + text + "---\nText.\n")


def test_a_revision_of_digits_is_read_as_written(project):
    source = HELLO.replace("kind: handout", "kind: handout\nsource_revision: 012345678901")
    meta, _, _ = content.parse("hello.fr.md", source, project.audiences)
    assert meta.source_revision == "012345678901"


# ---------------------------------------------------------------- killed and concurrent builds


DOCUMENTS = {f"content/handouts/doc-{n}.en.md": HELLO.replace("title: Hello", f"title: Document {n}")
             .replace("Hello from", f"Text {n} from") + "\n".join(["More text."] * 40) + "\n"
             for n in range(1, 7)}
PACKS = MINIMAL_CONFIG.replace('documents = ["hello"]',
                               'documents = ["hello", "doc-1", "doc-2", "doc-3", "doc-4", "doc-5", "doc-6"]')


def pdf_bytes(project: Path) -> dict[str, bytes]:
    """The PDFs in build/ (not those a build wrote aside, in a staging folder)."""
    return {str(p.relative_to(project / "build")): p.read_bytes()
            for p in sorted((project / "build").rglob("*.pdf"))
            if not p.relative_to(project / "build").parts[0].startswith(".handoutpack-staging-")}


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "handoutpack", "--project", str(project),
                             "build", "-v"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)


def descendants(pid: int) -> set[int]:
    """The processes started by process `pid`, and by them, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a process that ended but is not reaped yet is not)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            running.add(pid)
    return running


FAULTY_CLI = Path(__file__).parent / "faulty_cli.py"


def start_held_build(project: Path, fault: str, ready: Path) -> subprocess.Popen:
    """A build that stops at `fault` (see faulty_cli.py) and waits there to be signalled, so
    that the signal lands where the test means it to, however fast the machine."""
    return subprocess.Popen([sys.executable, str(FAULTY_CLI), "--project", str(project), "build",
                             "-q"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "HANDOUTPACK_FAULT": fault,
                                 "HANDOUTPACK_FAULT_READY": str(ready)})


def wait_until(ready: Path, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not ready.exists():
        process.kill()
        pytest.fail(f"the build never reached the fault: {process.communicate()[1]}")


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_an_interrupted_build_keeps_good_pdfs_and_the_next_build_is_right(make_project, how):
    project = make_project({"handoutpack.toml": PACKS, **DOCUMENTS})
    assert invoke(project, "build", "-q").exit_code == 0
    old = pdf_bytes(project)
    for name in DOCUMENTS:  # new text, so every output of the next build differs
        path = project / name
        path.write_text(path.read_text().replace("More text.", "Revised text."))

    ready = project.parent / "held"
    process = start_held_build(project, "assembled hang *", ready)
    wait_until(ready, process)  # every render is done; packs are being merged, then written
    workers = descendants(process.pid)
    assert workers, "the build runs its work on worker processes"
    process.send_signal(how)
    process.wait(timeout=60)
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert "Interrupted; files already in build/ are complete" in process.stderr.read()
        assert not list((project / "build").rglob("*.tmp")), "Ctrl-C leaves no temporary file"
    else:
        assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 2
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(workers), "every process of the build ends within 2 seconds of it"

    after = pdf_bytes(project)
    assert set(after) == set(old), "no output is lost"
    for name, data in after.items():
        PdfReader(project / "build" / name)  # each is a whole PDF: old, or new and complete
        assert data == old[name] or b"%%EOF" in data[-32:], name

    assert invoke(project, "build", "-q").exit_code == 0, "the lock died with the process"
    assert not list((project / "build").rglob("*.tmp")), "leftovers of the killed build are gone"
    assert not list((project / "build").rglob(f"handoutpack-{process.pid}-*")), \
        "so is its temporary folder"
    assert not list((project / "build").glob(".handoutpack-staging-*")), "and its staging one"
    manifest = json.loads((project / "build/manifest.json").read_text())["outputs"]
    for entry in manifest:
        data = (project / "build" / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert "Revised text." in all_text(project / "build/en/documents/doc-6.pdf")
    assert "Revised text." in all_text(project / "build/fr/starter.pdf")


@pytest.mark.slow
def test_a_second_build_at_the_same_time_is_refused(make_project):
    project = make_project()
    with build_lock(project / "build"):
        outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 2
    assert outcome.stderr.strip() == (
        f"error: {project}/build: another handoutpack build is running in this project "
        f"(process {os.getpid()}); wait for it to finish, then build again")
    assert not list((project / "build").rglob("*.pdf")), "the refused build wrote nothing"
    assert invoke(project, "build", "-q").exit_code == 0, "and once the first is done, it builds"


@pytest.mark.slow
def test_two_builds_started_together_do_not_corrupt_each_other(make_project):
    project = make_project({"handoutpack.toml": PACKS, **DOCUMENTS})
    first, second = start_build(project), start_build(project)
    results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0, results
    if codes[1] != 0:  # the usual case: the second found the first one's lock
        assert any("another handoutpack build is running" in err for _, err in results)
    for path in (project / "build").rglob("*.pdf"):
        PdfReader(path)
    assert invoke(project, "build", "-q").exit_code == 0
