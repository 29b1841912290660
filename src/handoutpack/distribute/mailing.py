"""Email a pack to a list: one message per recipient in their language, written to an outbox,
then sent through SMTP with a log, so that a rerun sends only what is left."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import io
import ipaddress
import os
import re
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.headerregistry import Address
from email.utils import format_datetime, parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..markup import jinja
from ..markup import templates
from ..markup import markdown
from ..markup import formats
from ..markup import labels
from ..store.digests import file_digest
from ..plan.failed import refuse_stale
from ..project.config import Email, Project
from ..sources.files import read_text
from ..project.keys import suggest
from ..sources.content import Document, split_front_matter
from ..publish.downloads import in_language, pages_text, size_text
from ..errors import HandoutpackError
from ..store.names import portable
from ..store.outputs import guarded, pack_path, read_outputs, write_atomic
from .recipients import Recipient, read_recipients
from .sentlog import JOURNAL, SentLog

Log = Callable[[str], None]

MESSAGE_KEYS = {"subject"}
MESSAGE_NAMES = ("recipient (recipient.name, recipient.email and every column of the list), "
                 "org, pack, audience, event, documents (each with title and note), attachment "
                 "(name, pages, size) and lang")
SMTP_TIMEOUT = 30
MAX_MESSAGE_BYTES = 200_000


# ---------------------------------------------------------------- the messages


@dataclass(frozen=True)
class Template:
    """A message in one language: emails/<pack>.<lang>.md or emails/default.<lang>.md."""

    name: str
    subject: str
    body: str
    body_line: int
    subject_line: int


def find_template(project: Project, pack: str, lang: str) -> Template | None:
    for stem in (pack, "default"):
        path = project.emails_dir / f"{stem}.{lang}.md"
        if path.is_file():
            return read_template(project, path)
    return None


def read_template(project: Project, path: Path) -> Template:
    name = str(path.relative_to(project.root))
    text = read_text(name, path, "Markdown", MAX_MESSAGE_BYTES, "an email message should be "
                     "short", "write front matter with a subject, then the message")
    data, lines, body, body_line = split_front_matter(name, text, "subject")
    for key in data:
        if key not in MESSAGE_KEYS:
            raise HandoutpackError(f"{name}:{lines.get(str(key), 1)}: front matter '{key}': "
                                   f"unknown key{suggest(str(key), MESSAGE_KEYS)}; allowed: subject")
    if not isinstance(data.get("subject"), str) or not data["subject"].strip():
        raise HandoutpackError(f"{name}:{lines.get('subject', 1)}: front matter 'subject' is "
                               "required and must be text")
    return Template(name, data["subject"], body, body_line, lines.get("subject", 2))


@dataclass(frozen=True)
class Attachment:
    path: Path
    filename: str
    pages: int
    size: int
    shared: bool = True
    """The pack of a language, the same for everyone (read once a run); else one person's own
    (read when their message goes)."""


@dataclass(frozen=True)
class Letter:
    """One recipient's message before it is written: to whom, from which template, with what
    attached. A run holds these, small, for everyone; a message is made only when it goes."""

    recipient: Recipient
    template: Template
    attachment: Attachment

    @property
    def file(self) -> str:
        """The name of its .eml file in the outbox, when one is written."""
        safe = re.sub(r"[^A-Za-z0-9@._+-]", "_", self.recipient.email)
        return portable(f"{self.recipient.line:04d}-{safe}.eml")


@dataclass(frozen=True)
class Draft:
    """A letter's words, as the recipient will read them."""

    letter: Letter
    subject: str
    text: str
    html: str

    @property
    def to(self) -> Address:
        return self.letter.recipient.mailbox


@dataclass(frozen=True)
class Message:
    recipient: Recipient
    file: str
    """The .eml file's name in the outbox."""
    data: bytes


