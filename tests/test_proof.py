"""`handoutpack proof`: each check catches a defect planted in a page made for it, and leaves the
same page without the defect alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from weasyprint import HTML

from handoutpack.ui.cli import cli
from handoutpack.proof import Context, proof_file
from handoutpack.proof.context import ltr_runs

FONTS = Path(__file__).parent.parent / "styles" / "fonts"
STYLE = f"""<style>
@font-face {{ font-family: Lato; src: url({(FONTS / 'Lato-Regular.ttf').as_uri()}); }}
@font-face {{ font-family: "Noto Serif"; src: url({(FONTS / 'NotoSerif-Regular.ttf').as_uri()}); }}
@page {{ size: A4; margin: 25mm; }}
body {{ font: 10pt/1.4 "Noto Serif"; margin: 0; }}
p {{ margin: 0 0 3mm; }}
</style>"""
PROSE = ("Social performance management is the set of practices that put clients at the centre "
         "of what a financial institution decides, measures and reports, from its mission to "
         "its products and the way its staff are paid. ")
LATO = Context(fonts=frozenset({"lato", "notoserif"}))


def pdf(tmp_path: Path, body: str, name: str = "page.pdf", style: str = "") -> Path:
    path = tmp_path / name
    HTML(string=f"<html lang=en><meta charset=utf-8>{STYLE}<style>{style}</style>"
                f"<body>{body}</body></html>", base_url=str(tmp_path)).write_pdf(path)
    return path


def checks_found(path: Path, context: Context = LATO) -> list[str]:
    return [f.check for f in proof_file(path, context)[0]]


def column(paragraphs: int = 6, width: str = "110mm", extra: str = "") -> str:
    return f'<div style="width:{width}">' + f"<p>{PROSE * 2}</p>" * paragraphs + extra + "</div>"


def test_text_near_the_trim_is_outside_the_safe_area(tmp_path):
    near = pdf(tmp_path, '<p style="position:absolute;left:-22mm;top:10mm">Office printers</p>',
               style="@page { margin: 25mm }")
    inside = pdf(tmp_path, '<p style="position:absolute;left:0;top:10mm">Office printers</p>',
                 "inside.pdf")
    findings = proof_file(near, LATO)[0]
    assert [f.check for f in findings] == ["safe-area"]
    assert "3.0 mm from the left edge" in findings[0].message
    assert checks_found(inside) == []


def test_a_drawing_near_a_booklets_fold_is_outside_the_safe_area(tmp_path):
    square = '<div style="position:absolute;left:{}mm;top:40mm;width:20mm;height:20mm">' \
             '<svg width="20mm" height="20mm" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5"/>' \
             '</svg></div>'
    style = "@page { size: A4 landscape; margin: 0 }"
    near = pdf(tmp_path, square.format(150), "near-booklet.pdf", style)
    clear = pdf(tmp_path, square.format(100), "clear-booklet.pdf", style)
    findings = proof_file(near, LATO)[0]
    assert [f.check for f in findings] == ["safe-area"] and "fold" in findings[0].message
    assert checks_found(clear) == []


def test_a_logo_over_text_and_text_over_text_overlap(tmp_path):
    logo = ('<svg style="position:absolute;left:5mm;top:0" width="30mm" height="15mm" '
            'viewBox="0 0 20 10"><circle cx="5" cy="5" r="5"/><circle cx="15" cy="5" r="5"/></svg>')
    over = pdf(tmp_path, f'<p>Example Microfinance Network</p>{logo}')
    text = pdf(tmp_path, '<p>Presented by</p><p style="margin-top:-9mm">Ana Torres</p>', "t.pdf")
    apart = pdf(tmp_path, f'<p style="margin-top:20mm">Example Microfinance Network</p>{logo}',
                "apart.pdf")
    assert checks_found(over) == ["overlap"]
    assert checks_found(text) == ["overlap"]
    assert checks_found(apart) == []


def test_text_past_its_margin(tmp_path):
    long = '<p style="white-space:nowrap">ana.torres@example.org ana.torres@example.org ' \
           'ana.torres@example.org ana.torres@example.org</p>'
    findings = proof_file(pdf(tmp_path, column(extra=long), style="p{text-align:justify}"),
                          LATO)[0]
    assert [f.check for f in findings] == ["margin"]
    assert "ana.torres@example.org" in findings[0].message
    assert checks_found(pdf(tmp_path, column(), "fine.pdf", "p{text-align:justify}")) == []


def test_a_paragraph_whose_first_line_holds_one_word(tmp_path):
    squeezed = ('<div style="float:right;width:96mm;height:4mm"></div>'
                f"<p>The sector uses a simple shorthand {PROSE}</p>")
    findings = proof_file(pdf(tmp_path, column(1, extra=squeezed)), LATO)[0]
    assert [f.check for f in findings] == ["first-line"]
    assert '"The" stands alone' in findings[0].message
    whole = column(1, extra=f"<p>The sector {PROSE}</p>")
    assert checks_found(pdf(tmp_path, whole, "ok.pdf")) == []


def test_a_title_whose_last_line_holds_one_word(tmp_path):
    title = '<h1 style="font:32pt Lato;width:{}">Social Performance Conference Pack</h1>'
    assert checks_found(pdf(tmp_path, title.format("160mm") + column(1))) == ["title-last-line"]
    assert checks_found(pdf(tmp_path, title.format("118mm") + column(1), "ok.pdf")) == []


def test_a_hyphen_leaving_fewer_than_three_letters(tmp_path):
    stub = '<p style="width:{};hyphens:manual">word word word word re&shy;markably</p>'
    found = proof_file(pdf(tmp_path, stub.format("47mm")), LATO)[0]
    assert [f.check for f in found] == ["hyphen"] and '"re-markably"' in found[0].message
    fine = '<p style="width:47mm;hyphens:manual">word word word word remark&shy;ably</p>'
    assert checks_found(pdf(tmp_path, fine, "ok.pdf")) == []


def test_a_page_with_almost_nothing_on_it(tmp_path):
    full = f'<div style="break-after:page">{column(5)}</div>' * 2
    found = proof_file(pdf(tmp_path, full + "<p>Three lines stand here.</p>"), LATO)[0]
    assert [(f.check, f.page) for f in found] == [("empty-page", 3)]
    assert checks_found(pdf(tmp_path, full + column(2), "full.pdf")) == []


def test_a_handout_page_of_a_few_framed_slides_is_not_empty(tmp_path):
    """A deck handout's last page holds two of its three slides: pictures, however few their
    words; the same few words without their frames make a near-empty page."""
    full = f'<div style="break-after:page">{column(5)}</div>' * 2
    slide = ('<div style="width:100mm;height:56.25mm;border:0.5pt solid #ccc;margin:0 0 20mm">'
             "<p>Where the Standards came from</p></div>")
    found = proof_file(pdf(tmp_path, full + slide.replace("border:0.5pt solid #ccc", "") * 2),
                       LATO)[0]
    assert [(f.check, f.page) for f in found] == [("empty-page", 3)]
    assert checks_found(pdf(tmp_path, full + slide * 2, "handout.pdf")) == []


def test_a_page_set_in_columns_keeps_to_its_own(tmp_path):
    """A one-page flyer in two columns across the page, in a pack whose other pages keep to a
    narrower column: its right column is not past the pack's margin, but a line past the
    flyer's own columns is."""
    pages = f'<div style="break-after:page">{column(5)}</div>' * 2
    flyer = ('<div style="columns:2;column-gap:8mm;width:160mm">' + f"<p>{PROSE}</p>" * 8
             + "{}</div>")
    assert checks_found(pdf(tmp_path, pages + flyer.format(""), "flyer.pdf")) == []
    long = '<p style="white-space:nowrap">ana.torres@example.org, ana.torres@example.org</p>'
    found = proof_file(pdf(tmp_path, pages + flyer.format(long)), LATO)[0]
    assert [(f.check, f.page) for f in found] == [("margin", 3)]
    assert "ana.torres@example.org" in found[0].message


