"""The ambassador's workbench: `handoutpack serve`'s page for people who never open a terminal.
Pick packs and languages, fill in the event, the presenter and partners (checked as they type,
by the same readers and with the same messages as a profile given to `--as`), build and watch
the progress, look at every page, download the PDFs or ZIPs, load a list and send each person
their own pack.

The forms become a profile (build/workbench/profile.toml) and everything is done by the code the
command line runs with `--as` that profile; the page only reads files from build/. Every change
(POST) needs the page's token: another site's page in the same browser cannot make one."""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
import tomllib
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from ..project import config
from ..project import loader
from ..sources import content
from ..distribute import mailing, personalise
from ..distribute import recipients
from ..markup import templates
from ..markup import labels
from ..plan.selection import Selection
from ..publish.downloads import own_name, page_images
from ..errors import HandoutpackError, Problems
from ..store.outputs import build_lock, read_outputs, write_atomic
from ..pdf.files import page_count
from ..pipeline import build_and_publish
from ..project.presenter import LOGO_TYPES, PHOTO_TYPES, check_logo, profile_toml
from ..progress import Reporter
from ..distribute.sentlog import SentLog
from ..store.memos import memo

FOLDER = "workbench"
"""Inside build/: the profile the forms make, and the list loaded."""
PROFILES = "profiles"
"""The project's folder of saved profiles."""
LOGOS = "logos"
"""Where logos added through the page are saved."""
MAX_BODY = 8_000_000
PAGE_WIDTH = 900
SERVED = {".pdf": "application/pdf", ".zip": "application/zip", ".png": "image/png"}
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__"}

FIELDS = {
    "event.name": ("Event", "The event's name, printed on every cover and title slide. Leave "
                            "empty to keep the one in handoutpack.toml."),
    "event.date": ("Date", "The day of the event, written YYYY-MM-DD (2027-06-14); each cover "
                           "prints it in its own language."),
    "event.place": ("Place", "The city or venue, or Online."),
    "presenter.name": ("Your name", "Printed as 'Presented by …' on covers and title slides, "
                                    "and on the contact page at the end of each pack."),
    "presenter.role": ("Your role", "For example Social Performance Ambassador."),
    "presenter.organisation": ("Your organisation", "Where you work; printed after your role."),
    "presenter.email": ("Email", "On the contact page, so that readers can write to you."),
    "presenter.phone": ("Phone", "With the country code, e.g. +33 1 23 45 67 89."),
    "presenter.photo": ("Photo", "Optional: a PNG or JPEG of you, printed round on the contact "
                                 "page."),
}
PARTNER_HELP = ("A co-host or sponsor: its name, and its logo as SVG, or as a PNG large enough "
                "to print (about 240 pixels wide or more). It is printed beside the "
                "organisation's logo on covers and title slides, and small in page footers.")


@dataclass
class Job:
    """Something long the page started (a build, a mailing): how far it is, and what it made."""

    kind: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = "running"
    done: int = 0
    total: int = 0
    doing: str = ""
    log: list[str] = field(default_factory=list)
    error: str = ""
    result: dict = field(default_factory=dict)

    def progress(self, done: int, total: int, doing: str) -> None:
        self.done, self.total, self.doing = done, total, doing


