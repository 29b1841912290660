"""Email at scale (issue #17): the outbox keeps one copy of each pack, not one per recipient;
the sent-log is a journal only ever appended to, read back after a crash (a line cut short is
dropped, a planted one refused), and an earlier version's sent.json is taken over. Against
aiosmtpd on loopback. How fast and how much memory is benchmarks/email_scale.py's business."""

from __future__ import annotations

import asyncio
import csv
import email
import json
import signal
import subprocess
import sys
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from conftest import invoke
from test_email import (MESSAGES, Inbox, email_config, email_run, free_port, sent_log,
                        smtp)  # noqa: F401 - smtp is a fixture

pytestmark = pytest.mark.slow  # each builds a project; test_email keeps one send in the fast loop

HARNESS_SECONDS = 180
"""How long a command run in its own process may take before the test gives up (not a speed)."""


def readers(count: int, first: int = 0) -> str:
    return "".join(f"reader{i}@example.org,Reader {i},{'fr' if i % 3 == 2 else 'en'},\n"
                   for i in range(first, first + count))


@pytest.fixture
def crowd(make_project, smtp):
    """A built project whose list holds 40 people, two thirds English, a third French."""
    project = make_project({"handoutpack.toml": email_config(smtp.port), **MESSAGES,
                            "recipients.csv": "email,name,language,outlet\n" + readers(40)})
    assert invoke(project, "build", "-q").exit_code == 0
    return project


def folder_bytes(folder) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def delivered(inbox) -> list[str]:
    return sorted(address for e in inbox.envelopes for address in e.rcpt_tos)


