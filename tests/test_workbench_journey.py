"""The workbench as an ambassador uses it alone (issue 26): in French and Arabic, at phone width
and on a wide screen, with the keyboard only; a reload in the middle of a build; personal packs
for a list in three languages; one test per defect the issue found; axe-core on each state."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import serving
from test_email import smtp  # noqa: F401 - a fixture
from test_presenter import LOGOS, png

CONFIG = """\
[org]
name = "Example Trust"
short_name = "ET"

[languages]
default = "en"
available = ["en", "fr", "ar"]

[audiences.public]
name = { en = "the public", fr = "le public", ar = "الجمهور" }

[packs.media]
title = { en = "Media Pack", fr = "Dossier de presse", ar = "الحزمة الإعلامية" }
audience = "public"
documents = ["hello"]

[email]
from = "Example Trust <news@example.org>"
pace_seconds = 0

[email.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
"""
HELLO = "---\ntitle: {title}\nsummary: {title}.\nkind: handout\n---\n## {title}\n\n{title}.\n"
MESSAGE = "---\nsubject: \"{{ pack.title }} · {{ recipient.name }}\"\n---\n{hello} {{ recipient.name }},\n\n**{{ pack.title }}**\n"
LIST = """\
email,name,language,outlet
jane@example.org,Jane Doe,en,The Example Times
rene@example.org,René Char,fr,Le Journal d'Exemple
amal@example.org,أمل حداد,ar,صحيفة المثال
"""


@pytest.fixture
def bench(make_project, smtp, tmp_path):  # noqa: F811
    files = {"handoutpack.toml": CONFIG.replace("{port}", str(smtp.port)), **LOGOS,
             "content/handouts/hello.en.md": HELLO.format(title="Hello"),
             "content/handouts/hello.fr.md": HELLO.format(title="Bonjour"),
             "content/handouts/hello.ar.md": HELLO.format(title="مرحبا"),
             "emails/default.en.md": MESSAGE.replace("{hello}", "Dear"),
             "emails/default.fr.md": MESSAGE.replace("{hello}", "Bonjour"),
             "emails/default.ar.md": MESSAGE.replace("{hello}", "مرحبًا"),
             "tests/corpus/test-image.png": png(400, 100)}
    project = make_project(files)
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    with serving(project) as base:
        yield project, base


def open_page(browser, base: str, width: int = 1280, locale: str = "en-GB", query: str = ""):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale,
                                  accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{base}/workbench{query}")
    page.wait_for_load_state("networkidle")
    return page


def wait_state(page, status: str, states=("done", "failed"), timeout: int = 240_000) -> None:
    page.locator(", ".join(f"#{status}[data-state={s}]" for s in states)).wait_for(timeout=timeout)


def type_into(page, selector: str, text: str, limit: int = 80) -> None:
    """Tab until `selector` has the focus, then type: the keyboard only."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            page.keyboard.type(text)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def press_on(page, selector: str, key: str = "Enter", limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            page.keyboard.press(key)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def wait_loaded(image, seconds: float = 120) -> None:
    """Wait until an image has arrived and decoded (by locator: the page's policy forbids
    evaluating strings)."""
    for _ in range(int(seconds * 4)):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        image.page.wait_for_timeout(250)
    raise AssertionError(f"{image} never loaded")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


# ---------------------------------------------------------------- the journey


@pytest.mark.slow
@pytest.mark.parametrize("lang,width", [("fr", 390), ("fr", 1280), ("ar", 390), ("ar", 1280)])
def test_the_ambassador_journey_with_the_keyboard_only(browser, bench, lang, width, tmp_path):
    project, base = bench
    page = open_page(browser, base, width, locale={"fr": "fr-FR", "ar": "ar-MA"}[lang])
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    shots = tmp_path / "shots"
    page.screenshot(path=str(shots / f"{lang}-{width}-1-open.png"), full_page=True)
    # "Start from" comes first: a couple of Tabs after the language links
    page.keyboard.press("Tab")
    presses = 0
    while not page.evaluate("document.activeElement.id === 'profile-load'"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 10, "Start from is not at the top"
    type_into(page, '[data-key="event.name"]', "Forum de la finance inclusive")
    type_into(page, '[data-key="event.date"]', "2027-06-14")
    type_into(page, '[data-key="presenter.name"]', "Ana Torres")
    type_into(page, '[data-key="presenter.role"]', "Ambassadrice")
    page.screenshot(path=str(shots / f"{lang}-{width}-2-filled.png"), full_page=True)
    press_on(page, "#build")
    wait_state(page, "build-status")
    assert page.text_content("#build-error") == ""
    page.screenshot(path=str(shots / f"{lang}-{width}-3-built.png"), full_page=True)
    no_sideways_scroll(page)
    cover = PdfReader(project / f"build/{lang}/media.pdf").pages[0].extract_text()
    assert "Ana Torres" in cover
    link = page.locator(f"#files a[href$='{lang}/media.pdf']")
    assert link.get_attribute("download") == f"ET-media-{lang}.pdf"
    # the list, and each message as the recipient sees it
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    no_sideways_scroll(page)
    press_on(page, "#prepare")
    wait_state(page, "mail-status")
    assert page.locator(".message").count() == 3
    for cover in page.locator(".message img").all():  # each person's cover, drawn and readable
        cover.scroll_into_view_if_needed()
        wait_loaded(cover)
        assert cover.bounding_box()["width"] >= min(200, width - 60)
    page.screenshot(path=str(shots / f"{lang}-{width}-4-messages.png"), full_page=True)
    no_sideways_scroll(page)
    assert page.errors == []
    page.context.close()


# ---------------------------------------------------------------- one test per defect


@pytest.mark.slow
def test_1_the_page_speaks_the_browsers_language_and_has_a_switch(browser, bench):
    _, base = bench
    page = open_page(browser, base, locale="fr-FR")
    assert "Atelier de l’ambassadeur" in page.text_content("h1")  # French typography
    assert page.text_content("label[for='f-presenter.name']") == "Votre nom"
    page.fill('[data-key="event.date"]', "2027-14-06")
    page.locator("#err-event\\.date").wait_for(state="visible")
    assert "n'est pas une date" in page.text_content("#err-event\\.date")
    page.click("header nav a[hreflang=ar]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.text_content("#build") == "أعدّ الحزم"
    assert page.input_value('[data-key="event.date"]') == "2027-14-06"  # the form is kept
    page.context.close()


@pytest.mark.slow
def test_2_a_reload_mid_build_finds_the_job_its_form_and_results(browser, bench):
    project, base = bench
    page = open_page(browser, base)
    page.fill('[data-key="presenter.name"]', "Ana Torres")
    page.check("input[name=languages][value=fr]")
    page.click("#build")
    page.locator("#build-status[data-state=running]").wait_for()
    page.reload()
    assert page.input_value('[data-key="presenter.name"]') == "Ana Torres"
    assert page.is_checked("input[name=languages][value=fr]")
    wait_state(page, "build-status")
    assert page.locator("#files tbody tr").count() >= 2  # the results of the job started before
    # a build from a blank form does not silently replace Ana's packs
    before = (project / "build/en/media.pdf").read_bytes()
    page.click("#clear-form")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    for button in ("#build", "#prepare"):  # a mailing builds its pack too
        page.click(button)
        page.wait_for_timeout(1500)
    assert (project / "build/en/media.pdf").read_bytes() == before
    assert len(asked) == 2 and all("made for Ana Torres" in question for question in asked)
    page.context.close()


@pytest.mark.slow
def test_3_personal_packs_for_everyone_on_a_list_in_three_languages(browser, bench, tmp_path):
    project, base = bench
    page = open_page(browser, base)
    page.fill('[data-key="presenter.name"]', "Ana Torres")
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    page.check("#personalise")  # only English is ticked
    page.click("#build")
    wait_state(page, "build-status")
    assert page.text_content("#build-error") == ""
    status = page.text_content("#build-status")
    assert "français" in status and "العربية" in status
    made = sorted(p.relative_to(project / "build/personal").as_posix()
                  for p in (project / "build/personal").rglob("*.pdf"))
    assert [m.split("/")[0] for m in made] == ["ar", "en", "fr"], made
    for pdf in (project / "build/personal").rglob("*.pdf"):
        assert "Prepared for" in PdfReader(pdf).pages[0].extract_text() or pdf.parts[-3] != "en"
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_4_a_loaded_list_fits_a_360_pixel_window(browser, bench, tmp_path, lang):
    _, base = bench
    page = open_page(browser, base, width=360, query=f"?lang={lang}")
    long_list = LIST + "someone.with.a.very.long.address@an-organisation-with-a-long-name.example.org,Maria de los Angeles Fernandez-Castellanos,en,The Very Long Name of a Regional Newspaper\n"
    (tmp_path / "long.csv").write_text(long_list, encoding="utf-8")
    page.set_input_files("#list-file", str(tmp_path / "long.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"360-list-{lang}.png"), full_page=True)
    page.context.close()


@pytest.mark.slow
def test_5_messages_are_plain_words_naming_the_field_or_row(browser, bench, tmp_path):
    _, base = bench
    page = open_page(browser, base)
    page.fill('[data-key="presenter.role"]', "Ambassador")  # a role, and no name
    page.locator("#err-presenter\\.name").wait_for(state="visible")
    assert page.text_content("#err-presenter\\.name") == "Please fill this in."
    text = page.text_content("body")
    for word in ("handoutpack.toml", "presenter.name", "relative to the project", "sent.jsonl"):
        assert word not in text
    (tmp_path / "journalists.csv").write_text(LIST + "bad-address,Nobody,en,X\n", encoding="utf-8")
    page.set_input_files("#list-file", str(tmp_path / "journalists.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    assert page.text_content("#list-problems").startswith("Row 5 of journalists.csv:")
    assert "recipients.csv" not in page.text_content("#list-problems")
    page.context.close()


@pytest.mark.slow
def test_6_each_message_is_shown_whole_as_the_recipient_sees_it(browser, bench, tmp_path):
    _, base = bench
    page = open_page(browser, base)
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    page.click("#prepare")
    wait_state(page, "mail-status")
    shown = page.locator(".message .shown").first
    assert "**" not in shown.inner_text()
    assert shown.locator("strong").count() >= 1  # playwright's locators pierce the shadow root
    cover = page.locator(".message img").first.bounding_box()
    assert cover["width"] >= 200, cover
    page.context.close()


@pytest.mark.slow
def test_7_photo_upload_with_thumbnail_and_only_project_pictures(browser, bench, tmp_path):
    project, base = bench
    page = open_page(browser, base)
    offered = page.locator("[data-key='partners.0.logo'] option").all_text_contents()
    assert not any("tests/" in option for option in offered)
    (tmp_path / "me.png").write_bytes(png(300, 300))
    page.set_input_files("#photo-file", str(tmp_path / "me.png"))
    page.wait_for_selector("img[data-thumb-for='presenter.photo']:not([hidden])")
    assert page.input_value("[data-key='presenter.photo']") == "photos/me.png"
    thumb = page.locator("img[data-thumb-for='presenter.photo']")
    thumb.wait_for(state="visible")
    assert thumb.evaluate("image => image.naturalWidth") == 300
    assert (project / "photos/me.png").is_file()
    page.context.close()


@pytest.mark.slow
def test_9_a_profile_keeps_every_choice_and_is_offered_at_once(browser, bench):
    project, base = bench
    page = open_page(browser, base)
    page.fill('[data-key="presenter.name"]', "Ana Torres")
    page.check("input[name=languages][value=ar]")
    page.fill("#profile-name", "Ana")
    page.click("#save-profile")
    page.wait_for_selector("#profile-load option[value=ana]", state="attached")
    page.click("#clear-form")
    assert not page.is_checked("input[name=languages][value=ar]")
    page.select_option("#profile-load", "ana")
    page.click("#use-profile")
    assert page.is_checked("input[name=languages][value=ar]")
    assert page.input_value('[data-key="presenter.name"]') == "Ana Torres"
    page.context.close()


def zombies() -> list[str]:
    """This process's children that ended and were never waited for."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            found.append(stat.parent.name)
    return found


@pytest.mark.slow
def test_10_sending_asks_with_the_count_shows_local_times_and_leaves_no_process(browser, bench,
                                                                              smtp, tmp_path):  # noqa: F811
    project, base = bench
    page = open_page(browser, base, locale="fr-FR")
    page.fill('[data-key="presenter.name"]', "Ana Torres")
    page.fill('[data-key="presenter.role"]', "Social Performance Ambassador")
    page.click("details[data-for='presenter.role'] summary")
    page.fill('[data-key="presenter.role.fr"]', "Ambassadrice de la performance sociale")
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    page.click("#prepare")
    wait_state(page, "mail-status")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#send")
    wait_state(page, "mail-status")
    assert page.text_content("#mail-error") == ""
    assert len(asked) == 1 and "3 personnes" in asked[0], asked
    assert len(smtp.envelopes) == 3
    page.wait_for_selector("#sent tbody tr >> nth=2")
    when = page.locator("#sent time").first.text_content()
    assert "T" not in when and "+00:00" not in when and when
    cover = PdfReader(project / "build/fr/media.pdf").pages[0].extract_text()
    assert "Ambassadrice de la performance sociale" in cover
    assert "Social Performance Ambassador" in PdfReader(project / "build/en/media.pdf").pages[0].extract_text()
    assert zombies() == []
    page.context.close()


@pytest.mark.slow
def test_the_logo_size_message_gives_the_figure_the_page_gives(browser, bench, tmp_path):
    _, base = bench
    page = open_page(browser, base)
    (tmp_path / "small.png").write_bytes(png(150, 60))
    page.set_input_files("#logo-file", str(tmp_path / "small.png"))
    page.locator("#err-logo").wait_for(state="visible")
    figure = re.search(r"(\d+) pixels wide", page.text_content("#err-logo"))[1]
    assert f"at least {figure} pixels wide" in page.text_content("#s-partners ~ .intro, section[aria-labelledby=s-partners] .intro")
    page.context.close()


@pytest.mark.slow
def test_axe_finds_no_violation_in_any_state(browser, bench, tmp_path):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    _, base = bench
    for lang in ("fr", "ar"):
        context = browser.new_context(bypass_csp=True, locale=lang)  # to inject axe-core
        page = context.new_page()
        page.goto(f"{base}/workbench")
        page.wait_for_load_state("networkidle")
        states = {"open": lambda: None,
                  "errors": lambda: (page.fill('[data-key="event.date"]', "x"),
                                     page.locator("#err-event\\.date").wait_for(state="visible")),
                  "list": lambda: (page.set_input_files("#list-file", str(tmp_path / "list.csv")),
                                   page.wait_for_selector("#people:not([hidden]) tbody tr")),
                  "messages": lambda: (page.click("#prepare"), wait_state(page, "mail-status")),
                  "narrow": lambda: page.set_viewport_size({"width": 390, "height": 800})}
        for state, reach in states.items():
            reach()
            results = axe.run(page)
            assert results.violations_count == 0, (lang, state, results.generate_report())
        context.close()


@pytest.mark.slow
def test_10_after_an_interrupted_run_the_count_and_table_say_who_is_left(browser, bench, smtp,
                                                                        tmp_path):  # noqa: F811
    from handoutpack.distribute import outbox
    from handoutpack.distribute.sentlog import SentLog
    from handoutpack.project import loader

    project, base = bench
    build_dir = loader.load(project).build_dir
    with SentLog(outbox.outbox_dir(build_dir, "media")) as log:  # a run cut short
        log.record("jane@example.org", "en", "jane.eml", "sent")
    page = open_page(browser, base)
    page.wait_for_selector("#sent tbody tr")  # the table shows the earlier run at once
    assert page.locator("#sent tbody tr").count() == 1
    page.set_input_files("#list-file", str(tmp_path / "list.csv"))
    page.wait_for_selector("#people:not([hidden]) tbody tr")
    page.click("#prepare")
    wait_state(page, "mail-status")
    assert "2 not sent yet" in page.text_content("#mail-status")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#send")
    wait_state(page, "mail-status")
    assert asked == ["Send the pack to 2 people now?"]
    assert len(smtp.envelopes) == 2
    assert page.text_content("#mail-status").startswith("Sent 2; 1 had it already")
    page.wait_for_selector("#sent tbody tr >> nth=2")
    page.context.close()
