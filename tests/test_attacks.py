"""The adversarial pass of issue #17, case by case: each attack (or a variant of it) ends in
exit 2 with the file named, within the time the harness allows, reads nothing outside the
project, deletes nothing of the user's, and leaves the previous build intact and consistent."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import HELLO, MINIMAL_CONFIG, write_files
from pdfs import all_text

LIMIT = 180
"""Seconds the harness waits for one command: a hang fails the test instead of the suite. Far
more than any of these needs, as the machine may be busy; not a speed the tests assert."""
OUTSIDE = "outside-the-project canary 7c1e"


def run(project: Path, *args: str, timeout: float = LIMIT) -> subprocess.CompletedProcess:
    """The real command in its own process, stopped (and the test failed) at `timeout`."""
    return subprocess.run([sys.executable, "-m", "handoutpack", "--project", str(project),
                           *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attacks") / "project"
    write_files(root, {"handoutpack.toml": MINIMAL_CONFIG, "content/handouts/hello.en.md": HELLO,
                       "content/handouts/hello.fr.md": HELLO.replace("Hello", "Bonjour")})
    result = run(root, "build", "-q")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def project(built_once, tmp_path) -> Path:
    """A copy of a built project, with a canary file beside it that nothing may read."""
    copy = tmp_path / "project"
    shutil.copytree(built_once, copy, symlinks=True)
    (tmp_path / "secret.txt").write_text(OUTSIDE, encoding="utf-8")
    return copy


def snapshot(folder: Path) -> dict[str, str]:
    """Every published file in `folder` by content (the cache and the lock aside)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and p.name != ".handoutpack.lock"}


def assert_consistent(build: Path) -> None:
    """The manifest matches the files, and each zip holds exactly the PDFs beside it."""
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        path = (build / entry["path"]).resolve()
        assert path.is_relative_to(build.resolve()), entry
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    for bundle in build.rglob("*.zip"):
        with zipfile.ZipFile(bundle) as archive:
            for name in archive.namelist():
                assert ".." not in Path(name).parts and not name.startswith("/"), name
                data = archive.read(name)
                assert OUTSIDE.encode() not in data
                if name.endswith(".pdf"):
                    inside = name.split("/", 1)[1]
                    if bundle.name == "everything.zip":
                        candidates = [build / inside]
                    elif inside.startswith("documents/"):  # in its language, or a fallback's
                        candidates = list(build.glob(f"*/*/{Path(inside).name}"))
                    else:
                        candidates = [bundle.parent / inside]
                    assert data in [c.read_bytes() for c in candidates], f"{bundle}: {name}"


def assert_refused(project: Path, result: subprocess.CompletedProcess, *named: str,
                   before: dict[str, str] | None = None, code: int = 2) -> None:
    """Exit `code` (2; 1 where a document's error lets the rest be built), one message naming
    each of `named`, no traceback, the build as it was."""
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for name in named:
        assert name in result.stderr, result.stderr
    build = project / "build"
    if before is not None:
        assert snapshot(build) == before
    assert_consistent(build)


def attack(project: Path, files: dict[str, str | bytes], *args: str):
    """Write `files` into the project, then build; return the result and the build before."""
    before = snapshot(project / "build")
    write_files(project, files)
    return run(project, *(args or ("build", "-q"))), before


def body(text: str) -> dict[str, str]:
    return {"content/handouts/hello.en.md": HELLO + "\n" + text + "\n"}


# ---------------------------------------------------------------- 1. templates run Python


@pytest.mark.slow
def test_a_project_template_cannot_reach_python(project):
    payload = '{{ cycler.__init__.__globals__.os.popen("id").read() }}'
    template = (Path(__file__).parents[1] / "templates/document.html").read_text("utf-8")
    result, before = attack(project, {"templates/document.html": payload + template})
    assert_refused(project, result, "document.html", "unsafe", before=before)
    assert "uid=" not in result.stderr


