"""Accessible PDFs: tagged documents and packs (structure tree, alt text, reading order,
languages), PDF/A and PDF/UA variants, and qpdf finds nothing wrong."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import HELLO, MINIMAL_CONFIG, invoke, write_files

CHART = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
RICH = HELLO.replace("## Welcome\n\nHello from {{ org.name }}.\n", """\
## Welcome

Hello from {{ org.name }}.

- first point
- second point

| Year | Clients |
|------|---------|
| 2026 | 120     |

![Clients grew from 80 to 120](chart.svg)

### Details

The end. Back to [the welcome](#welcome).
""")
BONJOUR = (RICH.replace("title: Hello", "title: Bonjour").replace("## Welcome", "## Bienvenue")
           .replace("(#welcome)", "(#bienvenue)"))
TWO_DOCUMENTS = MINIMAL_CONFIG.replace('documents = ["hello"]', 'documents = ["hello", "other"]')
OTHER = HELLO.replace("title: Hello", "title: Other").replace("## Welcome", "## Elsewhere")


def elements(path) -> list[dict]:
    """Every structure element, depth first in reading order: type, alt text, language, depth."""
    root = PdfReader(path).trailer["/Root"]["/StructTreeRoot"]
    found = []

    def walk(node, depth):
        node = node.get_object()
        if not hasattr(node, "get") or "/S" not in node:
            return
        found.append({"type": str(node["/S"]), "alt": node.get("/Alt"), "lang": node.get("/Lang"),
                      "depth": depth})
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid, depth + 1)

    for kid in root["/K"] if isinstance(root["/K"], list) else [root["/K"]]:
        walk(kid, 0)
    return found


def qpdf_check(path) -> str:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project with a list, a table, an image and a French translation, built once."""
    root = write_files(tmp_path_factory.mktemp("accessible"), {
        "handoutpack.toml": TWO_DOCUMENTS, "content/handouts/hello.en.md": RICH,
        "content/handouts/hello.fr.md": BONJOUR, "content/handouts/chart.svg": CHART,
        "content/handouts/other.en.md": OTHER})
    outcome = invoke(root, "build", "-q")
    assert outcome.exit_code == 0, outcome.output
    return root / "build"


def test_documents_are_tagged_with_alt_text_and_reading_order(built):
    path = built / "en/documents/hello.pdf"
    catalog = PdfReader(path).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "en"
    types = [e["type"] for e in elements(path)]
    for tag in ("/H1", "/H2", "/H3", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure"):
        assert tag in types, tag
    order = [t for t in types if t in ("/H1", "/H2", "/L", "/Table", "/H3")]
    assert order == ["/H1", "/H2", "/L", "/Table", "/H3"], "tags follow the reading order"
    figures = [e for e in elements(path) if e["type"] == "/Figure"]
    assert [f["alt"] for f in figures] == ["Clients grew from 80 to 120"]
    qpdf_check(path)


def test_packs_keep_every_documents_tags_in_its_language(built):
    path = built / "fr/starter.pdf"
    pdf = PdfReader(path)
    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "fr"
    tree = elements(path)
    assert tree[0] == {"type": "/Document", "alt": None, "lang": "fr", "depth": 0}
    parts = [e for e in tree if e["depth"] == 1]
    assert [(p["type"], p["lang"]) for p in parts] == [
        ("/Part", "fr"), ("/Part", "fr"), ("/Part", "fr"), ("/Part", "en")], \
        "cover, contents, the French document, the English fallback"
    alts = [e["alt"] for e in tree if e["type"] == "/Figure"]
    assert "Clients grew from 80 to 120" in alts
    # every page's marked content, and every link, is found through the parent tree
    nums = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        assert page["/StructParents"] in parents
    links = [a.get_object() for page in pdf.pages for a in page.get("/Annots", [])]
    assert len(links) >= 3, "the contents' entries and the document's own link"
    for link in links:
        assert parents[link["/StructParent"]].get_object()["/S"] == "/Link"
    qpdf_check(path)


@pytest.mark.slow
@pytest.mark.parametrize("variant, version", [("pdf/ua-1", "%PDF-1.7"), ("pdf/a-3b", "%PDF-1.7")])
def test_pdf_variants(make_project, variant, version):
    project = make_project({"content/handouts/hello.en.md": RICH,
                            "content/handouts/chart.svg": CHART})
    outcome = invoke(project, "build", "-q", "--pdf-variant", variant)
    assert outcome.exit_code == 0, outcome.output
    for path in (project / "build/en/documents/hello.pdf", project / "build/en/starter.pdf"):
        pdf = PdfReader(path)
        catalog = pdf.trailer["/Root"]
        assert pdf.pdf_header == version
        assert "/StructTreeRoot" in catalog and "/Metadata" in catalog
        xmp = catalog["/Metadata"].get_data().decode()
        if variant == "pdf/ua-1":
            assert 'pdfuaid:part="1"' in xmp
            assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        else:
            assert 'pdfaid:part="3"' in xmp and "/OutputIntents" in catalog
        qpdf_check(path)


def test_an_unknown_variant_is_refused(make_project):
    outcome = invoke(make_project(), "build", "--pdf-variant", "pdf/a-9z")
    assert outcome.exit_code == 2 and "Invalid value for '--pdf-variant'" in outcome.stderr


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_poppler_reads_the_pack_structure(built):
    result = subprocess.run(["pdfinfo", "-struct", str(built / "fr/starter.pdf")],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Document\n  Part\n")
    assert "more than one children" not in result.stderr
