"""What a build's workers do to be quick gives what the slow way gives: a worker parses each
stylesheet once, and later renders get the same PDF as a fresh worker would make, see an edited
sheet, and still report the sheet's warnings and the files it read; thumbnails drawn on the
workers are those drawn in the build's process."""

from __future__ import annotations

import hashlib
import io
import subprocess

import pikepdf
import pytest

from handoutpack.render.engine import Renderer

SHEET = """
@font-face { font-family: "Body"; src: url(fonts/body.ttf); }
body { font-family: "Body"; colour: red; }
h1 { color: #0b4f6c; font-size: 20pt; }
@page { size: A5; @bottom-center { content: "page " counter(page); } }
"""


def page(title: str, style: str = "") -> str:
    return (f'<html><head><link rel="stylesheet" href="style.css"><style>{style}</style></head>'
            f"<body><h1>{title}</h1><p>{'Words to set. ' * 40}</p></body></html>")


def project(tmp_path):
    (tmp_path / "fonts").mkdir()
    font = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True,
                          text=True, check=True).stdout
    (tmp_path / "fonts/body.ttf").write_bytes(open(font, "rb").read())
    (tmp_path / "style.css").write_text(SHEET, encoding="utf-8")
    return tmp_path


def render(renderer: Renderer, folder, html: str):
    return renderer.render(html, folder, "page.html", "en")


def kept(renderer: Renderer):
    return renderer._fonts._handoutpack_sheets


def test_a_kept_sheet_gives_the_pdf_a_fresh_worker_makes(tmp_path):
    folder = project(tmp_path)
    worker = Renderer([folder], [])
    first = render(worker, folder, page("One"))
    second = render(worker, folder, page("Two", "h1 { color: #333; }"))
    assert kept(worker).reused >= 1, "the linked sheet was not parsed again"
    fresh = render(Renderer([folder], []), folder, page("Two", "h1 { color: #333; }"))
    assert second.pdf == fresh.pdf
    assert second.warnings == fresh.warnings and any("colour" in w for w in second.warnings), \
        "the sheet's warning (an unknown property) is reported by every render using it"
    css, font = folder.joinpath("style.css").as_uri(), folder.joinpath("fonts/body.ttf").as_uri()
    for rendered in (first, second):
        read = dict(rendered.dependencies)
        assert read[css] == hashlib.sha256(SHEET.encode()).hexdigest()
        assert font in read, "the font the sheet declares is a file the render read"
    for rendered in (first, second):  # the kept sheet's @page rule still sets A5
        with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
            assert round(float(pdf.pages[0].MediaBox[2])) == 420


def test_an_edited_sheet_is_parsed_again(tmp_path):
    folder = project(tmp_path)
    worker = Renderer([folder], [])
    before = render(worker, folder, page("Same"))
    (folder / "style.css").write_text(SHEET.replace("20pt", "40pt"), encoding="utf-8")
    after = render(worker, folder, page("Same"))
    fresh = render(Renderer([folder], []), folder, page("Same"))
    assert after.pdf == fresh.pdf != before.pdf
    css = folder.joinpath("style.css").as_uri()
    assert dict(after.dependencies)[css] != dict(before.dependencies)[css]


def test_other_uses_of_weasyprint_parse_as_before(tmp_path):
    import weasyprint

    folder = project(tmp_path)
    render(Renderer([folder], []), folder, page("Installed"))
    plain = weasyprint.HTML(string=page("Plain"), base_url=folder.as_uri() + "/").write_pdf()
    assert plain.startswith(b"%PDF")


def test_thumbnails_drawn_on_workers_are_those_drawn_here(tmp_path):
    from functools import partial

    from handoutpack.build import FEW_THUMBNAILS, drawing_on
    from handoutpack.publish.thumbnails import first_pages
    from handoutpack.render.pool import Pool

    folder = project(tmp_path)
    worker = Renderer([folder], [])
    pdfs = []
    for number in range(FEW_THUMBNAILS):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(render(worker, folder, page(f"Page {number}")).pdf)
        pdfs.append(path)
    with Pool(partial(Renderer, [folder], []), 2) as pool:
        drawn = drawing_on(pool)(pdfs)
    assert drawn == list(first_pages(pdfs))
    assert len({data for data, _, _ in drawn}) == len(pdfs), "each PDF its own picture"


def test_a_worker_starting_after_its_pools_folder_went_makes_it_again(tmp_path):
    """Someone cleaned build/ while a build ran: the next worker to start (the packs' stage
    starts new ones) makes the pool's folder again rather than dying as it starts."""
    import os

    from handoutpack.render.pool import WORKERS_DIR, _report_worker, _reported_workers

    gone = tmp_path / ".cache" / "tmp" / "handoutpack-1-x"
    _report_worker(str(gone))
    assert (gone / WORKERS_DIR / str(os.getpid())).is_file()
    assert _reported_workers(str(gone)) == {os.getpid()}


@pytest.mark.slow
def test_a_build_whose_temporary_folder_has_a_long_path_renders(make_project, tmp_path):
    """A deep TMPDIR: the forkserver's socket, named in the temporary folder, would pass the
    107 bytes a socket's path may take; the build renders all the same."""
    import os
    import sys

    project = make_project()
    deep = tmp_path / ("a-temporary-folder-deep-in-a-home-directory-" * 2) / "tmp"
    deep.mkdir(parents=True)
    assert len(str(deep)) > 110
    result = subprocess.run([sys.executable, "-m", "handoutpack", "--project", str(project),
                             "build", "-q"], capture_output=True, text=True,
                            env={**os.environ, "TMPDIR": str(deep)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (project / "build/en/documents/hello.pdf").is_file()
