"""Bare URLs followed by another script's punctuation (syntax/bare_urls.py): the address is
linked, numbered and coded without the punctuation, which stays in the text."""

from __future__ import annotations

import re

import pytest

from handoutpack.markup.links import number_links
from handoutpack.markup.markdown import to_html


@pytest.mark.parametrize(("source", "url", "after"), [
    ("راجع https://cerise-sptf.org؛ ولمعرفة المزيد", "https://cerise-sptf.org", "؛ ولمعرفة"),
    ("على https://cerise-sptf.org، ثم", "https://cerise-sptf.org", "، ثم"),
    ("詳しくは https://cerise-sptf.org/ja。次に", "https://cerise-sptf.org/ja", "。次に"),
    ("见 https://sptf.info/zh，以及", "https://sptf.info/zh", "，以及"),
])
def test_a_bare_url_ends_before_punctuation_of_another_script(source, url, after):
    html = to_html(source)
    assert re.findall(r'href="([^"]+)"', html) == [url]
    assert f"</a>{after}" in html
    _, links = number_links(html)
    assert [link.url for link in links] == [url], "the QR code leads to the address"


def test_a_link_written_out_and_ascii_punctuation_stay_as_they_were():
    html = to_html("[the list](https://example.org/a、b) and https://example.org/path?q=1, ok")
    assert re.findall(r'href="([^"]+)"', html) == ["https://example.org/a、b",
                                                   "https://example.org/path?q=1"]


def test_no_source_of_the_sample_links_to_an_address_with_punctuation_of_its_script():
    from conftest import REPO

    for path in sorted((REPO / "content").rglob("*.md")):
        html = to_html(path.read_text(encoding="utf-8"))
        broken = [href for href in re.findall(r'href="([^"]+)"', html)
                  if re.search(r"[،؛。、，：]", href)]
        assert broken == [], path
