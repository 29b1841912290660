"""Jinja in documents: syntax, unknown names and keys (with lines), then a render in every context
a document is used in."""

from __future__ import annotations

import jinja2
from jinja2 import meta, nodes

from ..markup import jinja
from .. import syntax
from ..project.config import Project
from ..project.keys import suggest
from ..sources.content import Document, Translation
from ..errors import HandoutpackError
from ..errors import Problem
from .findings import finding, found, rel, source_line


def check_jinja(project: Project, documents: dict[str, Document],
                translation: Translation) -> list[Problem]:
    """Syntax errors and every unknown name, with lines; then a render in each context the
    document is used in, for what only shows when it runs."""
    name = rel(project, translation.path)
    contexts = list(_contexts(project, documents, translation))
    text, notes = jinja.source_text(translation, contexts[0])
    rewritten = [finding("warning", "markdown", name, source_line(translation, needle), message)
                 for needle, message in notes.items]
    if not jinja.templating(translation, contexts[0]):
        return rewritten
    protected = syntax.protect_from_jinja(text)
    try:
        tree = jinja.content_env.parse(protected)
    except jinja2.TemplateSyntaxError as error:
        lines = protected.splitlines() or [""]
        system = syntax.looks_like(lines[min(error.lineno or 1, len(lines)) - 1])
        return rewritten + [finding(
            "error", "jinja", name, jinja.file_line(translation, protected, error.lineno or 1),
            f"template syntax error: {error.message}"
            + (jinja.system_hint(system) if system else ""))]
    return rewritten + _names(project, translation, contexts, tree, name, protected)


def _names(project: Project, translation: Translation, contexts: list, tree,
           name: str, text: str) -> list[Problem]:
    """Unknown names and keys, then what only a render in each context shows."""
    names = contexts[0].as_dict()
    known = set(names) | set(jinja.content_env.globals)
    unknown = meta.find_undeclared_variables(tree) - known
    findings = []
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in unknown:
            findings.append(_jinja_finding(name, translation, text, node.lineno,
                                           f"'{node.name}' is undefined{suggest(node.name, names)}"))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        owner, key = _lookup(node)
        value = names.get(owner) if owner not in unknown else None
        if isinstance(value, dict) and key is not None and key not in value \
                and not hasattr(dict, key):
            findings.append(_jinja_finding(
                name, translation, text, node.lineno, f"'{owner}' has no '{key}'{suggest(key, value)}; "
                f"it has {', '.join(value)}"))
    if findings:
        return list(dict.fromkeys(findings))
    for context in contexts:
        try:
            jinja.expand(translation, context)
        except HandoutpackError as error:
            findings += found(error.problems, "jinja", file=name)
    return list(dict.fromkeys(findings))


def _lookup(node) -> tuple[str | None, str | None]:
    """('event', 'venue') for {{ event.venue }} or {{ event['venue'] }}."""
    if not isinstance(node.node, nodes.Name):
        return None, None
    if isinstance(node, nodes.Getattr):
        return node.node.name, node.attr
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.node.name, node.arg.value
    return None, None


def _jinja_finding(name: str, translation: Translation, text: str, line: int,
                   message: str) -> Problem:
    liquid = jinja.LIQUID_HINT if jinja.LIQUID.search(message) else ""
    return finding("error", "jinja", name, jinja.file_line(translation, text, line),
                   f"template error: {message}; the names you can use are org, event, pack, "
                   f"audience and lang (see docs/authoring.md){liquid}")


def _contexts(project: Project, documents: dict[str, Document], translation: Translation):
    """Every context the translation is rendered in: on its own, and in each pack using it."""
    yield jinja.make_context(project.theme, translation.lang, project.event,
                             templating=project.templating)
    for spec in project.packs.values():
        if translation.slug not in spec.documents:
            continue
        for lang in project.languages:
            document = documents[translation.slug]
            if document.best(lang, project.default_language) is translation:
                yield jinja.make_context(project.theme, lang, spec.event,
                                         project.text(spec.titles, lang), spec.id,
                                         spec.audience, project.templating)
