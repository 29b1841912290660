"""The ambassador's workbench: `handoutpack serve`'s page for people who never open a terminal.
Start from a profile, pick packs and languages, fill in the event, the presenter and partners
(checked as they type, by the same readers as a profile given to `--as`), build and watch the
progress, look at every page, download the PDFs or ZIPs, load a list and send each person their
own pack. In the page's language (workbench_words); the requests are read in workbench_http.

The forms become a profile (build/workbench/profile.toml) and everything is done by the code the
command line runs with `--as` that profile; the page only reads files from build/. Builds and
mailings are jobs this server owns: a reloaded or reopened page finds the running one, its
progress and its results."""

from __future__ import annotations

import re
import threading
import tomllib
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..distribute import personalise, recipients
from ..distribute.outbox import Outbox, outbox_dir, prepare
from ..distribute import smtp
from ..distribute.sentlog import SentLog
from ..errors import HandoutpackError, Problems
from ..pipeline import build_and_publish
from ..plan.selection import Selection
from ..progress import Reporter
from ..project import config, loader
from ..project.presenter import LOGO_TYPES, PHOTO_TYPES
from ..publish.catalogue import own_name
from ..sources import content
from ..store.names import WINDOWS_RESERVED
from ..store.outputs import CACHE_DIR, OUTBOX_DIR, PREVIEW_DIR, WORKBENCH_DIR
from ..store.lock import build_lock
from ..store.writing import write_atomic
from . import uploads
from .workbench_forms import form_profile, profile_form
from .workbench_shown import described, page_image, pack_files, shown_message, shown_problems
from .workbench_words import FIELD_KEY, field_problem, row_problem, say, words

PROFILES = "profiles"
"""The project's folder of saved profiles."""
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", "tests", "build"}
"""Folders whose pictures are never offered: the project's own pictures are elsewhere."""


class Question(Exception):
    """Something the user must say yes to before a job starts: `confirm` names the form's key
    their yes sets."""

    def __init__(self, question: str, confirm: str):
        super().__init__(question)
        self.question, self.confirm = question, confirm


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
    summary: str = ""
    result: dict = field(default_factory=dict)

    def progress(self, done: int, total: int, doing: str) -> None:
        self.done, self.total, self.doing = done, total, doing


