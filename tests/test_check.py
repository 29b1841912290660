"""`handoutpack check`: every problem with its file and line, exit 0 / 1 / 2, text and JSON."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import HELLO, MINIMAL_CONFIG, invoke

ENGLISH_PACK = MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["hello"]\nlanguages = ["en"]')

HELLO_REVISION = "3713ec02c4b0"  # content.revision() of HELLO's body


def bonjour(revision: str | None) -> str:
    """A French translation of HELLO made from English `revision` (None: not recorded)."""
    recorded = f"source_revision: {revision}\n" if revision else ""
    return ("---\ntitle: Bonjour\nsummary: Un premier document.\nkind: handout\n" + recorded +
            "---\n## Bienvenue\n\nBonjour de la part de {{ org.name }}.\n")


@pytest.fixture
def make_project(make_project):
    """Throwaway projects whose pack is English only, so that only the problem made shows."""

    def make(files: dict | None = None):
        return make_project({"handoutpack.toml": ENGLISH_PACK, **(files or {})})

    return make


def check(project, *args):
    return invoke(project, "check", *args)


def findings(project) -> list[dict]:
    outcome = check(project, "--format", "json")
    return json.loads(outcome.stdout)["findings"]


def messages(project) -> list[str]:
    """'file:line: severity: message' for every finding."""
    return [f"{f['file']}:{f['line']}: {f['severity']}: {f['message']}" for f in findings(project)]


def body(text: str) -> str:
    return HELLO.replace("## Welcome\n\nHello from {{ org.name }}.\n", text)


def test_a_clean_project_passes(make_project):
    outcome = check(make_project())
    assert outcome.exit_code == 0, outcome.output
    assert "No problems found." in outcome.stdout
    assert "hello" in outcome.stdout and "●" in outcome.stdout  # the coverage table


def test_json_has_findings_and_coverage(make_project):
    project = make_project({"content/handouts/hello.fr.md": bonjour("000000000000")})
    outcome = check(project, "--format", "json")
    assert outcome.exit_code == 1
    report = json.loads(outcome.stdout)
    assert report["ok"] is False and report["errors"] == 0 and report["warnings"] == 1
    assert report["coverage"] == {"hello": {"en": "source", "fr": "stale"}}
    [stale] = report["findings"]
    assert stale["topic"] == "translations" and stale["file"] == "content/handouts/hello.fr.md"
    assert stale["line"] == 5


def test_unusable_input_is_exit_2(make_project):
    outcome = check(make_project({"handoutpack.toml": "[org\nname = 1"}))
    assert outcome.exit_code == 2 and "handoutpack.toml:1:" in outcome.stderr
    assert "Traceback" not in outcome.output


def test_config_schema_problems_with_lines(make_project):
    config = ENGLISH_PACK.replace('name = "Example Trust"', 'name = "Example Trust"\nlogo = 3')
    config += '\n[brand]\npaper = "A3"\n'
    assert messages(make_project({"handoutpack.toml": config})) == [
        "handoutpack.toml:3: error: org.logo: must be a path relative to the project folder",
        "handoutpack.toml:19: error: brand.paper: 'A3' is not one of A4, Letter, A5",
    ]


def test_front_matter_problems_name_the_line_of_the_key(make_project):
    source = HELLO.replace("kind: handout\n", "kind: handout\norder: first\nauthor: me\n")
    assert messages(make_project({"content/handouts/hello.en.md": source})) == [
        "content/handouts/hello.en.md:5: error: front matter 'order': must be a whole number",
        "content/handouts/hello.en.md:6: warning: front matter 'author' is not used by "
        "handoutpack and is ignored; keep it for the tool it was written for, or remove it",
    ]


def test_every_undefined_name_with_its_line(make_project):
    source = body("## Welcome\n\nAt {{ event.venue }}.\n\nBy {{ organisation.name }}.\n\n"
                  "{% if pack.title %}{{ pack['colour'] }}{% endif %}\n")
    assert messages(make_project({"content/handouts/hello.en.md": source})) == [
        "content/handouts/hello.en.md:8: error: template error: 'event' has no 'venue'; it has "
        "name, place, date; the names you can use are org, event, pack, audience and lang "
        "(see docs/authoring.md)",
        "content/handouts/hello.en.md:10: error: template error: 'organisation' is undefined; "
        "the names you can use are org, event, pack, audience and lang (see docs/authoring.md)",
        "content/handouts/hello.en.md:12: error: template error: 'pack' has no 'colour'; it has "
        "id, title; the names you can use are org, event, pack, audience and lang "
        "(see docs/authoring.md)",
    ]


def test_errors_that_only_show_when_rendered(make_project):
    source = body("## Welcome\n\n{{ 1 / 0 }}\n")
    assert messages(make_project({"content/handouts/hello.en.md": source})) == [
        "content/handouts/hello.en.md:8: error: template error: division by zero"]


def test_jinja_syntax_error(make_project):
    source = body("## Welcome\n\n{% if org.name %}\nno end\n")
    [message] = messages(make_project({"content/handouts/hello.en.md": source}))
    assert message.startswith("content/handouts/hello.en.md:8: error: template syntax error: "
                              "Unexpected end of template.")
    assert message.endswith("The innermost block that needs to be closed is 'if'.")


def test_links_anchors_and_files(make_project):
    other = HELLO.replace("title: Hello", "title: Other").replace("## Welcome", "## Getting started")
    source = body("## Welcome\n\nSee [below](#next-step), [the other](other.en.md#getting-start), "
                  "[a gone one](gone.en.md), [the form](files/form.pdf), [ok](#welcome), "
                  "[also ok](other.en.md#getting-started) and [](https://example.org).\n")
    assert messages(make_project({"content/handouts/hello.en.md": source,
                                  "content/handouts/other.en.md": other})) == [
        "content/handouts/hello.en.md:8: error: link '#next-step' leads nowhere: no heading or "
        "anchor '#next-step' here",
        "content/handouts/hello.en.md:8: error: link 'other.en.md#getting-start' leads nowhere: "
        "'other.en.md' has no heading or anchor '#getting-start' (did you mean 'getting-started'?)",
        "content/handouts/hello.en.md:8: error: link 'files/form.pdf' leads nowhere: "
        "'files/form.pdf' does not exist",
        "content/handouts/hello.en.md:8: warning: link 'https://example.org' has no text; screen "
        "readers would read out the address. Write [what it leads to](https://example.org)",
        # a page not in the project (as one of a site's pages brought alone): issue 25
        "content/handouts/hello.en.md:8: warning: link 'gone.en.md' is to a page that is not in "
        "the project; it prints as its text (set org.website to link to the page on the site). "
        "Bring the page into the project to make it a jump",
    ]


def test_images_missing_outside_remote_and_without_alt(make_project):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    source = body("## Welcome\n\n![](chart.svg)\n\n![Missing](nothere.png)\n\n"
                  "![Remote](http://example.org/x.png)\n\n![Secret](/etc/hostname)\n")
    assert messages(make_project({"content/handouts/hello.en.md": source,
                                  "content/handouts/chart.svg": svg})) == [
        "content/handouts/hello.en.md:8: warning: image 'chart.svg' has no alt text; describe "
        "what it shows: ![a short description](chart.svg)",
        "content/handouts/hello.en.md:10: error: image 'nothere.png' is refused: "
        "'content/handouts/nothere.png' does not exist; check the name and the folder "
        "(relative to the document)",
        "content/handouts/hello.en.md:12: warning: image 'http://example.org/x.png' is on the "
        "network, so it is not fetched: its alt text prints in its place. Save it into the "
        "project and use that file, or set security.allow_remote = true in handoutpack.toml to "
        "fetch it",
        "content/handouts/hello.en.md:14: error: image '/etc/hostname' is refused: '/etc/hostname' "
        "is outside the project folder; documents may only use files inside the project: copy "
        "the file into the project and write its path relative to the document (e.g. "
        "../files/form.pdf), or from the project folder (or [paths] site_root) as /files/form.pdf",
    ]


def test_skipped_heading_levels(make_project):
    source = body("## Welcome\n\n#### Too deep\n\n# Second title\n")
    assert messages(make_project({"content/handouts/hello.en.md": source})) == [
        "content/handouts/hello.en.md:8: warning: heading 'Too deep' is level 4 after level 2; "
        "do not skip levels (make it level 3)",
        "content/handouts/hello.en.md:10: warning: heading 'Second title' is a second level-1 "
        "heading; the title is the only one, so start sections at ##",
    ]


def test_a_deck_starting_with_content_slides_skips_no_level(make_project):
    deck = ("---\ntitle: Deck\nsummary: A deck.\nkind: presentation\n---\n# Deck\n\n---\n\n"
            "## First slide\n\n- a point\n\n---\n\n# A section\n\n---\n\n## Another slide\n")
    assert messages(make_project({"content/presentations/deck.en.md": deck})) == []


@pytest.mark.slow
def test_packs_missing_duplicate_and_empty_in_a_language(make_project):
    config = MINIMAL_CONFIG.replace('["hello"]', '["hello", "helo", "hello"]')
    assert messages(make_project({"handoutpack.toml": config})) == [
        "handoutpack.toml:11: warning: packs.starter: has no document in 'fr': all 1 would be in "
        "en; translate some, or list the languages it is made in: languages = [...] under "
        "[packs.starter]",
        "handoutpack.toml:14: error: packs.starter.documents[1]: no document 'helo' "
        "(did you mean 'hello'?)",
        "handoutpack.toml:14: error: packs.starter.documents[2]: 'hello' is listed twice",
    ]
    project = make_project()
    assert messages(project) == []
    assert invoke(project, "build", "-q").exit_code == 0
    assert (project / "build/en/starter.pdf").is_file()
    assert not (project / "build/fr/starter.pdf").exists()


def test_fonts_declared_and_loadable(make_project):
    fonts = ('@font-face { font-family: "Lato"; src: url(fonts/Lato-Regular.ttf); }\n'
             '@font-face { font-family: "Broken"; src: url(fonts/broken.ttf); }\n')
    config = ENGLISH_PACK + '\n[brand]\nbody_font = "Garamond"\n'
    assert messages(make_project({"handoutpack.toml": config, "styles/fonts.css": fonts,
                                  "styles/fonts/broken.ttf": b"<html>not a font</html>"})) == [
        "handoutpack.toml:18: warning: brand.body_font: 'Garamond' is not declared in "
        "styles/fonts.css; add an @font-face for it there, or PDFs use whatever font this "
        "computer has by that name",
        "styles/fonts.css:2: error: font 'fonts/broken.ttf' is not a font file (TTF, OTF, WOFF "
        "or WOFF2) and will not load; replace it",
    ]


def test_translation_coverage_and_missing_source_revision(make_project):
    project = make_project({"content/handouts/hello.fr.md": bonjour(None)})
    assert messages(project) == [
        "content/handouts/hello.fr.md:1: warning: no source_revision, so nobody can tell whether "
        "it is up to date. Record the revision of the English it was made from: for a "
        "translation made from content/handouts/hello.en.md as it is now, 'source_revision: "
        "3713ec02c4b0'; for one brought in from elsewhere, the revision at the date it was made, "
        "which `handoutpack revision content/handouts/hello.en.md --as-of YYYY-MM-DD` reads from "
        "git history (then check lists what changed since)"]


def git(project, *args):
    subprocess.run(["git", "-C", str(project), "-c", "user.name=Test", "-c",
                    "user.email=test@example.org", *args], check=True, capture_output=True)


def test_stale_translation_shows_what_changed_from_git_history(make_project):
    project = make_project()
    revision = invoke(project, "revision", str(project / "content/handouts/hello.en.md")).stdout
    assert revision.strip() == HELLO_REVISION
    (project / "content/handouts/hello.fr.md").write_text(bonjour(HELLO_REVISION))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "First version")
    english = project / "content/handouts/hello.en.md"
    english.write_text(english.read_text().replace("Hello from", "Warm greetings from"))
    outcome = check(project)
    assert outcome.exit_code == 1
    assert "content/handouts/hello.fr.md:5: stale translation: content/handouts/hello.en.md has " \
           f"changed since it was translated (source_revision {HELLO_REVISION}, now " in outcome.stdout
    assert "    -Hello from {{ org.name }}.\n    +Warm greetings from {{ org.name }}." \
        in outcome.stdout
    assert "    --- English when translated (commit " in outcome.stdout
    assert "  hello     ●   !" in outcome.stdout


def test_stale_translation_without_history_says_so(make_project):
    project = make_project({"content/handouts/hello.fr.md": bonjour("000000000000")})
    outcome = check(project)
    assert "stale translation" in outcome.stdout
    assert "what changed cannot be shown: the English text of that revision is not in this " \
           "project's git history" in outcome.stdout


def test_build_runs_the_blocking_checks_first(make_project):
    source = body("## Welcome\n\nSee [below](#nowhere).\n")
    project = make_project({"content/handouts/hello.en.md": source})
    outcome = invoke(project, "build", "-q")
    assert outcome.exit_code == 1  # the document left out, the rest built (issue 25)
    assert "content/handouts/hello.en.md:8: link '#nowhere' leads nowhere" in outcome.stderr
    assert not (project / "build" / "en").exists()


@pytest.mark.slow
def test_strict_build_fails_on_warnings(make_project):
    project = make_project({"content/handouts/hello.fr.md": bonjour("000000000000")})
    assert invoke(project, "build", "-q").exit_code == 0
    outcome = invoke(project, "build", "-q", "--strict")
    assert outcome.exit_code == 2 and "stale translation" in outcome.stderr


@pytest.mark.slow
def test_strict_build_fails_on_weasyprint_warnings(make_project):
    css = "body { colour: red; }\n"  # WeasyPrint warns: unknown property
    source = body("## Welcome\n\n<style>p { font-weight: heavy; }</style>\n\nText.\n")
    project = make_project({"content/handouts/hello.en.md": source, "styles/extra.css": css})
    plain = invoke(project, "build", "-q")
    assert plain.exit_code == 0 and "warning: content/handouts/hello.en.md: Ignored " \
        "`font-weight: heavy`" in plain.stderr
    before = (project / "build/en/documents/hello.pdf").read_bytes()
    strict = invoke(project, "build", "-q", "--strict")
    assert strict.exit_code == 2
    assert "Ignored `font-weight: heavy`" in strict.stderr and "nothing was written" in strict.stderr
    assert (project / "build/en/documents/hello.pdf").read_bytes() == before


def test_the_sample_toolkit_passes_with_no_warnings(sample):
    outcome = check(sample)
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.stdout.rstrip().endswith("No problems found.")
