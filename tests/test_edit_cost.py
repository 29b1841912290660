"""An edit costs its renders: what a build does around them is done once, not once a page."""

from __future__ import annotations

from conftest import HELLO
from handoutpack.markup import pages as markup
from handoutpack.markup.pages import builtin_dir
from handoutpack.plan.jobs import plan
from handoutpack.plan.selection import Selection
from handoutpack.project import loader
from handoutpack.render.stage import kept_pages
from handoutpack.sources import content


def test_a_build_lists_the_theme_once_and_the_next_sees_an_edit(make_project, monkeypatch):
    files = {f"content/handouts/doc-{n}.en.md": HELLO.replace("Hello", f"Doc {n}")
             for n in range(4)}
    cover = (builtin_dir("templates") / "cover.html").read_text(encoding="utf-8")
    project_dir = make_project({**files, "templates/cover.html": cover})
    project = loader.load(project_dir)
    documents = content.load(project)
    listed = []
    real = markup._list_files
    monkeypatch.setattr(markup, "_list_files",
                        lambda folders: listed.append(tuple(folders)) or real(folders))
    kept = kept_pages(project, reuse=False)
    with markup.keeping(kept):
        first = plan(project, documents, Selection())
    assert len(first.jobs()) >= 4 + 1  # the documents, and the pack's own pages
    assert len(listed) == len(set(listed)) == 1, "the theme's files listed once a build"
    (project_dir / "templates/cover.html").unlink()
    with markup.keeping(kept):
        plan(project, documents, Selection())
    assert len(listed) == 2, "the next build lists them again"
