"""handoutpack email: messages in the recipient's language, sent to a real SMTP server on loopback
(aiosmtpd) and read back with Python's email package."""

from __future__ import annotations

import email
import io
import json
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import MINIMAL_CONFIG, invoke

def email_config(port: int) -> str:
    return MINIMAL_CONFIG + f"""
[email]
from = "Example Trust <news@example.org>"
pace_seconds = 0

[email.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
"""

MESSAGES = {
    "emails/default.en.md": """\
---
subject: "{{ pack.title }} for {{ recipient.name }}"
---
Dear {{ recipient.name }},

Here is the **{{ pack.title }}**{% if recipient.outlet %} for *{{ recipient.outlet }}*{% endif %}:

{% for document in documents -%}
- {{ document.title }}{% if document.note %} ({{ document.note }}){% endif %}
{% endfor %}
Best wishes,
{{ org.name }}
""",
    "emails/default.fr.md": """\
---
subject: "{{ pack.title }} pour {{ recipient.name }}"
---
Bonjour {{ recipient.name }},

Voici le **{{ pack.title }}** :

{% for document in documents -%}
- {{ document.title }}{% if document.note %} ({{ document.note }}){% endif %}
{% endfor %}
Bien cordialement,
{{ org.name }}
""",
}

RECIPIENTS = """\
email,name,language,outlet
ada@example.org,Ada <Lovelace>,en,The Example Times
not-an-address,Nobody,en,
rene@example.org,René Char,FR,Le Journal d'Exemple
max@example.org,Max Muster,de,
ADA@example.org,Ada Again,en,
"""


class Inbox:
    """What arrives at the test's SMTP server; it can refuse addresses or fail after N messages."""

    def __init__(self):
        self.envelopes = []
        self.refuse: set[str] = set()
        self.fail_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.envelopes) >= self.fail_after:
            return "421 4.3.2 Too busy, come back later"
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def mailing_project(make_project, smtp):
    project = make_project({"handoutpack.toml": email_config(smtp.port),
                            "recipients.csv": RECIPIENTS, **MESSAGES})
    assert invoke(project, "build", "-q").exit_code == 0
    return project


def email_run(project, *args):
    return invoke(project, "email", "starter", "--to", str(project / "recipients.csv"), *args)


def sent_log(project, pack: str = "starter") -> dict:
    """The sent-log as a run reads it: each address's last line."""
    entries = {}
    for line in (project / f"build/outbox/{pack}/sent.jsonl").read_text().splitlines():
        entry = json.loads(line)
        entries[entry["email"]] = entry
    return entries


def attachment(message) -> tuple[str, bytes]:
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_content()


def test_outbox_has_one_message_per_good_row(mailing_project):
    result = email_run(mailing_project)
    assert result.exit_code == 0, result.output
    assert "recipients.csv:3: 'not-an-address' is not an email address" in result.stderr
    assert "recipients.csv:5: language 'de' is not one of the project's (en, fr)" in result.stderr
    assert "recipients.csv:6: ADA@example.org is already on line 2; skipped" in result.stderr
    outbox = mailing_project / "build/outbox/starter"
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert files == ["0002-ada@example.org.eml", "0004-rene@example.org.eml"]

    french = email.message_from_bytes((outbox / files[1]).read_bytes(), policy=policy.default)
    assert french["To"] == "René Char <rene@example.org>"
    assert french["Subject"] == "Dossier de départ pour René Char"
    assert french["Content-Language"] == "fr"
    text = french.get_body(("plain",)).get_content()
    assert "Bonjour René Char," in text and "- Hello (en anglais)" in text
    html = french.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and "<strong>Dossier de départ</strong>" in html
    name, data = attachment(french)
    assert name == "Example-Trust-starter-fr.pdf"
    assert data == (mailing_project / "build/fr/starter.pdf").read_bytes()

    english = email.message_from_bytes((outbox / files[0]).read_bytes(), policy=policy.default)
    text = english.get_body(("plain",)).get_content()
    assert "Dear Ada <Lovelace>," in text and "for *The Example Times*" in text
    html = english.get_body(("html",)).get_content()
    assert "Dear Ada &lt;Lovelace&gt;," in html, "list fields reach the HTML as text"
    assert "<em>The Example Times</em>" in html