def test_a_table_across_the_frame_keeps_to_its_cells(tmp_path):
    """A table may take the frame's width beside a narrower column of text: its cells are
    neither past the margin nor paragraphs (a one-word header over a long cell); a line of
    running text past the column still is."""
    cell = "border-bottom:0.5pt solid #999;padding:1.6mm 2.5mm;font-size:9pt"
    rows = "".join(f'<tr><td style="{cell}">Row {n}</td><td style="{cell}">{PROSE}</td></tr>'
                   for n in range(4))
    table = (f'<table style="width:160mm;border-collapse:collapse"><tr><th style="{cell};'
             f'background:#0b4f6c;color:white">Need</th><th style="{cell};background:#0b4f6c;'
             f'color:white">Resource</th></tr>{rows}</table>')
    page = f'<div style="break-after:page">{column(5)}</div>' + column(2, extra=table)
    assert checks_found(pdf(tmp_path, page, "table.pdf")) == []
    long = ('<p style="white-space:nowrap">ana.torres@example.org, ana.torres@example.org, '
            "ana.torres@example.org</p>")
    found = proof_file(pdf(tmp_path, page.replace("</table>", "</table>" + long)), LATO)[0]
    assert [f.check for f in found] == ["margin"] and "ana.torres" in found[0].message


