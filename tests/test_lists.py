"""Recipient lists as spreadsheets write them (RFC 4180 quoting, byte-order marks, other
encodings), what a list says reaching every part of a message as text only, and the names of
the files made from it legal on every system."""

from __future__ import annotations

import email
import json
import re
import time
from email import policy

import pytest

from conftest import invoke
from handoutpack.distribute import letters
from handoutpack.project import loader
from handoutpack.sources import content
from handoutpack.errors import HandoutpackError
from handoutpack.store.names import is_reserved, portable
from handoutpack.distribute.personalise import file_names
from handoutpack.distribute.recipients import read_recipients
from test_email import MESSAGES, email_config

HOSTILE_NAMES = [
    "[Verify your account](https://evil.example/login)",
    "**bold** and _slanted_",
    "<b>tag</b> &amp; entity",
    "write to boss@evil.example or see https://evil.example/x",
    "# Heading\n\n- item",
    "Ada :smile: -- \"quoted\"",
    "{{ org.name }} {% raw %}",
]


@pytest.fixture
def project(make_project):
    return loader.load(make_project({"handoutpack.toml": email_config(2525), **MESSAGES}))


def listed(project, text: str | bytes, encoding: str | None = None, name: str = "list.csv"):
    path = project.root / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read_recipients(path, project.langs, encoding)


def message_for(project, recipient) -> email.message.EmailMessage:
    """The message `recipient` would be sent, parsed back (its attachment a stand-in)."""
    documents = content.load(project.reading)
    attachment = letters.Attachment(project.root / "pack.pdf", "pack.pdf", 1, 100)
    letter = letters.Letter(recipient, letters.find_template(project.folders, "starter",
                                                             recipient.lang), attachment)
    draft = letters.draft(project.theme, project.packs["starter"], documents, letter)
    made = letters.compose(project.email, "starter", draft, letters.encoded(b"%PDF-1.7 stand-in"))
    # an SMTPUTF8 message carries UTF-8 headers, which a mail program reads as text
    return email.message_from_string(made.data.decode("utf-8"), policy=policy.default)


# ---------------------------------------------------------------- fields are text


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_recipient_s_fields_are_text_in_every_part(project, name):
    quoted = name.replace('"', '""')
    (recipient,), problems = listed(project, f'email,name,language,outlet\n'
                                             f'ada@example.org,"{quoted}",en,"{quoted}"\n')
    assert not problems and recipient.name == name
    message = message_for(project, recipient)
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"Dear {name}," in plain, "the plain part says it as the list does"
    page = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    body = page.split("<body", 1)[1]
    shown = re.sub(r"<br\s*/?>\n?", "\n", body)
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"Dear {escaped.replace(chr(34), '&quot;').replace(chr(39), '&#x27;')}," in shown
    assert "evil.example" not in "".join(re.findall(r'href="[^"]*"', body))
    for tag in ("<strong>bold", "<em>slanted", "<b>tag", "<h1", "<li>item", "<img"):
        assert tag not in body, tag
    assert "<strong>Starter Pack</strong>" in body, "the message's own Markdown still works"
    assert "\ue000" not in page and "\ue001" not in page, "no token is left behind"


def test_a_display_name_with_comma_and_quotes_stays_one_recipient(project):
    (recipient,), _ = listed(project, 'email,name,language,outlet\n'
                                      'zed@example.org,"O\'Brien, Zoë ""Zed""",en,\n')
    assert recipient.name == 'O\'Brien, Zoë "Zed"'
    message = message_for(project, recipient)
    (address,) = message["To"].addresses
    assert address.display_name == 'O\'Brien, Zoë "Zed"'
    assert address.addr_spec == "zed@example.org"


def test_a_name_with_line_breaks_stays_on_its_header_line(project):
    (recipient,), _ = listed(project, 'email,name,language,outlet\n'
                                      'x@example.org,"Evil\nBcc: all@example.org",en,\n')
    message = message_for(project, recipient)
    assert message["Bcc"] is None
    (address,) = message["To"].addresses
    assert address.display_name == "Evil Bcc: all@example.org"


# ---------------------------------------------------------------- the CSV itself


