"""Email a pack to a list: one message per recipient in their language, written to an outbox,
then sent through SMTP with a log, so that a rerun sends only what is left."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import ipaddress
import json
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import format_datetime, formataddr, parseaddr, quote
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from . import markup
from .config import Email, Project, read_text, suggest
from .content import Document, split_front_matter
from .distribute import in_language, pages_text, size_text
from .errors import HandoutpackError
from .outputs import pack_path, read_outputs, write_atomic
from .cache import file_digest

Log = Callable[[str], None]

REQUIRED_COLUMNS = ("email", "name", "language")
MESSAGE_KEYS = {"subject"}
MESSAGE_NAMES = ("recipient (recipient.name, recipient.email and every column of the list), "
                 "org, pack, audience, event, documents (each with title and note), attachment "
                 "(name, pages, size) and lang")
SMTP_TIMEOUT = 30
MAX_LIST_BYTES = 20_000_000
MAX_MESSAGE_BYTES = 200_000


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class Recipient:
    line: int
    email: str
    """Normalised: what the message is addressed to and what the sent-log remembers."""
    name: str
    lang: str
    fields: dict[str, str]
    """Every column of the row, for the message."""
    ascii_email: str = ""
    """The address in ASCII (an IDN domain as xn--...), or '' when its local part is not:
    such an address needs a server that takes SMTPUTF8."""

    @property
    def address(self) -> str:
        """What the envelope and the To header carry: the ASCII form wherever there is one."""
        return self.ascii_email or self.email

    @property
    def key(self) -> str:
        return self.email.lower()


def read_recipients(path: Path, project: Project) -> tuple[list[Recipient], list[str]]:
    """The list's good rows, and one message per bad row (line number, what is wrong)."""
    name = path.name
    text = read_text(name, path, "CSV", MAX_LIST_BYTES, "split the list into several files",
                     "put the column names on the first line, then one recipient a line")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(text.splitlines(), dialect)
    header = [column.strip().lower() for column in next(rows, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise HandoutpackError(
            f"{name}:1: the first line must name the columns, with at least "
            f"{', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)} "
            f"(found: {', '.join(header) or 'nothing'})")
    recipients, problems, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{name}:{line}: has {len(row)} cells, the header {len(header)}; "
                            "skipped (a comma inside a cell needs quotes around the cell)")
            continue
        fields = {column: cell.strip() for column, cell in zip(header, row)}
        problem, recipient = _recipient(line, fields, project)
        if recipient and recipient.key in seen:
            problem = f"{recipient.email} is already on line {seen[recipient.key]}"
        if problem:
            problems.append(f"{name}:{line}: {problem}; skipped")
            continue
        seen[recipient.key] = line
        recipients.append(recipient)
    return recipients, problems


def _recipient(line: int, fields: dict[str, str], project: Project) -> tuple[str, Recipient | None]:
    try:
        valid = validate_email(fields["email"], check_deliverability=False)
        email = valid.normalized
    except EmailNotValidError as error:
        return f"'{fields['email']}' is not an email address ({error})", None
    lang = language_code(fields["language"], project)
    if lang is None:
        return (f"language '{fields['language']}' is not one of the project's "
                f"({', '.join(project.languages)}){suggest(fields['language'], project.languages)}"
                ), None
    return "", Recipient(line, email, fields["name"], lang, {**fields, "email": email,
                                                                 "language": lang},
                         valid.ascii_email or "")


def language_code(value: str, project: Project) -> str | None:
    """'fr', 'FR' and 'fr-CA' are French for a project in 'fr'; empty means the default."""
    code = value.strip().replace("_", "-")
    if not code:
        return project.default_language
    for candidate in (code, code.lower(), code.split("-")[0].lower()):
        if candidate in project.languages:
            return candidate
    return None


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
    data: bytes
    pages: int


@dataclass(frozen=True)
class Message:
    recipient: Recipient
    file: str
    """The .eml file's name in the outbox."""
    data: bytes


def compose(project: Project, documents: dict[str, Document], pack_id: str,
            recipient: Recipient, template: Template, attachment: Attachment) -> Message:
    """One recipient's message: plain text and HTML from the template, the pack attached."""
    spec, lang, email = project.packs[pack_id], recipient.lang, project.email
    words = markup.labels(project, lang)
    pack_title = project.text(spec.titles, lang)
    context = markup.make_context(project, lang, spec.event, pack_title, spec.id, spec.audience)
    values = {**context.as_dict(), "recipient": recipient.fields,
              "documents": [_document(documents[slug], lang, project) for slug in spec.documents],
              "attachment": {"name": attachment.filename, "pages": attachment.pages,
                             "size": size_text(len(attachment.data), lang)}}
    values.pop("callout")  # its HTML box has no plain-text form

    def render(text: str, first_line: int, escape: bool = False) -> str:
        return markup.render_text(template.name, text, first_line,
                                  _escaped(values) if escape else values, MESSAGE_NAMES, lang)

    subject = " ".join(render(template.subject, template.subject_line).split())
    text = re.sub(r"\n{3,}", "\n\n", render(template.body, template.body_line)).strip() + "\n"
    body_html = markup.to_html(render(template.body, template.body_line, escape=True),
                               line_breaks=True)
    page = markup.page(project, "email.html", lang=lang, org=project.org, brand=project.brand,
                       words=words, subject=subject, body=body_html,
                       attachment=values["attachment"] | {
                           "pages_text": pages_text(words, attachment.pages)})

    ascii = recipient.address.isascii()
    message = EmailMessage(policy=SMTP_POLICY if ascii else SMTPUTF8_POLICY)
    message["From"] = email.sender
    message["To"] = (formataddr((recipient.name, recipient.address)) if ascii  # formataddr
                     else f'"{quote(recipient.name)}" <{recipient.address}>')  # wants ASCII
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = _message_id(email, pack_id, recipient, attachment)
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(page, subtype="html", cte="quoted-printable")
    message.add_attachment(attachment.data, maintype="application", subtype="pdf",
                           filename=attachment.filename)
    message["Content-Language"] = lang  # after the content: setting content drops Content-*
    safe = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient.email)
    return Message(recipient, f"{recipient.line:04d}-{safe}.eml", bytes(message))


