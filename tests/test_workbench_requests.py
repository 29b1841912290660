"""The workbench's uploads and requests (issue 21): a picture is written aside, checked and only
then renamed into place, a failed upload never touches the file there, replacing one is asked;
malformed requests get 4xx answers and no traceback; a trickling client is dropped."""

from __future__ import annotations

import re
import socket
import struct
import time
import zlib

import pytest

from conftest import HELLO, MINIMAL_CONFIG, serving, write_files
from test_presenter import LOGOS, png
from test_workbench import request, token


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module's requests: each test leaves the project as it found it."""
    project = write_files(tmp_path_factory.mktemp("requests") / "project", {
        "handoutpack.toml": MINIMAL_CONFIG, "content/handouts/hello.en.md": HELLO, **LOGOS})
    with serving(project) as base:
        yield project, base


@pytest.fixture
def served(server):
    project, _ = server
    yield server
    for folder in ("photos",):
        for path in (project / folder).glob("*"):
            path.unlink()
    for name, text in LOGOS.items():  # the logos as they were
        (project / name).write_text(text, encoding="utf-8")


def upload(base: str, kind: str, name: str, data: bytes, replace: bool = False):
    headers = {"X-Handoutpack-Token": token(base), "X-File-Name": name}
    if replace:
        headers["X-Replace"] = "yes"
    return request(f"{base}/workbench/{kind}", data, headers)


def header_only_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name,data,words", ids=["huge", "truncated", "con.svg", "small", "fake"], argvalues=[
    ("huge.png", header_only_png(100_000, 100_000), "megapixels"),
    ("cut.png", png(400, 200)[:-60], "damaged or cut short"),
    ("con.svg", LOGOS["logos/network.svg"].encode(), "Windows"),
    ("small.png", png(100, 40), "at least 237 pixels wide"),
    ("fake.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not the kind of picture"),
])
def test_a_refused_logo_is_said_in_words_and_leaves_nothing(served, capsys, monkeypatch, name,
                                                           data, words):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    project, base = served
    before = sorted(p.name for p in (project / "logos").iterdir())
    status, body = upload(base, "logo", name, data)
    assert status == 422 and words in body.decode()
    assert sorted(p.name for p in (project / "logos").iterdir()) == before
    assert "Traceback" not in capsys.readouterr().err


def test_a_failed_upload_keeps_the_logo_there_and_a_good_one_replaces_it_only_when_asked(served):
    project, base = served
    old = (project / "logos/network.svg").read_bytes()
    status, _ = upload(base, "logo", "network.png", png(10, 10)[:-30])  # a different file
    assert status == 422
    status, _ = upload(base, "logo", "network.svg", b"<not svg>")
    assert status == 409  # asked first: the same name is there
    status, _ = upload(base, "logo", "network.svg", b"<not svg>", replace=True)
    assert status == 422 and (project / "logos/network.svg").read_bytes() == old
    good = LOGOS["logos/fund.svg"].encode()
    assert upload(base, "logo", "network.svg", good, replace=True)[0] == 200
    assert (project / "logos/network.svg").read_bytes() == good
    assert not list((project / "logos").glob(".upload-*"))


def test_a_photo_is_saved_in_photos(served, monkeypatch):
    import io

    from PIL import Image, ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    project, base = served
    status, body = upload(base, "photo", "Me (2027).jpg", b"\xff\xd8\xff" + b"0" * 100)
    assert status == 422  # named JPEG, starts like one, but does not decode
    jpeg = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(jpeg, "JPEG")
    status, body = upload(base, "photo", "cut.jpg", jpeg.getvalue()[:-2000])
    assert status == 422 and "cut short" in body.decode()
    assert upload(base, "photo", "whole.jpg", jpeg.getvalue())[0] == 200
    status, body = upload(base, "photo", "Me.png", png(300, 300))
    assert status == 200 and b"photos/Me.png" in body and (project / "photos/Me.png").is_file()


@pytest.mark.parametrize("path", ids=["superscript", "superscript-encoded", "5000-digits", "bad-utf8", "traversal", "no-job", "preview-superscript"], argvalues=["/workbench/page/²/en/starter.pdf", "/workbench/page/%C2%B2/x.pdf",
                                  "/workbench/page/" + "9" * 5000 + "/en/starter.pdf",
                                  "/workbench/file/%ff%fe", "/workbench/picture/../../etc/passwd",
                                  "/workbench/job/nope", "/page/²/en/starter.pdf"])
def test_a_malformed_get_is_answered_4xx(served, capsys, path):
    _, base = served
    answer = raw(base, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert re.match(rb"HTTP/1\.[01] 4\d\d", answer), answer[:80]
    assert "Traceback" not in capsys.readouterr().err


def raw(base: str, data: bytes, wait: float = 10) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("length", [b"abc", b"-5", b"9" * 5000], ids=["abc", "negative", "5000-digits"])
def test_a_content_length_that_is_no_number_is_answered_400(served, capsys, length):
    _, base = served
    answer = raw(base, b"POST /workbench/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Handoutpack-Token: "
                 + token(base).encode() + b"\r\nContent-Length: " + length + b"\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow  # waits on the clock
def test_a_client_trickling_its_request_is_dropped(served, monkeypatch):
    from handoutpack.ui import serve

    monkeypatch.setattr(serve, "REQUEST_SECONDS", 1)
    _, base = served
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"GET /workbench HTTP/1.1\r\n")
        for _ in range(20):  # a header line every half second: never the blank line
            try:
                connection.sendall(b"X-a: b\r\n")
                if connection.recv(1, socket.MSG_DONTWAIT) == b"":
                    break
            except BlockingIOError:
                pass
            except OSError:
                break
            time.sleep(0.5)
    assert time.monotonic() - started < 5


def test_the_page_has_no_image_without_a_source(served):
    _, base = served
    status, page = request(base + "/workbench")
    assert status == 200 and b'<img id="page"' not in page
    assert b"<img" not in page.replace(b'<img class="thumb"', b"")  # thumbnails get theirs on use


@pytest.mark.parametrize("header,expected", [("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
                                             ("de-DE, ar;q=0.5", "ar"), ("", "en"),
                                             ("*", "en"), ("fr;q=0, en", "en")])
def test_the_page_is_in_the_browsers_language(make_project, header, expected):
    from handoutpack.project import loader
    from handoutpack.ui.workbench_words import page_language

    project = loader.load(make_project({"handoutpack.toml": open_config()}))
    assert page_language(project, "", header) == expected
    assert page_language(project, "ar", header) == "ar"


def open_config() -> str:
    from conftest import MINIMAL_CONFIG

    return MINIMAL_CONFIG.replace('available = ["en", "fr"]', 'available = ["en", "fr", "ar"]')


@pytest.mark.slow
def test_a_finished_build_leaves_no_defunct_process(make_project):
    """The server render workers fork from must not die with the build's thread and stay
    unreaped (issue 26: a defunct process under `serve` after each build)."""
    import json

    from test_workbench_journey import zombies

    project = make_project(LOGOS)
    with serving(project) as base:
        form = json.dumps({"packs": ["starter"], "languages": ["en"]}).encode()
        status, body = request(f"{base}/workbench/build", form, {
            "X-Handoutpack-Token": token(base), "Content-Type": "application/json"})
        assert status == 200, body
        job = json.loads(body)["job"]
        for _ in range(600):
            state = json.loads(request(f"{base}/workbench/job/{job}")[1])
            if state["state"] != "running":
                break
            time.sleep(0.5)
        assert state["state"] == "done", state
        time.sleep(1)  # the build's thread has ended
        assert zombies() == []
