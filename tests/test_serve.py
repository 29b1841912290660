"""handoutpack serve: the preview server on loopback, opened in a real headless browser."""

from __future__ import annotations

import io
import json
import socket
import struct
import threading
import time
import urllib.error
import urllib.request

import pytest
from pypdf import PdfReader

from conftest import HELLO, invoke, serving
from handoutpack.markup.theme import builtin_dir
from handoutpack.ui.serve import IDLE_SECONDS, make_server


@pytest.fixture
def preview(make_project):
    """A throwaway project served on a free port of 127.0.0.1; yields (project, base URL)."""
    project = make_project()
    with serving(project) as base:
        yield project, base


def get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def pdf_text(url: str) -> str:
    status, data = get(url)
    assert status == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_listens_on_loopback_only(preview):
    project, base = preview
    assert base.startswith("http://127.0.0.1:")
    status, body = get(base + "/")
    assert status == 200
    for path in ("en/documents/hello.pdf", "en/starter.pdf", "fr/starter.pdf"):
        assert f'href="/view/{path}"'.encode() in body
    assert get(base + "/", host="attacker.example")[0] == 403, "another site's page is refused"
    assert get(base + "/view/en/documents/nothing.pdf")[0] == 404
    assert get(base + "/pdf/../../etc/passwd")[0] == 404


def test_the_preview_leaves_build_alone(preview):
    project, base = preview
    assert "Hello from Example Trust" in pdf_text(base + "/pdf/en/documents/hello.pdf")
    assert not (project / "build/en").exists()
    assert (project / "build/.preview/en/documents/hello.pdf").is_file()


def test_saving_a_source_refreshes_the_open_page(preview, browser):
    project, base = preview
    page = browser.new_page()
    page.goto(base + "/view/en/starter.pdf")
    page.wait_for_function("document.body.dataset.version", timeout=60_000)
    first = page.evaluate("document.body.dataset.version")
    images = page.locator("#pages img")
    assert images.count() == 3, "cover, contents and the document"
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth === 1000",
                               arg=images.nth(index).element_handle())
    before = get(base + images.nth(2).get_attribute("src"))[1]
    assert "Hello from Example Trust" in pdf_text(base + "/pdf/en/starter.pdf")

    source = project / "content/handouts/hello.en.md"
    source.write_text(source.read_text().replace("Hello from", "Greetings from"), encoding="utf-8")
    page.wait_for_function(f"document.body.dataset.version !== '{first}'", timeout=60_000)
    images.nth(2).scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth === 1000",
                           arg=images.nth(2).element_handle())
    after = get(base + images.nth(2).get_attribute("src"))[1]
    assert after != before, "the page image shows the new text"
    assert "Greetings from Example Trust" in pdf_text(base + "/pdf/en/starter.pdf")
    page.close()


def test_a_broken_source_shows_its_problem_until_fixed(preview, browser):
    project, base = preview
    page = browser.new_page()
    page.goto(base + "/view/en/documents/hello.pdf")
    page.wait_for_function("document.body.dataset.version", timeout=60_000)
    source = project / "content/handouts/hello.en.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("{{ org.name }}", "{{ org.nmae }}"), encoding="utf-8")
    problem = page.locator("#problem")
    problem.wait_for(state="visible", timeout=60_000)
    assert "hello.en.md:8" in problem.inner_text() and "nmae" in problem.inner_text()
    assert page.locator("#pages img").count() == 1, "the last good pages stay"
    source.write_text(good.replace("Hello", "Hello again"), encoding="utf-8")
    problem.wait_for(state="hidden", timeout=60_000)
    assert "Hello again from Example Trust" in pdf_text(base + "/pdf/en/documents/hello.pdf")
    page.close()