@pytest.mark.parametrize("payload, says", [
    ('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', "steps"),
    ('{{ "x"|center(3000000000) }}', "center"),
    ('{{ "x"|indent(3000000000) }}', "indent"),
    ('{{ "x"|wordwrap(3000000000) }}', "wordwrap"),
    ('{{ "%3000000000s"|format("x") }}', "format"),
    ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}'
     '{% endfor %}', "characters"),
    ('{% set s = "x" * 1000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}', "characters"),
    ('{{ (["x" * 1000000] * 1000000) | join }}', "join"),
    ('{{ lipsum(1000000000) }}', "lipsum"),
])
@pytest.mark.slow
def test_unbounded_work_in_a_template_is_refused(project, payload, says):
    template = (Path(__file__).parents[1] / "templates/cover.html").read_text("utf-8")
    result, before = attack(project, {"templates/cover.html": payload + template})
    assert_refused(project, result, "cover.html", says, before=before)


@pytest.mark.parametrize("payload, says", [
    ('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', "steps"),
    ('{{ "x"|center(3000000000) }}', "center"),
    ('{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f("x") }}', "characters"),
    ('{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}', "too deeply"),
])
@pytest.mark.slow
def test_unbounded_work_in_content_is_refused(project, payload, says):
    """The document fails alone (exit 1: the rest is built; here it is the only one): its pack
    keeps its previous PDF, and the download page is written again without it."""
    result, before = attack(project, body(payload))
    assert_refused(project, result, "hello.en.md", says, code=1)
    pdfs = {path: digest for path, digest in before.items() if path.endswith(".pdf")}
    assert {p: d for p, d in snapshot(project / "build").items() if p.endswith(".pdf")} == pdfs


@pytest.mark.slow
def test_a_template_that_includes_itself_is_refused(project):
    result, before = attack(project, {"templates/cover.html": '{% include "cover.html" %}'})
    assert_refused(project, result, "cover.html", "itself", before=before)


# ---------------------------------------------------------------- 3. Markdown and front matter


@pytest.mark.parametrize("text, says", [
    pytest.param("[" * 100_000, "'['", id="100000 ["),
    pytest.param("[a](" * 20_000, "'['", id="20000 [a]("),
    pytest.param(">" * 50_000 + " deep", "nested", id="50000 >"),
    pytest.param("<div>\n" * 20_000, "nested", id="20000 div"),
])
@pytest.mark.slow
def test_pathological_markdown_is_refused(project, text, says):
    result, before = attack(project, body(text))
    assert_refused(project, result, "hello.en.md", says, before=before)


@pytest.mark.slow
def test_a_huge_title_is_refused(project):
    source = HELLO.replace("title: Hello", "title: " + "Long " * 320_000)
    result, before = attack(project, {"content/handouts/hello.en.md": source})
    assert_refused(project, result, "hello.en.md", "'title'", "at most 1,000", before=before)


@pytest.mark.slow
def test_a_title_of_a_thousand_characters_builds(project):
    source = HELLO.replace("title: Hello", "title: " + "Long title " * 90)
    result, _ = attack(project, {"content/handouts/hello.en.md": source})
    assert result.returncode == 0, result.stderr


