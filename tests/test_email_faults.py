"""Issue #17's email faults against aiosmtpd on loopback: addresses in other scripts, a
temporary refusal of one recipient, and a source touched but not changed."""

from __future__ import annotations

import os

import pytest
from aiosmtpd.controller import Controller

from conftest import invoke
from test_email import MESSAGES, Inbox, email_config, email_run, free_port, sent_log


class DeferringInbox(Inbox):
    """Answers 450 for the addresses in `busy` until it has been asked `patience` times."""

    def __init__(self):
        super().__init__()
        self.busy: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.busy.get(address, 0) > 0:
            self.busy[address] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        return await super().handle_RCPT(server, session, envelope, address, options)


def serve(utf8: bool):
    inbox, port = DeferringInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=utf8)
    controller.start()
    inbox.port = port
    return inbox, controller


@pytest.fixture(params=[True, False], ids=["server offers SMTPUTF8", "server without SMTPUTF8"])
def server(request):
    inbox, controller = serve(request.param)
    inbox.utf8 = request.param
    yield inbox
    controller.stop()


@pytest.fixture
def smtp():
    inbox, controller = serve(True)
    yield inbox
    controller.stop()


def project_for(make_project, inbox, rows: str):
    project = make_project({"handoutpack.toml": email_config(inbox.port),
                            "recipients.csv": "email,name,language,outlet\n" + rows, **MESSAGES})
    assert invoke(project, "build", "-q").exit_code == 0
    return project


@pytest.mark.slow
def test_addresses_in_other_scripts_are_sent_or_skipped_alone(make_project, server):
    rows = ("josé@example.org,José,en,\n"
            "ana@exämple.org,Ana,en,\n"
            "ada@example.org,Ada,en,\n")
    project = project_for(make_project, server, rows)
    result = email_run(project, "--send")
    assert result.exit_code == 0, result.output
    delivered = sorted(e.rcpt_tos[0] for e in server.envelopes)
    if server.utf8:
        assert delivered == ["ada@example.org", "ana@xn--exmple-cua.org", "josé@example.org"]
        assert "Sent 3" in result.stdout
    else:  # the IDN domain goes as its ASCII form; the local part has none
        assert delivered == ["ada@example.org", "ana@xn--exmple-cua.org"]
        assert "josé@example.org: the mail server does not take addresses with non-ASCII " \
               "characters (SMTPUTF8)" in result.stderr
        assert sent_log(project)["josé@example.org"]["status"] == "skipped"


@pytest.mark.slow
def test_a_temporary_refusal_defers_one_recipient_and_the_run_goes_on(make_project, smtp):
    rows = "".join(f"reader{i}@example.org,Reader {i},en,\n" for i in range(4))
    project = project_for(make_project, smtp, rows)
    smtp.busy = {"reader1@example.org": 1}  # busy once: the retry at the end of the run gets it
    result = email_run(project, "--send")
    assert result.exit_code == 0, result.output
    assert [e.rcpt_tos[0] for e in smtp.envelopes] == [
        "reader0@example.org", "reader2@example.org", "reader3@example.org",
        "reader1@example.org"]
    assert "Sent 4" in result.stdout

    smtp.envelopes.clear()
    smtp.busy = {"late@example.org": 100}  # busy all day: tried again by the next run
    (project / "recipients.csv").write_text(
        "email,name,language,outlet\n" + rows
        + "late@example.org,Late,en,\nlater@example.org,Later,en,\n")
    deferred = email_run(project, "--send")
    assert deferred.exit_code == 0, deferred.output
    assert [e.rcpt_tos[0] for e in smtp.envelopes] == ["later@example.org"]
    assert "1 deferred by the server (the next run tries again)" in deferred.stdout
    assert sent_log(project)["late@example.org"]["status"] == "deferred"

    smtp.busy = {}
    again = email_run(project, "--send")
    assert again.exit_code == 0, again.output
    assert [e.rcpt_tos for e in smtp.envelopes] == [["later@example.org"], ["late@example.org"]]


@pytest.mark.slow
def test_a_source_touched_but_not_changed_needs_no_build(make_project, smtp):
    project = project_for(make_project, smtp, "ada@example.org,Ada,en,\n")
    source = project / "content/handouts/hello.en.md"
    later = source.stat().st_mtime + 3600
    os.utime(source, (later, later))
    assert invoke(project, "build", "-q").exit_code == 0  # writes no PDF: nothing changed
    result = email_run(project, "--send")
    assert result.exit_code == 0, result.output
    assert len(smtp.envelopes) == 1

    source.write_text(source.read_text() + "\nOne more line.\n")
    os.utime(source, (later - 7200, later - 7200))  # changed, and dated before the build
    changed = email_run(project, "--send")
    assert changed.exit_code == 2
    assert "content/handouts/hello.en.md: changed after build/en/starter.pdf was built" \
        in changed.stderr