@pytest.mark.slow
def test_send_delivers_each_message_once(mailing_project, smtp):
    result = email_run(mailing_project, "--send")
    assert result.exit_code == 0, result.output
    assert "Sent 2; 0 had it already" in result.stdout
    received = {m["To"].addresses[0].addr_spec: m for m in smtp.messages()}
    assert sorted(e.rcpt_tos[0] for e in smtp.envelopes) == ["ada@example.org", "rene@example.org"]
    assert {e.mail_from for e in smtp.envelopes} == {"news@example.org"}
    french = received["rene@example.org"]
    assert french["To"] == "René Char <rene@example.org>"
    assert french["Subject"] == "Dossier de départ pour René Char"
    assert french["Content-Language"] == "fr"
    assert attachment(french)[1] == (mailing_project / "build/fr/starter.pdf").read_bytes()
    english = received["ada@example.org"]
    assert english["To"].addresses[0].display_name == "Ada <Lovelace>"
    assert english["Content-Language"] == "en"
    assert attachment(english)[1] == (mailing_project / "build/en/starter.pdf").read_bytes()

    again = email_run(mailing_project, "--send")
    assert again.exit_code == 0, again.output
    assert "Sent 0; 2 had it already" in again.stdout
    assert len(smtp.envelopes) == 2, "nobody gets the pack twice"


@pytest.mark.slow
def test_a_rerun_after_a_failure_sends_only_what_is_left(mailing_project, smtp):
    rows = "".join(f"reader{i}@example.org,Reader {i},en,\n" for i in range(5))
    (mailing_project / "recipients.csv").write_text("email,name,language,outlet\n" + rows)
    smtp.fail_after = 2
    failed = email_run(mailing_project, "--send", "-q")
    assert failed.exit_code == 2
    assert "stopped the run after 2 of 5 messages (421 4.3.2 Too busy" in failed.stderr
    assert "Run the same command again to send the other 3" in failed.stderr
    log = sent_log(mailing_project)
    assert [v["status"] for v in log.values()].count("sent") == 2
    assert len(smtp.envelopes) == 2

    smtp.fail_after = None
    rerun = email_run(mailing_project, "--send", "-q")
    assert rerun.exit_code == 0, rerun.output
    assert "Sent 3; 2 had it already" in rerun.stdout
    delivered = [e.rcpt_tos[0] for e in smtp.envelopes]
    assert sorted(delivered) == [f"reader{i}@example.org" for i in range(5)]


@pytest.mark.slow
def test_a_refused_address_does_not_stop_the_others(mailing_project, smtp):
    smtp.refuse = {"ada@example.org"}
    result = email_run(mailing_project, "--send")
    assert result.exit_code == 0, result.output
    assert "refused by the server: ada@example.org (550 5.1.1 No such mailbox here)" in result.stderr
    assert [e.rcpt_tos for e in smtp.envelopes] == [["rene@example.org"]]
    assert sent_log(mailing_project)["ada@example.org"]["status"] == "refused"
    smtp.refuse = set()
    assert email_run(mailing_project, "--send").exit_code == 0
    assert [e.rcpt_tos for e in smtp.envelopes] == [["rene@example.org"], ["ada@example.org"]]


@pytest.mark.slow
def test_login_takes_the_password_from_the_environment(make_project, monkeypatch):
    inbox, port = Inbox(), free_port()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        config = email_config(port) + 'user = "news"\npassword_env = "TRUST_SMTP"\n'
        project = make_project({"handoutpack.toml": config, "recipients.csv": RECIPIENTS,
                                **MESSAGES})
        assert invoke(project, "build", "-q").exit_code == 0
        monkeypatch.delenv("TRUST_SMTP", raising=False)
        missing = email_run(project, "--send")
        assert missing.exit_code == 2
        assert "set it in the environment variable TRUST_SMTP" in missing.stderr
        monkeypatch.setenv("TRUST_SMTP", "wrong")
        wrong = email_run(project, "--send")
        assert wrong.exit_code == 2 and "refused the user 'news'" in wrong.stderr
        assert "Nothing was sent" in wrong.stderr
        monkeypatch.setenv("TRUST_SMTP", "s3cret")
        assert email_run(project, "--send").exit_code == 0
        assert logins[-1] == (b"news", b"s3cret") and len(inbox.envelopes) == 2
    finally:
        controller.stop()