def test_a_yaml_alias_bomb_is_refused(project):
    bomb = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10))
    source = HELLO.replace("kind: handout\n", 'kind: handout\nl0: &l0 "lol"\n' + bomb
                           + "date: *l9\n")
    result, before = attack(project, {"content/handouts/hello.en.md": source})
    # the document is left out and the rest built (issue 25): exit 1, every PDF as it was
    assert result.returncode == 1, result.stderr
    assert "hello.en.md" in result.stderr and "aliases" in result.stderr
    assert "Traceback" not in result.stderr

    def pdfs(files: dict[str, str]) -> dict[str, str]:
        return {name: digest for name, digest in files.items() if name.endswith(".pdf")}

    assert pdfs(snapshot(project / "build")) == pdfs(before)
    assert_consistent(project / "build")
    assert len(result.stderr) < 2000


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize("command", [("build", "-q"), ("check",)])
def test_a_named_pipe_among_the_sources_is_refused(project, command):
    before = snapshot(project / "build")
    os.mkfifo(project / "content/handouts/beta.en.md")
    result = run(project, *command)
    assert result.returncode in (1, 2)  # build: the rest is built, the pipe's document fails
    assert "beta.en.md" in result.stdout + result.stderr
    assert "regular file" in result.stdout + result.stderr
    if command == ("check",):
        assert snapshot(project / "build") == before
    assert not list((project / "build").rglob("beta*"))


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("files, named", [
    ({"handoutpack.toml": MINIMAL_CONFIG.replace("[packs.starter]", '[packs."media\\n"]')},
     "packs.media"),
    ({"handoutpack.toml": MINIMAL_CONFIG.replace("[packs.starter]", "[packs.con]")},
     "packs.con"),
    ({"content/handouts/nul.en.md": HELLO}, "nul.en.md"),
    ({"content/handouts/com1.en.md": HELLO}, "com1.en.md"),
])
@pytest.mark.slow
def test_names_a_zip_could_not_hold_are_refused(project, files, named):
    result, before = attack(project, files)
    if not named.endswith(".md"):
        return assert_refused(project, result, named, before=before)
    # a document's own name: it fails alone (exit 1), the rest is built, nothing takes its name
    assert result.returncode == 1 and named in result.stderr, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    stem = named.split(".")[0]
    assert not [p for p in (project / "build").rglob("*") if p.name.split(".")[0] == stem]
    assert_consistent(project / "build")


# ---------------------------------------------------------------- 2. build/ is not trusted


def forge_manifest(project: Path, entry: dict) -> None:
    path = project / "build/manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["outputs"].append(entry)
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.slow
def test_a_planted_manifest_entry_never_reaches_a_zip(project):
    secret = project.parent / "secret.txt"
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    forge_manifest(project, {"kind": "document", "lang": "en", "path": "../../secret.txt",
                             "pages": 1, "bytes": secret.stat().st_size, "sha256": digest})
    shutil.copy(project / "build/thumbnails" / next(
        p.name for p in (project / "build/thumbnails").iterdir()),
        project / f"build/thumbnails/{digest[:24]}.webp")
    (project / "content/handouts/hello.en.md").write_text(HELLO + "\nChanged.\n", "utf-8")
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert_consistent(project / "build")
    manifest = (project / "build/manifest.json").read_text(encoding="utf-8")
    assert "secret.txt" not in manifest


@pytest.mark.slow
def test_a_manifest_entry_that_lies_about_its_file_is_dropped(project):
    """A real path, but a hash the file does not have: it is built again, not believed."""
    path = project / "build/manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["outputs"][0]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert_consistent(project / "build")


@pytest.mark.slow
def test_a_zip_with_a_copied_stamp_is_written_again(project):
    everything = project / "build/everything.zip"
    with zipfile.ZipFile(everything) as archive:
        comment = archive.comment
    with zipfile.ZipFile(everything, "w") as archive:
        archive.comment = comment
        archive.writestr("example-trust-all/en/starter.pdf", b"not the pack")
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert_consistent(project / "build")


@pytest.mark.slow
def test_a_link_in_build_leading_outside_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project / "build/fr")
    (project / "build/fr").symlink_to(elsewhere)
    (project / "content/handouts/hello.fr.md").write_text(HELLO + "\nChangé.\n", "utf-8")
    result = run(project, "build", "-q")
    assert result.returncode == 2, result.stderr
    assert "build/fr" in result.stderr and "outside" in result.stderr
    assert not list(elsewhere.iterdir()), "nothing is written outside build/"


# ---------------------------------------------------------------- 5. a build folder of its own


@pytest.mark.slow
@pytest.mark.parametrize("folder", [".", "content", "content/out", "templates"])
def test_a_build_folder_that_is_or_holds_the_sources_is_refused(project, folder):
    (project / "templates").mkdir(exist_ok=True)
    (project / "content/.notes.md.swp.tmp").write_text("the user's", "utf-8")
    (project / "content/handouts/.draft.tmp").write_text("the user's", "utf-8")
    config = project / "handoutpack.toml"
    config.write_text(config.read_text("utf-8") + f'\n[paths]\nbuild = "{folder}"\n', "utf-8")
    before = {str(p) for p in project.rglob("*")}
    result = run(project, "build", "-q")
    assert_refused(project, result, "paths.build", "a folder of its own")
    assert {str(p) for p in project.rglob("*")} == before, "nothing written, nothing deleted"


