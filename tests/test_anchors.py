"""Heading anchors keep every letter, combining marks included, as GitHub and Hugo make them:
in-page links written for those sites find their headings here."""

from __future__ import annotations

import pytest

from conftest import MINIMAL_CONFIG, invoke

HINDI = """\
---
title: नमस्ते
summary: एक पहला दस्तावेज़।
kind: handout
---
## अन्य कोड एडिटर

[अन्य कोड एडिटर देखें](#अन्य-कोड-एडिटर) और [शिक्षक](#मुअल्लिम-معلّم)।

## मुअल्लिम معلّم

पाठ।
"""


@pytest.mark.parametrize("heading, anchor", [
    ("अन्य कोड एडिटर", "अन्य-कोड-एडिटर"),          # Devanagari vowel signs and virama
    ("मुअल्लिम معلّم", "मुअल्लिम-معلّم"),           # Arabic shadda
    ("Why it matters: a -- b", "why-it-matters-a-b"),  # as before for Latin text
    ("Él está aquí!", "él-está-aquí"),
])
def test_anchors_keep_combining_marks(heading, anchor):
    from handoutpack.markup.pages import heading_slug

    assert heading_slug(heading) == anchor


def test_in_page_links_to_devanagari_headings_work(make_project):
    config = MINIMAL_CONFIG.replace('["en", "fr"]', '["en", "fr", "hi"]')
    project = make_project({"handoutpack.toml": config, "content/handouts/hello.hi.md": HINDI})
    result = invoke(project, "check")
    assert "no heading or anchor" not in result.output, result.output
    from handoutpack.check.pages import Pages
    from handoutpack.project import loader
    from handoutpack.sources import content

    loaded = loader.load(project)
    documents = content.load(loaded)
    page = Pages(loaded, documents).html(documents["hello"].translations["hi"])
    assert {"अन्य-कोड-एडिटर", "मुअल्लिम-معلّم"} <= set(page.ids)
