"""Words of the default language in the frame of another language's pack: a label or a config
text with no translation ("IN PARTNERSHIP WITH" on an Arabic cover)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .findings import Finding
from .layout import Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    if not context.frame_words:
        return
    single = {w.casefold() for w in context.frame_words if " " not in w}
    phrases = [(w, re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, w.rstrip(".:;!?").split()))
                              + r"(?!\w)", re.I))  # a full stop may print at the other end
               for w in context.frame_words if " " in w]
    for page in pages:
        seen = set()
        for line in page.lines:
            text = line.text
            found = [w for w, pattern in phrases if pattern.search(text)]
            if text.strip(" :").casefold() in single:
                found.append(text.strip(" :"))
            for words in found:
                if words.casefold() not in seen:
                    seen.add(words.casefold())
                    yield Finding("frame-language", page.file, page.number,
                                  f'"{words}" is in the default language',
                                  f"translate it for {context.lang} (the theme's labels, "
                                  "translations/<lang>/labels.po, or the config's text by "
                                  "language)", line.box)