@pytest.mark.slow
def test_a_build_deletes_only_its_own_leftovers(project):
    build = project / "build"
    mine = build / "en" / ".hello.pdf.abc123.handoutpack.tmp"
    mine.write_bytes(b"half a PDF")
    theirs = [build / "en" / ".notes.tmp", build / "thumbnails" / "holiday.webp",
              build / "thumbnails" / ".thumbs.db.tmp"]
    for path in theirs:
        path.write_bytes(b"the user's")
    (project / "content/handouts/hello.en.md").write_text(HELLO + "\nChanged.\n", "utf-8")
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert not mine.exists()
    assert all(path.read_bytes() == b"the user's" for path in theirs)
    assert_consistent(build)


# ---------------------------------------------------------------- 3. every render is limited

LONG_TABLE = "| a | b |\n|---|---|\n" + "| cell | cell |\n" * 4000


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_render_past_its_time_limit_is_stopped_naming_the_document(project, jobs):
    before = snapshot(project / "build")
    write_files(project, {**body(LONG_TABLE), "content/handouts/hello.fr.md": HELLO + "\nDeux.\n"})
    result = subprocess.run(
        [sys.executable, "-m", "handoutpack", "--project", str(project), "build", "-q",
         "--jobs", jobs], capture_output=True, text=True, timeout=LIMIT,
        env={**os.environ, "HANDOUTPACK_RENDER_SECONDS": "1"})
    assert_refused(project, result, "hello.en.md", "longer than 1 s", before=before)


@pytest.mark.slow
@pytest.mark.parametrize("megabytes", ["150", "220"])
def test_a_render_past_its_memory_limit_is_stopped_naming_the_document(project, megabytes):
    """Limits below what any render needs: 150 MB is less than an idle worker holds (the render's
    first allocation fails), 220 MB more (it fails partway, in Python, in C with no MemoryError,
    or by dying). The limit holds only while the render runs, so the pool's own code never runs
    out: it once did, now and then, printing a worker's traceback."""
    before = snapshot(project / "build")
    result = subprocess.run(
        [sys.executable, "-m", "handoutpack", "--project", str(project), "build", "-q",
         "--jobs", "2", "--no-cache"], capture_output=True, text=True, timeout=LIMIT,
        env={**os.environ, "HANDOUTPACK_RENDER_MEMORY_MB": megabytes})
    assert_refused(project, result, "hello", "memory", before=before)


# ---------------------------------------------------------------- a full or read-only disk


@pytest.fixture
def small_disk(project):
    """The project's build/ on a 64 MB tmpfs of its own (as root, where mounting is allowed),
    holding a finished build; unmounted afterwards."""
    build = project / "build"
    saved = project.parent / "saved-build"
    shutil.move(build, saved)
    build.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(build)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small disk needs root (mount -t tmpfs)")
    try:
        shutil.copytree(saved, build, dirs_exist_ok=True, symlinks=True)
        yield build
    finally:
        subprocess.run(["umount", "-l", str(build)], check=False)


@pytest.mark.slow
def test_a_full_disk_stops_the_build_before_it_replaces_anything(project, small_disk):
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 200_000))
    before = snapshot(small_disk)
    (project / "content/handouts/hello.en.md").write_text(HELLO + "\nChanged.\n", "utf-8")
    result = run(project, "build", "-q")
    assert_refused(project, result, str(small_disk), "MB", before=before)


def test_a_full_disk_met_at_a_write_of_unknown_size_still_says_how_much_is_free(tmp_path):
    # The disk may fill at any write: a folder's, a link's, a file's whose size is not known.
    from handoutpack.store.writing import unwritable
    error = unwritable(tmp_path, OSError(errno.ENOSPC, "No space left on device"))
    free = shutil.disk_usage(tmp_path).free / 1_000_000
    [problem] = error.problems
    assert problem.file == str(tmp_path)
    assert f"{free:.1f} MB free" in problem.message, problem.message
    [sized] = unwritable(tmp_path / "pack.pdf", OSError(errno.ENOSPC, "No space"),
                         2_500_000).problems
    assert "MB free, 2.5 MB needed" in sized.message and "pack.pdf" in sized.message