def test_a_slide_whose_lower_part_stands_empty(tmp_path):
    style = "@page { size: 254mm 142.9mm; margin: 12mm } h2 { font: 28pt Lato }"
    short = "<h2>Key takeaways</h2><p>One line of text.</p>"
    centred = ('<div style="height:100mm;display:flex;flex-direction:column;'
               'justify-content:center">' + short + "</div>")
    found = proof_file(pdf(tmp_path, short, style=style), LATO)[0]
    assert [f.check for f in found] == ["slide-space"]
    assert checks_found(pdf(tmp_path, centred, "centred.pdf", style)) == []


def test_body_lines_longer_than_80_characters(tmp_path):
    assert checks_found(pdf(tmp_path, column(3, "160mm"))) == ["line-length"]
    assert checks_found(pdf(tmp_path, column(3, "110mm"), "ok.pdf")) == []


ARABIC = "للتواصل مع فريق العمل يمكن الاتصال بالرقم"


def test_a_left_to_right_run_reordered_in_a_right_to_left_page(tmp_path):
    context = Context("ar", True, tuple(sorted(ltr_runs("Phone: +51 1 234 5678, 501(c)⁠(3)"))))
    assert context.ltr_runs == ("+51 1 234 5678", "501(c)(3)")
    plain = f'<p dir="rtl" lang="ar">{ARABIC} +51 1 234 5678 وهي منظمة 501(c)(3)</p>'
    isolated = (f'<p dir="rtl" lang="ar">{ARABIC} <bdi dir="ltr">+51 1 234 5678</bdi> '
                'وهي منظمة <bdi dir="ltr">501(c)(3)</bdi></p>')
    found = proof_file(pdf(tmp_path, plain), context)[0]
    assert sorted(f.message for f in found) == [
        '"+51 1 234 5678" prints as "5678 234 1 51+"', '"501(c)(3)" prints as "(3)(c)501"']
    assert proof_file(pdf(tmp_path, isolated, "isolated.pdf"), context)[0] == []


@pytest.mark.parametrize("width", [22, 28, 42, 16])  # run broken after 2, 3, 1 pieces; 3 lines
def test_a_left_to_right_run_reordered_across_the_lines_it_is_broken_over(tmp_path, width):
    """Broken over two lines (or three) of a right-to-left paragraph, an unisolated run's
    pieces are reordered in each line: "1 51" ends one line, "5678 234" starts the next. The
    same run isolated, broken at the same places, reads in order."""
    context = Context("ar", True, ("+51 1 234 5678",))
    narrow = f"width:{width}mm;font:11pt 'Noto Naskh Arabic'"
    plain = f'<p dir="rtl" lang="ar" style="{narrow}">للاستفسار اتصل بالرقم +51 1 234 5678 في أي وقت</p>'
    isolated = plain.replace("+51 1 234 5678", '<bdi dir="ltr">+51 1 234 5678</bdi>')
    found = proof_file(pdf(tmp_path, plain), context)[0]
    assert [f.check for f in found] == ["bidi"], found
    assert " / " in found[0].message, found[0].message
    assert proof_file(pdf(tmp_path, isolated, "isolated.pdf"), context)[0] == []


def test_words_of_the_default_language_in_another_languages_frame(tmp_path):
    context = Context("ar", True, frame_words=("In partnership with", "Email"))
    cover = (f'<p dir="rtl" style="text-transform:uppercase">In partnership with</p>'
             f'<p dir="rtl">{ARABIC}</p><p>Email</p>')
    found = proof_file(pdf(tmp_path, cover), context)[0]
    assert sorted(f.message for f in found) == ['"Email" is in the default language',
                                                '"In partnership with" is in the default language']
    # in a sentence of an English document the word is the document's, not the frame's
    assert proof_file(pdf(tmp_path, "<p>Email the team about it.</p>", "ok.pdf"), context)[0] == []


