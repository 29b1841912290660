"""Bundles and the download page: zips read back, pages opened in a real headless browser."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import MINIMAL_CONFIG, invoke
from handoutpack.project import loader
from pdfs import reader

LANGS = ("en", "fr", "es")
PAGES = {"en": "index.html", "fr": "fr/index.html", "es": "es/index.html"}


def manifest(project: Path) -> list[dict]:
    return json.loads((project / "build/manifest.json").read_text(encoding="utf-8"))["outputs"]


# ---------------------------------------------------------------- bundles


@pytest.mark.parametrize("lang", LANGS)
def test_pack_bundle_holds_the_pack_its_documents_and_a_readme(sample, lang):
    build = sample / "build"
    pack = next(o for o in manifest(sample) if o["path"] == f"{lang}/media.pdf")
    slugs = loader.load(sample).packs["media"].documents
    assert "online-resources" in slugs
    with zipfile.ZipFile(build / lang / "media.zip") as bundle:
        names = bundle.namelist()
        folder = f"sptf-media-{lang}/"
        assert names == sorted(names)
        assert set(names) == {folder + name for name in (
            "README.txt", "media.pdf", *(f"documents/{slug}.pdf" for slug in slugs))}
        assert bundle.read(folder + "media.pdf") == (build / pack["path"]).read_bytes()
        for slug in slugs:
            source_lang = "en" if slug in pack["fallbacks"] else lang
            # a presentation (pricing-transparency) is in the pack, and its bundle, as its handout
            layout = "handouts" if (build / source_lang / "handouts" / f"{slug}.pdf").is_file() \
                else "documents"
            assert bundle.read(f"{folder}documents/{slug}.pdf") == (
                build / source_lang / layout / f"{slug}.pdf").read_bytes()
        readme = bundle.read(folder + "README.txt").decode("utf-8")
    prepared = {"en": "Prepared for journalists", "fr": "Préparé pour les journalistes",
                "es": "Preparado para los periodistas"}[lang]
    assert prepared in readme
    assert "media.pdf" in readme and "documents/online-resources.pdf" in readme
    if lang == "fr":
        assert re.search(r"Ressources en ligne pour la gestion de la performance sociale \(\d+ "
                         r"pages\)", readme)
        assert re.search(r"Principes de gestion de la performance sociale pour les IMF \(\d+ "
                         r"pages?\)", readme)
        assert "en anglais" not in readme  # the French media pack is French throughout
        with zipfile.ZipFile(build / "fr" / "investors.zip") as bundle:
            readme = bundle.read("sptf-investors-fr/README.txt").decode("utf-8")
        assert re.search(r"Pourquoi la GPS : note aux investisseurs, bailleurs de fonds et VIM "
                         r"\(\d+ pages\)", readme)
        assert "en anglais" not in readme  # the investors' note has its French text now


def test_everything_zip_holds_every_pdf_in_build(sample):
    build = sample / "build"
    with zipfile.ZipFile(build / "everything.zip") as bundle:
        inside = {name.split("/", 1)[1]: name for name in bundle.namelist()}
        for entry in manifest(sample):
            assert bundle.read(inside[entry["path"]]) == (build / entry["path"]).read_bytes()
        readme = bundle.read(inside["README.txt"]).decode("utf-8")
    assert len(inside) == len(manifest(sample)) + 1
    for heading in ("== English ==", "== Français ==", "== Español =="):
        assert heading in readme
    assert "fr/documents/spm-principles.pdf" in readme


@pytest.mark.slow
def test_zips_are_the_same_bytes_every_time(make_project):
    project = make_project()
    assert invoke(project, "build", "-q").exit_code == 0
    zips = sorted((project / "build").rglob("*.zip"))
    assert [z.relative_to(project / "build").as_posix() for z in zips] == [
        "en/starter.zip", "everything.zip", "fr/starter.zip"]
    first = {z: z.read_bytes() for z in zips}
    for path in zips:
        path.unlink()
    assert invoke(project, "build", "-q").exit_code == 0
    assert {z: z.read_bytes() for z in zips} == first
    with zipfile.ZipFile(project / "build/en/starter.zip") as bundle:
        assert {info.date_time for info in bundle.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in bundle.infolist()} == {0o644}


def test_a_changed_document_remakes_its_bundles(make_project):
    project = make_project()
    assert invoke(project, "build", "-q").exit_code == 0
    source = project / "content/handouts/hello.en.md"
    source.write_text(source.read_text().replace("Hello from", "Greetings from"))
    assert invoke(project, "build", "-q").exit_code == 0
    with zipfile.ZipFile(project / "build/fr/starter.zip") as bundle:
        pdf = bundle.read("example-trust-starter-fr/documents/hello.pdf")
    assert pdf == (project / "build/en/documents/hello.pdf").read_bytes()
    assert "Greetings from" in reader(project / "build/en/documents/hello.pdf").pages[0].extract_text()


@pytest.mark.slow
def test_a_bundle_waits_for_documents_not_built_yet(make_project):
    project = make_project()
    # French only: the pack falls back to the English 'hello', which this build does not make
    result = invoke(project, "build", "--lang", "fr")
    assert result.exit_code == 0
    assert "fr/starter.zip: not made" in result.stderr and "hello (en)" in result.stderr
    assert not (project / "build/fr/starter.zip").exists()
    assert (project / "build/fr/index.html").is_file()
    assert invoke(project, "build", "-q").exit_code == 0
    assert (project / "build/fr/starter.zip").is_file()


@pytest.mark.slow
def test_thumbnails_follow_the_pdfs(make_project):
    project = make_project()
    assert invoke(project, "build", "-q").exit_code == 0
    thumbnails = set((project / "build/thumbnails").glob("*.webp"))
    assert len(thumbnails) == len(manifest(project))
    source = project / "content/handouts/hello.en.md"
    source.write_text(source.read_text().replace("## Welcome", "## Welcome, all"))
    assert invoke(project, "build", "-q").exit_code == 0
    now = set((project / "build/thumbnails").glob("*.webp"))
    assert len(now) == len(manifest(project)), "thumbnails of replaced PDFs are removed"
    assert now != thumbnails


@pytest.mark.slow
def test_download_page_title_and_intro_from_config(make_project):
    config = MINIMAL_CONFIG + '\n[download]\ntitle = { en = "Our Materials", fr = "Nos documents" }\n' \
                              'intro = "Take *what* you need."\n'
    project = make_project({"handoutpack.toml": config})
    assert invoke(project, "build", "-q").exit_code == 0
    english = (project / "build/index.html").read_text(encoding="utf-8")
    french = (project / "build/fr/index.html").read_text(encoding="utf-8")
    def heading(page: str) -> str:  # its text: the last two words may be kept together
        return re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page)[1])

    assert heading(english) == "Our Materials" and heading(french) == "Nos documents"
    assert "Take <em>what</em> you need." in french


# ---------------------------------------------------------------- in the browser


def local_targets(page) -> list[str]:
    """Every URL the page links to or loads that is not on the web."""
    urls = page.eval_on_selector_all(
        "a[href], img[src], link[href]", "els => els.map(e => e.href || e.src)")
    return [url for url in urls if not url.startswith(("http://", "https://", "data:"))]


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_on_the_page_is_a_file_in_build(sample, browser, lang):
    build = (sample / "build").resolve()
    page = browser.new_page()
    page.goto((build / PAGES[lang]).as_uri())
    targets = local_targets(page)
    assert len(targets) > 60
    for url in targets:
        parts = urlsplit(url)
        assert parts.scheme == "file", url
        path = Path(unquote(parts.path))
        assert path.is_relative_to(build) and path.is_file(), url
    # every PDF in build/, in every language, is offered, and this language's bundles
    hrefs = {Path(unquote(urlsplit(u).path)).relative_to(build).as_posix() for u in targets}
    assert {o["path"] for o in manifest(sample)} <= hrefs
    assert {f"{lang}/{pack}.zip" for pack in ("media", "training")} <= hrefs
    assert "everything.zip" in hrefs
    page.close()


def test_every_thumbnail_loads_and_nothing_comes_from_outside(sample, browser):
    page = browser.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((sample / "build/fr/index.html").resolve().as_uri())
    images = page.query_selector_all("main img")
    assert len(images) == 6 + len(list(sample.glob("content/*/*.en.md")))  # packs, documents
    for image in images:
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image)
        assert image.evaluate("img => img.naturalWidth") == 240
    assert requested and all(url.startswith(("file://", "data:")) for url in requested), requested
    page.close()


def test_language_switcher(sample, browser):
    page = browser.new_page()
    page.goto((sample / "build/index.html").resolve().as_uri())
    assert page.locator("h2").first.inner_text() == "Packs"
    page.get_by_role("navigation").get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/index.html")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").inner_text() == "Boîte à outils des ambassadeurs"
    assert page.locator("h2").first.inner_text() == "Dossiers"
    assert page.locator("#spm-principles h3").inner_text().startswith("Principes de gestion")
    page.get_by_role("navigation").get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/index.html")
    assert page.locator("h2").first.inner_text() == "Carpetas"
    assert page.locator("[aria-current=page]").inner_text() == "Español"
    page.get_by_role("navigation").get_by_role("link", name="English").click()
    page.wait_for_url("**/build/index.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_page_fits_a_phone_and_a_desktop(sample, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((sample / "build/es/index.html").resolve().as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    pages = next(o["pages"] for o in manifest(sample) if o["path"] == "es/media.pdf")
    button = page.locator("#pack-media .button").first
    assert button.inner_text().startswith(f"PDF · {pages} páginas")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.close()
