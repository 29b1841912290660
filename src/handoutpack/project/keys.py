"""Where a key is written in a TOML text (for messages that point at its line), and close matches for a mistyped one."""

from __future__ import annotations

import difflib
import re

TABLE_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
ASSIGN_RE = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def suggest(name: str, choices) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def key_lines(toml_text: str) -> dict[str, int]:
    """The line of every table header and key in a TOML text, by dotted path (best effort:
    TOML parsers give no positions, and messages should still point at the line)."""
    lines, table, in_string, arrays = {}, "", False, {}
    for number, line in enumerate(toml_text.splitlines(), 1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            if not in_string:
                continue
        elif in_string:
            continue
        if match := TABLE_RE.match(line):
            table = _dotted(match[1])
            lines.setdefault(table, number)
            if line.lstrip().startswith("[["):  # an array of tables: the n-th is table[n]
                arrays[table] = arrays.get(table, -1) + 1
                table = f"{table}[{arrays[table]}]"
                lines.setdefault(table, number)
        elif match := ASSIGN_RE.match(line):
            key = ".".join(filter(None, (table, _dotted(match[1]))))
            lines.setdefault(key, number)
    return lines


def _dotted(key: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in key.split("."))


def line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of `key`, or of its nearest enclosing key or table that is written down."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):  # a table in an array of tables ([[partners]]) first
        prefix = ".".join(parts[:end])
        if "[" in prefix and (line := lines.get(prefix)) is not None:
            return line
    parts = re.sub(r"\[\d+\]", "", key).split(".")
    for end in range(len(parts), 0, -1):
        if (line := lines.get(".".join(parts[:end]))) is not None:
            return line
    return None