@pytest.mark.slow
def test_a_running_preview_sees_edited_templates_and_labels(make_project):
    """The preview runs for hours: every build in it must read the theme as it is now, never
    what an earlier build in the same process read."""
    theme = builtin_dir("templates")
    project = make_project({"templates/cover.html": (theme / "cover.html").read_text("utf-8"),
                            "templates/labels.toml": (theme / "labels.toml").read_text("utf-8")})
    with serving(project) as base:
        pack = base + "/pdf/en/starter.pdf"
        assert "Contents" in pdf_text(pack)
        cover = project / "templates/cover.html"
        cover.write_text(cover.read_text("utf-8").replace(
            "<footer", "<p>Printed for the spring workshop</p><footer", 1), encoding="utf-8")
        # the watcher hears of a save within milliseconds, not before the write returns
        shown = text_once(pack, lambda text: "Printed for the spring workshop" in text)
        assert "Printed for the spring workshop" in shown, "the edited cover"
        labels = project / "templates/labels.toml"
        text = labels.read_text("utf-8")
        assert 'contents = "Contents"' in text
        labels.write_text(text.replace('contents = "Contents"', 'contents = "In this pack"', 1),
                          encoding="utf-8")
        shown = text_once(pack, lambda text: "In this pack" in text)
        assert "In this pack" in shown and "Contents" not in shown, "the edited labels"


