"""Bad input ends with one clear message naming the file, exit code 2, and nothing half-written."""

from __future__ import annotations

import pytest

from conftest import HELLO, MINIMAL_CONFIG, invoke


def build(project, *args):
    return invoke(project, "build", "-q", *args)


def assert_clean_failure(outcome, *fragments):
    # a document's error leaves that document out and the rest is built: exit 1 (issue 25)
    kept_going = "document source(s) failed" in outcome.stderr
    assert outcome.exit_code == (1 if kept_going else 2), outcome.output
    assert "Traceback" not in outcome.output
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr


def test_a_good_project_builds(make_project):
    project = make_project()
    outcome = build(project)
    assert outcome.exit_code == 0, outcome.output
    assert (project / "build/en/documents/hello.pdf").is_file()
    assert (project / "build/fr/starter.pdf").is_file()


def test_missing_pack_document_suggests_the_right_slug(make_project):
    project = make_project({"handoutpack.toml": MINIMAL_CONFIG.replace('["hello"]', '["hello", "helo"]')})
    outcome = build(project)
    assert_clean_failure(outcome, "handoutpack.toml:14: packs.starter.documents[1]: no document 'helo'",
                         "(did you mean 'hello'?)")
    assert not (project / "build").exists(), "nothing is written when the input is bad"


def test_config_problems_are_reported_all_at_once(make_project):
    config = MINIMAL_CONFIG.replace('name = "Example Trust"', 'name = "Example Trust"\ncolour = "red"')
    config += '\n[brand]\nprimary = "teal"\npaper = "A3"\n'
    config = config.replace('audience = "public"', 'audience = "publik"')
    outcome = build(make_project({"handoutpack.toml": config}))
    assert_clean_failure(outcome, "4 problems", "org.colour: unknown key",
                         "brand.primary: 'teal' is not valid", "brand.paper: 'A3' is not one of",
                         "packs.starter.audience: no audience 'publik' (did you mean 'public'?)")


def test_a_mistyped_key_in_any_table_is_named_with_its_line_and_the_key_meant(make_project):
    config = (MINIMAL_CONFIG
              .replace('default = "en"', 'defualt = "en"')
              .replace('name = { en = "the public"', 'nmae = "x"\nname = { en = "the public"')
              .replace('documents = ["hello"]', 'documents = ["hello"]\nbooklett = true')
              + '\n[paths]\ncontnet = "content"\n\n[print]\ncopys = 2\n\n[security]\n'
              'allow_remotes = true\n\n[download]\ntitel = "Materials"\n\n'
              '[presenter]\nname = "Ana"\nrolle = "Ambassador"\n')
    outcome = build(make_project({"handoutpack.toml": config}))
    lines = config.splitlines()
    for key, meant in [("languages.defualt", "default"), ("audiences.public.nmae", "name"),
                       ("packs.starter.booklett", "booklet"), ("paths.contnet", "content"),
                       ("print.copys", "copies"), ("security.allow_remotes", "allow_remote"),
                       ("download.titel", "title"), ("presenter.rolle", "role")]:
        line = next(n for n, text in enumerate(lines, 1)
                    if text.startswith(key.rpartition(".")[2] + " ="))
        assert_clean_failure(outcome, f"handoutpack.toml:{line}: {key}: unknown key "
                                      f"(did you mean '{meant}'?); allowed here:")


def test_toml_syntax_error(make_project):
    outcome = build(make_project({"handoutpack.toml": "[org\nname = 1"}))
    assert_clean_failure(outcome, "handoutpack.toml:", "line 1")


