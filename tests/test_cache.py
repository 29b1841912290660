"""Builds reuse what has not changed, redo what has, and give the same bytes every time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import HELLO, MINIMAL_CONFIG, invoke, write_files
from handoutpack.render import pool as parallel, engine as render
from handoutpack.store.outputs import CACHE_DIR
from handoutpack.store.outputs import LOCK_NAME

HELLO_FR = """\
---
title: Bonjour
summary: Un premier document.
kind: handout
---
## Bienvenue

Bonjour de la part de {{ org.name }}.
"""

PICTURE = """\
---
title: Picture
summary: A document with an image.
kind: handout
---
## Our logo

![The logo](logo.svg)
"""

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
       '<rect width="40" height="40" fill="{colour}"/></svg>')

TWO_DOCUMENTS = MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["hello", "picture"]')


def project_files() -> dict[str, str]:
    return {"handoutpack.toml": TWO_DOCUMENTS, "content/handouts/hello.fr.md": HELLO_FR,
            "content/handouts/picture.en.md": PICTURE,
            "content/handouts/logo.svg": SVG.format(colour="#0B4F6C")}


def build(project: Path, *args: str) -> tuple[set[str], set[str], str]:
    """Build with -v; return what was rendered and what was assembled (by name), and the log."""
    outcome = invoke(project, "build", "-v", *args)
    assert outcome.exit_code == 0, outcome.output
    rendered = set(re.findall(r"^  rendered (.+?): ", outcome.stderr, re.M))
    assembled = set(re.findall(r"^  assembled (.+?): ", outcome.stderr, re.M))
    return rendered, assembled, outcome.output


def written(project: Path) -> dict[Path, int]:
    """When each file in build/ was last written (the build lock aside: every build takes it)."""
    return {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*")
            if p.is_file() and p.name != LOCK_NAME}


def pdf_bytes(project: Path) -> dict[str, bytes]:
    build_dir = project / "build"
    return {str(p.relative_to(build_dir)): p.read_bytes() for p in sorted(build_dir.rglob("*.pdf"))
            if CACHE_DIR not in p.parts}


@pytest.mark.slow
def test_first_build_renders_everything_once(make_project):
    project = make_project(project_files())
    rendered, assembled, log = build(project)
    documents = {"content/handouts/hello.en.md", "content/handouts/hello.fr.md",
                 "content/handouts/picture.en.md"}
    in_packs = {"content/handouts/hello.en.md (in packs)", "content/handouts/hello.fr.md (in packs)",
                "content/handouts/picture.en.md (in packs)",
                "content/handouts/picture.en.md (in packs, fr fallback)"}
    own_pages = {f"{page} of pack 'starter' ({lang})" for lang in ("en", "fr")
                 for page in ("cover", "contents", "page numbers")}
    assert rendered == documents | in_packs | own_pages
    assert assembled == {"en/starter.pdf", "fr/starter.pdf"}
    assert "rendered content/handouts/hello.en.md: new" in log
    assert "13 renders, 0 reused, 2 packs assembled" in log


@pytest.mark.slow
def test_a_build_with_nothing_changed_renders_and_writes_nothing(make_project):
    project = make_project(project_files())
    build(project)
    before = written(project)
    rendered, assembled, log = build(project)
    assert (rendered, assembled) == (set(), set())
    assert "0 renders, 7 reused, 0 packs assembled" in log
    assert written(project) == before, "not even the manifest is rewritten"


@pytest.mark.slow
def test_a_build_with_nothing_to_render_never_imports_weasyprint(make_project):
    project = make_project()
    build(project)
    script = ("import sys; from handoutpack.ui.cli import main; "
              f"code = main(['--project', {str(project)!r}, 'build', '-q']); "
              "print(code, 'weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["0", "False"]


def test_a_build_with_nothing_changed_loads_no_stage_at_all(make_project):
    project = make_project(project_files())
    build(project)
    stages = ["weasyprint", "jinja2", "markdown", "pikepdf", "handoutpack.check",
              "handoutpack.publish.stage"]
    script = ("import sys; from handoutpack.ui.cli import main; "
              f"code = main(['--project', {str(project)!r}, 'build']); "
              f"print(code, [m for m in {stages!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split("\n")[-2] == "0 []"
    assert "0 renders, 7 reused, 0 packs assembled" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("published", ["index.html", "en/starter.zip", "everything.zip"])
def test_a_published_file_removed_or_changed_is_written_again(make_project, published):
    project = make_project(project_files())
    build(project)
    path = project / "build" / published
    good = path.read_bytes()
    path.unlink()
    build(project)
    assert path.read_bytes() == good
    path.write_bytes(good[:-1] + b"!")  # same size: its change time still tells
    build(project)
    assert path.read_bytes() == good


@pytest.mark.slow
def test_an_edited_template_that_layouts_include_reaches_every_page(make_project):
    project = make_project(project_files())
    build(project)
    base = (Path(__file__).parents[1] / "templates" / "base.html").read_text(encoding="utf-8")
    body = '<body class="{% block body_class %}{% endblock %}">'
    assert body in base
    write_files(project, {"templates/base.html": base.replace(
        body, body + "<p>Draft for review</p>", 1)})
    build(project)
    for pdf in ("en/documents/hello.pdf", "fr/starter.pdf"):
        text = PdfReader(str(project / "build" / pdf)).pages[0].extract_text()
        assert "Draft for review" in text, pdf


@pytest.mark.slow
def test_a_changed_translation_rebuilds_only_its_language(make_project):
    project = make_project(project_files())
    build(project)
    english = pdf_bytes(project)
    write_files(project, {"content/handouts/hello.fr.md": HELLO_FR.replace("Bonjour de", "Salut de")})
    rendered, assembled, log = build(project)
    assert rendered == {"content/handouts/hello.fr.md", "content/handouts/hello.fr.md (in packs)"}
    assert "rendered content/handouts/hello.fr.md: content/handouts/hello.fr.md changed" in log
    assert assembled == {"fr/starter.pdf"}
    assert "assembled fr/starter.pdf: hello changed" in log
    now = pdf_bytes(project)
    assert [p for p in now if now[p] != english[p]] == ["fr/documents/hello.pdf", "fr/starter.pdf"]
    assert "Salut de" in PdfReader(str(project / "build/fr/starter.pdf")).pages[2].extract_text()


@pytest.mark.slow
def test_a_changed_template_rerenders_what_uses_it_and_nothing_else(make_project):
    project = make_project(project_files())
    build(project)
    cover = (Path(__file__).parents[1] / "templates" / "cover.html").read_text(encoding="utf-8")
    write_files(project, {"templates/cover.html": cover.replace(
        '<p class="cover-audience">', '<p class="cover-audience">Printed for the stand. ')})
    rendered, assembled, log = build(project)
    assert rendered == {"cover of pack 'starter' (en)", "cover of pack 'starter' (fr)"}
    assert ("rendered cover of pack 'starter' (en): its template, labels or settings changed"
            in log)
    assert assembled == {"en/starter.pdf", "fr/starter.pdf"}
    assert "assembled en/starter.pdf: its settings, templates or styles changed" in log
    assert "Printed for the stand." in PdfReader(str(project / "build/en/starter.pdf")).pages[0].extract_text()


@pytest.mark.slow
def test_a_changed_image_rerenders_only_the_documents_showing_it(make_project):
    project = make_project(project_files())
    build(project)
    write_files(project, {"content/handouts/logo.svg": SVG.format(colour="#E09F3E")})
    rendered, assembled, log = build(project)
    assert rendered == {"content/handouts/picture.en.md", "content/handouts/picture.en.md (in packs)",
                        "content/handouts/picture.en.md (in packs, fr fallback)"}
    assert "rendered content/handouts/picture.en.md: content/handouts/logo.svg changed" in log
    assert assembled == {"en/starter.pdf", "fr/starter.pdf"}


@pytest.mark.slow
def test_a_changed_font_rerenders_everything_using_it(make_project):
    styles = Path(__file__).parents[1] / "styles"
    project = make_project({"styles/fonts.css": (styles / "fonts.css").read_text(encoding="utf-8"),
                            "styles/fonts/Lato-Bold.ttf": (styles / "fonts/Lato-Bold.ttf").read_bytes()})
    build(project)
    font = project / "styles/fonts/Lato-Bold.ttf"
    font.write_bytes((styles / "fonts/Lato-Black.ttf").read_bytes())
    rendered, _, log = build(project)
    assert "content/handouts/hello.en.md" in rendered and "cover of pack 'starter' (en)" in rendered
    assert "rendered content/handouts/hello.en.md: styles/fonts/Lato-Bold.ttf changed" in log


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "empty", "delete"])
def test_a_damaged_or_missing_cache_entry_is_rendered_again(make_project, damage):
    project = make_project()
    build(project)
    good = pdf_bytes(project)
    entries = sorted((project / "build" / CACHE_DIR / "renders").rglob("*"))
    entries = [e for e in entries if e.is_file()]
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        if damage == "flip a byte":
            entry.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
        elif damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            entry.write_bytes(b"")
        else:
            entry.unlink()
    touch(project)
    rendered, assembled, log = build(project)
    assert rendered == {"content/handouts/hello.en.md", "content/handouts/hello.en.md (in packs)",
                        "content/handouts/hello.en.md (in packs, fr fallback)"}
    reason = "not in the cache" if damage == "delete" else "cache entry damaged"
    assert f"rendered content/handouts/hello.en.md: {reason}" in log
    assert assembled == set(), "the same renders as before: the packs stand"
    assert pdf_bytes(project) == good
    for pack in (project / "build" / CACHE_DIR / "packs").rglob("*"):
        if pack.is_file():
            pack.unlink()
    touch(project)
    rendered, assembled, log = build(project)
    assert assembled == {"en/starter.pdf", "fr/starter.pdf"}
    assert rendered == own_pages_of_starter(), "the packs' own pages were damaged too"
    assert f"rendered cover of pack 'starter' (en): {reason}" in log
    assert pdf_bytes(project) == good


@pytest.mark.slow
def test_a_damaged_pack_entry_is_assembled_again(make_project):
    project = make_project()
    build(project)
    good = pdf_bytes(project)
    for entry in (project / "build" / CACHE_DIR / "packs").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes().replace(b"%%EOF", b"%%EOX"))
    touch(project)
    rendered, assembled, log = build(project)
    assert rendered == set()
    assert assembled == {"en/starter.pdf", "fr/starter.pdf"}
    assert "assembled en/starter.pdf: cache entry damaged" in log
    assert pdf_bytes(project) == good


@pytest.mark.slow
def test_no_cache_renders_everything_again_to_the_same_bytes(make_project):
    project = make_project(project_files())
    build(project)
    first = pdf_bytes(project)
    rendered, assembled, log = build(project, "--no-cache")
    assert len(rendered) == 13 and len(assembled) == 2
    assert "rendered content/handouts/hello.en.md: --no-cache" in log
    assert pdf_bytes(project) == first


@pytest.mark.slow
def test_builds_are_byte_identical_wherever_and_however_they_run(tmp_path, monkeypatch):
    """Same inputs, same bytes: in another folder, with one worker process or two."""
    started = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", _counting(started))
    one = write_files(tmp_path / "one", {"content/handouts/hello.en.md": HELLO, **project_files()})
    two = write_files(tmp_path / "elsewhere" / "two",
                      {"content/handouts/hello.en.md": HELLO, **project_files()})
    build(one, "--jobs", "1")
    assert started == [1], "renders run on one worker, never in the build's own process"
    build(two, "--jobs", "2")
    assert started == [1, 2]
    assert pdf_bytes(one) == pdf_bytes(two)
    assert len(pdf_bytes(one)) == 5


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_renders_leave_no_temporary_folders(make_project, tmp_path, monkeypatch, jobs):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    project = make_project(project_files())
    build(project, "--jobs", jobs)
    assert list(temp.iterdir()) == [], "nothing in the system's temporary folder"
    assert list((project / "build" / CACHE_DIR / "tmp").iterdir()) == []


@pytest.mark.slow
def test_a_killed_build_s_temporary_folder_goes_with_a_later_build(make_project):
    project = make_project(project_files())
    build(project)
    temp = project / "build" / CACHE_DIR / "tmp"
    leftover = temp / "handoutpack-4194305-x1"  # above Linux's highest process number: gone
    running = temp / f"handoutpack-{os.getpid()}-x2"  # a build still running: kept
    for folder in (leftover, running):
        (folder / "weasyprint-fonts").mkdir(parents=True)
    build(project)  # with nothing to render, even
    assert not leftover.exists()
    assert running.exists()


@pytest.mark.slow
def test_pdfs_carry_the_content_date_or_source_date_epoch_never_the_clock(make_project, monkeypatch):
    dated = HELLO.replace("kind: handout", "kind: handout\ndate: 2026-03-05")
    project = make_project({"content/handouts/hello.en.md": dated,
                            "content/handouts/hello.fr.md": HELLO_FR})
    build(project)
    assert _date(project / "build/en/documents/hello.pdf") == "D:20260305"
    assert _date(project / "build/en/starter.pdf") == "D:20260305", "a pack: its newest document"
    assert _date(project / "build/fr/documents/hello.pdf") is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rendered, _, _ = build(project)
    assert rendered == {"content/handouts/hello.fr.md", "content/handouts/hello.fr.md (in packs)",
                        *(f"{page} of pack 'starter' (fr)"
                          for page in ("cover", "contents", "page numbers"))}
    assert _date(project / "build/fr/documents/hello.pdf") == "D:20231114"
    assert _date(project / "build/en/documents/hello.pdf") == "D:20260305"


@pytest.mark.slow
def test_progress_stays_off_when_output_is_not_a_terminal(make_project):
    outcome = invoke(make_project(), "build")
    assert outcome.exit_code == 0
    assert "\r" not in outcome.stderr and "\x1b" not in outcome.stderr
    assert "Built 1 document and 2 packs" in outcome.stdout


@pytest.mark.skipif(subprocess.run(["dpkg", "-s", "libharfbuzz-subset0"], capture_output=True,
                                   check=False).returncode != 0 if os.path.exists("/usr/bin/dpkg")
                    else True, reason="libharfbuzz-subset0 is not installed")
@pytest.mark.slow
def test_weasyprint_subsets_fonts_with_harfbuzz_when_it_is_installed():
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "WeasyPrint did not find libharfbuzz-subset0"
    assert render.subsetter() == "harfbuzz"


def own_pages_of_starter() -> set[str]:
    return {f"{page} of pack 'starter' ({lang})" for lang in ("en", "fr")
            for page in ("cover", "contents", "page numbers")}


def _date(path: Path) -> str | None:
    value = PdfReader(str(path)).metadata.get("/CreationDate")
    return str(value) if value is not None else None


def touch(project: Path) -> None:
    """Save the config again unchanged: the next build cannot take the 'nothing changed' way
    (which reads no cache entry at all), so it reads the entries it needs."""
    config = project / "handoutpack.toml"
    config.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(config, ns=(time.time_ns(), time.time_ns() + 1_000_000))


def test_damaged_outputs_are_built_again_even_when_nothing_changed(make_project):
    project = make_project()
    build(project)
    good = pdf_bytes(project)
    (project / "build/en/starter.pdf").write_bytes(b"%PDF-1.7 damaged")
    rendered, assembled, log = build(project)
    assert assembled == rendered == set(), "from the cache"
    assert pdf_bytes(project) == good, "written again"


def _counting(started: list):
    real = parallel.ProcessPoolExecutor

    def make(*args, **kwargs):
        started.append(kwargs.get("max_workers"))
        return real(*args, **kwargs)

    return make


def test_links_planted_in_the_cache_carry_no_write_and_no_deletion(make_project, tmp_path):
    """build/ is not trusted: a link planted as build/.cache, or as a folder inside it, is never
    written through, and pruning deletes nothing where it points (it would delete a user's
    files untouched for 30 days)."""
    import shutil

    from handoutpack.store.cache import Cache

    outside = tmp_path / "outside"
    (outside / "ab").mkdir(parents=True)
    keepsake = outside / "ab" / "holiday.jpg"
    keepsake.write_bytes(b"a user's photo")
    os.utime(keepsake, (time.time() - 90 * 86400,) * 2)
    project = make_project()
    (project / "build").mkdir()
    (project / "build" / CACHE_DIR).symlink_to(outside, target_is_directory=True)
    build(project)
    assert sorted(outside.rglob("*")) == [outside / "ab", keepsake]
    assert (project / "build" / CACHE_DIR / "renders").is_dir(), "a cache of its own instead"
    for kind in ("renders", "pages", "history"):
        shutil.rmtree(project / "build" / CACHE_DIR / kind, ignore_errors=True)
        (project / "build" / CACHE_DIR / kind).symlink_to(outside, target_is_directory=True)
    (project / "content/handouts/hello.en.md").write_text(HELLO + "\nOne more line.\n")
    build(project)
    cache = Cache(project / "build" / CACHE_DIR, root=project)
    (project / "build" / CACHE_DIR / "pruned").unlink(missing_ok=True)
    cache.prune()
    assert sorted(outside.rglob("*")) == [outside / "ab", keepsake]
    assert keepsake.read_bytes() == b"a user's photo"