def test_a_font_outside_the_brands_set(tmp_path):
    page = pdf(tmp_path, '<p>Brand text</p><p style="font-family:DejaVu Sans">Fallback</p>')
    found = proof_file(page, Context(fonts=frozenset({"notoserif"})))[0]
    assert [(f.check, f.message) for f in found] == [
        ("font", "DejaVu-Sans is not one of the brand's fonts")]
    assert checks_found(page, Context(fonts=frozenset({"notoserif", "dejavusans"}))) == []


def test_the_command_reports_json_draws_a_contact_sheet_and_exits_1(tmp_path):
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "handoutpack.toml").write_text(
        '[org]\nname = "Example"\nshort_name = "EX"\n[brand]\nheading_font = "Lato"\n'
        'body_font = "Noto Serif"\n[languages]\ndefault = "en"\navailable = ["en"]\n',
        encoding="utf-8")
    bad = pdf(tmp_path, column(3, "160mm"), "wide.pdf")
    good = pdf(tmp_path, column(3, "110mm"), "fine.pdf")
    result = CliRunner().invoke(cli, ["--project", str(project), "proof", str(bad), str(good),
                                      "--format", "json", "--sheet", str(tmp_path / "sheet")])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["files"] == 2 and report["pages"] == 2
    assert [(f["check"], f["page"], Path(f["file"]).name) for f in report["findings"]] == [
        ("line-length", 1, "wide.pdf")]
    assert (tmp_path / "sheet" / "index.html").read_text().count("<figure>") == 1
    assert list((tmp_path / "sheet").glob("*.png"))
    clean = CliRunner().invoke(cli, ["--project", str(project), "proof", str(good)])
    assert clean.exit_code == 0 and "nothing to change" in clean.stdout


