"""The documentation: the site builds with `mkdocs build --strict` (no broken link, anchor or
page left out of the navigation), its configuration reference lists exactly the keys the
config reader takes, each saying what it does, the example config on that page loads, and the
README stays a short front door to the site."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from handoutpack.project import config, loader, reader
from handoutpack.project.schema import toml_keys

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def hook(name: str):
    spec = importlib.util.spec_from_file_location(f"docs_hooks_{name}",
                                                  DOCS / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


reference = hook("config_reference")
commands = hook("commands")


def expected_keys(table) -> set[str]:
    """What the reader lets the table hold, taken from the schema, not from the hook."""
    return set(table.keys) if table.keys is not None else toml_keys(table.cls)


def test_the_reference_has_a_section_for_every_top_level_table():
    documented = {re.match(r"\[*([a-z_]+)", table.name)[1] for table in reference.TABLES}
    assert documented == reader.TOP_KEYS


def test_each_table_lists_exactly_the_keys_the_reader_takes():
    for table in (t for t in reference.TABLES if t.cls is not None):
        listed = [key for key, _, _ in reference.keys_of(table)]
        assert len(listed) == len(set(listed)), table.name
        assert set(listed) == expected_keys(table), table.name
    assert expected_keys(next(t for t in reference.TABLES if t.name == "[print]")) \
        == config.PRINT_KEYS


def test_every_key_says_what_it_does():
    """A new key is a field with a docstring: the reference has nothing else to say about it."""
    silent = [f"{table.name} {key}" for table in reference.TABLES if table.cls is not None
              for key, cls, spec in reference.keys_of(table)
              if not reference.doc_of(cls, spec.name)]
    assert not silent, f"give these fields a docstring in the schema: {silent}"


def test_an_entry_shows_the_declared_default_choices_and_requirement():
    text = reference.reference()
    assert '- **`paper`** — one of `A4`, `Letter`, `A5`; default `"A4"`.' in text
    assert "- **`name`** — text; **required**.  \n  The organisation's name" in text
    assert "- **`from`** — text (e.g. 'Name <name@example.org>'); **required**." in text
    assert "- **`copies`** — whole number; default `1`." in text
    assert "- **`pdf_variant`** — one of `pdf/a-1b`" in text


def test_a_type_the_reference_cannot_name_stops_the_build():
    from dataclasses import dataclass

    @dataclass
    class Odd:
        weights: "set[int]" = frozenset()
        """A key of a new kind."""

    table = reference.Table("[odd]", "odd", Odd, "A table of a new kind.")
    with pytest.raises(KeyError, match="set\\[int\\]"):
        reference.section(table)


def test_the_command_reference_has_every_command_and_option():
    from handoutpack.ui.cli import cli

    text = commands.reference()
    for name in (*cli.commands, "translate export", "translate import", "translate review"):
        assert f"\n## {name}\n" in f"\n{text}", name
    for option in cli.commands["build"].params:
        assert all(f"{flag}" in text for flag in option.opts), option.name
    assert "`--print-ready / --no-print-ready`: 3 mm bleed" in text
    assert "--help" not in text


def test_the_example_on_the_configuration_page_loads(tmp_path):
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", page, re.S)[1]
    data = tomllib.loads(example)
    for folder in ("content", "templates", "styles"):
        (tmp_path / folder).mkdir()
    for name in (data["org"]["logo"], data["print"]["cmyk_profile"]):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / config.CONFIG_NAME).write_text(example, encoding="utf-8")
    project = loader.load(tmp_path)
    assert project.packs["media"].printing.paper == "Letter"
    assert project.email.smtp.security == "starttls"


def test_the_readme_is_a_short_front_door():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 6000
    for command in ("make build", "make test", "make test-fast", "make docs"):
        assert command in readme
    for page in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / page).is_file(), page


class Sections(HTMLParser):
    """The key each list item of each configuration table's section starts with, on the built
    page."""

    def __init__(self):
        super().__init__()
        self.section, self.first_code, self.in_code = None, False, False
        self.keys: dict[str, set[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self.section = dict(attrs).get("id")
        elif tag == "li":
            self.first_code = True
        elif tag == "code" and self.first_code and self.section:
            self.in_code, self.first_code = True, False

    def handle_endtag(self, tag):
        if tag == "code":
            self.in_code = False

    def handle_data(self, data):
        if self.in_code:
            self.keys.setdefault(self.section, set()).add(data)


@pytest.mark.slow  # a whole site build
def test_the_site_builds_strictly_with_the_reference_from_the_schema(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(site)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    parser = Sections()
    parser.feed((site / "configuration" / "index.html").read_text(encoding="utf-8"))
    for table in (t for t in reference.TABLES if t.cls is not None):
        assert parser.keys.get(table.anchor) == expected_keys(table), table.name
    listed = (site / "commands" / "index.html").read_text(encoding="utf-8")
    assert all(f'<h2 id="{name}">' in listed for name in ("build", "check", "translate-export"))
    contributing = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    for folder in (REPO / "src" / "handoutpack").glob("*/__init__.py"):
        assert f"<code>{folder.parent.name}/</code>" in contributing
