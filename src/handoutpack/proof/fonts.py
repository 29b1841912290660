"""Fonts outside the brand's set: a fallback the system chose for a glyph the brand's fonts
lack, or a family the styles never name."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context, squeeze
from .findings import Finding
from .layout import Page


def check(pages: list[Page], context: Context) -> Iterator[Finding]:
    if not context.fonts:
        return
    reported = set()
    for page in pages:
        for font in sorted(page.fonts - reported):
            name = squeeze(font)
            if not any(name.startswith(family) for family in context.fonts):
                reported.add(font)
                yield Finding("font", page.file, page.number,
                              f"{font} is not one of the brand's fonts",
                              "name the family in the styles (or add the glyphs' font to "
                              "styles/fonts), or avoid the characters it was chosen for")