def draft(project: Project, documents: dict[str, Document], pack_id: str, letter: Letter
          ) -> Draft:
    """One recipient's subject, plain text and HTML, from their template."""
    spec, recipient, template = project.packs[pack_id], letter.recipient, letter.template
    lang, attachment = recipient.lang, letter.attachment
    words = labels.labels(project, lang)
    pack_title = project.text(spec.titles, lang)
    context = jinja.make_context(project, lang, spec.event, pack_title, spec.id, spec.audience)
    values = {**context.as_dict(), "recipient": recipient.fields,
              "documents": [_document(documents[slug], lang, project) for slug in spec.documents],
              "attachment": {"name": attachment.filename, "pages": attachment.pages,
                             "size": size_text(attachment.size, lang)}}
    values.pop("callout")  # its HTML box has no plain-text form

    def render(text: str, first_line: int, finalize: Callable | None = None) -> str:
        return jinja.render_text(template.name, text, first_line, values, MESSAGE_NAMES, lang,
                                 finalize)

    subject = " ".join(render(template.subject, template.subject_line).split())
    text = re.sub(r"\n{3,}", "\n\n", render(template.body, template.body_line)).strip() + "\n"
    with _held_aside() as held:  # put back after the page's typography too
        body_html = _body_html(render(template.body, template.body_line, _hold_aside))
        page = templates.page(project, "email.html", lang=lang, org=project.org,
                              brand=project.brand, words=words, body=body_html,
                              subject=TOKEN.sub("", subject),  # the one value not held aside
                              attachment=values["attachment"] | {
                                  "pages_text": pages_text(words, attachment.pages)})
        return Draft(letter, subject, text, held.put_back(page))


_converters = threading.local()


def _body_html(text: str) -> str:
    """markdown.to_html(text, line_breaks=True), with one converter kept (per thread) for a whole
    list: making a converter sets up every extension again, for each message."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.converter(line_breaks=True)
    return converter.reset().convert(text)


@dataclass(frozen=True)
class Encoded:
    """A PDF as every message carrying it holds it: base64 lines, made once per file a run."""

    base64: bytes
    digest: str
    """The SHA-256 of the PDF's bytes."""


def encoded(data: bytes) -> Encoded:
    lines = base64.encodebytes(data).replace(b"\n", b"\r\n")  # as the SMTP policy ends lines
    return Encoded(lines, hashlib.sha256(data).hexdigest())


PLACEHOLDER = b"handoutpack: the attachment goes here"
"""Attached while the message is laid out, then replaced by the PDF's base64 lines, so that each
PDF is encoded once a run and not once a message (the email package writes base64 a line at a
time: most of the cost of a message)."""
PLACEHOLDER_LINE = base64.encodebytes(PLACEHOLDER).replace(b"\n", b"\r\n")


def compose(project: Project, pack_id: str, draft: Draft, attachment: Encoded) -> Message:
    """The message itself: the draft's text and HTML, and the PDF attached."""
    recipient, email = draft.letter.recipient, project.email
    message = EmailMessage(policy=SMTP_POLICY if recipient.address.isascii() else SMTPUTF8_POLICY)
    message["From"] = email.sender
    message["To"] = draft.to
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = _message_id(email, pack_id, recipient, attachment.digest)
    message.set_content(draft.text, cte="quoted-printable")
    message.add_alternative(draft.html, subtype="html", cte="quoted-printable")
    message.add_attachment(PLACEHOLDER, maintype="application", subtype="pdf",
                           filename=draft.letter.attachment.filename)
    message["Content-Language"] = recipient.lang  # after the content: setting it drops Content-*
    head, found, tail = bytes(message).rpartition(PLACEHOLDER_LINE)  # the last part's body
    if not found:  # never send a message without its pack
        raise RuntimeError("the email package did not lay out the attachment as expected")
    return Message(recipient, draft.letter.file, head + attachment.base64 + tail)


