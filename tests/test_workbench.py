"""The workbench (`handoutpack serve`, /workbench) in Chromium: fill the forms, build, download
and read the cover; messages beside wrong fields; a personalised mailing to a real SMTP server
on loopback; and the door kept shut to other sites."""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request

import pytest
from pypdf import PdfReader

from conftest import invoke, serving
from test_email import MESSAGES, email_config, smtp  # noqa: F401 - smtp is a fixture
from test_presenter import LOGOS

BONJOUR = ("---\ntitle: Bonjour\nsummary: Un premier document.\nkind: handout\n---\n"
           "## Bienvenue\n\nBonjour.\n")
LIST = """\
email,name,language,outlet
jane.doe@example.org,Jane Doe,en,The Example Times
rene@example.org,René Char,fr,Le Journal d'Exemple
"""


@pytest.fixture
def bench(make_project, smtp, tmp_path):  # noqa: F811
    """A project with partner logos and a mail server, served; yields (project, URL)."""
    project = make_project({"handoutpack.toml": email_config(smtp.port), **LOGOS, **MESSAGES,
                            "content/handouts/hello.fr.md": BONJOUR})
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    with serving(project) as base:
        yield project, base


@pytest.fixture
def page(browser, bench):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(bench[1] + "/workbench")
    yield page
    context.close()
    assert errors == []


def fill_in(page) -> None:
    page.fill('[data-key="event.name"]', "Inclusive Finance Forum")
    page.fill('[data-key="event.date"]', "2027-06-14")
    page.fill('[data-key="event.place"]', "Lima")
    page.fill('[data-key="presenter.name"]', "Ana Torres")
    page.fill('[data-key="presenter.role"]', "Social Performance Ambassador")
    page.fill('[data-key="presenter.email"]', "ana.torres@example.org")
    page.fill('[data-key="partners.0.name"]', "Example Microfinance Network")
    page.select_option('[data-key="partners.0.logo"]', "logos/network.svg")


def wait_text(page, selector: str, pattern: str, timeout: int = 240_000) -> None:
    """Wait until the element's text matches: by locator, as the page's Content-Security-Policy
    lets no script be evaluated from a string."""
    page.locator(selector, has_text=re.compile(pattern)).wait_for(timeout=timeout)


def wait_done(page, status: str, timeout: int = 240_000) -> None:
    """Wait until the job shown in #status has ended, done or failed."""
    page.locator(f"#{status}[data-state=done], #{status}[data-state=failed]").wait_for(
        timeout=timeout)


