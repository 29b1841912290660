"""The list of the code's folders on the contributing page, written from each folder's own
docstring (its __init__.py) when the site is built, so that it follows the code as folders are
added, renamed or described anew. The modules are read, not imported."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "handoutpack"
MARKER = ("<!-- the code's folders are listed here from their docstrings "
          "(docs/hooks/code_map.py) -->")
PAGE = "contributing.md"


def folders() -> list[tuple[str, str]]:
    """(folder, its docstring in one paragraph) for every package folder of handoutpack."""
    found = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        found.append((init.parent.name, " ".join(doc.split())))
    return found


def code_map() -> str:
    rows = ["| folder | what it does |", "|---|---|"]
    for name, doc in folders():
        text = doc.replace("|", "\\|") or "(no docstring yet)"
        rows.append(f"| `{name}/` | {text} |")
    return "\n".join(rows) + "\n"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/{PAGE} lost its marker line {MARKER}")
    return markdown.replace(MARKER, code_map())
