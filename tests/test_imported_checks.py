"""Bringing documents from other tools: what is warned about, with file and line; front matter
read leniently; paths as sites write them; network images; starting a project; revisions of
imported translations."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import threading

import pytest

from conftest import HELLO, MINIMAL_CONFIG, invoke
from pdfs import all_text, reader

ENGLISH_PACK = MINIMAL_CONFIG.replace('documents = ["hello"]',
                                      'documents = ["hello"]\nlanguages = ["en"]')


def page(text: str, front: str = "title: Hello\n") -> str:
    return f"---\n{front}---\n{text}"


def findings(project) -> list[str]:
    outcome = invoke(project, "check", "--format", "json")
    return [f"{f['file']}:{f['line']}: {f['severity']}: {f['message']}"
            for f in json.loads(outcome.stdout)["findings"]]


def test_syntax_left_unconverted_is_a_warning_with_its_line(make_project):
    source = page("Intro.\n\n::: {.note\nNo closing brace.\n\nText {: .lost} in the middle.\n\n"
                  "An entity written twice: &amp;eacute;.\n")
    found = findings(make_project({"handoutpack.toml": ENGLISH_PACK,
                                   "content/handouts/hello.en.md": source}))
    assert any(f.startswith("content/handouts/hello.en.md:6: warning: '::: {.note' prints as "
                            "written: a fenced div line") for f in found), found
    assert any(f.startswith("content/handouts/hello.en.md:9: warning: '{: .lost}' prints as "
                            "written") for f in found), found
    assert any(f.startswith("content/handouts/hello.en.md:11: warning: '&eacute;' prints as "
                            "written: an HTML entity") for f in found), found


@pytest.mark.slow
def test_front_matter_from_other_tools_is_read(make_project):
    source = page("## Welcome\n\nHello.\n", "title: Caf&eacute; notes\ndescription: From a "
                  "Jekyll site.\nlayout: post\nlang: en\n")
    project = make_project({"handoutpack.toml": ENGLISH_PACK,
                            "content/handouts/hello.en.md": source})
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    text = all_text(project / "build/en/documents/hello.pdf")
    assert "Café notes" in text and "From a Jekyll site." in text and "DOCUMENT" in text
    assert outcome.stderr.count("front matter 'layout' is not used") == 1


def test_a_missing_summary_is_fine_and_lang_must_agree(make_project):
    project = make_project({"handoutpack.toml": ENGLISH_PACK,
                            "content/handouts/hello.en.md": page("Hello.\n"),
                            "content/handouts/other.en.md": page("Hi.\n", "title: Other\nlang: "
                                                                 "es\n")})
    found = findings(project)
    assert found == ["content/handouts/other.en.md:3: error: front matter 'lang': 'es' does not "
                     "agree with the file name, which says 'en'; rename the file or correct lang "
                     "(or remove it: the file name is enough)"]


def test_check_reports_links_of_documents_whose_front_matter_is_wrong(make_project):
    source = page("[Broken](nowhere.md)\n\n![](missing.png)\n", "title: Hello\nkind: leaflet\n")
    found = findings(make_project({"handoutpack.toml": ENGLISH_PACK,
                                   "content/handouts/hello.en.md": source}))
    assert any("front matter 'kind': 'leaflet' is not one of" in f for f in found)
    assert any("link 'nowhere.md' is to a page that is not in the project" in f for f in found)
    assert any("image 'missing.png' is refused" in f for f in found)


SITE_CONFIG = ENGLISH_PACK.replace('name = "Example Trust"',
                                   'name = "Example Trust"\nwebsite = "https://example.org"') + \
    '\n[paths]\nsite_root = "site"\n'
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
       b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.mark.slow
def test_paths_from_the_site_root(make_project):
    source = page("![Logo](/img/logo.png)\n\nSee [about us](/about/).\n")
    project = make_project({"handoutpack.toml": SITE_CONFIG, "site/img/logo.png": PNG,
                            "content/handouts/hello.en.md": source})
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    assert ("content/handouts/hello.en.md:6: '/about/' is a website path with no file in the "
            "project (looked in site/); it links to https://example.org/about/") in outcome.stderr
    assert "logo.png" not in outcome.stderr


def test_a_real_path_outside_the_project_says_what_to_write(make_project):
    source = page("Read [the hosts file](/etc/hostname).\n")
    found = findings(make_project({"handoutpack.toml": ENGLISH_PACK,
                                   "content/handouts/hello.en.md": source}))
    assert found == ["content/handouts/hello.en.md:4: error: link '/etc/hostname' leads nowhere: "
                     "it is a path on this computer, outside the project; copy the file into the "
                     "project and write its path relative to the document (e.g. "
                     "../files/form.pdf), or from the project folder (or [paths] site_root) as "
                     "/files/form.pdf"]


class NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    """A web server on this machine that answers 404 to everything."""
    server = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: connections are refused


REMOTE_CONFIG = ENGLISH_PACK + "\n[security]\nallow_remote = true\n"


@pytest.mark.parametrize("where, reason", [("server", "HTTP Error 404"),
                                           ("closed", "Connection refused")])
@pytest.mark.slow
def test_remote_image_failures_name_url_host_reason_and_line(make_project, loopback, where,
                                                             reason):
    base = loopback if where == "server" else f"http://127.0.0.1:{closed_port()}"
    source = page(f"Intro.\n\n![A chart]({base}/chart.png)\n")
    project = make_project({"handoutpack.toml": REMOTE_CONFIG,
                            "content/handouts/hello.en.md": source})
    outcome = invoke(project, "build", "-q", "--no-cache")
    assert outcome.exit_code == 2, outcome.output
    assert (f"content/handouts/hello.en.md:6: image '{base}/chart.png' could not be fetched "
            "from 127.0.0.1 (") in outcome.stderr
    assert reason in outcome.stderr


@pytest.mark.slow
def test_text_running_off_the_page_is_a_warning_with_file_and_page(make_project):
    wide = "<p style=\"white-space: nowrap\">" + "unbreakable " * 40 + "</p>"
    project = make_project({"handoutpack.toml": ENGLISH_PACK,
                            "content/handouts/hello.en.md": page(f"Intro.\n\n{wide}\n")})
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    assert ("warning: content/handouts/hello.en.md: page 1: text runs ") in outcome.stderr
    assert "past the right edge of the text area" in outcome.stderr
    assert invoke(project, "build", "-q", "--strict").exit_code == 2


@pytest.mark.slow
def test_new_project_builds_at_once(tmp_path):
    folder = tmp_path / "handouts"
    outcome = invoke(tmp_path, "new", str(folder))
    assert outcome.exit_code == 0, outcome.output
    assert "# Who the documents are from" in (folder / "handoutpack.toml").read_text()
    built = invoke(folder, "build", "-q")
    assert built.exit_code == 0, built.output
    assert "Bienvenue" in all_text(folder / "build/fr/documents/welcome.pdf")
    assert "Welcome Pack" in all_text(folder / "build/en/welcome-pack.pdf")
    assert invoke(folder, "check").exit_code == 0
    again = invoke(tmp_path, "new", str(folder))
    assert again.exit_code == 2 and "is not an empty folder" in again.stderr


def git(folder, *args, date: str | None = None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=f"{date}T12:00:00", GIT_COMMITTER_DATE=f"{date}T12:00:00")
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def test_revision_as_of_a_date_or_commit_reads_git_history(make_project):
    project = make_project({"handoutpack.toml": ENGLISH_PACK})
    english = project / "content/handouts/hello.en.md"
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first", date="2026-03-01")
    first = git(project, "rev-parse", "HEAD")
    old = invoke(project, "revision", str(english)).stdout.strip()
    english.write_text(HELLO.replace("Hello from", "Greetings from"), encoding="utf-8")
    git(project, "commit", "-qam", "second", date="2026-06-01")
    new = invoke(project, "revision", str(english)).stdout.strip()
    assert old != new
    assert invoke(project, "revision", str(english), "--as-of", "2026-04-15").stdout.strip() == old
    assert invoke(project, "revision", str(english), "--as-of", first).stdout.strip() == old
    assert invoke(project, "revision", str(english), "--as-of", "2026-06-02").stdout.strip() == new
    early = invoke(project, "revision", str(english), "--as-of", "2025-01-01")
    assert early.exit_code == 2 and "no commit on or before that date" in early.stderr


def test_check_explains_revisions_for_an_imported_translation(make_project):
    project = make_project({"content/handouts/hello.fr.md": page("Bonjour.\n", "title: Salut\n")})
    found = findings(project)
    assert any("no source_revision" in f and "--as-of YYYY-MM-DD" in f for f in found), found


@pytest.mark.slow
def test_a_figure_added_for_a_language_is_used_at_the_next_build(make_project):
    from PIL import Image

    project = make_project({"content/handouts/hello.en.md": page("![A chart](chart.png)\n"),
                            "content/handouts/hello.fr.md": page("![Un graphique](chart.png)\n",
                                                                 "title: Salut\n")})
    Image.new("RGB", (30, 20), (0, 0, 200)).save(project / "content/handouts/chart.png")
    assert invoke(project, "build", "-q").exit_code == 0
    Image.new("RGB", (33, 20), (200, 0, 0)).save(project / "content/handouts/chart.fr.png")
    outcome = invoke(project, "build", "-v")
    assert outcome.exit_code == 0, outcome.output
    assert "rendered content/handouts/hello.fr.md" in outcome.output
    assert "rendered content/handouts/hello.en.md:" not in outcome.output
    widths = {lang: [i.image.width for p in reader(project / f"build/{lang}/documents/hello.pdf").pages
                     for i in p.images] for lang in ("en", "fr")}
    assert widths == {"en": [30], "fr": [33]}


def test_check_reads_the_body_of_a_document_whose_yaml_is_broken(make_project):
    source = "---\ntitle: [unclosed\n---\n[Broken](nowhere.md)\n"
    found = findings(make_project({"handoutpack.toml": ENGLISH_PACK,
                                   "content/handouts/hello.en.md": source}))
    assert any("front matter is not valid YAML" in f for f in found), found
    assert any("link 'nowhere.md' is to a page that is not in the project" in f for f in found), \
        found


def test_liquid_is_named_as_such(make_project):
    source = page("Welcome to {{ site.title }}.\n")
    outcome = invoke(make_project({"handoutpack.toml": ENGLISH_PACK,
                                   "content/handouts/hello.en.md": source}), "build")
    assert outcome.exit_code == 1  # the document left out, the rest built (issue 25)
    assert "hello.en.md:4: template error: 'site' is undefined" in outcome.stderr
    assert "This looks like Liquid, Jekyll's template language" in outcome.stderr
