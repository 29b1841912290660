"""Preview while writing: a local web page of the documents and packs, each shown page by page as
it will print, rebuilt and pushed to the page as soon as a source file is saved (live.py)."""

from __future__ import annotations

import html
import json
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import HandoutpackError
from ..markup import labels, templates
from ..publish.catalogue import layout_label, own_name
from ..store.outputs import document_path, layouts, pack_path
from . import workbench, workbench_http
from .live import Live
from .preview import Log, Preview, targets

HOST = "127.0.0.1"
"""Only this machine can open the preview."""
CONTENT_LENGTH = re.compile(r"[0-9]{1,9}")
MAX_BODY = 8_000_000
"""The largest change the workbench accepts: a logo, a photo or a list."""
REQUEST_SECONDS = 20
"""A request whose head (and body) has not arrived in this time is dropped: a client trickling
bytes (slowloris) cannot hold a connection for ever."""
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")
"""A page number in a URL: ASCII digits only (int() also reads '²' and '٣'), and few of them."""
IDLE_SECONDS = 60
"""A connection silent this long is closed, so idle sockets do not hold threads for ever."""


class Handler(BaseHTTPRequestHandler):
    """GET / (the list), /view/<path> (a target's pages), /state/<path> (JSON: its version,
    pages and problem, rebuilt if needed), /events/<path> (the same state as server-sent events,
    at once and after each change), /page/<n>/<path>?v=<version> (JPEG), /pdf/<path>."""

    preview: Preview
    workbench: workbench.Workbench
    server_version = "handoutpack-preview"
    timeout = IDLE_SECONDS

    def handle_one_request(self) -> None:
        """One request, dropped when its head and body do not arrive in REQUEST_SECONDS."""
        self._read_in_time = threading.Timer(REQUEST_SECONDS, self._drop)
        self._read_in_time.daemon = True
        self._read_in_time.start()
        try:
            super().handle_one_request()
        except (ValueError, UnicodeError, OverflowError):  # a request malformed past the checks
            if not self.wfile.closed:
                self._send(HTTPStatus.BAD_REQUEST, b"Bad request", "text/plain")
        finally:
            self._read_in_time.cancel()

    def _drop(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:
        self._read_in_time.cancel()
        if not self._from_this_machine():
            return self._send(HTTPStatus.FORBIDDEN, b"Only this machine may use the preview.",
                              "text/plain")
        url = urlsplit(self.path)
        route, _, rest = url.path.lstrip("/").partition("/")
        rest = unquote(rest)
        try:
            if route == "workbench":
                return workbench_http.handle_get(self.workbench, self, rest, url.query)
            if route == "":
                return self._index()
            if route == "view":
                return self._view(rest)
            if route == "state":
                return self._state(rest)
            if route == "events":
                return self._events(rest)
            if route == "page":
                number, _, path = rest.partition("/")
                version = url.query.removeprefix("v=")
                image = self.preview.page_image(path, int(number), version) \
                    if PAGE_NUMBER.fullmatch(number) else None  # not '²', nor 5,000 digits
                return self._send_or_404(image, "image/jpeg", cache=True)
            if route == "pdf":
                render = self.preview.render(rest)
                return self._send_or_404(render.pdf if render else None, "application/pdf")
        except HandoutpackError as error:
            return self._send(HTTPStatus.OK, _problem_page(str(error)), "text/html")
        self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")

    def do_POST(self) -> None:
        """The workbench's changes: from this machine, with the page's token, JSON back."""
        refused = "" if self._from_this_machine() else "only this machine may use the workbench"
        refused = refused or workbench_http.allowed(self.workbench, self.headers,
                                                    self.server.server_address[1])
        if refused:
            return self.send_json({"error": refused}, HTTPStatus.FORBIDDEN)
        length = self.headers.get("Content-Length") or "0"
        if not CONTENT_LENGTH.fullmatch(length):  # 'abc', '-1', 5,000 digits
            return self.send_json({"error": "Content-Length is not a number of bytes"},
                                  HTTPStatus.BAD_REQUEST)
        if int(length) > MAX_BODY:
            return self.send_json({"error": "too large"}, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = self.rfile.read(int(length))
        self._read_in_time.cancel()
        url = urlsplit(self.path)
        route, _, rest = url.path.lstrip("/").partition("/")
        if route != "workbench":
            return self.send_not_found()
        try:
            workbench_http.handle_post(self.workbench, self, unquote(rest), body)
        except HandoutpackError as error:
            self.send_json({"error": str(error)}, HTTPStatus.UNPROCESSABLE_ENTITY)

    # what the workbench sends back
    def send_page(self, page: bytes, csp: str) -> None:
        self._send(HTTPStatus.OK, page, "text/html", headers={
            "Content-Security-Policy": csp, "X-Frame-Options": "DENY"})

    def send_json(self, value, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"),
                   "application/json")

    def send_bytes(self, data: bytes, kind: str) -> None:
        self._send(HTTPStatus.OK, data, kind)

    def send_file(self, path: Path, kind: str, name: str = "", inline: bool = False) -> None:
        name = re.sub(r'[^A-Za-z0-9._-]', "-", name or path.name)
        self._send(HTTPStatus.OK, path.read_bytes(), kind, headers={
            "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'})

    def send_not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")

    def _index(self) -> None:
        project, documents = self.preview.load()
        words = labels.labels(project.theme, project.default_language)
        rows = [(" · ".join(filter(None, [meta.title, layout_label(words, layout)])), d.section,
                 [(lang, own_name(lang), document_path(lang, slug, layout))
                  for lang in project.languages if lang in d.translations])
                for slug, d in documents.items()
                for meta in [d.translations[project.default_language].meta]
                for layout in layouts(meta.kind)]
        packs = [(project.text(spec.titles, project.default_language), "",
                  [(lang, own_name(lang), pack_path(lang, spec.id)) for lang in project.languages])
                 for spec in project.packs.values()]
        page = templates.page(project.theme, "preview.html", lang=project.default_language,
                           org=project.org, brand=project.brand, packs=packs, documents=rows,
                           target=None)
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html")

    def _view(self, path: str) -> None:
        project, documents = self.preview.load()
        target = targets(project, documents).get(path)
        if target is None:
            return self._send(HTTPStatus.NOT_FOUND, b"No such document or pack", "text/plain")
        page = templates.page(project.theme, "preview.html", lang=target.lang, org=project.org,
                           brand=project.brand, target=target, packs=[], documents=[])
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html")

    def _state(self, path: str) -> None:
        render = self.preview.render(path)
        if render is None:
            return self._send(HTTPStatus.NOT_FOUND, b"{}", "application/json")
        self._send(HTTPStatus.OK, json.dumps(self.preview.state(render)).encode("utf-8"),
                   "application/json")

    def _events(self, path: str) -> None:
        live = self.preview.live
        if live is None or self.preview.render(path) is None:
            return self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

        def send(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        try:
            live.stream(path, send)
        except (ConnectionError, TimeoutError):
            pass  # the page was closed or reloaded

    def _from_this_machine(self) -> bool:
        """Refuse pages of other sites that point a browser here (DNS rebinding)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost")

    def _send_or_404(self, data: bytes | None, kind: str, cache: bool = False) -> None:
        if data is None:
            return self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")
        self._send(HTTPStatus.OK, data, kind, cache)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, cache: bool = False,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        charset = "; charset=utf-8" if kind.startswith(("text/", "application/json")) else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=3600" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args) -> None:  # noqa: A002 - the polling would flood it
        pass


def _problem_page(message: str) -> bytes:
    return (f"<!doctype html><meta charset=utf-8><title>Problem</title><pre style='white-space:"
            f"pre-wrap;color:#8a1c1c;font:14px/1.5 monospace;padding:1rem'>{html.escape(message)}"
            "</pre><p style='font:14px sans-serif;padding:0 1rem'>Fix it and reload.</p>"
            ).encode("utf-8")


class PreviewServer(ThreadingHTTPServer):
    """The preview's server: a browser that drops or idles a connection is no error to log."""

    request_queue_size = 128
    """Connections waiting to be accepted: with socketserver's 5, a burst of them (a browser
    opens several at once; 300 idle sockets in the issue) had new ones wait a second or more."""

    live: Live | None = None

    def server_close(self) -> None:
        if self.live is not None:
            self.live.close()
            self.live.preview.workers.close()
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def make_server(project_dir: Path, port: int = 8000, overrides: dict[str, str] | None = None,
                log: Log = lambda message: None) -> PreviewServer:
    """The preview server on 127.0.0.1:`port` (0: any free port); call serve_forever()."""
    preview = Preview(project_dir, overrides, log)
    preview.load()  # a broken project fails here, with its message, before the server starts
    handler = type("PreviewHandler", (Handler,), {
        "preview": preview, "workbench": workbench.Workbench(project_dir, log)})
    try:
        server = PreviewServer((HOST, port), handler)
    except OSError as error:
        raise HandoutpackError(f"cannot listen on {HOST}:{port} ({error.strerror}); "
                               "choose another port with --port") from None
    server.daemon_threads = True
    server.live = preview.live = Live(preview)
    preview.live.start()
    preview.workers.start()
    return server