class Workbench:
    """The workbench of one project; the server's handler calls get() and post()."""

    def __init__(self, project_dir: Path, log: Callable[[str], None] = lambda message: None):
        self.root = project_dir.resolve()
        self.log = log
        self.token = secrets.token_urlsafe(32)
        self.jobs: dict[str, Job] = {}
        self.running = threading.Lock()
        """One build or mailing at a time: they share build/."""

    # ------------------------------------------------------------ the forms

    def project(self, form: dict | None = None) -> config.Project:
        """The project as the forms set it: their profile, saved in build/, given to `--as`."""
        plain = loader.load(self.root)
        if not form:
            return plain
        path = plain.build_dir / FOLDER / "profile.toml"
        write_atomic(path, form_profile(form).encode("utf-8"), sync=False)
        return loader.load(self.root, profile=path)

    def check(self, form: dict) -> dict[str, str]:
        """What is wrong with the forms, by field key: the messages `--as` would give."""
        text = form_profile(form)
        problems: dict[str, str] = {}
        try:
            loader.profile_settings(self.root, tomllib.loads(text), text, "profile")
        except Problems as error:
            for problem in error.problems:
                key = re.sub(r"^partners\[(\d)\]", r"partners.\1", problem.key or "form")
                problems.setdefault(key, problem.message)
        if not form.get("packs"):
            problems["packs"] = "choose at least one pack"
        if not form.get("languages"):
            problems["languages"] = "choose at least one language"
        return problems

    # ------------------------------------------------------------ jobs

    def start(self, kind: str, form: dict) -> Job:
        problems = self.check(form) if kind == "build" else {}
        if problems:
            raise HandoutpackError("; ".join(f"{k}: {v}" for k, v in problems.items()))
        if not self.running.acquire(blocking=False):
            raise HandoutpackError("a build or mailing is running; wait until it ends")
        job = Job(kind)
        self.jobs[job.id] = job
        work = {"build": self._build, "prepare": self._mailing, "send": self._mailing}[kind]
        threading.Thread(target=self._run, args=(job, work, form), daemon=True).start()
        return job

    def _run(self, job: Job, work, form: dict) -> None:
        try:
            work(job, form)
            job.state = "done"
        except HandoutpackError as error:
            job.state, job.error = "failed", str(error)
        except Exception as error:  # a bug of ours: show it where the user is looking
            job.state = "failed"
            job.error = f"handoutpack failed unexpectedly: {''.join(traceback.format_exception(error))}"
            self.log(job.error)
        finally:
            self.running.release()

    def _build(self, job: Job, form: dict) -> None:
        """What `handoutpack build PACKS --lang ... --as profile` does, then the personal packs
        when asked (`--for`)."""
        project = self.project(form)
        documents = content.load(project)
        packs, langs = tuple(form["packs"]), tuple(form["languages"])
        reporter = Reporter(log=job.log.append, progress=job.progress)
        _, warnings = build_and_publish(project, documents, Selection(packs, langs), reporter)
        files = [file for pack in packs for lang in langs for file in pack_files(project, pack, lang)]
        if form.get("personalise"):
            files += self._personal(job, project, packs, langs)
        job.result = {"files": files, "warnings": [str(w) for w in warnings]}

    def _personal(self, job: Job, project: config.Project, packs, langs) -> list[dict]:
        people = self._recipients(project)
        files = []
        for pack in packs:
            chosen = [p for p in in_pack(project, pack, people) if p.lang in langs]
            with build_lock(project.build_dir):
                made = personalise.make(project, pack, chosen, progress=lambda done, total: (
                    job.progress(done, total, f"personal covers of {pack}")))
            titles = project.packs[pack].titles
            files += [described(project, made.paths[p.key], f"{project.text(titles, p.lang)}"
                                f" — {personalise.recipient_line(p)}", p.lang, "personal")
                      for p in chosen]
        return files

    def _recipients(self, project: config.Project) -> list[recipients.Recipient]:
        path = project.build_dir / FOLDER / "recipients.csv"
        if not path.is_file():
            raise HandoutpackError("load a list of people first (a CSV file with the columns "
                                   "email, name, language and organisation or outlet)")
        return mailing.read_recipients(path, project)[0]

    def _mailing(self, job: Job, form: dict) -> None:
        """`handoutpack email PACK --to list --personalise` (and `--send` for the kind send)."""
        project = self.project(form)
        documents = content.load(project)
        pack = form.get("mail_pack") or ""
        if pack not in project.packs:
            raise HandoutpackError("choose the pack to send")
        csv = project.build_dir / FOLDER / "recipients.csv"
        if not csv.is_file():
            self._recipients(project)  # says what to do
        job.progress(0, 0, "building the pack")
        build_and_publish(project, documents, Selection((pack,)), Reporter(progress=job.progress))
        people = in_pack(project, pack, self._recipients(project))
        with build_lock(project.build_dir):
            made = personalise.make(project, pack, people, progress=lambda done, total: (
                job.progress(done, total, "each person's cover")))
            outbox = mailing.prepare(project, documents, pack, csv, (), None, personal=True)
            job.result = {"messages": [shown_message(project, outbox.draft(letter),
                                                     made.paths[letter.recipient.key])
                                       for letter in outbox.letters], "problems": outbox.problems}
            if job.kind == "send":
                self._send(job, project, outbox)

    def _send(self, job: Job, project: config.Project, outbox: mailing.Outbox) -> None:
        job.progress(0, len(outbox.letters), "sending")

        def heard(message: str) -> None:
            job.log.append(message)
            job.progress(job.done + 1, job.total, message)

        sent = mailing.send(project, outbox, project.email.pace_seconds, heard)
        job.result["sent"] = asdict(sent)

    # ------------------------------------------------------------ what the page shows

    def page(self, nonce: str) -> str:
        project = self.project()
        words = labels.labels(project, project.default_language)
        return templates.page(
            project, "workbench.html", lang="en", org=project.org, brand=project.brand,
            words=words, nonce=nonce, token=self.token, fields=FIELDS, partner_help=PARTNER_HELP,
            packs=[(spec.id, project.text(spec.titles, project.default_language),
                    spec.languages or project.languages) for spec in project.packs.values()],
            languages=[(lang, own_name(lang)) for lang in project.languages],
            logos=self.images(LOGO_TYPES), photos=self.images(PHOTO_TYPES),
            profiles=self.profiles(), email_ready=bool(project.email and project.email.sender))

    def images(self, suffixes: tuple[str, ...]) -> list[str]:
        """The project's images of these kinds, outside build/, as paths to give in a profile."""
        build_dir = loader.load(self.root).build_dir
        found = []
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if (path.suffix.lower() in suffixes and path.is_file()
                    and not path.is_relative_to(build_dir)
                    and not SKIPPED_DIRS.intersection(relative.parts)):
                found.append(relative.as_posix())
        return found[:300]

    def profiles(self) -> dict[str, dict]:
        """The saved profiles (profiles/*.toml), as the forms hold them."""
        found = {}
        for path in sorted((self.root / PROFILES).glob("*.toml")):
            try:
                found[path.stem] = profile_form(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
        return found

    def save_profile(self, name: str, form: dict) -> str:
        problems = self.check({**form, "packs": ["-"], "languages": ["-"]})
        if problems:
            raise HandoutpackError("fix the fields marked first")
        stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
        if not stem:
            raise HandoutpackError("give the profile a name, e.g. your own")
        path = self.root / PROFILES / f"{stem}.toml"
        write_atomic(path, form_profile(form).encode("utf-8"))
        return path.relative_to(self.root).as_posix()

    def save_list(self, text: str) -> dict:
        """Keep the list the page loaded, and say who is on it and which rows are skipped."""
        project = self.project()
        path = project.build_dir / FOLDER / "recipients.csv"
        write_atomic(path, text.encode("utf-8"), sync=False)
        people, problems = mailing.read_recipients(path, project)
        return {"people": [{"line": p.line, "email": p.email, "name": p.name, "lang": p.lang,
                            "prepared_for": personalise.recipient_line(p)} for p in people],
                "problems": problems}

    def save_logo(self, name: str, data: bytes) -> str:
        """A logo added through the page: saved in logos/ once it is fit to print."""
        stem, dot, suffix = Path(name).name.rpartition(".")
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60] or "logo"
        path = self.root / LOGOS / f"{safe}.{suffix.lower()}"
        if not dot or path.suffix not in LOGO_TYPES:
            raise HandoutpackError(f"'{name}' is not SVG or PNG; save the logo as SVG or PNG")
        checker = _Problems()
        write_atomic(path, data)
        if not check_logo(checker, "logo", path):
            path.unlink()
            raise HandoutpackError(checker.messages[0])
        return path.relative_to(self.root).as_posix()

    def sent_log(self, pack: str) -> list[dict]:
        project = self.project()
        try:
            return list(SentLog(mailing.outbox_dir(project, pack)).entries.values())
        except HandoutpackError:
            return []

    def file(self, relative: str) -> Path | None:
        """A PDF, ZIP or picture in build/ (never its cache, outbox or anything outside)."""
        build_dir = self.project().build_dir
        path = (build_dir / relative).resolve()
        if (not path.is_relative_to(build_dir) or path.suffix not in SERVED
                or not path.is_file() or {".cache", ".preview", "outbox"} & set(
                    path.relative_to(build_dir).parts)):
            return None
        return path

    def page_image(self, relative: str, number: int) -> bytes | None:
        path = self.file(relative)
        if path is None or path.suffix != ".pdf":
            return None
        stat = path.stat()
        return _page_image(str(path), stat.st_mtime_ns, stat.st_size, number)