def test_doubled_quotes_are_read_as_every_spreadsheet_writes_them(project):
    people, problems = listed(project, (
        'email,name,language,outlet\n'
        'a@example.org,"Quoted"" <r@evil.example>",en,x\n'
        'b@example.org,"She said ""hi"", then left",en,"The ""Times"""\n'
        'c@example.org,Plain,en,\n'))
    assert problems == []
    assert [p.name for p in people] == ['Quoted" <r@evil.example>', 'She said "hi", then left',
                                        "Plain"]
    assert people[1].fields["outlet"] == 'The "Times"'


def test_semicolons_and_tabs_are_delimiters_too(project):
    semicolons, _ = listed(project, 'Email;Name;Language\nr@example.org;"Char; René ""RC""";fr\n')
    tabs, _ = listed(project, 'email\tname\tlanguage\nr@example.org\tRené, Char\tfr\n')
    assert [p.name for p in semicolons] == ['Char; René "RC"']
    assert [p.name for p in tabs] == ["René, Char"]


@pytest.mark.parametrize("inside", ["\u2028", "\u2029", "\f", "\v", "\x1c", "\x85", "\r\n", "\n"])
def test_line_breaks_inside_a_quoted_cell_stay_in_the_cell(project, inside):
    people, problems = listed(project, f'email,name,language\n'
                                       f'a@example.org,"First{inside}Last",en\n'
                                       f'b@example.org,Second,en\n'
                                       f'bad,Third,en\n')
    assert [p.name for p in people] == [f"First{inside}Last", "Second"]
    breaks = 1 if inside in ("\r\n", "\n") else 0
    assert people[1].line == 3 + breaks, "line numbers count the file's own lines"
    assert [str(p) for p in problems] == [
        f"list.csv:{4 + breaks}: 'bad' is not an email address (An email address must have an "
        "@-sign.); skipped"]
    assert problems[0].label == "wb_row_email" and dict(problems[0].values) == {"value": "bad"}


def test_a_quote_left_open_is_an_error_naming_its_line(project):
    with pytest.raises(HandoutpackError) as raised:
        listed(project, 'email,name,language\na@example.org,Ada,en\nb@example.org,"Bob,en\n'
                        'c@example.org,Cy,en\n')
    assert str(raised.value).startswith("list.csv:3: is not CSV from this line on")


def test_byte_order_marks_say_the_encoding(project):
    text = "email\tname\tlanguage\nr@example.org\tRené Char\tfr\n"
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"),
                 b"\xfe\xff" + text.encode("utf-16-be")):
        people, problems = listed(project, data, encoding="latin-1")  # the mark wins
        assert problems == [] and [p.name for p in people] == ["René Char"]


def test_a_list_that_is_not_utf8_is_refused_naming_the_line(project):
    data = "email,name,language\na@example.org,Ada,en\nr@example.org,René Char,fr\n".encode(
        "latin-1")
    with pytest.raises(HandoutpackError) as raised:
        listed(project, data)
    message = str(raised.value)
    assert message.startswith("list.csv:3: it is not UTF-8 text (the byte 0xe9 is not UTF-8)")
    assert "--encoding cp1252" in message
    people, _ = listed(project, data, encoding="latin-1")
    assert [p.name for p in people] == ["Ada", "René Char"]
    people, _ = listed(project, "email,name,language\nr@example.org,Zoë – ok,fr\n".encode(
        "cp1252"), encoding="cp1252")
    assert [p.name for p in people] == ["Zoë – ok"]


def test_the_encoding_option_on_the_command_line(make_project):
    root = make_project({"handoutpack.toml": email_config(2525), **MESSAGES,
                         "list.csv": "email,name,language\nr@example.org,René,fr\n".encode(
                             "latin-1")})
    result = invoke(root, "email", "starter", "--to", str(root / "list.csv"))
    assert result.exit_code == 2
    assert "list.csv:2: it is not UTF-8 text" in result.stderr and "Traceback" not in result.output
    result = invoke(root, "email", "starter", "--to", str(root / "list.csv"), "--encoding",
                    "latin-1")
    assert result.exit_code == 2 and "not built yet" in result.stderr, "the list was read"
    result = invoke(root, "email", "starter", "--to", str(root / "list.csv"), "--encoding",
                    "martian")
    assert result.exit_code == 2 and "'martian' is not an encoding" in result.stderr
    result = invoke(root, "build", "starter", "--for", str(root / "list.csv"))
    assert result.exit_code == 2 and "list.csv:2: it is not UTF-8 text" in result.stderr
    assert not (root / "build/en/starter.pdf").exists(), "the list is read before the build"


