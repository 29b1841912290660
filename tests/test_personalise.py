"""Personalised packs: each recipient's cover says whom it was prepared for, in their language;
only the cover is rendered per recipient, a rerun renders and sends nobody's twice."""

from __future__ import annotations

import email
import io
import subprocess
from email import policy

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import invoke
from test_email import MESSAGES, email_config, smtp  # noqa: F401 - smtp is a fixture

BONJOUR = "---\ntitle: Bonjour\nsummary: Un premier document.\nkind: handout\n---\n## Bienvenue\n\nBonjour.\n"
LIST = """\
email,name,language,outlet
jane.doe@example.org,Jane Doe,en,The Example Times
rene@example.org,René Char,fr,Le Journal d'Exemple
other.jane@example.org,Jane Doe,en,
"""


@pytest.fixture
def listed(make_project):
    root = make_project({"list.csv": LIST, "content/handouts/hello.fr.md": BONJOUR})
    result = invoke(root, "build", "starter", "--for", str(root / "list.csv"), "-q")
    assert result.exit_code == 0, result.output
    return root


def cover_text(path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def marked_content(path) -> list:
    reader = PdfReader(path)
    stream = ContentStream(reader.pages[0].get_contents(), reader)
    return [operands[1].get("/MCID") for operands, op in stream.operations if op == b"BDC"]


@pytest.mark.slow
def test_each_recipient_gets_a_cover_prepared_for_them(listed):
    folder = listed / "build/personal"
    assert "Prepared for Jane Doe, The Example Times" in cover_text(folder / "en/starter/jane-doe.pdf")
    assert "Préparé pour René Char, Le Journal d’Exemple" in cover_text(
        folder / "fr/starter/rene-char.pdf")
    # the second Jane Doe has no outlet, and a file of her own
    assert cover_text(folder / "en/starter/jane-doe-2.pdf").endswith("Prepared for Jane Doe")
    assert "the public" in cover_text(listed / "build/en/starter.pdf")


@pytest.mark.slow
def test_the_rest_of_the_pack_is_the_built_pack(listed):
    built = PdfReader(listed / "build/en/starter.pdf")
    personal = PdfReader(listed / "build/personal/en/starter/jane-doe.pdf")
    assert len(personal.pages) == len(built.pages)
    for mine, theirs in zip(personal.pages[1:], built.pages[1:]):
        assert mine.extract_text() == theirs.extract_text()
    # an incremental update: the built pack's bytes come first, unchanged
    base = (listed / "build/en/starter.pdf").read_bytes()
    assert (listed / "build/personal/en/starter/jane-doe.pdf").read_bytes().startswith(base)
    # the new cover's marked content is what the pack's structure tree points at
    assert marked_content(listed / "build/personal/en/starter/jane-doe.pdf") == \
        marked_content(listed / "build/en/starter.pdf")
    assert [o.title for o in personal.outline if not isinstance(o, list)] == \
        [o.title for o in built.outline if not isinstance(o, list)]
    # and qpdf, stricter than a viewer, reads the update without a warning
    mine = listed / "build/personal/en/starter/jane-doe.pdf"
    check = subprocess.run(["qpdf", "--check", str(mine)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, \
        check.stdout + check.stderr


@pytest.mark.slow
def test_a_rerun_makes_nobody_s_pack_twice(listed):
    jane = listed / "build/personal/en/starter/jane-doe.pdf"
    before = jane.stat().st_mtime_ns
    result = invoke(listed, "build", "starter", "--for", str(listed / "list.csv"))
    assert result.exit_code == 0, result.output
    assert "Wrote 3 personalised packs" in result.stdout and "0 made, 3 already there" in result.stdout
    assert jane.stat().st_mtime_ns == before
    # a new person on the list: only their cover is made
    (listed / "list.csv").write_text(LIST + "ada@example.org,Ada Lovelace,en,Example Weekly\n",
                                     encoding="utf-8")
    result = invoke(listed, "build", "starter", "--for", str(listed / "list.csv"))
    assert "1 made, 3 already there" in result.stdout
    assert jane.stat().st_mtime_ns == before


def test_for_needs_one_pack(make_project):
    root = make_project({"list.csv": LIST})
    result = invoke(root, "build", "--for", str(root / "list.csv"))
    assert result.exit_code == 2 and "--for needs exactly one PACK" in result.output


@pytest.mark.slow
def test_personalised_media_mailing_is_sent_once(make_project, smtp):  # noqa: F811
    root = make_project({"handoutpack.toml": email_config(smtp.port), "list.csv": LIST,
                         "content/handouts/hello.fr.md": BONJOUR, **MESSAGES})
    assert invoke(root, "build", "-q").exit_code == 0
    args = ("email", "starter", "--to", str(root / "list.csv"), "--personalise", "--send")
    result = invoke(root, *args)
    assert result.exit_code == 0, result.output
    messages = {m["To"]: m for m in (email.message_from_bytes(e.content, policy=policy.default)
                                     for e in smtp.envelopes)}
    assert len(messages) == 3
    outbox = root / "build/outbox/starter"
    assert [p.name for p in outbox.iterdir()] == ["sent.jsonl"], "no message or pack kept there"
    (part,) = messages["René Char <rene@example.org>"].iter_attachments()
    assert part.get_filename().endswith("rene-char.pdf")
    first = PdfReader(io.BytesIO(part.get_content())).pages[0].extract_text()
    assert "Préparé pour René Char, Le Journal d’Exemple" in " ".join(first.split())
    (part,) = messages["Jane Doe <jane.doe@example.org>"].iter_attachments()
    assert "Prepared for Jane Doe, The Example Times" in " ".join(
        PdfReader(io.BytesIO(part.get_content())).pages[0].extract_text().split())

    made = (root / "build/personal/en/starter/made.jsonl").read_text(encoding="utf-8")
    again = invoke(root, *args)
    assert again.exit_code == 0, again.output
    assert "Sent 0; 3 had it already" in again.stdout
    assert len(smtp.envelopes) == 3
    assert (root / "build/personal/en/starter/made.jsonl").read_text(encoding="utf-8") == made