def _document(document: Document, lang: str, project: Project) -> dict[str, str]:
    """A pack's document as a message lists it: its title, and 'in English' where the pack
    gives it in another language."""
    translation = document.best(lang, project.default_language)
    return {"title": translation.meta.title,
            "note": in_language(labels.labels(project, lang), translation.lang, lang)}


# What a template prints ({{ recipient.name }}, {{ org.name }}...) is text, never Markdown or
# HTML: in the HTML part each printed value is held aside while Markdown runs, a token in its
# place that no Markdown syntax, link finder or typography touches, then put back escaped.
# Escaping the values instead would leave '[Verify](https://evil.example)', '**bold**' and bare
# addresses for Markdown to turn into links and formatting.
TOKEN_OPEN, TOKEN_CLOSE, TOKEN_DIGIT0 = "\ue000", "\ue001", 0xE010
TOKEN = re.compile("\ue000([\ue010-\ue019]+)\ue001")
_held: ContextVar[_Held | None] = ContextVar("held", default=None)


@dataclass
class _Held:
    values: list[str] = field(default_factory=list)

    def token(self, value: object) -> str:
        self.values.append(str(value))
        digits = str(len(self.values) - 1)
        return TOKEN_OPEN + "".join(chr(TOKEN_DIGIT0 + int(d)) for d in digits) + TOKEN_CLOSE

    def put_back(self, body_html: str) -> str:
        def escaped(match: re.Match) -> str:
            index = int("".join(str(ord(c) - TOKEN_DIGIT0) for c in match[1]))
            return html.escape(self.values[index])
        return TOKEN.sub(escaped, body_html)


def _hold_aside(value: object) -> str:
    """Jinja's finalize while the HTML part's Markdown is made: each printed value a token."""
    held = _held.get()
    return str(value) if held is None else held.token(value)


@contextmanager
def _held_aside() -> Iterator[_Held]:
    reset = _held.set(_Held())
    try:
        yield _held.get()
    finally:
        _held.reset(reset)


def _message_id(email: Email, pack: str, recipient: Recipient, digest: str) -> str:
    """The same message gets the same id every run, so that mail systems can spot a repeat."""
    domain = parseaddr(email.sender)[1].rpartition("@")[2] or "handoutpack.invalid"
    key = "\n".join([pack, recipient.lang, recipient.key, digest]).encode("utf-8")
    return f"<{hashlib.sha256(key).hexdigest()[:32]}@{domain}>"


# ---------------------------------------------------------------- the outbox


def outbox_dir(project: Project, pack: str) -> Path:
    return guarded(project.build_dir, f"outbox/{pack}")


@dataclass
class Outbox:
    """A run's letters, and how to make each one's message when it is its turn: a run holds one
    message at a time, and one copy of each pack that goes to many."""

    project: Project
    documents: dict[str, Document]
    pack_id: str
    folder: Path
    letters: list[Letter]
    problems: list[str]
    shared: dict[Path, Encoded] = field(default_factory=dict)
    """Each language's pack, read and encoded once."""

    def draft(self, letter: Letter) -> Draft:
        return draft(self.project, self.documents, self.pack_id, letter)

    def message(self, letter: Letter) -> Message:
        return compose(self.project, self.pack_id, self.draft(letter),
                       self.attachment(letter.attachment))

    def attachment(self, attachment: Attachment) -> Encoded:
        if attachment.path in self.shared:
            return self.shared[attachment.path]
        found = encoded(read_attachment(self.project, attachment))
        if attachment.shared:
            self.shared[attachment.path] = found
        return found


def read_attachment(project: Project, attachment: Attachment) -> bytes:
    """The PDF's bytes, as checked before the run began."""
    try:
        data = attachment.path.read_bytes()
    except OSError as error:
        raise HandoutpackError(f"{_rel(project, attachment.path)}: cannot be read "
                               f"({error.strerror}); run the same command again") from None
    if len(data) != attachment.size:
        raise HandoutpackError(f"{_rel(project, attachment.path)} changed during the run; run the "
                               "same command again (nobody is sent anything twice)")
    return data