def test_fill_build_download_and_read_the_cover(page, bench, tmp_path):
    project, _ = bench
    fill_in(page)
    page.check('input[name=languages][value=fr]')
    page.click("#build")
    wait_done(page, "build-status")
    assert page.text_content("#build-error") == ""
    assert page.is_visible("#preview") and "Page 1 of" in page.text_content("#page-number")
    page.screenshot(path=str(tmp_path / "workbench.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#files a[href$='fr/starter.pdf']")
    saved = tmp_path / "pack.pdf"
    download.value.save_as(saved)
    reader = PdfReader(saved)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Présenté par Ana Torres" in cover
    assert "Inclusive Finance Forum" in cover and "14 juin 2027" in cover
    assert "Example Microfinance Network" in cover
    assert "Votre contact" in reader.pages[-1].extract_text()
    # the same bytes as the build folder holds: the page built with the command line's code
    assert saved.read_bytes() == (project / "build/fr/starter.pdf").read_bytes()
    with page.expect_download() as download:
        page.click("#files a[href$='en/starter.zip']")
    assert download.value.suggested_filename == "Example-Trust-starter-en.zip"  # as attachments are


def test_a_wrong_date_shows_its_message_beside_the_field(page):
    page.fill('[data-key="event.date"]', "2027-14-06")
    message = page.locator("#err-event\\.date")
    message.wait_for(state="visible")
    assert message.text_content() == "'2027-14-06' is not a date; write it as year-month-day, e.g. 2027-06-14."
    assert page.get_attribute('[data-key="event.date"]', "aria-invalid") == "true"
    page.fill('[data-key="event.date"]', "2027-06-14")
    message.wait_for(state="hidden")
    assert page.get_attribute('[data-key="event.date"]', "aria-invalid") == "false"


def test_a_profile_saved_on_the_page_builds_the_same_from_the_command_line(page, bench):
    project, _ = bench
    fill_in(page)
    page.fill("#profile-name", "Ana Torres")
    page.click("#save-profile")
    wait_text(page, "#profile-status", "^Saved as profiles/ana-torres.toml")
    assert (project / "profiles/ana-torres.toml").is_file()
    result = invoke(project, "build", "starter", "-q", "--as",
                    str(project / "profiles/ana-torres.toml"))
    assert result.exit_code == 0, result.output
    cover = PdfReader(project / "build/en/starter.pdf").pages[0].extract_text()
    assert "Ana Torres" in cover and "Lima" in cover


def test_a_personalised_media_mailing(page, bench, smtp, tmp_path):  # noqa: F811
    project, _ = bench
    fill_in(page)
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    assert "René Char, Le Journal d'Exemple" in page.text_content("#people")
    page.select_option("#mail-pack", "starter")
    page.click("#prepare")
    wait_done(page, "mail-status")
    assert page.text_content("#mail-error") == ""
    assert page.locator(".message").count() == 2
    assert "Starter Pack for Jane Doe" in page.text_content("#messages")
    covers = page.locator(".message img")
    assert covers.count() == 2
    for index in range(2):  # each person's cover, as the page shows it
        image = page.request.get(bench[1] + covers.nth(index).get_attribute("src"))
        assert image.ok and image.body().startswith(b"\x89PNG")
    page.screenshot(path=str(tmp_path / "mailing.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())  # "Send the pack to 2 people now?"
    page.click("#send")
    wait_text(page, "#mail-status", "^Sent")
    assert page.text_content("#mail-status").startswith("Sent 2; 0 had it already")
    assert len(smtp.envelopes) == 2
    page.wait_for_selector("#sent tbody tr")
    assert "rene@example.org" in page.text_content("#sent") and "sent" in page.text_content("#sent")
    french = next(m for m in smtp.messages() if m["To"].addresses[0].username == "rene")
    (attached,) = french.iter_attachments()
    cover = PdfReader(io.BytesIO(attached.get_content())).pages[0].extract_text()
    assert "Préparé pour René Char, Le Journal d’Exemple" in " ".join(cover.split())
    assert "Présenté par Ana Torres" in " ".join(cover.split())
    # sending again sends nobody anything twice: there is nobody left to send to
    page.click("#send")
    wait_text(page, "#mail-status", "has this pack already")
    assert len(smtp.envelopes) == 2


def request(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}),
                                    timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def token(base: str) -> str:
    status, page = request(base + "/workbench")
    assert status == 200
    return page.decode().split('name="handoutpack-token" content="')[1].split('"')[0]


FORM = json.dumps({"packs": ["starter"], "languages": ["en"]}).encode()


def test_a_cross_site_post_without_the_token_is_refused(bench):
    project, base = bench
    status, body = request(base + "/workbench/build", FORM, {
        "Content-Type": "text/plain", "Origin": "http://evil.example"})
    assert status == 403 and b"evil.example may not change anything" in body
    status, body = request(base + "/workbench/build", FORM, {"Content-Type": "text/plain"})
    assert status == 403 and b"missing or wrong token" in body
    # even with the token, another site's page is refused
    status, _ = request(base + "/workbench/build", FORM, {
        "X-Handoutpack-Token": token(base), "Origin": "http://evil.example"})
    assert status == 403
    status, _ = request(base + "/workbench/profile", json.dumps({"name": "x", "form": {}}).encode())
    assert status == 403
    assert not (project / "build/en/starter.pdf").exists()
    assert not (project / "profiles").exists()


def test_another_host_is_refused(bench):
    project, base = bench
    assert request(base + "/workbench", headers={"Host": "evil.example"})[0] == 403
    status, _ = request(base + "/workbench/build", FORM, {
        "Host": "evil.example", "X-Handoutpack-Token": token(base)})
    assert status == 403
    assert not (project / "build/en").exists()


def test_only_built_pdfs_and_zips_are_served(bench):
    project, base = bench
    (project / "build/.cache").mkdir(parents=True)
    (project / "build/.cache/secret.pdf").write_bytes(b"%PDF-1.7 secret")
    for path in ("../handoutpack.toml", ".cache/secret.pdf", "..%2Fhandoutpack.toml",
                 "workbench/profile.toml", "%2Fetc%2Fpasswd"):
        assert request(f"{base}/workbench/file/{path}")[0] == 404, path
