"""The ambassador and partners: 'Presented by' on covers and title slides, a contact page at the
end of a pack in its language, partner logos on covers and in page footers; bad logos refused."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MINIMAL_CONFIG, REPO, invoke

NETWORK_LOGO = (REPO / "logos" / "example-network.svg").read_text(encoding="utf-8")
FUND_LOGO = (REPO / "logos" / "example-fund.svg").read_text(encoding="utf-8")

PROFILE = """\
[presenter]
name = "Ana Torres"
role = "Social Performance Ambassador"
organisation = "Example Microfinance Network"
email = "ana.torres@example.org"
phone = "+51 1 234 5678"

[event]
name = "Inclusive Finance Forum"
date = "2027-06-14"
place = "Lima"

[[partners]]
name = "Example Microfinance Network"
logo = "logos/network.svg"

[[partners]]
name = "Example Impact Fund"
logo = "logos/fund.svg"
"""

LOGOS = {"logos/network.svg": NETWORK_LOGO, "logos/fund.svg": FUND_LOGO}


def png(width: int, height: int) -> bytes:
    """A plain white PNG of this many pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + b"\xff" * width * 3 for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture
def presented(make_project):
    root = make_project({**LOGOS, "profile.toml": PROFILE,
                         "content/handouts/hello.fr.md": "---\ntitle: Bonjour\nsummary: Un "
                         "premier document.\nkind: handout\n---\n## Bienvenue\n\nBonjour.\n"})
    result = invoke(root, "build", "-q", "--as", str(root / "profile.toml"))
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.slow
def test_cover_says_who_presents_it_and_shows_the_partners(presented):
    cover = page_texts(presented / "build/en/starter.pdf")[0]
    assert "Presented by Ana Torres" in cover
    assert "Social Performance Ambassador, Example Microfinance Network" in cover
    assert "IN PARTNERSHIP WITH" in cover  # uppercased by the theme
    assert "Example Microfinance Network" in cover and "Example Impact Fund" in cover
    assert "Inclusive Finance Forum" in cover and "June 14, 2027" in cover


@pytest.mark.slow
def test_pack_ends_with_the_contact_page_in_its_language(presented):
    english = page_texts(presented / "build/en/starter.pdf")[-1]
    assert "Your contact" in english and "ana.torres@example.org" in english
    assert "+51 1 234 5678" in english
    french = page_texts(presented / "build/fr/starter.pdf")
    assert "Présenté par Ana Torres" in french[0]
    assert "Votre contact" in french[-1] and "Courriel" in french[-1]
    bookmarks = [item.title for item in PdfReader(presented / "build/fr/starter.pdf").outline
                 if not isinstance(item, list)]  # a list holds a bookmark's children
    assert bookmarks[-1] == "Votre contact"


@pytest.mark.slow
def test_partners_are_in_the_footer_of_every_document_page(presented):
    pages = page_texts(presented / "build/en/starter.pdf")
    document_pages = pages[2:-1]
    assert document_pages
    for text in document_pages:
        assert "Example Microfinance Network" in text and "Example Impact Fund" in text
        assert "Page" in text


@pytest.mark.slow
def test_no_presenter_no_contact_page(make_project):
    root = make_project()
    assert invoke(root, "build", "-q").exit_code == 0
    texts = page_texts(root / "build/en/starter.pdf")
    assert not any("Your contact" in t or "Presented by" in t for t in texts)


@pytest.mark.slow
def test_presenter_in_config_and_partners_per_pack(make_project):
    config = MINIMAL_CONFIG + """
[presenter]
name = "Kofi Mensah"

[[packs.starter.event.partners]]
name = "Example Impact Fund"
logo = "logos/fund.svg"
"""
    root = make_project({**LOGOS, "handoutpack.toml": config})
    result = invoke(root, "build", "-q")
    assert result.exit_code == 0, result.output
    cover = page_texts(root / "build/en/starter.pdf")[0]
    assert "Presented by Kofi Mensah" in cover and "Example Impact Fund" in cover
    assert "Example Microfinance Network" not in cover


@pytest.mark.parametrize("logo, name, expected", [
    (png(60, 30), "logos/tiny.png", "'tiny.png' is 60 × 30 pixels"),
    (b"\xff\xd8\xff\xe0 not really a photo", "logos/logo.jpg", "'logo.jpg' is not SVG or PNG"),
    (b"<html>not an svg</html>", "logos/fake.svg", "'fake.svg' is named .svg but is not an SVG"),
])
def test_a_logo_unfit_for_print_is_refused_with_its_key(make_project, logo, name, expected):
    profile = PROFILE.replace('logo = "logos/fund.svg"', f'logo = "{name}"')
    root = make_project({**LOGOS, name: logo, "profile.toml": profile})
    result = invoke(root, "build", "-q", "--as", str(root / "profile.toml"))
    assert result.exit_code == 2, result.output
    assert f"profile.toml:19: partners[1].logo: {expected}" in result.stderr
    assert "Traceback" not in result.output
    assert not (root / "build/en/starter.pdf").exists()


@pytest.mark.slow
def test_a_large_png_logo_is_fine(make_project):
    profile = PROFILE.replace('logo = "logos/fund.svg"', 'logo = "logos/big.png"')
    root = make_project({**LOGOS, "logos/big.png": png(600, 240), "profile.toml": profile})
    result = invoke(root, "build", "-q", "--as", str(root / "profile.toml"))
    assert result.exit_code == 0, result.output


def test_a_logo_outside_the_project_is_refused(make_project, tmp_path):
    (tmp_path / "outside.svg").write_text(FUND_LOGO, encoding="utf-8")
    profile = PROFILE.replace('logo = "logos/fund.svg"', 'logo = "../outside.svg"')
    root = make_project({**LOGOS, "profile.toml": profile})
    result = invoke(root, "build", "-q", "--as", str(root / "profile.toml"))
    assert result.exit_code == 2
    assert "partners[1].logo: '../outside.svg' is outside the project folder" in result.stderr


def test_three_partners_are_too_many_and_bad_details_are_named(make_project):
    profile = PROFILE.replace('email = "ana.torres@example.org"', 'email = "ana.torres"') \
        .replace('date = "2027-06-14"', 'date = "2027-14-06"') + PROFILE[PROFILE.index("[[partners]]"):]
    root = make_project({**LOGOS, "profile.toml": profile})
    result = invoke(root, "build", "-q", "--as", str(root / "profile.toml"))
    assert result.exit_code == 2
    assert "profile.toml:5: presenter.email: 'ana.torres' is not an email address" in result.stderr
    assert "event.date: '2027-14-06' is not a date; write it as YYYY-MM-DD" in result.stderr
    assert "partners: has 4 partners; a cover has room for 2" in result.stderr