class _Problems:
    """What check_logo needs of config's reader: somewhere to put a message."""

    def __init__(self):
        self.messages: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.messages.append(message)


@memo("inputs", maxsize=64)
def _page_image(path: str, _mtime: int, _size: int, number: int) -> bytes | None:
    data = Path(path).read_bytes()
    if not 1 <= number <= page_count(data):
        return None
    return page_images(data, PAGE_WIDTH, "PNG", range(number - 1, number))[0][0]


def in_pack(project: config.Project, pack: str, people: list[recipients.Recipient]
            ) -> list[recipients.Recipient]:
    """The people whose language the pack is made in."""
    languages = project.packs[pack].languages
    return [p for p in people if not languages or p.lang in languages]


def pack_files(project: config.Project, pack: str, lang: str) -> list[dict]:
    """A pack built in a language, and its ZIP, as the page lists them."""
    spec = project.packs[pack]
    if spec.languages and lang not in spec.languages:
        return []
    title = project.text(spec.titles, lang)
    files = [described(project, project.build_dir / f"{lang}/{pack}.pdf", title, lang, "pack")]
    zipped = project.build_dir / f"{lang}/{pack}.zip"
    if zipped.is_file():
        files.append({"path": f"{lang}/{pack}.zip", "title": f"{title} (ZIP)", "lang": lang,
                      "kind": "zip", "pages": 0})
    return files


