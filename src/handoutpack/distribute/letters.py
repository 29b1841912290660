"""Letters: the email templates, each recipient's message written in their language (text and HTML,
fields from the list kept as text), the pack encoded once for a whole list."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import format_datetime, parseaddr
from pathlib import Path

from ..errors import HandoutpackError
from ..markup import jinja, labels, markdown, templates
from ..project.sending import Email
from ..project.parts import Folders, Theme
from ..project.settings import PackSpec
from ..project.keys import suggest
from ..publish.catalogue import in_language, pages_text, size_text
from ..sources.content import Document
from ..sources.frontmatter import split_front_matter
from ..sources.files import read_text
from ..store.names import portable
from .recipients import Recipient

MESSAGE_KEYS = {"subject"}


MESSAGE_NAMES = ("recipient (recipient.name, recipient.email and every column of the list), "
                 "org, pack, audience, event, documents (each with title and note), attachment "
                 "(name, pages, size) and lang")


MAX_MESSAGE_BYTES = 200_000


_converters = threading.local()


# What a template prints ({{ recipient.name }}, {{ org.name }}...) is text, never Markdown or
# HTML: in the HTML part each printed value is held aside while Markdown runs, a token in its
# place that no Markdown syntax, link finder or typography touches, then put back escaped.
# Escaping the values instead would leave '[Verify](https://evil.example)', '**bold**' and bare
# addresses for Markdown to turn into links and formatting.
TOKEN_OPEN, TOKEN_CLOSE, TOKEN_DIGIT0 = "\ue000", "\ue001", 0xE010
_held: ContextVar[_Held | None] = ContextVar("held", default=None)


@dataclass(frozen=True)
class Template:
    """A message in one language: emails/<pack>.<lang>.md or emails/default.<lang>.md."""

    name: str
    subject: str
    body: str
    body_line: int
    subject_line: int


def find_template(folders: Folders, pack: str, lang: str) -> Template | None:
    """The message for `pack` in `lang`: emails/<pack>.<lang>.md, else emails/default.<lang>.md;
    None when there is neither."""
    for stem in (pack, "default"):
        path = folders.emails / f"{stem}.{lang}.md"
        if path.is_file():
            return read_template(folders, path)
    return None


def read_template(folders: Folders, path: Path) -> Template:
    name = folders.shown(path)
    text = read_text(name, path, "Markdown", MAX_MESSAGE_BYTES, "an email message should be "
                     "short", "write front matter with a subject, then the message")
    data, lines, body, body_line = split_front_matter(name, text, "subject")
    for key in data:
        if key not in MESSAGE_KEYS:
            raise HandoutpackError(f"front matter '{key}': unknown key"
                                   f"{suggest(str(key), MESSAGE_KEYS)}; allowed: subject",
                                   file=name, line=lines.get(str(key), 1))
    if not isinstance(data.get("subject"), str) or not data["subject"].strip():
        raise HandoutpackError("front matter 'subject' is required and must be text",
                               file=name, line=lines.get("subject", 1))
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


def draft(theme: Theme, spec: PackSpec, documents: dict[str, Document], letter: Letter
          ) -> Draft:
    """One recipient's subject, plain text and HTML, from their template, about the pack
    `spec`, laid out in the `theme`."""
    recipient, template = letter.recipient, letter.template
    lang, attachment = recipient.lang, letter.attachment
    words = labels.labels(theme, lang)
    context = jinja.make_context(theme, lang, spec.event, theme.text(spec.titles, lang), spec.id,
                                 spec.audience)
    values = {**context.as_dict(), "recipient": recipient.fields,
              "documents": [_document(documents[slug], lang, theme) for slug in spec.documents],
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
        page = templates.page(theme, "email.html", lang=lang, org=theme.org,
                              brand=theme.brand, words=words, body=body_html,
                              subject=TOKEN.sub("", subject),  # the one value not held aside
                              attachment=values["attachment"] | {
                                  "pages_text": pages_text(words, attachment.pages, lang,
                                                           theme.typography)})
        return Draft(letter, subject, text, held.put_back(page))


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


def compose(email: Email, pack_id: str, draft: Draft, attachment: Encoded) -> Message:
    """The message itself, from the [email] settings: the draft's text and HTML, and the PDF
    attached."""
    recipient = draft.letter.recipient
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


def _document(document: Document, lang: str, theme: Theme) -> dict[str, str]:
    """A pack's document as a message lists it: its title, and 'in English' where the pack
    gives it in another language."""
    translation = document.best(lang, theme.languages.default)
    return {"title": translation.meta.title,
            "note": in_language(labels.labels(theme, lang), translation.lang, lang)}


TOKEN = re.compile("\ue000([\ue010-\ue019]+)\ue001")


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