@dataclass(frozen=True)
class Preview:
    """What a run without --send wrote: the list of every message, and the .eml files."""

    listing: Path
    emls: list[str]
    unknown: list[str]
    """Addresses given to --eml that are not on the list."""


def write_preview(outbox: Outbox, wanted: tuple[str, ...] = ()) -> Preview:
    """Make every letter's words (so that a template failing for someone fails now), list them
    in messages.csv, and write as .eml the first letter in each language and those `wanted`
    (addresses, or 'all'); .eml files of earlier runs that are not written again go."""
    keys = {address.lower() for address in wanted}
    rows, emls, languages = io.StringIO(), [], set()
    listing = csv.writer(rows)
    listing.writerow(LISTING_COLUMNS)
    for letter in outbox.letters:
        recipient, shown = letter.recipient, outbox.draft(letter)
        eml = recipient.lang not in languages or "all" in keys or recipient.key in keys
        if eml:
            write_atomic(outbox.folder / letter.file, outbox.message(letter).data, sync=False)
            emls.append(letter.file)
        languages.add(recipient.lang)
        listing.writerow([recipient.line, recipient.email, _cell(recipient.name), recipient.lang,
                          _cell(shown.subject), letter.attachment.filename,
                          _rel(outbox.project, letter.attachment.path), letter.file if eml else ""])
    for old in outbox.folder.glob("*.eml"):
        if old.name not in emls:
            old.unlink()
    path = outbox.folder / LISTING
    write_atomic(path, rows.getvalue().encode("utf-8"), sync=False)
    listed = {letter.recipient.key for letter in outbox.letters}
    return Preview(path, emls, sorted(keys - listed - {"all"}))


def _cell(text: str) -> str:
    """Text from the list as a spreadsheet shows it, never as a formula ('=HYPERLINK(...)')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


LISTING = "messages.csv"
LISTING_COLUMNS = ("line", "email", "name", "language", "subject", "attachment", "pdf", "eml")


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class Sent:
    sent: list[str]
    earlier: list[str]
    refused: list[str]
    uncertain: list[str]
    deferred: list[str] = field(default_factory=list)
    """Addresses the server said 'later' to (4xx), even when tried again at the run's end."""
    skipped: list[str] = field(default_factory=list)
    """Addresses this server cannot take (non-ASCII, without SMTPUTF8)."""


def send(project: Project, outbox: Outbox, pace: float, log: Log,
         sleep: Callable[[float], None] = time.sleep) -> Sent:
    """Send what the sent-log does not list as sent, one message at a time, `pace` seconds apart,
    each made when it goes. An address the server refuses is recorded, and tried again by the
    next run; when the server fails or goes away, the run stops and what is left waits for the
    next run."""
    with SentLog(outbox.folder) as sent_log:
        result, todo = _where_each_stands(outbox.letters, sent_log)
        if not todo:
            return result
        for letter in {each.recipient.lang: each for each in reversed(todo)}.values():
            outbox.draft(letter)  # a template that fails does so before anything is sent
        password = _password(project)
        with _connect(project, password) as server:
            run = _Run(project, server, parseaddr(project.email.sender)[1], outbox, sent_log,
                       result, pace, log, sleep)
            later = run.each(todo)
            if later:  # once more at the end of the run; what is still deferred waits for the next
                result.deferred.clear()
                sleep(pace)
                run.each(later)
    return result


def _where_each_stands(letters: list[Letter], sent_log: SentLog) -> tuple[Sent, list[Letter]]:
    """A result naming who has the pack already and whose sending was cut off (neither is sent
    it again), and the letters still to send."""
    result, todo = Sent([], [], [], []), []
    for letter in letters:
        status = sent_log.status(letter.recipient.email)
        if status == "sent":
            result.earlier.append(letter.recipient.email)
        elif status == "sending":
            result.uncertain.append(letter.recipient.email)
        else:
            todo.append(letter)
    return result, todo