def described(project: config.Project, path: Path, title: str, lang: str, kind: str) -> dict:
    relative = path.relative_to(project.build_dir).as_posix()
    known = read_outputs(project.build_dir).get(relative)
    if known is not None:
        pages = known.pages
    else:
        pages = page_count(path.read_bytes())
    return {"path": relative, "title": title, "lang": lang, "kind": kind, "pages": pages,
            "version": f"{path.stat().st_mtime_ns:x}"}


def shown_message(project: config.Project, draft: mailing.Draft, pack: Path) -> dict:
    """A message as the page shows it: to whom, the subject, the text, and their pack."""
    recipient = draft.letter.recipient
    try:
        to = str(Address(recipient.name, addr_spec=recipient.address))  # as a mail program shows it
    except (ValueError, IndexError):
        to = draft.to
    return {"to": to, "subject": draft.subject, "lang": draft.letter.recipient.lang,
            "text": draft.text, "attachment": draft.letter.attachment.filename,
            "pack": pack.relative_to(project.build_dir).as_posix()}


def form_profile(form: dict) -> str:
    """The forms as a profile's TOML."""
    def texts(table: Any, keys) -> dict[str, str]:
        table = table if isinstance(table, dict) else {}
        return {key: str(table.get(key) or "").strip() for key in keys}

    partners = [texts(p, ("name", "logo")) for p in (form.get("partners") or [])[:3]]
    return profile_toml(texts(form.get("presenter"), FIELD_KEYS["presenter"]), partners,
                        texts(form.get("event"), FIELD_KEYS["event"]))


FIELD_KEYS = {"presenter": ("name", "role", "organisation", "email", "phone", "photo"),
              "event": ("name", "date", "place")}


def profile_form(data: dict) -> dict:
    """A profile's TOML data as the forms hold it."""
    return {"presenter": {k: str(v) for k, v in (data.get("presenter") or {}).items()},
            "event": {k: str(v) for k, v in (data.get("event") or {}).items()},
            "partners": [{k: str(v) for k, v in p.items()} for p in data.get("partners") or []
                         if isinstance(p, dict)]}


# ---------------------------------------------------------------- the handler's side


def handle_get(workbench: Workbench, handler, route: str) -> None:
    """GET /workbench, /workbench/job/<id>, /workbench/file/<path>, /workbench/page/<n>/<path>,
    /workbench/sent/<pack>, /workbench/profiles."""
    head, _, rest = route.partition("/")
    if head == "":
        nonce = secrets.token_urlsafe(16)
        page = workbench.page(nonce).encode("utf-8")
        return handler.send_page(page, csp=f"default-src 'self'; img-src 'self' data:; "
                                           f"style-src 'unsafe-inline'; script-src 'nonce-{nonce}';"
                                           f" frame-ancestors 'none'; form-action 'none'")
    if head == "job" and rest in workbench.jobs:
        return handler.send_json(asdict(workbench.jobs[rest]))
    if head == "file" and (path := workbench.file(rest)):
        return handler.send_file(path, SERVED[path.suffix])
    if head == "page":
        number, _, path = rest.partition("/")
        image = workbench.page_image(path, int(number)) if number.isdigit() else None
        if image is not None:
            return handler.send_bytes(image, "image/png")
    if head == "sent":
        return handler.send_json({"sent": workbench.sent_log(rest)})
    if head == "profiles":
        return handler.send_json(workbench.profiles())
    handler.send_not_found()


def handle_post(workbench: Workbench, handler, route: str, body: bytes) -> None:
    """POST /workbench/check, /build, /prepare, /send, /list, /profile, /logo; JSON in and out."""
    if route == "logo":
        name = handler.headers.get("X-File-Name", "")
        return handler.send_json({"logo": workbench.save_logo(name, body)})
    if route == "list":
        return handler.send_json(workbench.save_list(body.decode("utf-8-sig", "replace")))
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise HandoutpackError("the page sent something that is not JSON") from None
    if route == "check":
        return handler.send_json({"problems": workbench.check(data)})
    if route in ("build", "prepare", "send"):
        return handler.send_json({"job": workbench.start(route, data).id})
    if route == "profile":
        return handler.send_json({"saved": workbench.save_profile(str(data.get("name", "")),
                                                                 data.get("form") or {})})
    handler.send_not_found()


def allowed(workbench: Workbench, headers, port: int) -> str:
    """Why a change (POST) is refused, or '' when it may go ahead: it must carry the page's
    token, and come from the page itself when the browser says where it comes from."""
    origin = headers.get("Origin")
    if origin and origin not in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        return f"a page of {origin} may not change anything here"
    if not hmac.compare_digest(headers.get("X-Handoutpack-Token", ""), workbench.token):
        return "missing or wrong token: reload the workbench page"
    return ""
