"""A recipient list: a spreadsheet's CSV file read as RFC 4180 writes it (doubled quotes, line
breaks and any character inside quoted cells, a byte-order mark), separated by commas, semicolons
or tabs, one recipient a row. What a list holds is text: nothing in it is ever read as markup."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..errors import HandoutpackError, Problem
from ..project.parts import Languages
from ..project.keys import suggest
from ..sources.files import read_regular

REQUIRED_COLUMNS = ("email", "name", "language")
MAX_LIST_BYTES = 20_000_000
DELIMITERS = ",;\t"
"""What spreadsheets separate cells with: a comma, a semicolon (where the comma is the decimal
sign), or a tab ('Unicode text')."""
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
"""A byte-order mark says the encoding, whatever --encoding says."""


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

    @property
    def mailbox(self) -> Address:
        """Name and address as one header value: built as a structure, never parsed from text, so
        that a name such as 'O'Brien, Zoë "Zed"' stays one name and never two recipients."""
        local, _, domain = self.address.rpartition("@")  # parts: addr_spec wants ASCII
        return Address(" ".join(CONTROLS.sub(" ", self.name).split()), local, domain)


def read_recipients(path: Path, languages: Languages, encoding: str | None = None
                    ) -> tuple[list[Recipient], list[Problem]]:
    """The list's good rows, and a warning for each bad row (its line, what is wrong), which is
    skipped. `languages`: the project's, which a row's language must be one of. `encoding`: the
    file's, when it is not UTF-8 (a byte-order mark wins over it)."""
    name = path.name
    text = list_text(name, path, encoding)
    rows = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = [column.strip().lower() for column in next(rows, [])]
    except csv.Error as error:
        raise _unreadable(name, rows.line_num, error) from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise HandoutpackError(
            f"the first line must name the columns, with at least "
            f"{', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)} "
            f"(found: {', '.join(header) or 'nothing'})", file=name, line=1)
    recipients, problems, seen = [], [], {}
    for line, row in _numbered(name, rows):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(skipped_row(
                name, line, f"has {len(row)} cells, the header {len(header)}; skipped (a comma "
                "inside a cell needs quotes around the cell)", "wb_row_cells", cells=len(row),
                columns=len(header)))
            continue
        fields = {column: cell.strip() for column, cell in zip(header, row)}
        problem, recipient = _recipient(name, line, fields, languages)
        if recipient and recipient.key in seen:
            problem = skipped_row(name, line, f"{recipient.email} is already on line "
                                  f"{seen[recipient.key]}; skipped", "wb_row_twice",
                                  email=recipient.email, row=seen[recipient.key])
        if problem:
            problems.append(problem)
            continue
        seen[recipient.key] = line
        recipients.append(recipient)
    return recipients, problems


def list_text(name: str, path: Path, encoding: str | None = None) -> str:
    """The list's text: UTF-8 unless a byte-order mark or `encoding` says otherwise; a file in
    another encoding is refused naming its first line that is not UTF-8."""
    data, size = read_regular(name, path, MAX_LIST_BYTES)
    if size > MAX_LIST_BYTES:
        raise HandoutpackError(f"is {size / 1_000_000:.1f} MB; split the list into several files",
                               file=name)
    chosen = next((codec for bom, codec in BOMS if data.startswith(bom)), None)
    try:
        text = data.decode(chosen or _codec(encoding or "utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start:error.start + 1].hex()
        if encoding or chosen:
            hint = f"it is not {chosen or encoding} text; give the encoding it is saved in"
        else:
            hint = ("it is not UTF-8 text (the byte 0x" + byte + " is not UTF-8): save it as "
                    "'CSV UTF-8' from the spreadsheet, or say its encoding, e.g. --encoding cp1252 "
                    "for a list saved by Excel on Windows, --encoding latin-1 for ISO 8859-1")
        raise HandoutpackError(hint, file=name, line=line) from None
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        raise HandoutpackError("is a binary file, not CSV text (or UTF-16 without a byte-order "
                               "mark: save it as 'CSV UTF-8')", file=name)
    if not text.strip():
        raise HandoutpackError("is empty; put the column names on the first line, then one "
                               "recipient a line", file=name)
    return text


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise HandoutpackError(f"--encoding {encoding}: not an encoding Python knows; e.g. utf-8, "
                               "cp1252, latin-1, utf-16") from None


def _dialect(text: str) -> type[csv.Dialect]:
    """RFC 4180 (the csv module's standard dialect: doubled quotes inside quoted cells), with the
    delimiter that splits the header line into the most columns."""
    first = text.lstrip("\r\n").split("\n", 1)[0]  # not splitlines(): U+2028 is text here
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([first], delimiter=d), [])))

    class ListDialect(csv.excel):
        pass

    ListDialect.delimiter = delimiter
    ListDialect.skipinitialspace = True  # 'email, name, language' is the same list
    ListDialect.strict = True  # a quote left open is an error, not the rest of the file in a cell
    return ListDialect


def _numbered(name: str, rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell may hold line breaks)."""
    start = rows.line_num + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise _unreadable(name, start, error) from None
        yield start, row
        start = rows.line_num + 1


def _unreadable(name: str, line: int, error: csv.Error) -> HandoutpackError:
    return HandoutpackError(
        f"is not CSV from this line on ({error}): a cell that starts with a quote must end with "
        "one, and a quote inside a quoted cell is written twice (\"\")", file=name, line=line)


def skipped_row(file: str, line: int, message: str, label: str, **values: object) -> Problem:
    """A row of a list that is skipped: its file and line, what is wrong in English, and the
    label that says it in the workbench's language (`values` fill its {names})."""
    return Problem(file, line, None, message, "warning", "recipients", label=label,
                   values=tuple((name, str(value)) for name, value in values.items()))


def _recipient(name: str, line: int, fields: dict[str, str], languages: Languages
               ) -> tuple[Problem | None, Recipient | None]:
    try:
        valid = validate_email(fields["email"], check_deliverability=False)
        email = valid.normalized
    except EmailNotValidError as error:
        return skipped_row(name, line, f"'{fields['email']}' is not an email address ({error}); "
                           "skipped", "wb_row_email", value=fields["email"]), None
    lang = language_code(fields["language"], languages)
    if lang is None:
        given, every = fields["language"], languages.all
        return skipped_row(name, line, f"language '{given}' is not one of the project's "
                           f"({', '.join(every)}){suggest(given, every)}; skipped",
                           "wb_row_language", value=given, languages=", ".join(every)), None
    return None, Recipient(line, email, fields["name"], lang, {**fields, "email": email,
                                                                   "language": lang},
                           valid.ascii_email or "")


def language_code(value: str, languages: Languages) -> str | None:
    """'fr', 'FR' and 'fr-CA' are French for a project in 'fr'; empty means the default."""
    code = value.strip().replace("_", "-")
    if not code:
        return languages.default
    for candidate in (code, code.lower(), code.split("-")[0].lower()):
        if candidate in languages.all:
            return candidate
    return None