@pytest.mark.parametrize("source, expected", [
    ("---\ntitle: Hello\nsummary: [unclosed\nkind: handout\n---\nText\n",
     "hello.en.md:4: front matter is not valid YAML"),
    ("No front matter here\n", "hello.en.md:1: must start with front matter"),
    ('+++\ntitle = "Hello"\nkind = handout\n+++\nText\n',
     "hello.en.md:3: front matter is not valid TOML"),
    ('+++\ntitle = "Hello"\n', "hello.en.md:1: front matter is not closed; add a line '+++'"),
    ('{\n  "title": "Hello"\n}\nText\n', "hello.en.md:1: must start with front matter: a line "
     "'---', YAML (title, summary, kind...), then another line '---'; this is JSON"),
    ("---\ntitle: Hello\nsummary: x\n", "hello.en.md:1: front matter is not closed"),
    ("---\nsummary: x\nkind: handout\n---\nText\n", "front matter 'title': is required"),
    ("---\ntitle: Hello\nsummary: x\nkind: leaflet\n---\nText\n", "'leaflet' is not one of"),
    ("---\ntitle: Hello\nlang: fr\n---\nText\n",
     "hello.en.md:3: front matter 'lang': 'fr' does not agree with the file name"),
    ("", "hello.en.md: is empty"),
    (b"---\ntitle: Caf\xe9\n---\n", "hello.en.md:2: is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "hello.en.md: is a binary file"),
])
def test_bad_front_matter_names_file_and_line(make_project, source, expected):
    outcome = build(make_project({"content/handouts/hello.en.md": source}))
    assert_clean_failure(outcome, expected)


def test_undefined_jinja_name_names_file_and_line(make_project):
    source = HELLO.replace("Hello from {{ org.name }}.", "Line one.\n\nSee you at {{ event.venue }}.")
    outcome = build(make_project({"content/handouts/hello.en.md": source}))
    assert_clean_failure(outcome, "hello.en.md:10: template error", "'event' has no 'venue'; it has name, place, date")


def test_jinja_syntax_error(make_project):
    source = HELLO.replace("{{ org.name }}", "{% if %}")
    outcome = build(make_project({"content/handouts/hello.en.md": source}))
    assert_clean_failure(outcome, "hello.en.md:8: template syntax error: Expected an expression")


def test_unknown_pack_and_language(make_project):
    project = make_project()
    assert_clean_failure(build(project, "startr"), "no pack 'startr' (did you mean 'starter'?)")
    assert_clean_failure(build(project, "--lang", "de"), "--lang de: not one of")


def test_translation_without_english_source(make_project):
    outcome = build(make_project({"content/handouts/orphan.fr.md": HELLO}))
    assert_clean_failure(outcome, "orphan.fr.md: there is no en version")


def test_file_in_a_language_the_project_is_not_made_in_is_left_out_with_a_note(make_project):
    # a language taken out of languages.available (issue 25) leaves its files out, saying so
    outcome = invoke(make_project({"content/handouts/hello.de.md": HELLO}), "build")
    assert outcome.exit_code == 0, outcome.output
    assert "note: content/handouts/hello.de.md: left out: 'de' is not in " \
           "languages.available" in outcome.output


def test_file_in_a_language_close_to_the_project_s_is_an_error(make_project):
    outcome = build(make_project({"content/handouts/hello.enn.md": HELLO}))
    assert_clean_failure(outcome, "hello.enn.md: language 'enn' is not in languages.available")


def test_image_outside_the_project_is_refused(make_project, tmp_path):
    (tmp_path / "secret.png").write_bytes(b"not really a png")
    source = HELLO + "\n![Secret](../../../secret.png)\n"
    outcome = build(make_project({"content/handouts/hello.en.md": source}))
    assert_clean_failure(outcome, "hello.en.md:10: image '../../../secret.png' is refused:",
                         "secret.png' is outside the project folder; documents may only use files inside")
    assert not (tmp_path / "project" / "build" / "en" / "documents" / "hello.pdf").exists()


@pytest.mark.slow
def test_a_failed_build_keeps_the_previous_good_pdf(make_project):
    project = make_project()
    assert build(project).exit_code == 0
    good = (project / "build/en/documents/hello.pdf").read_bytes()
    (project / "content/handouts/hello.en.md").write_text(HELLO.replace("{{ org.name }}", "{{ nope }}"))
    assert_clean_failure(build(project), "'nope' is undefined")
    assert (project / "build/en/documents/hello.pdf").read_bytes() == good
    assert not list((project / "build").rglob("*.tmp")), "no temporary files left behind"


@pytest.mark.slow
def test_set_event_on_the_command_line(make_project):
    project = make_project()
    outcome = build(project, "--set", "event.name=Annual Meeting 2027", "--set", "event.date=2027-06-14")
    assert outcome.exit_code == 0, outcome.output
    from pdfs import page_text
    cover = page_text(project / "build/fr/starter.pdf", 1)
    assert "Annual Meeting 2027" in cover and "14 juin 2027" in cover
    bad = build(project, "--set", "event.date=next tuesday")
    assert_clean_failure(bad, "--set event.date=next tuesday: not a date; write it as YYYY-MM-DD")
    assert_clean_failure(build(project, "--set", "colour=red"), "--set colour=red: expected")


def test_an_error_placed_after_it_was_raised_says_where_it_is_now():
    """A stage that learns the file line later (a rewritten page's line mapped back to the
    file) changes the problem; every place that prints the error prints the new place."""
    from dataclasses import replace

    from handoutpack.errors import HandoutpackError

    error = HandoutpackError("template error: no such name", file="hello.en.md", line=3)
    error.problems = [replace(p, line=8) for p in error.problems]
    assert str(error) == "hello.en.md:8: template error: no such name"
