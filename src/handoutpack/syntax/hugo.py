"""Hugo's shortcodes, as Kubernetes' and other Hugo sites write them (`{{< note >}}...{{< /note >}}`,
`{{% tab name="Linux" %}}`, `{{< glossary_tooltip text="cluster" term_id="cluster" >}}`),
rewritten before Jinja into what they show on the site: boxes, figures, headed sections, code
read from its file, the text of a tooltip. An unknown shortcode prints its inner text and is
reported; none reaches Jinja, which would stop on its '<'."""

from __future__ import annotations

import re
from pathlib import Path

from .prose import (Notes, Page, Tag, attributes, callout, code_block, find_file, heading_levels,
                    indent_at, nest, outside_code, section, word)

SHORTCODE = re.compile(r"\{\{(?P<delim>[<%])(?P<comment>/\*)?\s*(?P<close>/)?\s*"
                       r"(?P<name>[\w.-]+)(?P<args>[^{}]*?)(?P<self>/)?\s*(?:\*/)?(?P<end>[>%])\}\}")
BOXES = {"note", "warning", "caution", "tip", "info", "important", "danger"}
DROPPED = {"comment", "toc", "thirdparty-content", "include-headers"}
HEADINGS = {"whatsnext": "What's next", "prerequisites": "Before you begin",
            "objectives": "Objectives", "cleanup": "Clean up", "synopsis": "Synopsis",
            "options": "Options", "seealso": "See also", "tutorials": "Tutorials"}
"""Kubernetes' `{{% heading "whatsnext" %}}`: the site's words for its pages' usual headings."""
FILE_TAGS = {"code", "codenew", "code_sample", "code-sample"}
KNOWN = (BOXES | DROPPED | FILE_TAGS
         | {"figure", "tabs", "capture", "heading", "whatsnext-heading", "include", "tab", "glossary_tooltip", "glossary_definition", "feature-state",
            "highlight", "ref", "relref", "table", "details", "youtube", "vimeo", "param"})


def recognises(text: str) -> bool:
    return any(True for _ in outside_code(SHORTCODE, text))


def convert(text: str, page: Page, notes: Notes) -> str:
    tags = [Tag(m.start(), m.end(), m["name"], bool(m["close"]) and not m["comment"],
                bool(m["self"] or m["comment"]), m) for m in outside_code(SHORTCODE, text)
            if "<>%%"["<%".index(m["delim"]) * 2 + 1] == m["end"]]
    if not tags:
        return text
    levels = heading_levels(text)
    return nest(text, tags,
                lambda tag, inner: _shortcode(tag.match, inner, text, levels, page, notes))


def _shortcode(token: re.Match, inner: str | None, text: str, levels, page: Page,
               notes: Notes) -> str:
    name, args = token["name"], attributes(token["args"])
    indent = indent_at(text, token.start())
    if token["comment"]:  # {{</* note */>}}: a page showing how a shortcode is written
        return f"`{token[0].replace('/*', '').replace('*/', '')}`"
    body = inner or ""
    if name in BOXES:
        return callout(name, args.get("title") or word(name, page.lang), body, indent)
    if name in DROPPED:
        return ""
    if name in ("heading", "whatsnext-heading"):
        key = args.get("0", "whatsnext") if name == "heading" else "whatsnext"
        text = HEADINGS.get(key, key)
        return text if _in_heading(text_before(token)) else f"\n\n## {text}\n\n"
    if name == "include":
        found = find_file(args.get("0", ""), page)
        if found is not None and found.stat().st_size <= MAX_FILE_BYTES:
            return found.read_text(encoding="utf-8", errors="replace")
        notes.add(token[0], f"'{args.get('0', '')}' (included by a Hugo shortcode) is not in the "
                  "project: nothing prints in its place. Copy the file beside the document")
        return ""
    if name == "figure":
        caption = args.get("caption") or args.get("title") or ""
        alt = args.get("alt") or caption
        title = f' "{caption}"' if caption else ""
        return f"\n\n![{alt}]({args.get('src', '')}{title})\n\n"
    if name in ("tabs", "capture"):  # capture: old Kubernetes pages' named parts
        return f"\n\n{body}\n\n"
    if name == "tab":
        level = levels(token.start())
        if body and args.get("codelang"):
            body = f"```{args['codelang']}\n{body.strip(chr(10))}\n```"
        content = body or _file_block(args.get("include", ""), args.get("codelang", ""),
                                      token, page, notes)
        return section(args.get("name", ""), level, content, indent)
    if name == "glossary_tooltip":
        return args.get("text") or args.get("term_id", "")
    if name == "feature-state":
        version = args.get("for_k8s_version", "")
        state = args.get("state", "")
        return f"\n\n*Kubernetes {version} [{state}]*\n\n" if version else f"*[{state}]*"
    if name in FILE_TAGS:
        return _file_block(args.get("file") or args.get("0", ""), args.get("language", ""),
                           token, page, notes)
    if name == "highlight":
        return f"\n\n```{args.get('0', '')}\n{body.strip(chr(10))}\n```\n\n"
    if name in ("ref", "relref"):
        return args.get("0", "")
    if name == "table":
        caption = args.get("caption", "")
        return f"\n\n{body.strip()}\n\n" + (f"*{caption}*\n\n" if caption else "")
    if name == "details":
        return callout("details", args.get("summary") or args.get("title") or "", body)
    if name in ("youtube", "vimeo"):
        site = ("https://www.youtube.com/watch?v=" if name == "youtube" else "https://vimeo.com/")
        video = args.get("id") or args.get("0", "")
        return f"\n\n<{site}{video}>\n\n"
    if name == "glossary_definition":
        notes.add(token[0], f"Hugo shortcode '{name}' shows a definition from the site's "
                  "glossary, which is not in the project: its term prints instead")
        return args.get("term_id", "")
    notes.add(token[0], f"Hugo shortcode '{name}' is not one handoutpack knows: "
              + ("its inner text prints without it" if inner is not None else
                 "nothing prints in its place") + "; write what it stood for")
    return body


MAX_FILE_BYTES = 200_000
"""A code file larger than this is a mistake to print (and its name prints instead)."""


def text_before(token: re.Match) -> str:
    """The text of the line before the shortcode."""
    start = token.string.rfind("\n", 0, token.start()) + 1
    return token.string[start:token.start()]


def _in_heading(line: str) -> bool:
    return bool(re.match(r"^#{1,6}\s", line))


def _file_block(name: str, language: str, token: re.Match, page: Page, notes: Notes) -> str:
    """The code file a shortcode names, as a code block under its name; its name alone (and a
    warning) when the project does not hold it."""
    found = find_file(name, page)
    language = language or Path(name).suffix.lstrip(".")
    caption = f'<p class="code-title"><code>{name}</code></p>\n\n' if name else ""
    if found is None or found.stat().st_size > MAX_FILE_BYTES:
        notes.add(token[0], f"'{name}' is not in the project (looked beside the document and in "
                  "examples/ folders above it): only its name prints. Copy the file there")
        return f"\n\n{caption}"
    code = found.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    return f"\n\n{caption}{code_block(code, language)}\n\n"
