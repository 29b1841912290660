"""Code fences with attributes after the language, as Starlight, Docusaurus and MkDocs write them
(```` ```astro title="src/pages/index.astro" {3-5} ````, ```` ```js showLineNumbers ````), and
Hugo's in braces (```` ```md {file="content/example.md"} ````): the
language is kept, the title prints as the block's caption and highlighted lines are marked.
Python-Markdown's fences take only a bare language, and read these as text; nor do they nest in
list items (as Starlight's <Steps> write them), which these do, whatever their info string."""

from __future__ import annotations

import html
import re

import markdown
from markdown.preprocessors import Preprocessor

from .prose import attributes

OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w#.+-]*)"
                     r"(?:[ \t]+(?P<info>[^`\n]*\S))?[ \t]*$")
QUOTE = re.compile(r"^(?:[ ]{0,3}>[ ]?)+")
RANGES = re.compile(r"(?:^|\s|mark=|ins=|del=)\{(?P<lines>[\d,\s-]+)\}")


def highlighted(info: str) -> set[int]:
    """The line numbers `{3-5}` or `{1,4}` (and Expressive Code's mark/ins/del) name."""
    lines: set[int] = set()
    for match in RANGES.finditer(info):
        for part in match["lines"].replace(" ", "").split(","):
            first, _, last = part.partition("-")
            if first.isdigit():
                stop = int(last) if last.isdigit() else int(first)
                lines.update(range(int(first), min(stop, int(first) + 10_000) + 1))
    return lines


def block(lang: str, info: str, code: list[str]) -> str:
    args = attributes(RANGES.sub(" ", info).strip().removeprefix("{").removesuffix("}"))
    title = args.get("title") or args.get("filename") or args.get("file") or ""
    marked = highlighted(info)
    rows = [f'<mark class="code-line">{html.escape(line)}</mark>' if number in marked
            else html.escape(line) for number, line in enumerate(code, 1)]
    css = f' class="language-{html.escape(lang)}"' if lang else ""
    caption = f'<p class="code-title"><code>{html.escape(title)}</code></p>\n' if title else ""
    return f'{caption}<pre><code{css}>' + "\n".join(rows) + "\n</code></pre>"


class QuotedFences(Preprocessor):
    """A fenced block inside a quote (`> ~~~`, as Carpentries lessons' solutions hold their
    code): Python-Markdown's fences are read at the top level only, and printed these as a
    paragraph between `~~~` lines."""

    def run(self, lines):
        result, index = [], 0
        while index < len(lines):
            quoted = QUOTE.match(lines[index])
            match = OPENING.match(lines[index][quoted.end():]) if quoted else None
            if match is None:
                result.append(lines[index])
                index += 1
                continue
            prefix, fence = quoted[0], match["fence"]
            end = index + 1
            while end < len(lines) and QUOTE.match(lines[end]) and not _closes(_body(lines[end]),
                                                                               fence):
                end += 1
            code = [_body(line) for line in lines[index + 1:end]]
            placeholder = self.md.htmlStash.store(
                block(match["lang"], match["info"] or "", code))
            quote = prefix.rstrip()
            result += [quote, f"{prefix}{placeholder}", quote]
            index = end + 1
        return result


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a block opened by `fence`: as many marks or more, nothing else."""
    return line.strip().startswith(fence) and not line.strip().strip(fence[0])


def _body(line: str) -> str:
    """A quoted line without its quote marks (and the one space after the last)."""
    quoted = QUOTE.match(line)
    return line[quoted.end():] if quoted else line


class AttributedFences(Preprocessor):
    def run(self, lines):
        result, index = [], 0
        while index < len(lines):
            match = OPENING.match(lines[index])
            nested = match is not None and len(match["indent"].expandtabs(4)) >= 4
            if match is None or not (nested or match["info"]) or (
                    not match["lang"] and (match["info"] or "").startswith("{")):
                # a bare fence or `{ .lang }`: fenced_code's own (Hugo's `md {file=...}` is ours)
                result.append(lines[index])
                index += 1
                continue
            fence, end = match["fence"], index + 1
            while end < len(lines) and not _closes(lines[end], fence):
                end += 1
            indent = len(match["indent"])
            code = [line[indent:] if line[:indent].isspace() else line
                    for line in lines[index + 1:end]]
            placeholder = self.md.htmlStash.store(block(match["lang"], match["info"] or "", code))
            result += ["", match["indent"] + placeholder, ""]  # indented: in its list item
            index = end + 1
        return result


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(AttributedFences(md), "attributed_fences", 26)  # before fences
        md.preprocessors.register(QuotedFences(md), "quoted_fences", 26.5)