@dataclass(frozen=True)
class _Run:
    project: Project
    server: smtplib.SMTP
    sender: str
    outbox: Outbox
    sent_log: SentLog
    result: Sent
    pace: float
    log: Log
    sleep: Callable[[float], None]

    def each(self, todo: list[Letter]) -> list[Letter]:
        """Send `todo` in turn, noting each outcome in the result; return those deferred."""
        deferred = []
        for index, letter in enumerate(todo):
            if index:
                self.sleep(self.pace)
            status = self.one(letter, len(todo))
            if status == "deferred":
                deferred.append(letter)
        return deferred

    def one(self, letter: Letter, count: int) -> str:
        message, result = self.outbox.message(letter), self.result
        address, lang = letter.recipient.email, letter.recipient.lang
        self.sent_log.record(address, lang, message.file, "sending")
        status, reply = _deliver(self.server, self.sender, message)
        if status == "sending":  # lost during DATA: it may have arrived, so never resend it
            raise _stopped(self.project, reply, result.sent, count, self.outbox.folder)
        self.sent_log.record(address, lang, message.file, status, reply)
        if status == "failed":
            raise _stopped(self.project, reply, result.sent, count, self.outbox.folder)
        if status == "refused":
            result.refused.append(address)
            self.log(f"refused by the server: {address} ({reply})")
        elif status == "deferred":
            result.deferred.append(address)
            self.log(f"deferred by the server: {address} ({reply}); tried again later")
        elif status == "skipped":
            result.skipped.append(address)
            self.log(f"skipped: {reply}")
        else:
            result.sent.append(address)
            self.log(f"sent to {address} ({lang})")
        return status


def _deliver(server: smtplib.SMTP, sender: str, message: Message) -> tuple[str, str]:
    """Hand one message over: ('sent', ''), ('refused', reply) when the server will not take it
    for this address, ('failed', reply) when it will not take anything now, or ('sending',
    reply) when the connection broke while the message was on its way."""
    address, on_its_way, stage = message.recipient.address, False, "mail"
    try:
        server.ehlo_or_helo_if_needed()
        options = _utf8_options(sender, address)
        if options and not server.has_extn("smtputf8"):
            return "skipped", (f"{message.recipient.email}: the mail server does not take "
                               "addresses with non-ASCII characters (SMTPUTF8); send this one "
                               "another way, or through a server that does")
        code, reply = server.mail(sender, options)
        if code == 250:
            stage = "rcpt"
            code, reply = server.rcpt(address)
            if code in (250, 251):
                on_its_way, stage = True, "data"
                code, reply = server.data(message.data)
    except smtplib.SMTPDataError as error:  # the server said no to DATA itself
        code, reply = error.smtp_code, error.smtp_error
    except (smtplib.SMTPException, OSError) as error:
        return ("sending" if on_its_way else "failed"), str(error) or type(error).__name__
    if code == 250:
        return "sent", ""
    text = f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
    try:
        server.rset()
    except (smtplib.SMTPException, OSError):
        return "failed", text
    if stage == "rcpt" and 400 <= code < 500 and code != 421:
        return "deferred", text  # this mailbox, not the server: the others can go on
    return ("refused" if 500 <= code < 600 and code != 552 else "failed"), text


def _password(project: Project) -> str:
    smtp = project.email.smtp
    if not smtp.user:
        return ""
    variable = smtp.password_env
    password = os.environ.get(variable, "")
    if not password:
        raise HandoutpackError(
            f"email.smtp.user is '{smtp.user}', so a password is needed: set it in the "
            f"environment variable {variable} (handoutpack never reads it from the config), "
            f"e.g. `read -rs {variable} && export {variable}`. Nothing was sent.")
    if smtp.security == "none" and not _is_loopback(smtp.host):
        raise HandoutpackError(
            f"email.smtp.security is 'none': the password would cross the network unencrypted "
            f"to {smtp.host}. Use 'starttls' (port 587) or 'tls' (port 465).")
    return password