@pytest.mark.slow
def test_a_slice_of_the_matrix_every_language_and_variant(tmp_path):
    """The conference pack (every language) in each paper and print variant, plainly, as the
    example ambassador and personalised for the media list, with the deck it holds."""
    import shutil

    from conftest import REPO, SAMPLE_PARTS

    root = tmp_path / "sample"
    for part in (*SAMPLE_PARTS, "logos", "profiles"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / part)
    result = CliRunner().invoke(cli, [
        "--project", str(root), "proof", "--pack", "conference", "--as",
        str(root / "profiles" / "example-ambassador.toml"), "--for",
        str(root / "emails" / "media-list.csv"), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["files"] > 40 and report["pages"] > 500
    assert {v.split()[0] for v in report["variants"]} == {"a4", "letter", "a5-booklet",
                                                          "print-ready"}
    assert report["findings"] == [] and result.exit_code == 0


def test_a_booklet_bound_on_the_wrong_side_for_its_direction(tmp_path):
    cover = ('<h1 style="position:absolute;top:40mm;left:{}mm;width:100mm;font:28pt Lato">'
             "Conference Pack</h1>")
    style = "@page { size: A4 landscape; margin: 0 }"
    right = pdf(tmp_path, cover.format(170), "right-booklet.pdf", style)
    left = pdf(tmp_path, cover.format(20), "left-booklet.pdf", style)
    arabic = Context("ar", True)
    found = proof_file(right, arabic)[0]
    assert [f.check for f in found] == ["binding"] and "right half" in found[0].message
    assert proof_file(left, arabic)[0] == []
    assert checks_found(right) == []  # left to right: the cover on the right half is right


def test_a_qr_code_beside_another_paragraph_than_its_link(tmp_path):
    badge = '<span style="font-size:6.5pt">1</span>'
    code = ('<div style="position:absolute;left:115mm;top:{}mm;width:12.5mm;font-size:6.5pt">1'
            '<svg style="float:right" width="10mm" height="10mm" viewBox="0 0 10 10">'
            '<rect x="0" y="0" width="10" height="10"/></svg></div>')
    short = f"<p>Learn more at sptf.info {badge} and come back.</p>"
    body = (column(2) + '<div style="position:relative;width:110mm">' + short + "{}</div>"
            + column(1))
    away = proof_file(pdf(tmp_path, body.format(code.format(-30))), LATO)[0]
    assert [f.check for f in away] == ["qr-place"] and "link 1" in away[0].message
    assert checks_found(pdf(tmp_path, body.format(code.format(-2)), "beside.pdf")) == []


def test_a_file_that_is_no_pdf_is_a_clear_error(tmp_path):
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "handoutpack.toml").write_text(
        '[org]\nname = "Example"\nshort_name = "EX"\n[languages]\ndefault = "en"\n'
        'available = ["en"]\n', encoding="utf-8")
    (tmp_path / "notes.pdf").write_text("minutes of the meeting", encoding="utf-8")
    from conftest import invoke

    result = invoke(project, "proof", str(tmp_path / "notes.pdf"))
    assert result.exit_code == 2
    assert "notes.pdf: not a PDF that can be read" in result.stderr


def test_a_paragraphs_last_word_alone_before_the_next_paragraph_is_no_finding(tmp_path):
    """A last line of one word is a paragraph's own; the next paragraph, a step further down,
    starts with words that would have fitted, and that says nothing."""
    full = ('<span style="display:inline-block;width:79mm">Savings groups keep a record of '
            "every loan</span>")
    body = (f'<div style="width:80mm;font:10pt/1.5 Lato"><p style="margin:0 0 6pt">{full} '
            'made.</p><p style="margin:0">Members meet every week to repay what they owe '
            "and to save.</p></div>")
    assert "first-line" not in checks_found(pdf(tmp_path, body))
    kept_whole = (f'<div style="width:80mm;font:10pt/1.5 Lato"><p style="margin:0">{full} '
                  'made. <span style="white-space:nowrap">Members meet each week to repay '
                  "what they owe</span> and save.</p></div>")  # a word alone in a paragraph
    assert "first-line" in checks_found(pdf(tmp_path, kept_whole, "kept-whole.pdf"))


@pytest.mark.slow
def test_the_matrix_is_made_in_the_projects_own_build_folder(make_project):
    """A project whose config moves its build folder (paths.build) finds the proof's builds
    there, and no build/ folder appears beside it; the variants share one render cache."""
    from conftest import MINIMAL_CONFIG

    project = make_project({"handoutpack.toml": MINIMAL_CONFIG + '\n[paths]\nbuild = "out"\n'})
    result = CliRunner().invoke(cli, ["--project", str(project), "proof", "--variant", "a4",
                                      "--lang", "en", "--format", "json"])
    assert json.loads(result.stdout)["files"] >= 2, result.output
    assert (project / "out/proof/a4/en/starter.pdf").is_file()
    assert not (project / "build").exists()
    # the variants keep their renders in the project's cache (a deck's slides are the same on
    # every paper, and a build on A4 before the proof has rendered its A4 pages)
    assert list((project / "out/.cache/renders").rglob("*"))
    assert not (project / "out/proof/a4/.cache/renders").exists()


def test_a_variants_build_reads_nothing_in_the_projects_build_folder(make_project):
    """The proof builds each variant in build/proof/<variant>: what the other variants, the
    readers' links and `handoutpack build` write in build/ is no input of it (else each step
    would plan and check anew), and its renders go to build/.cache."""
    import dataclasses

    from handoutpack.pipeline import Unchanged
    from handoutpack.plan.inputs import setting
    from handoutpack.plan.selection import Selection
    from handoutpack.project import loader
    from handoutpack.store.outputs import cache_folder

    project = make_project()
    loaded = loader.load(project)
    variant = dataclasses.replace(loaded, build_dir=loaded.build_dir / "proof" / "a4",
                                  build_root=loaded.build_dir)
    before = (setting(variant.folders, variant), Unchanged(variant, Selection(), False, None).entry)
    for stray in ("en/starter.pdf", "proof/letter/en/starter.pdf", "proof/reading/00/x.pdf"):
        (loaded.build_dir / stray).parent.mkdir(parents=True, exist_ok=True)
        (loaded.build_dir / stray).write_bytes(b"%PDF-1.7 made by another step")
    assert (setting(variant.folders, variant),
            Unchanged(variant, Selection(), False, None).entry) == before
    assert cache_folder(variant.folders) == loaded.build_dir / ".cache"
    (project / "logo-new.svg").write_text("<svg/>")  # a file of the project still counts
    assert setting(variant.folders, variant) != before[0]


@pytest.mark.slow
def test_a_link_planted_where_the_proof_keeps_its_files_is_not_written_through(make_project,
                                                                              tmp_path):
    """build/ is not trusted: links to a folder of the user's, planted where the proof keeps
    the files it reads and the flagged copies, are removed, and nothing is written there."""
    project = make_project()
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "build/proof").mkdir(parents=True)
    for name in ("reading", "flagged"):
        (project / "build/proof" / name).symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(cli, ["--project", str(project), "proof", "--variant", "a4",
                                      "--format", "json"])
    assert json.loads(result.stdout)["files"] >= 2, result.output
    assert not list(outside.iterdir())
    assert not (project / "build/proof/reading").exists()