@pytest.mark.slow
def test_a_list_of_20000_rows(project):
    rows = "".join(f'reader{i}@example.org,"Reader {i}, ""R{i}""",{"fr" if i % 3 else "en"}\n'
                   for i in range(20_000))
    started = time.process_time()
    people, problems = listed(project, "email,name,language\n" + rows)
    assert problems == [] and len(people) == 20_000
    assert people[-1].name == 'Reader 19999, "R19999"' and people[-1].line == 20_001
    assert time.process_time() - started < 60, "not a speed test: a bound on runaway work"


# ---------------------------------------------------------------- names every system takes


@pytest.mark.parametrize("name, expected", [
    ("con.pdf", "con_.pdf"), ("CON", "CON_"), ("nul.tar.gz", "nul_.tar.gz"),
    ("com1.pdf", "com1_.pdf"), ("LPT9.eml", "LPT9_.eml"), ("com¹.pdf", "com¹_.pdf"),
    ("conin$.pdf", "conin$_.pdf"), ("con .pdf", "con_.pdf"), ("report. ", "report"),
    ("a<b>c:d\"e/f\\g|h?i*j.pdf", "a_b_c_d_e_f_g_h_i_j.pdf"), ("tab\there", "tab_here"),
    ("...", "file"), ("", "file"), ("console.pdf", "console.pdf"), ("com10.pdf", "com10.pdf"),
])
def test_portable_names(name, expected):
    assert portable(name) == expected
    assert not is_reserved(portable(name))


def test_a_long_name_keeps_its_suffix_within_the_byte_limit():
    name = portable("é" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode("utf-8")) <= 200


def test_recipients_named_as_windows_devices_get_legal_file_names(project):
    people, _ = listed(project, "email,name,language\n" + "".join(
        f"p{i}@example.org,{name},en\n" for i, name in enumerate(
            ["CON", "Nul.", "com1", "Aux", "Con", "Prn ", "lpt1"])))
    names = file_names(people).values()
    assert all(not is_reserved(n) and n == portable(n) for n in names), names
    assert sorted(names) == ["aux_.pdf", "com1_.pdf", "con-2.pdf", "con_.pdf", "lpt1_.pdf",
                             "nul_.pdf", "prn_.pdf"]


def test_outbox_and_attachment_names_are_portable(project):
    address = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 55, "org"])
    (recipient,), problems = listed(project, f"email,name,language\n{address},Long,en\n")
    assert not problems
    letter = letters.Letter(recipient, None, None)
    assert len(letter.file.encode()) <= 200 and letter.file.endswith(".eml")
    assert letter.file == portable(letter.file)


def test_an_address_with_a_non_ascii_local_part_keeps_its_name(project):
    (recipient,), _ = listed(project, 'email,name,language,outlet\n'
                                      'josé@exämple.org,"Peña, José",en,\n')
    message = message_for(project, recipient)
    (address,) = message["To"].addresses
    assert address.display_name == "Peña, José" and address.username == "josé"


def test_a_name_that_looks_like_a_held_value_stays_itself(project):
    """The HTML part holds printed values aside as private-use tokens; a name made of such
    characters neither brings another value back nor leaves one behind."""
    forged = "\ue000\ue012\ue001"  # the third value printed: the outlet
    (recipient,), _ = listed(project, f'email,name,language,outlet\n'
                                      f'a@example.org,"{forged}",en,Secret Outlet\n')
    page = message_for(project, recipient).get_body(("html",)).get_content()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Secret Outlet" not in title and "Dear" not in title
    assert f"Dear {forged}," in page