def text_once(url: str, wanted, seconds: float = 10) -> str:
    """The PDF's text as soon as `wanted` holds for it, or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while not wanted(text := pdf_text(url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


def test_a_page_is_sent_as_an_image_as_wide_as_the_viewer_needs(preview):
    """JPEG without chroma subsampling (text's coloured edges kept), made in half PNG's time."""
    from PIL import Image, JpegImagePlugin

    project, base = preview
    state = json.loads(get(base + "/state/en/documents/hello.pdf")[1])
    status, data = get(f"{base}/page/1/en/documents/hello.pdf?v={state['version']}")
    image = Image.open(io.BytesIO(data))
    assert status == 200 and image.format == "JPEG" and image.width == 1000
    assert JpegImagePlugin.get_sampling(image) == 0, "4:4:4"


@pytest.mark.parametrize("number", ["%C2%B2", "%D9%A3", "9" * 5000, "-1", "0"],
                         ids=["superscript 2", "Arabic 3", "5000 digits", "negative", "zero"])
def test_a_page_number_that_is_no_page_is_not_found(preview, number):
    project, base = preview
    assert get(f"{base}/page/{number}/en/documents/hello.pdf?v=x")[0] == 404


@pytest.mark.slow
def test_300_idle_or_reset_connections_log_nothing_and_are_closed(make_project, capsys):
    """The issue's case: 300 sockets opened and left idle, half of them reset by the client while
    a request is half sent. Without PreviewServer.handle_error each reset printed a traceback
    (150 here); without the handler's timeout an idle socket held its thread for ever."""
    server = make_server(make_project(), port=0)
    assert server.RequestHandlerClass.timeout == IDLE_SECONDS
    server.RequestHandlerClass.timeout = 10  # shortened, so the test need not wait a minute
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        sockets = [socket.create_connection(server.server_address[:2]) for _ in range(300)]
        reset, idle = sockets[:150], sockets[150:]
        for sock in reset:
            sock.sendall(b"GET / HTTP/1.1\r\n")  # the headers never come
        time.sleep(0.5)  # each handler is now waiting for them
        for sock in reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # a reset, not a clean close
        assert get(base + "/")[0] == 200, "it answers while 150 idle sockets are open"
        for sock in idle:
            sock.settimeout(30)
            assert sock.recv(1) == b"", "the server closed the idle connection"
            sock.close()
        assert get(base + "/")[0] == 200
    finally:
        server.shutdown()
        server.server_close()
    logged = capsys.readouterr().err
    assert "Traceback" not in logged and "Exception occurred" not in logged, logged[:2000]


ENDLESS = ("{% for i in range(99999) %}{% for j in range(9) %}{{ range(99999) | sum }}"
           "{% endfor %}{% endfor %}")
"""Under every cap (900,000 loop steps, nothing large made), and hours of work."""


@pytest.mark.slow
def test_a_template_that_would_run_for_hours_answers_with_its_problem(make_project):
    """The preview renders in a request thread, where no signal reaches: the template checks
    its deadline itself, the request answers with the problem, and the server goes on."""
    project = make_project({"content/handouts/slow.en.md": HELLO.replace("Hello", "Slow")
                            + ENDLESS + "\n"})
    with serving(project) as base:
        answers = {}
        slow = threading.Thread(target=lambda: answers.update(
            slow=get(base + "/state/en/documents/slow.pdf")))
        slow.start()
        time.sleep(1)
        assert get(base + "/")[0] == 200, "the list answers while the render runs"
        slow.join(timeout=180)
        assert not slow.is_alive(), "the render was stopped"
        status, body = answers["slow"]
        error = json.loads(body)["error"]
        assert status == 200 and "slow.en.md" in error and "took longer than 20 s" in error
        hello = json.loads(get(base + "/state/en/documents/hello.pdf")[1])
        assert hello["error"] == "" and hello["pages"] == 1, "and it renders the next"


def test_a_save_is_pushed_to_the_open_page_without_it_asking(preview, browser):
    """The page listens to server-sent events: no poll, and the watcher rebuilds on the save."""
    project, base = preview
    page = browser.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(base + "/view/en/documents/hello.pdf")
    page.wait_for_function("document.body.dataset.version", timeout=60_000)
    first = page.evaluate("document.body.dataset.version")
    time.sleep(2.5)  # the old page asked every second
    source = project / "content/handouts/hello.en.md"
    source.write_text(source.read_text().replace("Hello from", "Greetings from"), encoding="utf-8")
    page.wait_for_function(f"document.body.dataset.version !== '{first}'", timeout=60_000)
    page.wait_for_function("document.querySelector('#pages img').complete")
    assert not [url for url in asked if "/state/" in url], "nothing polled"
    assert [url for url in asked if "/events/en/documents/hello.pdf" in url]
    assert "Greetings from Example Trust" in pdf_text(base + "/pdf/en/documents/hello.pdf")
    page.close()


def test_events_for_no_such_target_are_not_found(preview):
    project, base = preview
    assert get(base + "/events/en/documents/nothing.pdf")[0] == 404


def test_the_preview_shows_what_a_build_rendered_without_rendering_it_again(make_project):
    """The preview builds into build/.preview with build/'s own render cache: after
    `handoutpack build`, opening a document renders nothing (and builds of the preview's do
    not change what `handoutpack build` finds unchanged)."""
    from handoutpack.pipeline import Unchanged
    from handoutpack.plan.selection import Selection
    from handoutpack.project import loader
    from handoutpack.ui.preview import Preview

    project = make_project()
    assert invoke(project, "build", "-q").exit_code == 0
    unchanged = lambda: Unchanged(loader.load(project), Selection(), False, None).recall()
    assert unchanged() is not None
    cache = project / "build/.cache"
    renders = lambda: {p.name for p in cache.rglob("*") if p.is_file() and "renders" in p.parts}
    made = renders()
    assert made, "the build keeps its renders in build/.cache"
    preview = Preview(project)
    preview.workers.start()
    try:
        render = preview.render("en/documents/hello.pdf")
    finally:
        preview.workers.close()
    assert not render.error and render.pages
    assert renders() == made, "nothing rendered again"
    assert not (project / "build/.preview/.cache").exists()
    assert unchanged() is not None, "the next `handoutpack build` still has nothing to do"


def test_the_preview_keeps_its_workers_warm_and_replaces_one_that_died(make_project):
    """A save pays for its renders only: the same worker processes render every build (no
    start-up, no import); one killed meanwhile is replaced without the user seeing an error."""
    import os
    import signal

    from handoutpack.render.pool import _reported_workers
    from handoutpack.ui.preview import Preview

    project = make_project()
    preview = Preview(project)
    preview.workers.start()
    source = project / "content/handouts/hello.en.md"
    text = source.read_text(encoding="utf-8")
    try:
        assert not preview.render("en/documents/hello.pdf").error
        workers = _reported_workers(preview.workers.workers._temp)
        for n in range(2):
            source.write_text(text.replace("Hello from", f"Edit {n} from"), encoding="utf-8")
            assert not preview.render("en/documents/hello.pdf").error
        assert _reported_workers(preview.workers.workers._temp) == workers, "no new process"
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        source.write_text(text.replace("Hello from", "After from"), encoding="utf-8")
        render = preview.render("en/documents/hello.pdf")
        assert not render.error
        assert "After from Example Trust" in " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render.pdf)).pages)
    finally:
        preview.workers.close()


def test_the_preview_parses_again_only_the_sources_that_changed(make_project, monkeypatch):
    from handoutpack.sources import content
    from handoutpack.ui.preview import Preview

    project = make_project({"content/handouts/other.en.md": HELLO.replace("Hello", "Other")})
    preview = Preview(project)
    preview.load()
    parsed = []
    real = content._read
    monkeypatch.setattr(content, "_read",
                        lambda project, path: parsed.append(path.name) or real(project, path))
    documents = preview.load()[1]
    assert parsed == [] and set(documents) == {"hello", "other"}
    source = project / "content/handouts/hello.en.md"
    source.write_text(source.read_text().replace("Hello from", "Greetings from"), "utf-8")
    documents = preview.load()[1]
    assert parsed == ["hello.en.md"]
    assert "Greetings from" in documents["hello"].translations["en"].body
    config = project / "handoutpack.toml"
    config.write_text(config.read_text() + "\n# edited\n", encoding="utf-8")
    preview.load()
    assert sorted(parsed) == ["hello.en.md", "hello.en.md", "other.en.md"], "read under the new one"


def test_without_a_watcher_the_preview_still_sees_saves(make_project, monkeypatch):
    """inotify can run out of watches (or a network drive has none): the preview says so and
    checks the files' dates on each request, as before."""
    import watchfiles

    def no_watcher(*args, **kwargs):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchfiles, "watch", no_watcher)
    project = make_project()
    with serving(project) as base:
        url = base + "/pdf/en/documents/hello.pdf"
        assert "Hello from Example Trust" in pdf_text(url)
        source = project / "content/handouts/hello.en.md"
        source.write_text(source.read_text().replace("Hello from", "Greetings from"), "utf-8")
        assert "Greetings from Example Trust" in pdf_text(url), "seen at once, by the dates"


