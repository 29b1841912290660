"""The workbench's requests: the page, in the language the browser asks for; its script; JSON
for the jobs, files, pictures, profiles and the sent-log; the changes (POST), which must carry
the page's token. A request that is not one of these, or malformed, gets a 4xx answer."""

from __future__ import annotations

import hmac
import json
import re
import secrets
from dataclasses import asdict
from http import HTTPStatus
from importlib.resources import files
from urllib.parse import parse_qs, unquote

from ..errors import HandoutpackError
from ..markup import templates
from ..project import loader
from ..project.presenter import LOGO_TYPES, MIN_LOGO_PIXELS, PHOTO_TYPES
from .workbench import Question, Workbench
from .workbench_shown import download_name
from .workbench_words import page_language, page_languages, say, words

PAGE_NUMBER = re.compile(r"[0-9]{1,6}")
"""A page number in a URL: ASCII digits only (int() also reads '²' and '٣'), and few of them."""
PICTURES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg"}
SERVED = {".pdf": "application/pdf", ".zip": "application/zip", ".png": "image/png"}
UPLOADS = {"logo", "photo"}


def script() -> bytes:
    return files("handoutpack.ui").joinpath("workbench.js").read_bytes()


def page(workbench: Workbench, nonce: str, lang: str) -> str:
    project = loader.load(workbench.root)
    said = words(project, lang)
    return templates.page(
        project.theme, "workbench.html", lang=lang, org=project.org, brand=project.brand,
        w=said, script_words=said, nonce=nonce, token=workbench.token, version=_version(),
        partner_help=say(said, "wb_partner_help", needed=MIN_LOGO_PIXELS),
        packs=[(spec.id, project.text(spec.titles, lang), spec.languages or project.languages)
               for spec in project.packs.values()],
        languages=page_languages(project), page_languages=page_languages(project),
        logos=workbench.images(LOGO_TYPES), photos=workbench.images(PHOTO_TYPES),
        profiles=workbench.profiles(), email_ready=bool(project.email and project.email.sender))


def _version() -> str:
    import hashlib

    return hashlib.sha256(script()).hexdigest()[:12]


def handle_get(workbench: Workbench, handler, route: str, query: str) -> None:
    """GET /workbench, /workbench/script.js, /workbench/jobs, /workbench/job/<id>,
    /workbench/file/<path>, /workbench/page/<n>/<path>, /workbench/picture/<path>,
    /workbench/sent/<pack>, /workbench/profiles."""
    head, _, rest = route.partition("/")
    if head == "":
        nonce = secrets.token_urlsafe(16)
        project = loader.load(workbench.root)
        asked = (parse_qs(query).get("lang") or [""])[0]
        lang = page_language(project, asked, handler.headers.get("Accept-Language", ""))
        text = page(workbench, nonce, lang).encode("utf-8")
        return handler.send_page(text, csp=f"default-src 'self'; img-src 'self' data:; "
                                           f"style-src 'unsafe-inline'; script-src 'nonce-{nonce}';"
                                           f" frame-ancestors 'none'; form-action 'none'")
    if head == "script.js" and not rest:
        return handler.send_bytes(script(), "text/javascript")
    if head == "jobs" and not rest:
        return handler.send_json({kind: asdict(job) for kind, job in workbench.latest.items()})
    if head == "job" and rest in workbench.jobs:
        return handler.send_json(asdict(workbench.jobs[rest]))
    if head == "file" and (path := workbench.file(rest)):
        project = loader.load(workbench.root)
        name = download_name(project, path.relative_to(project.build_dir).as_posix())
        return handler.send_file(path, SERVED[path.suffix], name)
    if head == "page":
        number, _, path = rest.partition("/")
        image = workbench.page_image(path, int(number)) if PAGE_NUMBER.fullmatch(number) else None
        if image is not None:
            return handler.send_bytes(image, "image/png")
    if head == "picture" and (path := workbench.picture(rest)):
        return handler.send_file(path, PICTURES[path.suffix.lower()], path.name, inline=True)
    if head == "sent":
        return handler.send_json({"sent": workbench.sent_log(rest)})
    if head == "profiles" and not rest:
        return handler.send_json(workbench.profiles())
    handler.send_not_found()


def handle_post(workbench: Workbench, handler, route: str, body: bytes) -> None:
    """POST /workbench/check, /build, /prepare, /send, /list, /profile, /logo, /photo; JSON
    back; a question the user must answer first comes back as 409 Conflict."""
    lang = page_language(loader.load(workbench.root), handler.headers.get("X-Handoutpack-Lang", ""),
                         "")
    try:
        return _answer(workbench, handler, route, body, lang)
    except Question as question:
        return handler.send_json({"question": question.question, "confirm": question.confirm},
                                 HTTPStatus.CONFLICT)


def _answer(workbench: Workbench, handler, route: str, body: bytes, lang: str) -> None:
    file_name = unquote(handler.headers.get("X-File-Name", ""))[:200]
    if route in UPLOADS:
        saved = workbench.save_picture(route, file_name, body,
                                       handler.headers.get("X-Replace") == "yes", lang)
        return handler.send_json({"saved": saved})
    if route == "list":
        return handler.send_json(workbench.save_list(body.decode("utf-8-sig", "replace"),
                                                     file_name, lang))
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        said = words(loader.load(workbench.root), lang)
        raise HandoutpackError(say(said, "wb_err_not_json"))
    if route == "check":
        return handler.send_json({"problems": workbench.check(data, lang)})
    if route in ("build", "prepare", "send"):
        return handler.send_json({"job": workbench.start(route, data, lang).id})
    if route == "profile":
        saved, name = workbench.save_profile(str(data.get("name", "")), data.get("form") or {},
                                             lang)
        return handler.send_json({"saved": saved, "name": name})
    handler.send_not_found()


def allowed(workbench: Workbench, headers, port: int) -> str:
    """Why a change (POST) is refused, or '' when it may go ahead: it must carry the page's
    token, and come from the page itself when the browser says where it comes from."""
    origin = headers.get("Origin")
    if origin and origin not in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        return f"a page of {origin} may not change anything here"
    if not hmac.compare_digest(headers.get("X-Handoutpack-Token", "").encode("utf-8", "replace"),
                               workbench.token.encode("utf-8")):
        return "missing or wrong token: reload the workbench page"
    return ""
