"""Placeholder links: a layout marks a place a later stage fills in with a link to
`handoutpack:<kind>/<value>`; the PDF stage finds those links by kind. The one place the scheme
is defined."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

SCHEME = "handoutpack:"
DOCUMENT_LINK = f"{SCHEME}document/"
"""A link to another document of a pack; the pack turns it into a jump to that document."""
PAGE_LINK = f"{SCHEME}page/"
"""A contents entry: the pack turns it into a jump to the page the entry names."""
SLIDE_LINK = f"{SCHEME}slide/"
"""A handout or notes page marks where slide N goes with a link to SLIDE_LINK + N."""


def is_placeholder(href: str) -> bool:
    """Whether a link in a page is one of ours, filled in later (so not checked as a link)."""
    return href.startswith(SCHEME)


def placeholders(page: pikepdf.Page, prefix: str) -> Iterator[tuple[pikepdf.Dictionary, str]]:
    """The link annotations on `page` whose URI starts with `prefix`, with the rest of the URI."""
    for annotation in list(page.obj.get("/Annots", [])):
        action = annotation.get("/A")
        uri = str(action.get("/URI", "")) if action is not None else ""
        if uri.startswith(prefix):
            yield annotation, uri[len(prefix):]


def link_to_page(annotation: pikepdf.Dictionary, target: pikepdf.Page, text: str = "") -> None:
    """Turn a placeholder link into a jump to the whole of `target`, printed with the page;
    `text` says where it goes (its /Contents, which was the placeholder's address)."""
    del annotation["/A"]
    annotation.Dest = pikepdf.Array([target.obj, pikepdf.Name.Fit])
    annotation.F = 4
    if text:
        annotation.Contents = pikepdf.String(text)
