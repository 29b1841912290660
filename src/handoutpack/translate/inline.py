"""Inline markup a translator must not break, as placeholders: `<x1/>` for something kept whole
(code, a URL, a Jinja expression, a footnote call) and `<g1>...</g1>` around text that stays
translatable (a link's text, bold, italic, an image's alt text). They look like XLIFF's inline
tags, which Poedit, Weblate and Crowdin show as tags."""

from __future__ import annotations

import re

from ..markup.typography import URL


class PlaceholderError(ValueError):
    """A translation whose placeholders do not match its source's."""


# ---------------------------------------------------------------- inline markup

INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<jinja>\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})"
    r"|(?P<image>!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?)"
    r"|(?P<footnote>\[\^[^\]]+\])"
    r"|(?P<link>\[(?P<link_text>[^\]]+)\](?P<target>\([^)\s]*(?:\s+\"[^\"]*\")?\)|\[[^\]]*\]))"
    r"|(?P<autolink><(?:https?://|mailto:)[^>]+>)"
    r"|(?P<html></?[A-Za-z][^>]*>)"
    r"|(?P<attrs>\{:[^}]*\}|\{#[\w-]+\})"
    r"|(?P<bold>\*\*(?P<bold_text>\S(?:.*?\S)?)\*\*|__(?P<bold_text2>\S(?:.*?\S)?)__)"
    r"|(?P<italic>(?<![\w*])\*(?P<italic_text>[^\s*](?:[^*]*?[^\s*])?)\*(?!\*)"
    r"|(?<!\w)_(?P<italic_text2>[^\s_](?:[^_]*?[^\s_])?)_(?!\w))"
    r"|(?P<url>" + URL.pattern + ")",
    re.I,
)
TAG = re.compile(r"<(?P<close>/)?(?P<name>[gx]\d+)(?P<empty>/)?>")


def protect(text: str) -> tuple[str, dict[str, str | tuple[str, str]]]:
    """`text` with its inline markup replaced by placeholders, and what each one stands for."""
    markup: dict[str, str | tuple[str, str]] = {}
    return _protect(text, markup), markup


def _protect(text: str, markup: dict) -> str:
    out, start = [], 0
    for match in INLINE.finditer(text):
        out.append(text[start:match.start()])
        start = match.end()
        paired = _paired(match)
        if paired is None:
            name = f"x{len(markup) + 1}"
            markup[name] = match.group()
            out.append(f"<{name}/>")
        else:
            opening, inner, closing = paired
            name = f"g{len(markup) + 1}"
            markup[name] = (opening, closing)
            out.append(f"<{name}>{_protect(inner, markup)}</{name}>")
    out.append(text[start:])
    return "".join(out)


def _paired(match: re.Match) -> tuple[str, str, str] | None:
    """(opening, inner text, closing) for markup around translatable text; None for atoms."""
    if match["image"]:  # its alt text is what a screen reader says: it is translated
        image = match.group()
        end = image.index("](")
        return ("![", image[2:end], image[end:]) if has_words(image[2:end]) else None
    if match["link"]:
        return "[", match["link_text"], "]" + match["target"]
    if match["bold"]:
        inner = match["bold_text"] or match["bold_text2"]
        mark = match.group()[:2]
        return mark, inner, mark
    if match["italic"]:
        inner = match["italic_text"] or match["italic_text2"]
        mark = match.group()[0]
        return mark, inner, mark
    return None


def restore(translated: str, markup: dict[str, str | tuple[str, str]]) -> str:
    """The translation with its placeholders turned back into the source's markup; raises
    PlaceholderError when one is missing, repeated, unknown or not closed."""
    check_placeholders(translated, markup)

    def back(match: re.Match) -> str:
        value = markup[match["name"]]
        if isinstance(value, str):
            return value
        return value[1] if match["close"] else value[0]
    return TAG.sub(back, translated)


def check_placeholders(translated: str, markup: dict[str, str | tuple[str, str]]) -> None:
    found: dict[str, list[str]] = {}
    for match in TAG.finditer(translated):
        role = "close" if match["close"] else "empty" if match["empty"] else "open"
        found.setdefault(match["name"], []).append(role)
    problems = []
    for name, value in markup.items():
        wanted = ["empty"] if isinstance(value, str) else ["open", "close"]
        roles = found.pop(name, [])
        if roles != wanted and not (roles == [] and _optional(value)):
            shown = f"<{name}/>" if isinstance(value, str) else f"<{name}>…</{name}>"
            problems.append(f"{shown} ({_what(value)}) must appear "
                            + ("once, opened before it is closed, or not at all" if _optional(value)
                               else "exactly once" if isinstance(value, str)
                               else "exactly once, opened before it is closed"))
    for name in found:
        problems.append(f"<{name}> is not in the English; remove it")
    if problems:
        raise PlaceholderError("; ".join(problems))


def _optional(value: str | tuple[str, str]) -> bool:
    """Emphasis is the translator's to drop: a language may stress another word, or none."""
    return isinstance(value, tuple) and value[0] not in ("[", "![")


def _what(value: str | tuple[str, str]) -> str:
    return value if isinstance(value, str) else _describe_pair(value)


def _describe_pair(value: tuple[str, str]) -> str:
    opening, closing = value
    if opening == "![":
        return f"image {closing[2:].split(')')[0]}, its alt text between"
    if opening == "[":
        return f"link to {closing[2:-1] if closing.startswith('](') else closing[1:]}"
    return "bold" if len(opening) == 2 else "italic"


def has_words(text: str) -> bool:
    """Whether text without its placeholders holds anything to translate (a letter)."""
    return any(ch.isalpha() for ch in TAG.sub("", text))
