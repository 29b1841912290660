"""An import that changes only what the translation changed.

`translate import` writes a translated document anew from the English's skeleton and the
catalogue's texts: one line per paragraph, front matter as YAML dumps it. Written over a file a
translator made by hand (or wrapped since), that would show a one-word change as a diff of the
whole file. So the new text is compared with the file on disk block by block (the blocks the
segmenter cuts, compared as Markdown with their lines joined) and key by key in the front matter:
whatever says the same keeps the file's own lines, wrapping, quoting and all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib

import yaml

from ..sources.frontmatter import TOML_KEY, front_matter_end
from .front import front_matter_line
from .segments import restore, segment

KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:")
ENGLISH_OWNED = ("kind", "order", "date", "audiences", "marp", "keywords")
"""Front matter keys the import takes from the English (or sets itself): gone from the new text,
they go from the file. Any other key the file has is the translator's and stays."""


def keep_lines(old: str, new: str, notes: bool = False) -> str:
    """`new`, with each front matter key and body block that `old` already says the same way
    given back as `old` has it; `old` itself when nothing differs. A file with Hugo's TOML
    front matter keeps it, as written, while it says what the new one says."""
    old_parts, new_parts = _split(old), _split(new)
    if old_parts is None or new_parts is None:
        return new
    fence, old_front, old_body = old_parts
    if fence == "+++":
        fence, front = _toml_front(old_front, new_parts[1])
    else:
        front = _front(old_front, new_parts[1])
    body = _body(old_body, new_parts[2], notes)
    return f"{fence}\n{front}{fence}\n{body}"


def _split(text: str) -> tuple[str, str, str] | None:
    """(its fence, front matter with its final newline, body), or None without front matter."""
    end = front_matter_end(text)
    return (text[:3], text[4:end + 1], text[end + 5:]) if end >= 0 else None


def _toml_front(old: str, new: str) -> tuple[str, str]:
    """A translation's TOML front matter with the import's keys (the YAML `new` holds) set in
    it, one `key = value` line each, every other line as written (Hugo's own keys, comments);
    the import's YAML, with the file's other keys, where a line to change holds more than one
    line's value or the TOML cannot be read."""
    try:
        had, wanted = tomllib.loads(old), yaml.safe_load(new) or {}
        lines, seen = [], set()
        for line in old.splitlines(keepends=True):
            key = TOML_KEY.match(line)
            name = key["key"].strip('"') if key else None
            if name in wanted or name in ENGLISH_OWNED:
                if tomllib.loads(line).get(name) != had.get(name):
                    raise ValueError(f"{name}'s value runs over several lines")
                seen.add(name)
                if name in wanted:
                    lines.append(line if had[name] == wanted[name] else _toml_line(name, wanted[name]))
                continue
            lines.append(line)
        at = next((i for i, line in enumerate(lines) if line.startswith("[")), len(lines))
        lines[at:at] = [_toml_line(key, value) for key, value in wanted.items() if key not in seen]
        return "+++", "".join(lines)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError, TypeError):
        others = {key: value for key, value in _toml_data(old).items()
                  if key not in ENGLISH_OWNED and key not in (yaml.safe_load(new) or {})}
        return "---", new + "".join(front_matter_line(key, value) for key, value in others.items())


def _toml_data(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _toml_line(key: str, value) -> str:
    """`key = value` in TOML, for the values front matter holds (text, numbers, dates, lists)."""
    return f"{key} = {_toml_value(value)}\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


# ---------------------------------------------------------------- front matter


def _front(old: str, new: str) -> str:
    try:
        wanted = yaml.safe_load(new) or {}
        old_blocks = _key_blocks(old)
        had = {key: _value(block, key) for key, block in old_blocks if key}
    except yaml.YAMLError:
        return new
    new_blocks = dict(_key_blocks(new))
    if any(key not in new_blocks for key in wanted):
        return new  # not one key a line: nothing to keep
    out = []
    for key, block in old_blocks:
        if key is None or (key not in wanted and key not in ENGLISH_OWNED):
            out.append(block)  # a comment, or a key of the translator's own
        elif key in wanted:
            out.append(block if had[key] == wanted[key] else new_blocks[key])
    out += [new_blocks[key] for key in wanted if key not in had]
    return "".join(out)


def _key_blocks(front: str) -> list[tuple[str | None, str]]:
    """The front matter as (top-level key, its lines) in order; comments and blank lines
    before a key are kept with no key."""
    blocks: list[tuple[str | None, str]] = []
    for line in front.splitlines(keepends=True):
        match = KEY.match(line)
        if match:
            blocks.append((match["key"], line))
        elif blocks and blocks[-1][0] and (line[:1] in (" ", "\t", "-") or not line.strip()):
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + line)  # the value goes on
        else:
            blocks.append((None, line))
    return blocks


def _value(block: str, key: str):
    data = yaml.safe_load(block)
    return data.get(key) if isinstance(data, dict) else None


# ---------------------------------------------------------------- body


def _body(old: str, new: str, notes: bool) -> str:
    old_units, new_units = _units(old, notes), _units(new, notes)
    matcher = difflib.SequenceMatcher(a=[text for text, _ in old_units],
                                      b=[text for text, _ in new_units], autojunk=False)
    opcodes = matcher.get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return old
    lines: list[str] = []
    for tag, a0, a1, b0, b1 in opcodes:
        for _, own in (old_units[a0:a1] if tag == "equal" else new_units[b0:b1]):
            lines += own
    return "\n".join(lines) + "\n"


def _units(body: str, notes: bool) -> list[tuple[str, list[str]]]:
    """The body as the segmenter reads it, a step at a time: (the step's Markdown with each
    block's lines joined, the step's own lines)."""
    skeleton = segment(body, 1, notes)
    texts = [restore(seg.text, seg.markup) for seg in skeleton.segments]
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    units = []
    for first, end, out_first, out_end in skeleton.units:
        filled = "\n".join("".join(part if isinstance(part, str) else texts[part]
                                   for part in parts)
                           for parts in skeleton.lines[out_first:out_end])
        units.append((filled, lines[first:end]))
    return units
