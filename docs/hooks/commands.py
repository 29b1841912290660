"""The command reference, written from the command line itself (handoutpack.ui.cli, click)
when the site is built: each command and subcommand with its usage, what it does and every
option with its help, as `handoutpack COMMAND --help` gives them. docs/commands.md holds the
marker line it goes in; the commands cannot drift from their page."""

from __future__ import annotations

import html
import inspect
import re

import click

from handoutpack.ui.cli import cli

MARKER = "<!-- every command is listed here from the command line (docs/hooks/commands.py) -->"
PAGE = "commands.md"


def commands(group: click.Group = cli, path: tuple[str, ...] = ("handoutpack",)):
    """(the words that call it, the command) for every command, subcommands after their group."""
    for name in sorted(group.commands):
        command = group.commands[name]
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def reference() -> str:
    return "\n\n".join(section(words, command) for words, command in commands()) + "\n"


def section(words: tuple[str, ...], command: click.Command) -> str:
    context = click.Context(command, info_name=" ".join(words))
    usage = " ".join(command.collect_usage_pieces(context))
    parts = [f"## {' '.join(words[1:])}", f"```\n{' '.join(words)} {usage}\n```",
             as_text(inspect.cleandoc(command.help or ""))]
    options = [entry(record) for param in command.get_params(context)
               if param.name != "help" and (record := param.get_help_record(context))]
    if options:
        parts.append("\n".join(options))
    return "\n\n".join(parts)


def entry(record: tuple[str, str]) -> str:
    names, help_text = record
    return f"- `{names}`: {as_text(' '.join(help_text.split()))}"


def as_text(text: str) -> str:
    """Help text as Markdown: `<lang>` shown as written, click's \\b (no rewrapping) dropped,
    `*` and `_` in file names not taken for emphasis."""
    parts = re.split(r"(`[^`]*`)", text.replace("\b\n", ""))
    return "".join(part if part.startswith("`") else
                   re.sub(r"([*_\[\]])", r"\\\1", html.escape(part, quote=False))
                   for part in parts)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/{PAGE} lost its marker line {MARKER}")
    return markdown.replace(MARKER, reference())