@pytest.mark.slow
def test_a_read_only_build_folder_is_named(project, small_disk):
    before = snapshot(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    (project / "content/handouts/hello.en.md").write_text(HELLO + "\nChanged.\n", "utf-8")
    result = run(project, "build", "-q")
    assert_refused(project, result, str(small_disk), "Read-only", before=before)


# ---------------------------------------------------------------- all-or-nothing publishing

FAULTY_CLI = Path(__file__).parent / "faulty_cli.py"
STAGING = ".handoutpack-staging-"


def start_faulty(project: Path, fault: str, ready: Path | None = None) -> subprocess.Popen:
    """`handoutpack build` with HANDOUTPACK_FAULT set (see faulty_cli.py), in its own process."""
    return subprocess.Popen(
        [sys.executable, str(FAULTY_CLI), "--project", str(project), "build", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1", "HANDOUTPACK_FAULT": fault,
             "HANDOUTPACK_FAULT_READY": str(ready or "")})


def revise(project: Path) -> None:
    """New text in every source, so that every output of the next build differs."""
    for source in (project / "content/handouts").glob("hello.*.md"):
        source.write_text(source.read_text("utf-8") + "\nRevised.\n", "utf-8")


def published(build: Path) -> dict[str, str]:
    """snapshot(), without any staging folder."""
    return {path: digest for path, digest in snapshot(build).items()
            if not path.startswith(STAGING)}


@pytest.mark.slow
@pytest.mark.parametrize("failing", ["en/documents/hello.pdf", "fr/*.pdf", "fr/starter.zip",
                                     "everything.zip", "thumbnails/*", "fr/index.html",
                                     "manifest.json"])
def test_a_disk_full_midway_through_publishing_leaves_the_last_build(project, failing):
    """The disk fills (another program writing) while this build writes one of its files."""
    before = snapshot(project / "build")
    revise(project)
    process = start_faulty(project, f"write enospc {failing}")
    _, stderr = process.communicate(timeout=LIMIT)
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr and "no space left" in stderr, stderr
    assert snapshot(project / "build") == before, "not one file replaced, none left aside"
    assert_consistent(project / "build")


@pytest.mark.slow
@pytest.mark.parametrize("when, at", [("write", "everything.zip"), ("move", "fr/index.html")])
def test_a_build_killed_while_publishing_is_made_whole_by_the_next(project, tmp_path, when, at):
    """kill -9 while the new files are written aside (build/ is then still the last build's),
    or while they are moved into place: the next build leaves every file consistent, and
    removes what the killed one left aside, but nothing of the user's."""
    build = project / "build"
    mine = {build / "notes.txt": b"the user's", build / f"{STAGING}mine/a.txt": b"the user's"}
    for path, data in mine.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    before = published(build)
    revise(project)
    ready = tmp_path / "ready"
    process = start_faulty(project, f"{when} hang {at}", ready)
    deadline = time.monotonic() + LIMIT
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ready.exists(), process.communicate()[1]
    process.kill()
    process.wait(timeout=60)
    assert (build / f"{STAGING}{process.pid}").is_dir(), "the new files were written aside"
    if when == "write":
        assert published(build) == before, "nothing was replaced before every file was ready"
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert_consistent(build)
    assert [p.name for p in build.glob(f"{STAGING}*")] == [f"{STAGING}mine"]
    assert all(path.read_bytes() == data for path, data in mine.items())
    assert "Revised." in all_text(build / "fr/starter.pdf"), "the new build is published"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["build", "check"])