def test_the_workbench_shows_a_non_ascii_address_with_its_name(project):
    from handoutpack.ui.workbench_shown import shown_message

    (recipient,), _ = listed(project, 'email,name,language,outlet\n'
                                      'josé@exämple.org,"Peña, José",en,\n')
    documents = content.load(project.reading)
    attachment = letters.Attachment(project.root / "build/en/starter.pdf", "pack.pdf", 1, 100)
    letter = letters.Letter(recipient, letters.find_template(project.folders, "starter", "en"),
                            attachment)
    shown = shown_message(project, letters.draft(project.theme, project.packs["starter"],
                                                 documents, letter),
                          project.root / "build/en/starter.pdf")
    assert shown["to"] == '"Peña, José" <josé@exämple.org>' and shown["lang"] == "en"
    json.dumps(shown)


# ---------------------------------------------------------------- problems in the page's words

@pytest.mark.parametrize("lang,expected", [
    ("en", ["Row 3 of journalists.csv: 'bad' is not an email address; skipped.",
            "Row 4 of journalists.csv: the language 'de' is not one of the toolkit's (en, fr); "
            "skipped.",
            "Row 5 of journalists.csv: it has 2 cells, while the first line names 3 columns (a "
            "comma inside a cell needs quotes around the cell); skipped.",
            "Row 6 of journalists.csv: ADA@example.org is already on row 2; skipped."]),
    ("fr", ["Ligne 3 de journalists.csv : « bad » n'est pas une adresse de courriel ; ignorée.",
            "Ligne 4 de journalists.csv : la langue « de » n'est pas une de celles de la boîte à "
            "outils (en, fr) ; ignorée.",
            "Ligne 5 de journalists.csv : elle a 2 cellules, alors que la première ligne nomme 3 "
            "colonnes (une virgule dans une cellule demande des guillemets autour de la "
            "cellule) ; ignorée.",
            "Ligne 6 de journalists.csv : ADA@example.org figure déjà à la ligne 2 ; ignorée."]),
])
def test_the_workbench_says_what_is_wrong_with_a_row_in_its_own_language(project, lang,
                                                                          expected):
    """The list reader's problems are records (file, line, a label and its values), so the
    workbench says each one whole in the page's language, not half English."""
    from handoutpack.ui.workbench import Workbench

    shown = Workbench(project.root).save_list(
        "email,name,language\nada@example.org,Ada,en\nbad,Nobody,en\nb@example.org,Bea,de\n"
        "c@example.org,Cy\nADA@example.org,Ada again,fr\n", "journalists.csv", lang)
    assert [p["email"] for p in shown["people"]] == ["ada@example.org"]
    assert shown["problems"] == expected


def test_the_workbench_says_what_is_wrong_with_a_field_from_the_problem_record(project):
    """A field's problem is said from the reader's record (its label and values), in the page's
    language, never pieced together from the English message."""
    from handoutpack.ui.workbench import Workbench

    form = {"presenter": {"name": "", "role": "Ambassador", "email": "nobody",
                          "phone": "call me"},
            "event": {"date": "14 June"}, "packs": ["starter"], "languages": []}
    said = Workbench(project.root).check(form, "fr")
    assert said == {"presenter.name": "Veuillez remplir ce champ.",
                    "presenter.email": "« nobody » n'est pas une adresse de courriel.",
                    "presenter.phone": said["presenter.phone"],
                    "event.date": said["event.date"],
                    "languages": said["languages"]}
    assert "« call me »" in said["presenter.phone"] and "« 14 June »" in said["event.date"]
    assert not any("is not" in text or "write" in text for text in said.values()), said


def test_the_workbench_lists_a_builds_warnings_as_lines_of_text():
    """A build's warnings are records; the page is sent each formatted, as the command line
    prints it (the page joins them into lines: a record would read '[object Object]')."""
    from dataclasses import asdict

    from handoutpack.errors import warning
    from handoutpack.ui.workbench import Job
    from handoutpack.ui.workbench_shown import shown_problems

    job = Job("build")
    job.result = {"warnings": shown_problems([warning("content/a.en.md", "a chart is 90 ppi",
                                                      3, "print")])}
    assert json.loads(json.dumps(asdict(job)))["result"]["warnings"] == [
        "content/a.en.md:3: a chart is 90 ppi"]