def _connect(project: Project, password: str) -> smtplib.SMTP:
    smtp = project.email.smtp
    if not smtp.host:
        raise HandoutpackError("handoutpack.toml: email.smtp.host is not set; name the mail "
                               "server to send through (see docs/email.md)")
    context = ssl.create_default_context()
    try:
        if smtp.security == "tls":
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
            if smtp.security == "starttls":
                server.starttls(context=context)
        if smtp.user:
            server.login(smtp.user, password)
        return server
    except smtplib.SMTPAuthenticationError as error:
        raise HandoutpackError(
            f"{smtp.host} refused the user '{smtp.user}' with the password in "
            f"${smtp.password_env} ({error.smtp_code} {error.smtp_error.decode('utf-8', 'replace')}"
            "); check both. Nothing was sent.") from None
    except (smtplib.SMTPException, OSError) as error:
        raise HandoutpackError(
            f"cannot reach the mail server {smtp.host}:{smtp.port} with {smtp.security} "
            f"({error}); check email.smtp in handoutpack.toml. Nothing was sent.") from None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


def _utf8_options(*addresses: str) -> list[str]:
    return ["SMTPUTF8"] if any(not a.isascii() for a in addresses) else []


def _stopped(project: Project, reply: str, sent: list[str], count: int, folder: Path
             ) -> HandoutpackError:
    return HandoutpackError(
        f"{project.email.smtp.host} stopped the run after {len(sent)} of {count} messages "
        f"({reply}). Run the same command again to send the other {count - len(sent)}: "
        f"{_rel(project, folder / JOURNAL)} remembers who has the pack, and nobody gets it "
        "twice.")


# ---------------------------------------------------------------- all of it


def prepare(project: Project, documents: dict[str, Document], pack_id: str, recipients_csv: Path,
            languages: tuple[str, ...] = (), max_mb: float | None = None,
            personal: bool = False, encoding: str | None = None) -> Outbox:
    """Read the list, check the pack, its size and the templates, and give each recipient a
    letter; `personal`: each with their own pack, its cover prepared for them (see personalise).
    `encoding`: the list's, when it is not UTF-8. Nothing is written to the outbox here: see
    write_preview and send."""
    _check_request(project, pack_id, languages)
    recipients, problems = read_recipients(recipients_csv, project, encoding)
    if languages:
        recipients = [r for r in recipients if r.lang in languages]
    templates, attachments = {}, {}
    for lang in dict.fromkeys(r.lang for r in recipients):
        templates[lang] = find_template(project, pack_id, lang)
        if templates[lang] is not None:
            attachments[lang] = _attachment(project, pack_id, lang, max_mb)
    chosen = []
    for recipient in recipients:
        if templates[recipient.lang] is None:
            problems.append(
                f"{recipients_csv.name}:{recipient.line}: no message in "
                f"{formats.language_name(recipient.lang, 'en')} ({_rel(project, project.emails_dir)}"
                f"/{pack_id}.{recipient.lang}.md or default.{recipient.lang}.md); skipped")
        else:
            chosen.append(recipient)
    own = _personal_attachments(project, pack_id, chosen, attachments, max_mb) if personal else {}
    letters = [Letter(r, templates[r.lang], own.get(r.key) or attachments[r.lang])
               for r in chosen]
    return Outbox(project, documents, pack_id, outbox_dir(project, pack_id), letters,
                  sorted(problems, key=_line_number))