@pytest.mark.slow
def test_a_running_preview_sees_edited_styles_config_values_and_translated_labels(make_project):
    """Besides templates and content: a stylesheet, a value in handoutpack.toml and a
    translator's labels.po, each saved while the preview runs, reach the next page it shows."""
    styles = builtin_dir("styles")
    project = make_project({"styles/handout.css": (styles / "handout.css").read_text("utf-8")})
    with serving(project) as base:
        document, french_pack = base + "/pdf/en/documents/hello.pdf", base + "/pdf/fr/starter.pdf"
        assert "Hello from Example Trust" in pdf_text(document)
        css = project / "styles/handout.css"
        css.write_text(css.read_text("utf-8") + '\nh2::after { content: " (restyled)"; }\n',
                       encoding="utf-8")
        shown = text_once(document, lambda text: "(restyled)" in text)
        assert "Welcome (restyled)" in shown, "the edited stylesheet"
        config = project / "handoutpack.toml"
        config.write_text(config.read_text("utf-8").replace('name = "Example Trust"',
                                                           'name = "Example Fund"', 1),
                          encoding="utf-8")
        shown = text_once(document, lambda text: "Example Fund" in text)
        assert "Hello from Example Fund" in shown, "the edited config value"
        labels = project / "translations/fr/labels.po"
        labels.parent.mkdir(parents=True)
        labels.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                          'msgctxt "contents"\nmsgid "Contents"\nmsgstr "Dans ce dossier"\n',
                          encoding="utf-8")
        shown = text_once(french_pack, lambda text: "Dans ce dossier" in text)
        assert "Dans ce dossier" in shown, "the translator's labels"