class Workbench:
    """The workbench of one project; workbench_http's handlers call it."""

    def __init__(self, project_dir: Path, log: Callable[[str], None] = lambda message: None):
        import secrets

        self.root = project_dir.resolve()
        self.log = log
        self.token = secrets.token_urlsafe(32)
        self.jobs: dict[str, Job] = {}
        self.latest: dict[str, Job] = {}
        """The last build and the last mailing, by 'build' and 'mail': what a reloaded page shows."""
        self.running = threading.Lock()
        """One build or mailing at a time: they share build/."""

    # ------------------------------------------------------------ the forms

    def project(self, form: dict | None = None) -> config.Project:
        """The project as the forms set it: their profile, saved in build/, given to `--as`."""
        plain = loader.load(self.root)
        if not form:
            return plain
        path = plain.build_dir / WORKBENCH_DIR / "profile.toml"
        write_atomic(path, form_profile(form).encode("utf-8"), sync=False)
        return loader.load(self.root, profile=path)

    def check(self, form: dict, lang: str) -> dict[str, str]:
        """What is wrong with the forms, by field key, in plain words of the page's language."""
        said = words(loader.load(self.root), lang)
        text = form_profile(form)
        problems: dict[str, str] = {}
        try:
            loader.profile_settings(self.root, tomllib.loads(text), text, "profile")
        except Problems as error:
            for problem in error.problems:
                key = re.sub(r"^partners\[(\d)\]", r"partners.\1", problem.key or "")
                key = key if FIELD_KEY.match(key) else re.sub(r"\.\w+$", "", key)
                problems.setdefault(key, field_problem(said, key, problem))
        for choice in ("packs", "languages"):
            if not form.get(choice):
                problems[choice] = say(said, f"wb_err_choose_{choice}")
        return problems

    # ------------------------------------------------------------ jobs

    def start(self, kind: str, form: dict, lang: str) -> Job:
        """Start a build, or a mailing's preparation or sending, unless one is running; a build
        that would replace a pack made from another presenter's form asks first."""
        said = words(loader.load(self.root), lang)
        if kind == "build":
            if problems := self.check(form, lang):
                raise HandoutpackError(say(said, "wb_err_fix_fields", count=len(problems)))
        if not self.running.acquire(blocking=False):
            raise HandoutpackError(say(said, "wb_err_busy"))
        try:
            if not form.get("replace"):  # a mailing builds its pack too
                self._ask_before_replacing(form, said)
        except BaseException:
            self.running.release()
            raise
        job = Job(kind)
        self.jobs[job.id] = job
        self.latest["build" if kind == "build" else "mail"] = job
        work = {"build": self._build, "prepare": self._mailing, "send": self._mailing}[kind]
        threading.Thread(target=self._run, args=(job, work, form, said), daemon=True,
                         name=f"workbench-{kind}").start()
        return job

    def _ask_before_replacing(self, form: dict, said: dict[str, str]) -> None:
        """Packs in build/ made by the page for a presenter are not replaced by a build for
        someone else (a blank form, another profile) without a yes."""
        built = loader.load(self.root).build_dir / WORKBENCH_DIR
        try:
            earlier = tomllib.loads((built / "built.toml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return
        name = str((earlier.get("presenter") or {}).get("name") or "")
        now = str((form.get("presenter") or {}).get("name") or "").strip()
        if name and name != now:
            raise Question(say(said, "wb_q_replace_presenter", name=name), "replace")

    @staticmethod
    def _built_from(project: config.Project, form: dict) -> None:
        """Note whose form the packs in build/ were made from (see _ask_before_replacing)."""
        write_atomic(project.build_dir / WORKBENCH_DIR / "built.toml",
                     form_profile(form).encode("utf-8"), sync=False)

    def _run(self, job: Job, work, form: dict, said: dict[str, str]) -> None:
        try:
            work(job, form, said)
            job.state = "done"
        except HandoutpackError as error:
            job.state, job.error = "failed", str(error)
        except Exception as error:  # a bug of ours: show it where the user is looking
            job.state = "failed"
            job.error = say(said, "wb_err_unexpected")
            self.log(f"handoutpack failed unexpectedly: {''.join(traceback.format_exception(error))}")
        finally:
            self.running.release()

    def _build(self, job: Job, form: dict, said: dict[str, str]) -> None:
        """What `handoutpack build PACKS --lang ... --as profile` does, then each person's pack
        when asked (`--for`), in their language whether or not it is ticked."""
        project = self.project(form)
        documents = content.load(project.reading)
        packs, langs = tuple(form["packs"]), tuple(form["languages"])
        people = self._recipients(project, said) if form.get("personalise") else []
        extra = tuple(dict.fromkeys(p.lang for p in people if p.lang not in langs))
        reporter = Reporter(log=job.log.append, progress=lambda done, total, doing: job.progress(
            done, total, say(said, "wb_building")))
        _, warnings = build_and_publish(project, documents, Selection(packs, langs + extra),
                                        reporter)
        self._built_from(project, form)
        files = [file for pack in packs for lang in langs for file in pack_files(project, pack, lang)]
        if people:
            files += self._personal(job, project, packs, people, said)
        job.result = {"files": files, "warnings": shown_problems(warnings)}
        job.summary = say(said, "wb_built", count=len(files))
        if extra:
            job.summary += " " + say(said, "wb_built_extra", languages=", ".join(
                own_name(lang) for lang in extra))

    def _personal(self, job: Job, project: config.Project, packs, people, said) -> list[dict]:
        files = []
        for pack in packs:
            chosen = in_pack(project, pack, people)
            with build_lock(project.build_dir):
                made = personalise.make(project.mail, project.render_settings, pack, chosen,
                                        progress=lambda done, total: job.progress(
                                            done, total, say(said, "wb_personal_covers")))
            titles = project.packs[pack].titles
            files += [described(project, made.paths[p.key], f"{project.text(titles, p.lang)}"
                                f" — {personalise.recipient_line(p)}", p.lang, "personal")
                      for p in chosen]
        return files

    def _recipients(self, project: config.Project, said) -> list[recipients.Recipient]:
        path = project.build_dir / WORKBENCH_DIR / "recipients.csv"
        if not path.is_file():
            raise HandoutpackError(say(said, "wb_err_no_list"))
        return recipients.read_recipients(path, project.langs)[0]

    def _mailing(self, job: Job, form: dict, said: dict[str, str]) -> None:
        """`handoutpack email PACK --to list --personalise` (and `--send` for the kind send)."""
        project = self.project(form)
        documents = content.load(project.reading)
        pack = form.get("mail_pack") or ""
        if pack not in project.packs:
            raise HandoutpackError(say(said, "wb_err_choose_mail_pack"))
        people = in_pack(project, pack, self._recipients(project, said))
        csv = project.build_dir / WORKBENCH_DIR / "recipients.csv"
        job.progress(0, 0, say(said, "wb_building"))
        build_and_publish(project, documents, Selection((pack,), tuple(
            dict.fromkeys(p.lang for p in people))), Reporter())
        self._built_from(project, form)
        with build_lock(project.build_dir):
            made = personalise.make(project.mail, project.render_settings, pack, people,
                                    progress=lambda done, total: job.progress(
                                        done, total, say(said, "wb_personal_covers")))
            outbox = prepare(project.mail, documents, pack, csv, (), None,
                             personal=lambda chosen: made.paths)
            log = SentLog(outbox_dir(project.build_dir, pack)).entries
            due = [letter for letter in outbox.letters if (log.get(
                letter.recipient.email.lower()) or {}).get("status") not in ("sent", "sending")]
            job.result = {"messages": [shown_message(project, outbox.draft(letter),
                                                     made.paths[letter.recipient.key])
                                       for letter in outbox.letters],
                          "problems": [row_problem(said, "", p) for p in outbox.problems],
                          "due": len(due)}
            job.summary = say(said, "wb_prepared", count=len(outbox.letters), due=len(due))
            if job.kind == "send":
                self._send(job, project, outbox, len(due), said)

    def _send(self, job: Job, project: config.Project, outbox: Outbox, due: int,
              said: dict[str, str]) -> None:
        job.progress(0, due, say(said, "wb_sending"))

        def heard(message: str) -> None:
            job.log.append(message)
            job.progress(min(job.done + 1, job.total), job.total, say(said, "wb_sending"))

        sent = smtp.send(outbox, project.email.pace_seconds, heard)
        job.result["sent"] = asdict(sent)
        job.result["due"] = 0
        job.summary = say(said, "wb_sent_summary", sent=len(sent.sent),
                          earlier=len(sent.earlier), refused=len(sent.refused))

    # ------------------------------------------------------------ pictures, profiles, lists

    def images(self, suffixes: tuple[str, ...]) -> list[str]:
        """The project's own pictures of these kinds (never build/'s, nor its tests'), as paths
        to give in a profile."""
        build_dir = loader.load(self.root).build_dir
        found = []
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if (path.suffix.lower() in suffixes and path.is_file()
                    and not path.is_relative_to(build_dir)
                    and not SKIPPED_DIRS.intersection(relative.parts)
                    and not relative.name.startswith(".")):
                found.append(relative.as_posix())
        return found[:300]

    def picture(self, relative: str) -> Path | None:
        """One of the pictures offered, for its thumbnail."""
        offered = self.images(LOGO_TYPES + PHOTO_TYPES)
        return self.root / relative if relative in offered else None

    def save_picture(self, kind: str, name: str, data: bytes, replace: bool, lang: str) -> str:
        said = words(loader.load(self.root), lang)
        try:
            return uploads.save(self.root, kind, name, data, loader.load(self.root).max_image_pixels,
                                replace)
        except uploads.Exists as exists:
            raise Question(say(said, "wb_q_replace_file", name=exists.relative), "replace")
        except uploads.Refused as refused:
            raise HandoutpackError(say(said, refused.key, **refused.values)) from None

    def profiles(self) -> dict[str, dict]:
        """The saved profiles (profiles/*.toml), as the forms hold them."""
        found = {}
        for path in sorted((self.root / PROFILES).glob("*.toml")):
            try:
                found[path.stem] = profile_form(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
        return found

    def save_profile(self, name: str, form: dict, lang: str) -> tuple[str, str]:
        said = words(loader.load(self.root), lang)
        problems = self.check({**form, "packs": ["-"], "languages": ["-"]}, lang)
        if problems:
            raise HandoutpackError(say(said, "wb_err_fix_fields", count=len(problems)))
        stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
        if not stem:
            raise HandoutpackError(say(said, "wb_err_profile_name"))
        if stem in WINDOWS_RESERVED:
            stem += "-profile"
        path = self.root / PROFILES / f"{stem}.toml"
        write_atomic(path, form_profile(form, keep_choices=True).encode("utf-8"))
        return path.relative_to(self.root).as_posix(), stem

    def save_list(self, text: str, file_name: str, lang: str) -> dict:
        """Keep the list the page loaded, and say who is on it and which rows are skipped."""
        project = self.project()
        said = words(project, lang)
        path = project.build_dir / WORKBENCH_DIR / "recipients.csv"
        write_atomic(path, text.encode("utf-8"), sync=False)
        people, problems = recipients.read_recipients(path, project.langs)
        return {"people": [{"line": p.line, "email": p.email, "name": p.name, "lang": p.lang,
                            "lang_name": own_name(p.lang),
                            "prepared_for": personalise.recipient_line(p)} for p in people],
                "problems": [row_problem(said, file_name, p) for p in problems]}

    def sent_log(self, pack: str) -> list[dict]:
        project = self.project()
        if pack not in project.packs:
            return []
        try:
            return list(SentLog(outbox_dir(project.build_dir, pack)).entries.values())
        except HandoutpackError:
            return []

    def file(self, relative: str) -> Path | None:
        """A PDF, ZIP or picture in build/ (never its cache, outbox or anything outside)."""
        build_dir = self.project().build_dir
        path = (build_dir / relative).resolve()
        if (not path.is_relative_to(build_dir) or path.suffix not in (".pdf", ".zip", ".png")
                or not path.is_file() or {CACHE_DIR, PREVIEW_DIR, OUTBOX_DIR} & set(
                    path.relative_to(build_dir).parts)):
            return None
        return path

    def page_image(self, relative: str, number: int) -> bytes | None:
        path = self.file(relative)
        if path is None or path.suffix != ".pdf":
            return None
        return page_image(path, number)


def in_pack(project: config.Project, pack: str, people: list[recipients.Recipient]
            ) -> list[recipients.Recipient]:
    """The people whose language the pack is made in."""
    languages = project.packs[pack].languages
    return [p for p in people if not languages or p.lang in languages]