def _document(document: Document, lang: str, project: Project) -> dict[str, str]:
    """A pack's document as a message lists it: its title, and 'in English' where the pack
    gives it in another language."""
    translation = document.best(lang, project.default_language)
    return {"title": translation.meta.title,
            "note": in_language(markup.labels(project, lang), translation.lang, lang)}


def _escaped(value):
    """`value` with every string HTML-escaped: list fields reach the HTML part as text only."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def _message_id(email: Email, pack: str, recipient: Recipient, attachment: Attachment) -> str:
    """The same message gets the same id every run, so that mail systems can spot a repeat."""
    domain = parseaddr(email.sender)[1].rpartition("@")[2] or "handoutpack.invalid"
    digest = hashlib.sha256("\n".join([pack, recipient.lang, recipient.key,
                                       hashlib.sha256(attachment.data).hexdigest()])
                            .encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


# ---------------------------------------------------------------- outbox and sent-log


def outbox_dir(project: Project, pack: str) -> Path:
    return project.build_dir / "outbox" / pack


class SentLog:
    """Who has been sent the pack: build/outbox/<pack>/sent.json, rewritten whole after each
    message. 'sending' is written before a message goes, 'sent' once the server took it."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.entries: dict[str, dict] = json.loads(path.read_text(encoding="utf-8"))["sent"]
        except FileNotFoundError:
            self.entries = {}
        except (OSError, ValueError, KeyError, TypeError):
            raise HandoutpackError(
                f"{path}: cannot be read, so it is not known who already has the pack. Repair or "
                "remove it (removing it sends to everyone again).") from None

    def status(self, recipient: Recipient) -> str | None:
        return self.entries.get(recipient.key, {}).get("status")

    def record(self, message: Message, status: str, detail: str = "") -> None:
        self.entries[message.recipient.key] = {
            "status": status, "email": message.recipient.email, "lang": message.recipient.lang,
            "file": message.file, "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **({"detail": detail} if detail else {})}
        write_atomic(self.path, (json.dumps({"sent": self.entries}, indent=2, ensure_ascii=False)
                                 + "\n").encode("utf-8"))


def write_outbox(folder: Path, messages: list[Message]) -> None:
    """One .eml per message; .eml files from earlier runs that are not written again go."""
    names = {message.file for message in messages}
    for old in folder.glob("*.eml"):
        if old.name not in names:
            old.unlink()
    for message in messages:
        write_atomic(folder / message.file, message.data)


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


def send(project: Project, messages: list[Message], log_path: Path, pace: float,
         log: Log, sleep: Callable[[float], None] = time.sleep) -> Sent:
    """Send what the sent-log does not list as sent, one message at a time, `pace` seconds apart.
    An address the server refuses is recorded, and tried again by the next run; when the server
    fails or goes away, the run stops and what is left waits for the next run."""
    sent_log = SentLog(log_path)
    earlier = [m.recipient.email for m in messages if sent_log.status(m.recipient) == "sent"]
    uncertain = [m.recipient.email for m in messages if sent_log.status(m.recipient) == "sending"]
    todo = [m for m in messages if sent_log.status(m.recipient) not in ("sent", "sending")]
    result = Sent([], earlier, [], uncertain)
    if not todo:
        return result
    password = _password(project)
    sender = parseaddr(project.email.sender)[1]
    with _connect(project, password) as server:
        later = _send_each(project, server, sender, todo, sent_log, result, pace, log, sleep,
                           log_path)
        if later:  # once more at the end of the run; what is still deferred waits for the next
            result.deferred.clear()
            sleep(pace)
            _send_each(project, server, sender, later, sent_log, result, pace, log, sleep,
                       log_path)
    return result


def _send_each(project: Project, server: smtplib.SMTP, sender: str, todo: list[Message],
               sent_log: SentLog, result: Sent, pace: float, log: Log,
               sleep: Callable[[float], None], log_path: Path) -> list[Message]:
    """Send `todo` in turn, noting each outcome in `result`; return those deferred."""
    deferred = []
    for index, message in enumerate(todo):
        if index:
            sleep(pace)
        address = message.recipient.email
        sent_log.record(message, "sending")
        status, reply = _deliver(server, sender, message)
        if status == "sending":  # lost during DATA: it may have arrived, so never resend it
            raise _stopped(project, reply, result.sent, todo, log_path)
        sent_log.record(message, status, reply)
        if status == "failed":
            raise _stopped(project, reply, result.sent, todo, log_path)
        if status == "refused":
            result.refused.append(address)
            log(f"refused by the server: {address} ({reply})")
        elif status == "deferred":
            deferred.append(message)
            result.deferred.append(address)
            log(f"deferred by the server: {address} ({reply}); tried again later")
        elif status == "skipped":
            result.skipped.append(address)
            log(f"skipped: {reply}")
        else:
            result.sent.append(address)
            log(f"sent to {address} ({message.recipient.lang})")
    return deferred


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
                               "server to send through (see the README, 'Email to a media list')")
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


