"""Broken and hostile projects: each ends with its one clear message, exit 2, no traceback, and
nothing outside the project (or on the network) is ever read."""

from __future__ import annotations

import http.server
import os
import threading

import pytest

from conftest import HELLO, MINIMAL_CONFIG, invoke
from handoutpack.build import make_renderer
from handoutpack.project.loader import load
from handoutpack.errors import HandoutpackError
from handoutpack.markup.theme import builtin_dir
from handoutpack.markup.markdown import to_html
from handoutpack.render.engine import Refused

FONTS_CSS = '@font-face { font-family: "Lato"; src: url(fonts/bad.ttf); }\n'


WHAT_TO_WRITE = (": copy the file into the project and write its path relative to the document "
                 "(e.g. ../files/form.pdf), or from the project folder (or [paths] site_root) "
                 "as /files/form.pdf")
"""What the error for a file outside the project says to write instead."""


def build(project, *args):
    return invoke(project, "build", "-q", *args)


def with_body(text: str) -> str:
    return HELLO + "\n" + text + "\n"


# (files replacing the minimal project's, the whole message the build prints)
CORPUS = {
    "empty config": (
        {"handoutpack.toml": ""},
        'error: handoutpack.toml: is empty; it needs at least [org] name = "..." (see docs/configuration.md '
        "for an example)"),
    "binary config": (
        {"handoutpack.toml": b"\x00\x01\x02"},
        "error: handoutpack.toml: is a binary file, not TOML text"),
    "config in Latin-1": (
        {"handoutpack.toml": MINIMAL_CONFIG.replace("Example Trust", "Café").encode("latin-1")},
        "error: handoutpack.toml:2: is not UTF-8 text; save it as UTF-8"),
    "huge config": (
        {"handoutpack.toml": "# padding\n" * 120_000},
        "error: handoutpack.toml: is 1.2 MB; a config is a few kB of TOML. Is it the right file?"),
    "malformed TOML": (
        {"handoutpack.toml": MINIMAL_CONFIG + "\n[packs.more\n"},
        "error: handoutpack.toml:16: Expected ']' at the end of a table declaration (at line 16, "
        "column 12). Fix the TOML syntax there."),
    "malformed YAML": (
        {"content/handouts/hello.en.md": "---\ntitle: 'Hello\nsummary: x\n---\nText\n"},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:4: front matter is not valid "
        "YAML (found unexpected end of stream); check quoting and indentation there"),
    "impossible date": (
        {"content/handouts/hello.en.md": HELLO.replace("kind: handout", "kind: handout\ndate: 2027-02-30")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md: front matter has a value YAML "
        "cannot read (day is out of range for month); quote it, or correct it (dates are "
        "YYYY-MM-DD)"),
    "empty document": (
        {"content/handouts/hello.en.md": ""},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md: is empty; write front matter "
        "and text, or delete it"),
    "document in UTF-16": (
        {"content/handouts/hello.en.md": HELLO.encode("utf-16")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md: is UTF-16 text; save it as "
        "UTF-8"),
    "binary .md": (
        {"content/handouts/hello.en.md": bytes(range(256))},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md: is a binary file, not Markdown "
        "text"),
    "huge document": (
        {"content/handouts/hello.en.md": HELLO + "Words and words.\n" * 200_000},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md: is 3.4 MB; a document source "
        "may be at most 2 MB. Split it, or move images into files"),
    "a font that will not load": (
        {"styles/fonts.css": FONTS_CSS, "styles/fonts/bad.ttf": b"\x00\x01\x00\x00not a font"},
        "error: styles/fonts/bad.ttf: the font 'Lato' will not load; use a TTF, OTF or WOFF "
        "file, or fix its @font-face in fonts.css (while rendering content/handouts/hello.en.md)."),
    "a broken image": (
        {"content/handouts/hello.en.md": with_body("![A chart](chart.png)"),
         "content/handouts/chart.png": b"\x89PNG\r\n\x1a\nnot really"},
        "error: content/handouts/chart.png: is not an image WeasyPrint can read; replace it with "
        "a working PNG, JPEG or SVG (while rendering content/handouts/hello.en.md)."),
    "image outside the project": (
        {"content/handouts/hello.en.md": with_body(f"![Passwords]({'../' * 30}etc/passwd)")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:10: image "
        f"'{'../' * 30}etc/passwd' is refused: '/etc/passwd' is outside the project "
        "folder; documents may only use files inside the project" + WHAT_TO_WRITE),
    "file:// URL": (
        {"content/handouts/hello.en.md": with_body('<img src="file:///etc/hostname" alt="Host">')},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:10: image 'file:///etc/hostname' "
        "is refused: '/etc/hostname' is outside the project folder; documents may only use files "
        "inside the project" + WHAT_TO_WRITE),
    "Python internals from Jinja": (
        {"content/handouts/hello.en.md": with_body("{{ callout.__globals__['os'] }}")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:10: template error: access to "
        "attribute '__globals__' of 'function' object is unsafe."),
    "a memory bomb in Jinja": (
        {"content/handouts/hello.en.md": with_body("{{ 'x' * 10 ** 10 }}")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:10: template error: the result "
        "of * is too large"),
    "changing the names content is given": (
        {"content/handouts/hello.en.md": with_body("{{ org.update({'name': 'Someone else'}) }}")},
        "error: 1 problem to fix:\n  content/handouts/hello.en.md:10: template error: access to "
        "attribute 'update' of 'dict' object is unsafe."),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CORPUS))
def test_corpus(make_project, case):
    files, expected = CORPUS[case]
    project = make_project(files)
    outcome = build(project)
    if outcome.exit_code == 1:  # a document's own problem: it fails alone, the rest is built
        assert set(problems(expected)) <= set(problems(outcome.stderr)), outcome.output
        assert "1 document source(s) failed" in outcome.stderr
    else:
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr.strip() == expected
    assert not list(project.glob("build/**/*.pdf")), "nothing is written"


def problems(stderr: str) -> list[str]:
    """The problems an error message lists, one per line, without its heading."""
    lines = stderr.strip().splitlines()
    if lines and lines[0].startswith("error: ") and lines[0].endswith("to fix:"):
        return [line.strip() for line in lines[1:]]
    return [lines[0].removeprefix("error: "), *(line.strip() for line in lines[1:])]


def test_debug_shows_the_traceback(make_project):
    project = make_project({"handoutpack.toml": b"\x00"})
    outcome = invoke(project, "--debug", "build")
    assert outcome.exit_code == 2 and "Traceback (most recent call last)" in outcome.stderr


def test_unknown_pack_and_language_exit_2(make_project):
    project = make_project()
    assert build(project, "nonesuch").stderr.strip() == (
        "error: no pack 'nonesuch'; the packs in handoutpack.toml are: starter")
    assert build(project, "--lang", "xx").stderr.strip() == (
        "error: --lang xx: not one of the project's languages (en, fr)")


def test_a_document_linked_from_outside_is_refused(make_project, tmp_path):
    secret = tmp_path / "secret.en.md"
    secret.write_text(HELLO.replace("Hello from", "Secret of"))
    project = make_project()
    os.symlink(secret, project / "content/handouts/secret.en.md")
    outcome = build(project)
    assert outcome.exit_code == 1  # that document left out, the rest built (issue 25)
    assert outcome.stderr.strip().startswith(
        "error: 2 problems to fix:\n  content/handouts/secret.en.md: is a link to a file outside "
        "the project; copy the file into the project instead\n")


def test_an_image_linked_from_outside_is_refused(make_project, tmp_path):
    (tmp_path / "photo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    project = make_project({"content/handouts/hello.en.md": with_body("![A photo](photo.svg)")})
    os.symlink(tmp_path / "photo.svg", project / "content/handouts/photo.svg")
    outcome = build(project)
    assert outcome.exit_code == 1  # that document left out, the rest built (issue 25)
    assert outcome.stderr.strip().startswith(
        "error: 3 problems to fix:\n  content/handouts/hello.en.md:10: image 'photo.svg' is "
        f"refused: 'content/handouts/photo.svg' is a link to '{tmp_path}/photo.svg', outside the "
        "project folder; documents may only use files inside the project" + WHAT_TO_WRITE + "\n")


# ---------------------------------------------------------------- the fetcher on its own


@pytest.fixture
def renderer(make_project):
    project = load(make_project({"content/handouts/inside.svg":
                                 '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'}))
    return project, make_renderer(project.render_settings)


@pytest.mark.parametrize("html, refused", [
    ('<img src="' + "../" * 30 + 'etc/passwd" alt="x">', "'/etc/passwd' is outside the project"),
    ('<img src="file:///etc/passwd" alt="x">', "'/etc/passwd' is outside the project"),
    ('<img src="file://otherhost/share/x.png" alt="x">', "is on another machine"),
    ('<img src="ftp://example.org/x.png" alt="x">', "is not a file in the project"),
    ('<style>@import url("/etc/passwd");</style><p>x</p>', "'/etc/passwd' is outside the project"),
    ('<p style="background: url(/etc/passwd)">x</p>', "'/etc/passwd' is outside the project"),
    ('<link rel="stylesheet" href="/etc/passwd"><p>x</p>', "'/etc/passwd' is outside the project"),
    ('<object data="/etc/passwd" type="image/png"></object>', "'/etc/passwd' is outside the project"),
    ('<embed src="/etc/passwd" type="image/png">', "'/etc/passwd' is outside the project"),
    ('<a rel="attachment" href="/etc/passwd">attached</a>', "'/etc/passwd' is outside the project"),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="/etc/passwd" '
     'width="9" height="9"/></svg>', "'/etc/passwd' is outside the project"),
])
def test_the_fetcher_refuses(renderer, html, refused):
    project, render = renderer
    with pytest.raises(HandoutpackError) as error:
        render.render(html, project.content_dir / "handouts", "hostile.html", "en")
    assert refused in str(error.value) and "refused to load" in str(error.value)


def test_the_fetcher_serves_project_files(renderer):
    project, render = renderer
    rendered = render.render('<img src="inside.svg" alt="A square">',
                             project.content_dir / "handouts", "fine.html", "en")
    assert rendered.pages == 1


# ---------------------------------------------------------------- no request reaches the network


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        Recorder.requests.append(self.path)
        body = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def remote_everything(url: str) -> str:
    """A document pulling in the server every way Markdown and raw HTML can."""
    return with_body(f"""\
![Markdown image]({url}/markdown.svg)

<img src="{url}/img.svg" alt="Raw image">

<link rel="stylesheet" href="{url}/link.css">

<style>@import url("{url}/import.css"); p {{ background: url({url}/background.svg); }}</style>

<p style="background-image: url({url}/style-attribute.svg)">Styled.</p>

<iframe src="{url}/iframe.html"></iframe>

<object data="{url}/object.svg" type="image/svg+xml"></object>

<embed src="{url}/embed.svg" type="image/svg+xml">

<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="{url}/svg-image.svg" width="9" height="9"/></svg>

<a rel="attachment" href="{url}/attachment.pdf">An attachment</a>
""")


def test_no_request_reaches_the_network_from_a_default_build(make_project, server):
    project = make_project({"content/handouts/hello.en.md": remote_everything(server),
                            "styles/fonts.css": f'@font-face {{ font-family: "Lato"; '
                                                f'src: url({server}/font.ttf); }}\n'})
    outcome = build(project)
    assert outcome.exit_code == 2
    for name in ("link.css", "import.css", "background.svg",
                 "style-attribute.svg", "iframe.html", "object.svg", "embed.svg", "svg-image.svg",
                 "attachment.pdf"):
        assert f"{server}/{name}' is refused: is on the network" in outcome.stderr, name
    for name in ("markdown.svg", "img.svg"):  # images print their alt text instead, with a warning
        assert f"{server}/{name}" not in outcome.stderr, name
    assert Recorder.requests == []


def test_no_request_reaches_the_network_from_the_renderer_either(renderer, server):
    """The same document straight to the renderer, past the check: the fetcher refuses."""
    project, render = renderer
    html = to_html(remote_everything(server).split("---\n", 2)[2])
    with pytest.raises(HandoutpackError, match="refused to load"):
        render.render(html, project.content_dir / "handouts", "hostile.html", "en")
    assert Recorder.requests == []


@pytest.mark.slow
def test_remote_resources_when_allowed_are_fetched_over_http_only(make_project, server):
    config = MINIMAL_CONFIG + "\n[security]\nallow_remote = true\n"
    image = with_body(f"![A remote square]({server}/square.svg)")
    project = make_project({"handoutpack.toml": config, "content/handouts/hello.en.md": image})
    outcome = build(project)
    assert outcome.exit_code == 0, outcome.output
    assert "/square.svg" in Recorder.requests, "the test server does see requests"
    render = make_renderer(load(project).render_settings)
    with pytest.raises(HandoutpackError, match="is not a file in the project"):
        render.render('<img src="ftp://127.0.0.1/x.png" alt="x">', project, "ftp.html", "en")


def test_fetcher_never_leaves_the_project_through_an_override_folder(make_project):
    """A styles/ override falls back to the theme for missing files, never beyond it."""
    project = load(make_project({"styles/handout.css": "p { color: black; }"}))
    fetcher = make_renderer(project.render_settings).fetcher
    escape = (project.root / "styles" / ".." / ".." / ".." / "etc" / "passwd").as_uri()
    with pytest.raises(Refused):
        fetcher.resolve(escape)
    theme = builtin_dir("styles").resolve()
    assert fetcher.resolve((project.root / "styles" / "fonts.css").as_uri()) == theme / "fonts.css"