def test_ansi_escapes_in_a_file_name_are_printed_escaped(project, command):
    """(click strips some escapes when not writing to a terminal, so the escaped form is what
    tells the fix is there.)"""
    result, _ = attack(project, {"content/handouts/\x1b[2Jevil.en.md": "not front matter"},
                       command)
    assert result.returncode in (1, 2), result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[2Jevil.en.md" in result.stdout + result.stderr


@pytest.mark.slow
def test_ansi_escapes_in_a_recipient_list_are_printed_escaped(project):
    config = project / "handoutpack.toml"
    config.write_text(config.read_text("utf-8") + '[email]\nfrom = "Trust <press@example.org>"\n',
                      "utf-8")
    write_files(project, {"people.csv": "email,name,language\n\x1b[31mbad@@x,Bob,en\n"})
    result = run(project, "email", "starter", "--to", str(project / "people.csv"))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[31mbad@@x" in result.stderr


# ---------------------------------------------------------------- 6. forged cache entries


@pytest.mark.slow
def test_a_forged_cache_entry_is_not_shipped(project):
    """The attack of the issue: another render's data put into an entry, with every checksum
    the entry holds recomputed. The seal is an HMAC under a secret outside build/, so the
    entry is refused and the document rendered again."""
    assert run(project, "build", "-q").returncode == 0  # its cache, keyed by where it is now
    build = project / "build"
    english = (build / "en/documents/hello.pdf").read_bytes()
    french = (build / "fr/documents/hello.pdf").read_bytes()
    forged = 0
    for entry in (build / ".cache/renders").rglob("*"):
        if not entry.is_file():
            continue
        magic, seal, line, data = entry.read_bytes().split(b"\n", 3)
        header = json.loads(line)
        if data != english:
            continue
        header.update(bytes=len(french), sha256=hashlib.sha256(french).hexdigest())
        line = json.dumps(header, sort_keys=True).encode()
        seal = hashlib.sha256(line + b"\n" + french).hexdigest().encode()
        entry.write_bytes(b"\n".join([magic, seal, line, french]))
        forged += 1
    assert forged, "the build left an entry to forge"
    (build / "en/documents/hello.pdf").unlink()
    result = run(project, "build", "-v")
    assert result.returncode == 0, result.stderr
    assert "hello.en.md: cache entry damaged" in result.stderr
    assert (build / "en/documents/hello.pdf").read_bytes() == english
    assert_consistent(build)


def test_the_cache_secret_is_kept_outside_the_project(project):
    from handoutpack.store.cache import secrets_folder

    keys = list(secrets_folder().iterdir())
    assert keys and all(not k.resolve().is_relative_to(project.resolve()) for k in keys)
    assert all(k.stat().st_mode & 0o077 == 0 for k in keys), "readable by its owner only"


# ---------------------------------------------------------------- escaping, and huge images


@pytest.mark.slow
def test_the_download_intro_is_markdown_without_raw_html(project):
    config = project / "handoutpack.toml"
    config.write_text(config.read_text("utf-8") + '\n[download.intro]\nen = "**Read** this '
                      '<script>alert(1)</script> <img src=x onerror=alert(2)>"\n', "utf-8")
    result = run(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    page = (project / "build/index.html").read_text("utf-8")
    assert "<strong>Read</strong>" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.slow
def test_css_that_would_end_the_page_s_style_is_refused(project):
    css = (Path(__file__).parents[1] / "styles/download.css").read_text("utf-8")
    result, before = attack(project, {"styles/download.css": css + "</style><script>alert(1)"
                                                                   "</script><style>"})
    assert_refused(project, result, "download.css", "</style", before=before)


@pytest.mark.slow
def test_an_image_over_the_pixel_budget_is_refused_naming_it(project):
    from PIL import Image

    picture = project / "content/handouts/huge.png"
    Image.new("1", (13_000, 13_000)).save(picture, optimize=True)
    assert picture.stat().st_size < 1_000_000, "a small file, a huge image"
    result, before = attack(project, body("![A huge picture](huge.png)"))
    assert_refused(project, result, "huge.png", "169 megapixels", before=before)


@pytest.mark.slow
def test_the_pixel_budget_is_a_setting(project):
    from PIL import Image

    Image.new("RGB", (300, 200), "teal").save(project / "content/handouts/small.png")
    config = project / "handoutpack.toml"
    config.write_text(config.read_text("utf-8") + "\n[security]\nmax_image_megapixels = 0.05\n",
                      "utf-8")
    result, before = attack(project, body("![A small picture](small.png)"))
    assert_refused(project, result, "small.png", "0.05 megapixels", before=before)