def _stopped(project: Project, reply: str, sent: list[str], todo: list[Message],
             log_path: Path) -> HandoutpackError:
    left = len(todo) - len(sent)
    return HandoutpackError(
        f"{project.email.smtp.host} stopped the run after {len(sent)} of {len(todo)} messages "
        f"({reply}). Run the same command again to send the other {left}: "
        f"{_rel(project, log_path)} remembers who has the pack, and nobody gets it twice.")


# ---------------------------------------------------------------- all of it


@dataclass(frozen=True)
class Outbox:
    folder: Path
    messages: list[Message]
    problems: list[str]


def prepare(project: Project, documents: dict[str, Document], pack_id: str, recipients_csv: Path,
            languages: tuple[str, ...] = (), max_mb: float | None = None,
            personal: bool = False) -> Outbox:
    """Read the list, check the pack and the templates, write one .eml per recipient;
    `personal`: each with their own pack, its cover prepared for them (see personalise)."""
    if project.email is None or not project.email.sender:
        raise HandoutpackError(
            f"{project.config_path.name}: add an [email] table with at least from = \"Name "
            "<address@example.org>\" (see the README, 'Email to a media list')")
    sender = parseaddr(project.email.sender)[1]
    try:
        validate_email(sender, check_deliverability=False)
    except EmailNotValidError as error:
        raise HandoutpackError(f"{project.config_path.name}: email.from: "
                               f"'{project.email.sender}' has no valid address ({error})") from None
    if pack_id not in project.packs:
        raise HandoutpackError(f"no pack '{pack_id}'{suggest(pack_id, project.packs)}; the packs "
                               f"are: {', '.join(project.packs)}")
    for lang in languages:
        if lang not in project.languages:
            raise HandoutpackError(f"--lang {lang}: not one of the project's languages "
                                   f"({', '.join(project.languages)})")
    recipients, problems = read_recipients(recipients_csv, project)
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
                f"{markup.language_name(recipient.lang, 'en')} ({_rel(project, project.emails_dir)}"
                f"/{pack_id}.{recipient.lang}.md or default.{recipient.lang}.md); skipped")
        else:
            chosen.append(recipient)
    own = _personal_attachments(project, pack_id, chosen, attachments, max_mb) if personal else {}
    messages = [compose(project, documents, pack_id, r, templates[r.lang],
                        own.get(r.key) or attachments[r.lang]) for r in chosen]
    folder = outbox_dir(project, pack_id)
    write_outbox(folder, messages)
    return Outbox(folder, messages, sorted(problems, key=_line_number))


def _personal_attachments(project: Project, pack_id: str, recipients: list[Recipient],
                          packs: dict[str, Attachment], max_mb: float | None
                          ) -> dict[str, Attachment]:
    """Each recipient's own pack (made now, or kept from an earlier run), by recipient key."""
    from . import personalise  # here: it needs the build, which sending alone does not

    made = personalise.make(project, pack_id, recipients)
    result = {}
    for recipient in recipients:
        path, pack = made.paths[recipient.key], packs[recipient.lang]
        data = path.read_bytes()
        _check_size(project, pack_id, path, len(data), max_mb)
        result[recipient.key] = Attachment(path, f"{pack.filename[:-4]}-{path.name}", data,
                                           pack.pages)
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
    data = path.read_bytes()
    _check_size(project, pack_id, path, len(data), max_mb)
    short = re.sub(r"[^A-Za-z0-9]+", "-", project.org.short_name).strip("-")
    return Attachment(path, f"{short}-{pack_id}-{lang}.pdf".lstrip("-"), data, output.pages)


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