def _check_request(project: Project, pack_id: str, languages: tuple[str, ...]) -> None:
    """The [email] settings, the pack and the languages asked for."""
    if project.email is None or not project.email.sender:
        raise HandoutpackError(
            f"{project.config_path.name}: add an [email] table with at least from = \"Name "
            "<address@example.org>\" (see docs/email.md)")
    sender = parseaddr(project.email.sender)[1]
    try:
        validate_email(sender, check_deliverability=False)
    except EmailNotValidError as error:
        raise HandoutpackError(f"{project.config_path.name}: email.from: "
                               f"'{project.email.sender}' has no valid address ({error})") from None
    if pack_id not in project.packs:
        raise HandoutpackError(f"no pack '{pack_id}'{suggest(pack_id, project.packs)}; the packs "
                               f"are: {', '.join(project.packs)}")
    refuse_stale(project.build_dir, pack_id)  # the workbench's requests come this way too
    for lang in languages:
        if lang not in project.languages:
            raise HandoutpackError(f"--lang {lang}: not one of the project's languages "
                                   f"({', '.join(project.languages)})")


def _personal_attachments(project: Project, pack_id: str, recipients: list[Recipient],
                          packs: dict[str, Attachment], max_mb: float | None
                          ) -> dict[str, Attachment]:
    """Each recipient's own pack (made now, or kept from an earlier run), by recipient key;
    only its size is read here, the bytes when the message goes."""
    from . import personalise  # here: it needs the build, which sending alone does not

    made = personalise.make(project, pack_id, recipients)
    result = {}
    for recipient in recipients:
        path, pack = made.paths[recipient.key], packs[recipient.lang]
        size = path.stat().st_size
        _check_size(project, pack_id, path, size, max_mb)
        result[recipient.key] = Attachment(path, portable(f"{pack.filename[:-4]}-{path.name}"),
                                           pack.pages, size, shared=False)
    return result


def _line_number(problem: str) -> int:
    match = re.search(r":(\d+):", problem)
    return int(match[1]) if match else 0


def _attachment(project: Project, pack_id: str, lang: str, max_mb: float | None) -> Attachment:
    relative = pack_path(lang, pack_id)
    path = project.build_dir / relative
    output = read_outputs(project.build_dir).get(relative)
    if output is None:
        raise HandoutpackError(f"{_rel(project, path)} is not built yet: run `handoutpack build "
                               f"{pack_id} --lang {lang}` first")
    changed = [source for source in output.sources if _changed(project.root / source,
                                                                 output.source_sha256.get(source))]
    if changed:
        raise HandoutpackError(
            f"{', '.join(changed)} changed after {_rel(project, path)} was built: run "
            f"`handoutpack build {pack_id} --lang {lang}` so that nobody gets an old pack")
    size = path.stat().st_size
    _check_size(project, pack_id, path, size, max_mb)
    short = re.sub(r"[^A-Za-z0-9]+", "-", project.org.short_name).strip("-")
    return Attachment(path, portable(f"{short}-{pack_id}-{lang}.pdf".lstrip("-")), output.pages,
                      size)


def _check_size(project: Project, pack_id: str, path: Path, size: int, max_mb: float | None
                ) -> None:
    limit = max_mb if max_mb is not None else project.email.max_attachment_mb
    if size > limit * 1_000_000:
        raise HandoutpackError(
            f"{_rel(project, path)} is {size / 1_000_000:.1f} MB, more than the {limit:g} MB "
            "an email may carry here (email.max_attachment_mb, or --max-size). Make it smaller: "
            f"`handoutpack build {pack_id} --image-dpi 150` resamples and recompresses its "
            "images (try 100 if that is not enough); or leave large documents out of the pack "
            "and link to them; or, if every recipient's mail server takes bigger messages, "
            "raise the limit.")


def _changed(source: Path, built_from: str | None) -> bool:
    """Whether `source` differs from what the PDF was built from: by content, as a build
    rewrites no unchanged PDF (so dates tell nothing); a manifest without digests (written by an
    older version) can only say the PDF may be old."""
    try:
        return built_from is None or file_digest(source) != built_from
    except OSError:
        return False  # gone: the pack says what it was built from, and check reports the rest


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
