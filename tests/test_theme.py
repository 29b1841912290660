"""What each template may use is written down in theme.py: the built-in templates use only
those names, and handoutpack gives them nothing else."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import meta, nodes

from handoutpack.markup import theme
from handoutpack.markup.theme import builtin_dir

TEMPLATES = builtin_dir("templates")
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)))
ENV.filters.update(dict.fromkeys(("long_date", "digits", "direction", "isolated", "own_direction",
                                  "script_fonts"),
                                 str))  # parsed, not run


def used(name: str) -> set[str]:
    """The names a template reads from what it is given (not its own or its imported macros)."""
    tree = ENV.parse((TEMPLATES / name).read_text(encoding="utf-8"))
    imported = {alias if isinstance(alias, str) else alias[1]
                for node in tree.find_all(nodes.FromImport) for alias in node.names}
    own = {target.name for node in tree.find_all(nodes.Assign)  # {% set %}: read in its blocks
           for target in (node.target, *node.target.find_all(nodes.Name))
           if isinstance(target, nodes.Name)}
    return meta.find_undeclared_variables(tree) - imported - own - set(ENV.globals)


LAYOUTS = sorted(p.name for p in TEMPLATES.iterdir() if p.suffix in (".html", ".txt"))


def test_every_built_in_layout_is_written_down():
    assert sorted(theme.TEMPLATES) == LAYOUTS


@pytest.mark.parametrize("name", LAYOUTS)
def test_a_layout_uses_only_the_names_written_down_for_it(name):
    assert used(name) <= set(theme.names(name)), used(name) - set(theme.names(name))


@pytest.mark.parametrize("name", LAYOUTS)
def test_what_a_layout_extends_or_includes_uses_only_names_it_is_given(name):
    tree = ENV.parse((TEMPLATES / name).read_text(encoding="utf-8"))
    for other in meta.find_referenced_templates(tree):
        assert used(other) <= set(theme.names(name)), (other, used(other) - set(theme.names(name)))


def test_every_name_has_a_type():
    for name in theme.TEMPLATES:
        assert all(hint for hint in theme.names(name).values()), name


def test_giving_a_layout_a_name_not_written_down_fails():
    with pytest.raises(TypeError, match="stamp.html is given colour"):
        theme.check_given("stamp.html", {"pages": 3, "colour": "red"})