def test_a_password_in_the_config_is_refused(make_project):
    config = email_config(25) + 'password = "hunter2"\n'
    project = make_project({"handoutpack.toml": config})
    result = invoke(project, "build", "-q")
    assert result.exit_code == 2
    assert "email.smtp.password: never put the password in handoutpack.toml" in result.stderr


@pytest.mark.slow
def test_too_big_an_attachment_is_refused_with_advice(mailing_project):
    result = email_run(mailing_project, "--max-size", "0.001")
    assert result.exit_code == 2
    assert re.search(r"build/en/starter.pdf: it is \d\.\d MB, more than the 0.001 MB", result.stderr)
    assert "--image-dpi 150" in result.stderr
    assert not list((mailing_project / "build/outbox").glob("*/*.eml"))


@pytest.mark.slow
def test_a_language_without_a_message_is_skipped(mailing_project):
    (mailing_project / "emails/default.fr.md").unlink()
    result = email_run(mailing_project)
    assert result.exit_code == 0
    assert ("recipients.csv:4: no message in French (emails/starter.fr.md or default.fr.md); "
            "skipped") in result.stderr
    assert [p.name for p in (mailing_project / "build/outbox/starter").glob("*.eml")] == [
        "0002-ada@example.org.eml"]


@pytest.mark.slow
def test_a_changed_source_asks_for_a_build_first(mailing_project):
    source = mailing_project / "content/handouts/hello.en.md"
    source.write_text(source.read_text() + "\nOne more line.\n")
    result = email_run(mailing_project, "--lang", "en")
    assert result.exit_code == 2
    assert "content/handouts/hello.en.md: changed after build/en/starter.pdf was built" in result.stderr


def test_the_sample_media_list(sample):
    result = invoke(sample, "email", "media", "--to", str(sample / "emails/media-list.csv"),
                    "--lang", "es")
    assert result.exit_code == 0, result.output
    (path,) = sorted((sample / "build/outbox/media").glob("*.eml"))[:1]
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Content-Language"] == "es"
    assert message["To"].endswith("@example.org>")
    assert message["Subject"] == "Desempeño social: carpeta de prensa – Social Performance Task Force"
    text = message.get_body(("plain",)).get_content()
    # the Spanish media pack holds no English document (the sample translated them all)
    assert "Recursos en línea para la gestión del desempeño social" in text
    assert "(en inglés)" not in text
    assert attachment(message)[1] == (sample / "build/es/media.pdf").read_bytes()


@pytest.mark.slow
def test_image_dpi_shrinks_a_pack_with_photos(make_project):
    """The advice for a pack too big to email works: --image-dpi resamples and recompresses."""
    from PIL import Image

    photo = io.BytesIO()
    Image.effect_noise((2400, 1600), 60).convert("RGB").save(photo, "JPEG", quality=95)
    hello = ("---\ntitle: Hello\nsummary: A photo.\nkind: handout\n---\n"
             "![The office](office.jpg)\n")
    project = make_project({"content/handouts/hello.en.md": hello,
                            "content/handouts/office.jpg": photo.getvalue()})
    assert invoke(project, "build", "-q", "--lang", "en").exit_code == 0
    full = (project / "build/en/starter.pdf").stat().st_size
    assert invoke(project, "build", "-q", "--lang", "en", "--image-dpi", "100").exit_code == 0
    small = (project / "build/en/starter.pdf").stat().st_size
    assert full > len(photo.getvalue()) / 2 and small < full / 4


@pytest.mark.slow
def test_a_list_from_a_spreadsheet(mailing_project):
    """Semicolons, a byte-order mark and 'fr-CA' are fine; a list without its columns is not."""
    (mailing_project / "recipients.csv").write_bytes(
        "\ufeffEmail;Name;Language\nrene@example.org;René Char;fr-CA\n".encode("utf-8"))
    result = email_run(mailing_project)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (mailing_project / "build/outbox/starter").glob("*.eml")] == [
        "0002-rene@example.org.eml"]
    (mailing_project / "recipients.csv").write_text("address,name\nrene@example.org,René\n")
    result = email_run(mailing_project)
    assert result.exit_code == 2
    assert "recipients.csv:1: the first line must name the columns" in result.stderr
    assert "missing: email, language" in result.stderr