def test_a_dry_run_lists_everyone_and_writes_one_eml_per_language(crowd):
    result = email_run(crowd)
    assert result.exit_code == 0, result.output
    outbox = crowd / "build/outbox/starter"
    assert "Checked 40 messages" in result.stdout and "2 written to" in result.stdout
    emls = sorted(p.name for p in outbox.glob("*.eml"))
    assert emls == ["0002-reader0@example.org.eml", "0004-reader2@example.org.eml"]
    with (outbox / "messages.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["email"] for row in rows] == [f"reader{i}@example.org" for i in range(40)]
    assert rows[2]["subject"] == "Dossier de départ pour Reader 2"
    assert rows[2]["pdf"] == "build/fr/starter.pdf" and rows[2]["eml"] == emls[1]
    assert rows[3]["eml"] == ""
    pdf = (crowd / "build/en/starter.pdf").stat().st_size
    assert folder_bytes(outbox) < 4 * pdf, "two messages (base64 1.37x), not one per person"

    chosen = email_run(crowd, "--eml", "READER7@example.org", "--eml", "nobody@example.org")
    assert chosen.exit_code == 0, chosen.output
    assert "--eml nobody@example.org: not on the list" in chosen.stderr
    assert "0009-reader7@example.org.eml" in [p.name for p in outbox.glob("*.eml")]
    assert len(list(outbox.glob("*.eml"))) == 3
    assert email_run(crowd, "--eml", "all").exit_code == 0
    message = email.message_from_bytes((outbox / "0041-reader39@example.org.eml").read_bytes(),
                                       policy=policy.default)
    assert message["Subject"] == "Starter Pack for Reader 39"
    (part,) = message.iter_attachments()
    assert part.get_content() == (crowd / "build/en/starter.pdf").read_bytes()
    assert email_run(crowd).exit_code == 0
    assert len(list(outbox.glob("*.eml"))) == 2, "the .eml files of an earlier run go"


def test_the_listing_shows_no_name_as_a_spreadsheet_formula(crowd):
    (crowd / "recipients.csv").write_text(
        'email,name,language,outlet\nada@example.org,=SUM(1+1)*cmd,en,\n')
    assert email_run(crowd).exit_code == 0
    with (crowd / "build/outbox/starter/messages.csv").open(encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert row["name"] == "'=SUM(1+1)*cmd" and row["subject"] == "Starter Pack for =SUM(1+1)*cmd"


def test_sending_to_many_keeps_no_copy_per_recipient(crowd, smtp):
    result = email_run(crowd, "--send", "-q")
    assert result.exit_code == 0, result.output
    assert "Sent 40; 0 had it already" in result.stdout
    assert delivered(smtp) == sorted(f"reader{i}@example.org" for i in range(40))
    french = [m for m in smtp.messages() if m["Content-Language"] == "fr"]
    assert len(french) == 13
    (part,) = french[-1].iter_attachments()
    assert part.get_content() == (crowd / "build/fr/starter.pdf").read_bytes()
    outbox = crowd / "build/outbox/starter"
    assert [p.name for p in outbox.iterdir()] == ["sent.jsonl"]
    assert folder_bytes(outbox) < 40 * 400, "a line or two per recipient, no message kept"


def test_the_sent_log_is_only_appended_to(crowd, smtp):
    (crowd / "recipients.csv").write_text("email,name,language,outlet\n" + readers(3))
    assert email_run(crowd, "--send", "-q").exit_code == 0
    journal = crowd / "build/outbox/starter/sent.jsonl"
    before = journal.read_bytes()
    lines = [json.loads(line) for line in before.decode().splitlines()]
    assert [(line["email"], line["status"]) for line in lines] == [
        (f"reader{i}@example.org", status) for i in range(3) for status in ("sending", "sent")]

    (crowd / "recipients.csv").write_text("email,name,language,outlet\n" + readers(5))
    smtp.refuse = {"reader4@example.org"}
    assert email_run(crowd, "--send", "-q").exit_code == 0
    after = journal.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert sent_log(crowd)["reader4@example.org"]["status"] == "refused"
    assert delivered(smtp) == [f"reader{i}@example.org" for i in range(4)]


def test_a_line_cut_short_by_a_crash_is_dropped(crowd, smtp):
    (crowd / "recipients.csv").write_text("email,name,language,outlet\n" + readers(3))
    assert email_run(crowd, "--send", "-q").exit_code == 0
    journal = crowd / "build/outbox/starter/sent.jsonl"
    whole = journal.read_bytes()
    with journal.open("ab") as file:  # a crash while writing: half a line, no end of line
        file.write(b'{"email": "reader3@example.org", "status": "sen')
    (crowd / "recipients.csv").write_text("email,name,language,outlet\n" + readers(4))
    result = email_run(crowd, "--send", "-q")
    assert result.exit_code == 0, result.output
    assert "Sent 1; 3 had it already" in result.stdout
    assert delivered(smtp) == [f"reader{i}@example.org" for i in range(4)]
    after = journal.read_bytes()
    assert after.startswith(whole) and b"sen{" not in after
    assert all(json.loads(line) for line in after.decode().splitlines())


@pytest.mark.parametrize("planted", [b"hello\nworld\n", b"PK\x03\x04\x14\x00\x00\x00",
                                     b'{"email": "x@example.org", "status": "sent"}\n[1, 2]\n'])
def test_a_planted_sent_log_is_refused(crowd, smtp, planted):
    journal = crowd / "build/outbox/starter/sent.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(planted)
    result = email_run(crowd, "--send")
    assert result.exit_code == 2
    assert "build/outbox/starter/sent.jsonl:" in result.stderr
    assert "Nothing was sent" in result.stderr and "Traceback" not in result.output
    assert smtp.envelopes == [] and journal.read_bytes() == planted


def test_a_sent_json_from_an_earlier_version_is_taken_over(crowd, smtp):
    (crowd / "recipients.csv").write_text("email,name,language,outlet\n" + readers(3))
    legacy = crowd / "build/outbox/starter/sent.json"
    legacy.parent.mkdir(parents=True)
    entry = {"status": "sent", "email": "reader0@example.org", "lang": "en",
             "file": "0002-reader0@example.org.eml", "at": "2026-11-30T10:00:00+00:00"}
    legacy.write_text(json.dumps({"sent": {
        "reader0@example.org": entry,
        "reader1@example.org": {**entry, "email": "reader1@example.org", "status": "sending"}}}))
    result = email_run(crowd, "--send")
    assert result.exit_code == 0, result.output
    assert "Sent 1; 1 had it already" in result.stdout
    assert "reader1@example.org: the last run stopped while sending" in result.stderr
    assert delivered(smtp) == ["reader2@example.org"]
    assert not legacy.exists() and legacy.with_name("sent.json.migrated").is_file()
    assert {k: v["status"] for k, v in sent_log(crowd).items()} == {
        "reader0@example.org": "sent", "reader1@example.org": "sending",
        "reader2@example.org": "sent"}

    legacy.write_text('{"sent": [1, 2]}')  # a damaged old log is not taken over
    (crowd / "build/outbox/starter/sent.jsonl").unlink()
    damaged = email_run(crowd, "--send")
    assert damaged.exit_code == 2 and "build/outbox/starter/sent.json: cannot be read" in \
        damaged.stderr
    assert len(smtp.envelopes) == 1


class StallingInbox(Inbox):
    """Takes a message, then holds the connection on the `stall_at`-th one until released, as a
    server does while the sender's machine crashes."""

    def __init__(self, stall_at: int):
        super().__init__()
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if len(self.envelopes) == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"


def test_a_run_killed_mid_message_then_run_again_sends_each_once(make_project):
    inbox, port = StallingInbox(stall_at=3), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        project = make_project({"handoutpack.toml": email_config(port), **MESSAGES,
                                "recipients.csv": "email,name,language,outlet\n" + readers(6)})
        assert invoke(project, "build", "-q").exit_code == 0
        command = [sys.executable, "-m", "handoutpack", "--project", str(project), "email",
                   "starter", "--to", str(project / "recipients.csv"), "--send", "-q"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert inbox.stalled.wait(HARNESS_SECONDS), process.communicate(timeout=5)
        process.send_signal(signal.SIGKILL)
        process.wait(HARNESS_SECONDS)
        inbox.release.set()

        rerun = invoke(project, "email", "starter", "--to", str(project / "recipients.csv"),
                       "--send")
        assert rerun.exit_code == 0, rerun.output
        assert "Sent 3; 2 had it already" in rerun.stdout
        assert "reader2@example.org: the last run stopped while sending" in rerun.stderr
        assert delivered(inbox) == [f"reader{i}@example.org" for i in range(6)]
    finally:
        controller.stop()
