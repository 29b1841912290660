"""Sending through SMTP: one message at a time at a steady pace, each recorded in the sent-log, so
that a rerun sends only what is left."""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr

from ..errors import HandoutpackError
from ..project.sending import Smtp
from ..project.settings import CONFIG_NAME
from .letters import Letter, Message
from .outbox import Outbox
from .sentlog import JOURNAL, SentLog

Log = Callable[[str], None]


SMTP_TIMEOUT = 30


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


def send(outbox: Outbox, pace: float, log: Log,
         sleep: Callable[[float], None] = time.sleep) -> Sent:
    """Send what the sent-log does not list as sent, one message at a time, `pace` seconds apart,
    each made when it goes, through the server of the outbox's [email] settings. An address the
    server refuses is recorded, and tried again by the next run; when the server fails or goes
    away, the run stops and what is left waits for the next run."""
    with SentLog(outbox.folder) as sent_log:
        result, todo = _where_each_stands(outbox.letters, sent_log)
        if not todo:
            return result
        for letter in {each.recipient.lang: each for each in reversed(todo)}.values():
            outbox.draft(letter)  # a template that fails does so before anything is sent
        email = outbox.mail.email
        password = _password(email.smtp)
        with _connect(email.smtp, password) as server:
            run = _Run(server, parseaddr(email.sender)[1], outbox, sent_log, result, pace, log,
                       sleep)
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
            raise _stopped(self.outbox, reply, result.sent, count)
        self.sent_log.record(address, lang, message.file, status, reply)
        if status == "failed":
            raise _stopped(self.outbox, reply, result.sent, count)
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


def _password(smtp: Smtp) -> str:
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


def _connect(smtp: Smtp, password: str) -> smtplib.SMTP:
    if not smtp.host:
        raise HandoutpackError("is not set; name the mail server to send through (see "
                               "docs/email.md)", file=CONFIG_NAME, key="email.smtp.host")
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


def _stopped(outbox: Outbox, reply: str, sent: list[str], count: int) -> HandoutpackError:
    folders = outbox.mail.folders
    return HandoutpackError(
        f"{outbox.mail.email.smtp.host} stopped the run after {len(sent)} of {count} messages "
        f"({reply}). Run the same command again to send the other {count - len(sent)}: "
        f"{folders.shown(outbox.folder / JOURNAL)} remembers who has the pack, and nobody gets it "
        "twice.")
