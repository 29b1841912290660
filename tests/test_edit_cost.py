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
        first = plan(project, documents, Selection())
    assert len(first.jobs()) >= 4 + 1  # the documents, and the pack's own pages
    assert len(listed) == len(set(listed)) == 1, "the theme's files listed once a build"
    (project_dir / "templates/cover.html").unlink()
    with memos.building(kept):
        plan(project, documents, Selection())
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
            found = inspect(project, content.load(project.reading), Selection(), history=False)
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
