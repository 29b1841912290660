"""The outbox: a run prepared (who gets which pack, its attachment checked and fresh), its messages
listed in messages.csv and previewed as .eml files."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..errors import HandoutpackError, Problem
from ..markup import formats
from ..plan.failed import refuse_stale
from ..project.parts import Folders, Mail
from ..project.keys import suggest
from ..sources.content import Document
from ..store.digests import file_digest
from ..store.names import portable
from ..store.outputs import OUTBOX_DIR, guarded, pack_path, read_outputs
from ..store.writing import write_atomic
from .letters import (
    Attachment,
    Draft,
    Encoded,
    Letter,
    Message,
    compose,
    draft,
    encoded,
    find_template,
)
from .recipients import Recipient, read_recipients, skipped_row


def outbox_dir(build_dir: Path, pack: str) -> Path:
    return guarded(build_dir, f"{OUTBOX_DIR}/{pack}")


@dataclass
class Outbox:
    """A run's letters, and how to make each one's message when it is its turn: a run holds one
    message at a time, and one copy of each pack that goes to many."""

    mail: Mail
    documents: dict[str, Document]
    pack_id: str
    folder: Path
    letters: list[Letter]
    problems: list[Problem]
    """A warning for each row of the list that gets no letter, in the order of the list."""
    shared: dict[Path, Encoded] = field(default_factory=dict)
    """Each language's pack, read and encoded once."""

    def draft(self, letter: Letter) -> Draft:
        return draft(self.mail.theme, self.mail.packs[self.pack_id], self.documents, letter)

    def message(self, letter: Letter) -> Message:
        return compose(self.mail.email, self.pack_id, self.draft(letter),
                       self.attachment(letter.attachment))

    def attachment(self, attachment: Attachment) -> Encoded:
        if attachment.path in self.shared:
            return self.shared[attachment.path]
        found = encoded(read_attachment(self.mail.folders, attachment))
        if attachment.shared:
            self.shared[attachment.path] = found
        return found


def read_attachment(folders: Folders, attachment: Attachment) -> bytes:
    """The PDF's bytes, as checked before the run began."""
    try:
        data = attachment.path.read_bytes()
    except OSError as error:
        raise HandoutpackError(f"cannot be read ({error.strerror}); run the same command again",
                               file=folders.shown(attachment.path)) from None
    if len(data) != attachment.size:
        raise HandoutpackError("changed during the run; run the same command again (nobody is "
                               "sent anything twice)", file=folders.shown(attachment.path))
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
                          outbox.mail.folders.shown(letter.attachment.path),
                          letter.file if eml else ""])
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


Personal = Callable[[list[Recipient]], dict[str, Path]]
"""Makes each recipient's own pack (or finds it kept from an earlier run): their packs' paths by
recipient key (personalise.make, with the renderers of the caller's choosing)."""


def prepare(mail: Mail, documents: dict[str, Document], pack_id: str, recipients_csv: Path,
            languages: tuple[str, ...] = (), max_mb: float | None = None,
            personal: Personal | None = None, encoding: str | None = None) -> Outbox:
    """Read the list, check the pack, its size and the templates, and give each recipient a
    letter; with `personal`, each with their own pack, its cover prepared for them (see
    personalise). `encoding`: the list's, when it is not UTF-8. Nothing is written to the
    outbox here: see write_preview and send."""
    _check_request(mail, pack_id, languages)
    recipients, problems = read_recipients(recipients_csv, mail.languages, encoding)
    if languages:
        recipients = [r for r in recipients if r.lang in languages]
    templates, attachments = {}, {}
    for lang in dict.fromkeys(r.lang for r in recipients):
        templates[lang] = find_template(mail.folders, pack_id, lang)
        if templates[lang] is not None:
            attachments[lang] = _attachment(mail, pack_id, lang, max_mb)
    chosen = []
    for recipient in recipients:
        if templates[recipient.lang] is None:
            problems.append(_no_message(mail.folders, recipients_csv.name, recipient, pack_id))
        else:
            chosen.append(recipient)
    own = (_personal_attachments(mail, pack_id, chosen, attachments, max_mb, personal)
           if personal else {})
    letters = [Letter(r, templates[r.lang], own.get(r.key) or attachments[r.lang])
               for r in chosen]
    return Outbox(mail, documents, pack_id, outbox_dir(mail.folders.build, pack_id), letters,
                  sorted(problems, key=lambda problem: problem.line or 0))


