"""Devanagari in and out: heading anchors keep every letter, combining marks included, as GitHub
and Hugo make them (in-page links written for those sites find their headings here), and a PDF
reader's text of a Hindi document holds its words (pdftotext, as search, copy and screen
readers read it)."""

from __future__ import annotations

import re
import shutil
import subprocess

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
    from handoutpack.markup.markdown import heading_slug

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
    documents = content.load(loaded.reading)
    page = Pages(loaded, documents).html(documents["hello"].translations["hi"])
    assert {"अन्य-कोड-एडिटर", "मुअल्लिम-معلّم"} <= set(page.ids)


HINDI_BODY = """\
---
title: सामाजिक प्रदर्शन
summary: इसका अर्थ क्या है।
kind: handout
---
## यह क्यों महत्वपूर्ण है

सामाजिक प्रदर्शन का अर्थ है किसी संस्था के मिशन को व्यवहार में बदलना। सूक्ष्म वित्त संस्थाएँ गरीब
और वंचित परिवारों तक पहुँचने, उनकी ज़रूरतों के अनुसार सेवाएँ देने और उनके जीवन में स्थायी सुधार
लाने का वादा करती हैं।

ग्राहक संरक्षण का सिद्धांत सरल है: कोई नुकसान न पहुँचाएँ। ऋण की कीमत पारदर्शी होनी चाहिए,
कर्मचारियों का व्यवहार सम्मानजनक होना चाहिए और शिकायतों का निपटारा शीघ्र होना चाहिए।

- प्रत्येक संस्था अपने सामाजिक लक्ष्यों को लिखित रूप में तय करे।
- स्वतंत्र मूल्यांकन और सामाजिक रेटिंग से निवेशकों का विश्वास बढ़ता है।

[ऊपर देखें](#यह-क्यों-महत्वपूर्ण-है)।
"""


def devanagari_words(text: str) -> list[str]:
    return re.findall(r"[\u0900-\u097f]+", text)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils' pdftotext")
def test_pdftotext_finds_the_words_of_a_hindi_document(make_project):
    config = MINIMAL_CONFIG.replace('["en", "fr"]', '["en", "fr", "hi"]')
    project = make_project({"handoutpack.toml": config, "content/handouts/hello.hi.md": HINDI_BODY})
    result = invoke(project, "build", "-q", "--lang", "hi")
    assert result.exit_code == 0, result.output
    source = devanagari_words(HINDI_BODY)
    for pdf in (project / "build/hi/documents/hello.pdf", project / "build/hi/starter.pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        found = set(devanagari_words(text))
        missing = [word for word in source if word not in found]
        assert len(missing) / len(source) <= 0.02, (pdf.name, missing)  # 98 % found
    import pikepdf  # and the in-page link to the Devanagari heading jumps to it

    with pikepdf.open(project / "build/hi/documents/hello.pdf") as pdf:
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/Subtype") == "/Link"]
        jumps = [a for a in links if "/Dest" in a or ("/A" in a and a.A.get("/S") == "/GoTo")]
        assert len(jumps) == 1 and len(links) == 1, links
