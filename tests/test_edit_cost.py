"""An edit costs its renders: what a build does around them is done once, not once a page."""

from __future__ import annotations

from conftest import HELLO
from handoutpack.markup import templates
from handoutpack.markup.theme import builtin_dir
from handoutpack.plan.jobs import plan
from handoutpack.plan.selection import Selection
from handoutpack.project import loader
from handoutpack.render.stage import kept_pages
from handoutpack.sources import content
from handoutpack.store import memos


def test_a_build_lists_the_theme_once_and_the_next_sees_an_edit(make_project, monkeypatch):
    files = {f"content/handouts/doc-{n}.en.md": HELLO.replace("Hello", f"Doc {n}")
             for n in range(4)}
    cover = (builtin_dir("templates") / "cover.html").read_text(encoding="utf-8")
    project_dir = make_project({**files, "templates/cover.html": cover})
    project = loader.load(project_dir)
    documents = content.load(project.reading)
    listed = []
    real = templates._list_files
    monkeypatch.setattr(templates, "_list_files",
                        lambda folders: listed.append(tuple(folders)) or real(folders))
    kept = kept_pages(project.folders, reuse=False)
    with memos.building(kept):
        first = plan(project.planning, documents, Selection())
    assert len(first.jobs()) >= 4 + 1  # the documents, and the pack's own pages
    assert len(listed) == len(set(listed)) == 1, "the theme's files listed once a build"
    (project_dir / "templates/cover.html").unlink()
    with memos.building(kept):
        plan(project.planning, documents, Selection())
    assert len(listed) == 2, "the next build lists them again"


def test_the_check_reads_again_only_the_pages_that_changed(make_project, monkeypatch):
    from handoutpack.check import inspect
    from handoutpack.check.pages import PageParser

    files = {f"content/handouts/doc-{n}.en.md": HELLO.replace("Hello", f"Doc {n}")
             for n in range(3)}
    project_dir = make_project(files)
    read = []
    real = PageParser._read.__func__
    monkeypatch.setattr(PageParser, "_read",
                        classmethod(lambda cls, html: read.append(html) or real(cls, html)))

    def check() -> list:
        project = loader.load(project_dir)
        with memos.building(kept_pages(project.folders)) as memory:
            found = inspect(project.checking, content.load(project.reading), Selection(),
                            history=False)
            memory.kept.save()
        return found

    first = check()
    assert len(read) == 4  # the three documents and hello.en.md
    source = project_dir / "content/handouts/doc-1.en.md"
    source.write_text(source.read_text().replace("Doc 1", "Doc one [broken](#nowhere)"), "utf-8")
    second = check()
    assert len(read) == 5, "only the edited page is read again"
    links = [p.message for p in second if p.topic == "links"]
    assert not [p for p in first if p.topic == "links"] and len(links) == 1
    assert "'#nowhere' leads nowhere" in links[0], "the edited page is checked as it is now"


def test_a_kept_page_holds_everything_a_parse_finds():
    from handoutpack.check.pages import PageParser

    html = ('<h2 id="a">Title</h2><p>Text <a href="#a">link</a> <img src="x.png" alt="X">'
            '<a data-outside-page="other.md" href="https://example.org/other">other</a>'
            '<a data-site-path="/img/y.png" href="https://example.org/img/y.png">y</a></p>')
    direct = PageParser()
    direct.feed(html)
    direct.close()
    kept = PageParser.parsed(html)
    for name in PageParser.found_names():
        mine, theirs = getattr(kept, name), getattr(direct, name)
        if isinstance(theirs, list):
            theirs = [tuple(item) if isinstance(item, list) else item for item in theirs]
        assert mine == theirs, name
    assert {"links", "outside_pages", "site_paths", "headings"} <= set(PageParser.found_names())


LINKING = """\
---
title: Doc 0
summary: A document that links into another.
kind: handout
---
## Welcome

See [the part on savings](doc-1.md#savings) in Doc 1.
"""


def test_an_edit_checks_its_page_and_the_pages_linking_to_it_only(make_project, monkeypatch):
    from handoutpack import check as checking
    from handoutpack.check import inspect

    files = {f"content/handouts/doc-{n}.en.md": HELLO.replace("Hello", f"Doc {n}")
             .replace("## Welcome", "## Savings" if n == 1 else "## Welcome") for n in range(4)}
    project_dir = make_project({**files, "content/handouts/doc-0.en.md": LINKING})
    checked = []
    real = checking._topics
    monkeypatch.setattr(checking, "_topics",  # (checking, documents, document, translation, ...)
                        lambda *args: checked.append(args[3].slug) or real(*args))

    def check() -> list:
        checked.clear()
        project = loader.load(project_dir)
        with memos.building(kept_pages(project.folders)) as build:
            found = inspect(project.checking, content.load(project.reading), Selection(),
                            history=False)
            build.kept.save()
        return [p.message for p in found if p.topic == "links"]

    assert check() == [] and len(checked) == 5  # four documents and hello
    assert check() == [] and checked == [], "nothing changed: nothing checked again"
    source = project_dir / "content/handouts/doc-2.en.md"
    source.write_text(source.read_text().replace("Doc 2", "Doc two"), "utf-8")
    assert check() == [] and checked == ["doc-2"], "an edit checks its own page"
    source = project_dir / "content/handouts/doc-1.en.md"
    source.write_text(source.read_text().replace("## Savings", "## Loans"), "utf-8")
    links = check()
    assert sorted(checked) == ["doc-0", "doc-1"], "and the pages whose links point into it"
    assert len(links) == 1 and "has no heading or anchor '#savings'" in links[0]


def test_an_edit_lays_out_again_only_the_documents_it_changed(make_project, monkeypatch):
    from handoutpack.plan import jobs

    files = {f"content/handouts/doc-{n}.en.md": HELLO.replace("Hello", f"Doc {n}")
             for n in range(3)}
    project_dir = make_project(files)
    laid_out = []
    real = jobs._document_job
    monkeypatch.setattr(jobs, "_document_job",
                        lambda project, translation, *rest: laid_out.append(translation.slug)
                        or real(project, translation, *rest))

    def planned():
        laid_out.clear()
        project = loader.load(project_dir)
        with memos.building(kept_pages(project.folders)) as build:
            made = plan(project.planning, content.load(project.reading), Selection())
            build.kept.save()
        return {job.name: job.html for job in made.jobs()}

    first = planned()
    assert {"doc-0", "doc-1", "doc-2", "hello"} <= set(laid_out)
    assert planned() == first and laid_out == []
    source = project_dir / "content/handouts/doc-1.en.md"
    source.write_text(source.read_text().replace("Doc 1", "Doc one"), "utf-8")
    again = planned()
    assert set(laid_out) == {"doc-1"}, "only the edited document is laid out again"
    assert [name for name in first if first[name] != again[name]] == \
        [name for name in first if "doc-1" in name]
    assert all("Doc one" in again[name] for name in again if "doc-1" in name)
    (project_dir / "templates").mkdir()
    (project_dir / "templates/document.html").write_text(
        (builtin_dir("templates") / "document.html").read_text("utf-8").replace(
            '<main class="body">', '<p>Footnote of the theme</p><main class="body">'), "utf-8")
    themed = planned()
    assert {"doc-0", "doc-1", "doc-2", "hello"} <= set(laid_out), "a template changes them all"
    assert all("Footnote of the theme" in html for name, html in themed.items()
               if "doc-" in name)