def _no_message(folders: Folders, list_name: str, recipient: Recipient, pack_id: str) -> Problem:
    lang = recipient.lang
    return skipped_row(list_name, recipient.line,
                       f"no message in {formats.language_name(lang, 'en')} "
                       f"({folders.shown(folders.emails)}/{pack_id}.{lang}.md or "
                       f"default.{lang}.md); skipped", "wb_row_no_message",
                       language=formats.language_name(lang, lang))


def _check_request(mail: Mail, pack_id: str, languages: tuple[str, ...]) -> None:
    """The [email] settings, the pack and the languages asked for."""
    config_name = mail.folders.config.name
    if mail.email is None or not mail.email.sender:
        raise HandoutpackError(
            "add an [email] table with at least from = \"Name "
            "<address@example.org>\" (see docs/email.md)", file=config_name)
    sender = parseaddr(mail.email.sender)[1]
    try:
        validate_email(sender, check_deliverability=False)
    except EmailNotValidError as error:
        raise HandoutpackError(f"'{mail.email.sender}' has no valid address ({error})",
                               file=config_name, key="email.from") from None
    if pack_id not in mail.packs:
        raise HandoutpackError(f"no pack '{pack_id}'{suggest(pack_id, mail.packs)}; the packs "
                               f"are: {', '.join(mail.packs)}")
    refuse_stale(mail.folders.build, pack_id)  # the workbench's requests come this way too
    for lang in languages:
        if lang not in mail.languages.all:
            raise HandoutpackError(f"--lang {lang}: not one of the project's languages "
                                   f"({', '.join(mail.languages.all)})")


def _personal_attachments(mail: Mail, pack_id: str, recipients: list[Recipient],
                          packs: dict[str, Attachment], max_mb: float | None,
                          personal: Personal) -> dict[str, Attachment]:
    """Each recipient's own pack (made now, or kept from an earlier run), by recipient key;
    only its size is read here, the bytes when the message goes."""
    paths = personal(recipients)
    result = {}
    for recipient in recipients:
        path, pack = paths[recipient.key], packs[recipient.lang]
        size = path.stat().st_size
        _check_size(mail, pack_id, path, size, max_mb)
        result[recipient.key] = Attachment(path, portable(f"{pack.filename[:-4]}-{path.name}"),
                                           pack.pages, size, shared=False)
    return result


def _attachment(mail: Mail, pack_id: str, lang: str, max_mb: float | None) -> Attachment:
    relative, folders = pack_path(lang, pack_id), mail.folders
    path = folders.build / relative
    output = read_outputs(folders.build).get(relative)
    if output is None:
        raise HandoutpackError(f"is not built yet: run `handoutpack build {pack_id} --lang "
                               f"{lang}` first", file=folders.shown(path))
    changed = [source for source in output.sources if _changed(folders.root / source,
                                                                 output.source_sha256.get(source))]
    if changed:
        raise HandoutpackError(*(  # names both files: the source to check, the pack to build
            Problem(source, message=f"changed after {folders.shown(path)} was built: run "
                    f"`handoutpack build {pack_id} --lang {lang}` so that nobody gets an old pack")
            for source in changed))
    size = path.stat().st_size
    _check_size(mail, pack_id, path, size, max_mb)
    short = re.sub(r"[^A-Za-z0-9]+", "-", mail.theme.org.short_name).strip("-")
    return Attachment(path, portable(f"{short}-{pack_id}-{lang}.pdf".lstrip("-")), output.pages,
                      size)


def _check_size(mail: Mail, pack_id: str, path: Path, size: int, max_mb: float | None
                ) -> None:
    limit = max_mb if max_mb is not None else mail.email.max_attachment_mb
    if size > limit * 1_000_000:
        raise HandoutpackError(
            f"it is {size / 1_000_000:.1f} MB, more than the {limit:g} MB "
            "an email may carry here (email.max_attachment_mb, or --max-size). Make it smaller: "
            f"`handoutpack build {pack_id} --image-dpi 150` resamples and recompresses its "
            "images (try 100 if that is not enough); or leave large documents out of the pack "
            "and link to them; or, if every recipient's mail server takes bigger messages, "
            "raise the limit.", file=mail.folders.shown(path))


def _changed(source: Path, built_from: str | None) -> bool:
    """Whether `source` differs from what the PDF was built from: by content, as a build
    rewrites no unchanged PDF (so dates tell nothing); a manifest without digests (written by an
    older version) can only say the PDF may be old."""
    try:
        return built_from is None or file_digest(source) != built_from
    except OSError:
        return False  # gone: the pack says what it was built from, and check reports the rest

