"""MDX, as Starlight (Astro) and Docusaurus pages write it: `import`/`export` lines, which only the
site's build reads, are left out (with one warning a file); components become what they show:
<FileTree> a drawn tree, <Tabs> headed sections, <Steps> its numbered list, <Aside>, <Card>,
<LinkCard> and <Admonition> boxes. An unknown component prints its children, with a warning."""

from __future__ import annotations

import html
import re

from .prose import (Notes, Page, Tag, attributes, callout, dedent, heading_levels,
                    indent_at, indented, nest, outside_code, section, word)

IMPORT = re.compile(r"^(?:import\s+(?:[\w*{}\s,]+\s+from\s+)?['\"{]|import\s*\{|"
                    r"export\s+(?:const|let|var|function|default|async|\{|\*))", re.M)
COMPONENT = re.compile(r"<(?P<close>/)?(?P<name>[A-Z][\w.]*)(?P<attrs>(?:[^<>\"'{]|\"[^\"\n]*\"|"
                       r"'[^'\n]*'|\{(?:[^{}]|\{[^{}]*\})*\})*?)(?P<alone>/)?>")
JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
UNWRAPPED = {"Steps", "CardGrid", "BrowserWindow", "Fragment", "TabItems", "Highlight",
             "ThemedImage"}
DROPPED = {"Icon", "DocCardList", "TOCInline"}
ADMONITIONS = {"note", "tip", "info", "caution", "danger", "warning", "important", "success"}


def recognises(text: str) -> bool:
    return any(True for _ in outside_code(IMPORT, text)) or \
        any(True for _ in outside_code(COMPONENT, text))


CODE_BLOCK = re.compile(r"^```mdx-code-block[ \t]*\n(?P<inner>.*?)^```[ \t]*$", re.M | re.S)
"""Docusaurus' ```mdx-code-block fences hold MDX to run, not code to show."""


def convert(text: str, page: Page, notes: Notes) -> str:
    text = CODE_BLOCK.sub(lambda m: m["inner"], text)
    text = _without_modules(text, notes)
    text = _replace(JSX_COMMENT, text, "")
    tags = [Tag(m.start(), m.end(), m["name"], bool(m["close"]), bool(m["alone"]), m)
            for m in outside_code(COMPONENT, text)]
    if not tags:
        return text
    levels = heading_levels(text)
    return nest(text, tags, lambda tag, inner: _component(tag, inner, text, levels, page, notes))


def _replace(pattern: re.Pattern, text: str, by: str) -> str:
    out, position = [], 0
    for match in outside_code(pattern, text):
        out += [text[position:match.start()], by]
        position = match.end()
    return "".join(out) + text[position:]


def _without_modules(text: str, notes: Notes) -> str:
    """`text` without its import and export statements (one of several lines included)."""
    starts = [m.start() for m in outside_code(IMPORT, text)]
    if not starts:
        return text
    out, position = [], 0
    for start in starts:
        if start < position:
            continue
        out.append(text[position:start])
        position = _statement_end(text, start)
    first = text[starts[0]:].split("\n", 1)[0]
    notes.add(first, f"{len(starts)} import/export line(s) (MDX) are left out: only the site's "
              "build reads them")
    return "".join(out) + text[position:]


def _statement_end(text: str, start: int) -> int:
    """Where the statement starting at `start` ends: the end of the line where its brackets
    close and it is not left open (a trailing comma, operator or `from` still to come)."""
    depth, position = 0, start
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        depth += sum(line.count(c) for c in "{([") - sum(line.count(c) for c in "})]")
        position = end + 1
        if depth <= 0 and not line.rstrip().endswith((",", "=", "{", "(")):
            return min(position, len(text))
    return len(text)


def _component(tag: Tag, inner: str | None, text: str, levels, page: Page,
               notes: Notes) -> str:
    name, args = tag.name, attributes(tag.match["attrs"])
    body = inner or ""
    indent = indent_at(text, tag.start)
    if name == "FileTree":
        return indented("\n\n" + file_tree(body) + "\n\n", indent)
    if name in ("Tabs", "SyncedTabs", "PackageManagerTabs"):
        return f"\n\n{body}\n\n"
    if name == "TabItem":
        level = levels(tag.start)
        return section(args.get("label") or args.get("value", ""), level, body, indent)
    if name == "Fragment" and args.get("slot"):  # PackageManagerTabs' <Fragment slot="npm">
        return section(args["slot"], levels(tag.start), body, indent)
    if name in UNWRAPPED:
        return dedent(body) if indent == "" and name == "Steps" else body
    if name in DROPPED:
        return ""
    if name in ("Aside", "Admonition"):
        kind = args.get("type", "note")
        kind = kind if kind in ADMONITIONS else "note"
        return callout(kind, args.get("title") or word(kind, page.lang), body, indent)
    if name == "Card":
        return callout("card", args.get("title", ""), body, indent)
    if name == "LinkCard":
        title, href = args.get("title", ""), args.get("href", "")
        link = f"[{title}]({href})" if href else title
        return callout("card", "", f"{link}\n\n{args.get('description', '')}\n\n{body}", indent)
    if name == "Badge":
        return f"*({args.get('text') or body.strip()})*"
    if name in ("CodeBlock", "Code"):
        code = body.strip("\n") if inner is not None else args.get("code", "")
        title = args.get("title", "")
        caption = f'<p class="code-title"><code>{html.escape(title)}</code></p>\n\n' if title else ""
        return f"\n\n{caption}```{args.get('language') or args.get('lang', '')}\n{code}\n```\n\n"
    if name in ("YouTube", "Youtube"):
        return f"\n\n<https://www.youtube.com/watch?v={args.get('id', '')}>\n\n"
    notes.add(tag.match[0], f"component <{name}> (MDX) is not one handoutpack knows: "
              + ("its children print without it" if inner is not None else
                 "nothing prints in its place") + "; write what it stood for")
    return body


ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+(?P<text>.*)$")


def file_tree(body: str) -> str:
    """A Markdown list of files and folders (Starlight's <FileTree>) drawn as a tree in a code
    block: ├── and └── before each name, its comment after it."""
    items = []  # (depth, text)
    indents: list[int] = []
    for line in body.splitlines():
        match = ITEM.match(line)
        if not match:
            if line.strip() and items:  # a continued item: its text goes on the same line
                depth, previous = items[-1]
                items[-1] = (depth, f"{previous} {line.strip()}")
            continue
        indent = len(match["indent"].expandtabs(4))
        while indents and indents[-1] > indent:
            indents.pop()
        if not indents or indents[-1] < indent:
            indents.append(indent)
        items.append((len(indents) - 1, _plain(match["text"])))
    lines = []
    for index, (depth, name) in enumerate(items):
        prefix = ""
        for level in range(depth):
            prefix += "│   " if _continues(items, index, level) else "    "
        last = not _continues(items, index, depth)
        lines.append(prefix + ("└── " if last else "├── ") + name)
    fence = "`" * 3
    return f"{fence}tree\n" + "\n".join(lines) + f"\n{fence}"


def _continues(items: list[tuple[int, str]], index: int, depth: int) -> bool:
    """Whether a later item sits at `depth` before the tree climbs above it."""
    for later_depth, _ in items[index + 1:]:
        if later_depth < depth:
            return False
        if later_depth == depth:
            return True
    return False


def _plain(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*|__(.+?)__|`(.+?)`", lambda m: next(g for g in m.groups() if g),
                  text).strip()
