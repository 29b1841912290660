"""Documentation sites' Markdown (Hugo shortcodes, MDN macros, MDX, Starlight and Docusaurus
admonitions, attributed code fences) reads as it shows on the site, before and without Jinja; and
real pages from those sites (tests/corpus/sites, kept unchanged with their licences) build in a
project made by `handoutpack new`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import invoke
from pdfs import all_text
from handoutpack import syntax
from handoutpack.errors import HandoutpackError
from handoutpack.markup import jinja, markdown
from handoutpack.syntax.prose import code_ranges

SITES = Path(__file__).parent / "corpus" / "sites"


def rewritten(text: str, lang: str = "en", **page) -> tuple[str, list[str]]:
    out, notes = syntax.before_templating(text, syntax.Page(lang=lang, **page))
    return out, [message for _, message in notes.items]


def html(text: str, lang: str = "en", **page) -> str:
    out, _ = rewritten(text, lang, **page)
    return markdown.to_html(jinja.render_text("page.md", syntax.protect_from_jinja(out), 1,
                                             {"org": {"name": "ExOrg"}}, "org", lang))


# ---------------------------------------------------------------- Hugo


def test_hugo_boxes_tooltips_and_tabs_print_as_the_site_shows_them():
    page = html('{{< note >}}\nThe double dash separates arguments.\n{{< /note >}}\n\n'
                'Start a {{< glossary_tooltip text="pod" term_id="pod" >}} now.\n\n'
                '## Install\n\n{{< tabs name="t" >}}\n{{% tab name="Linux" %}}\nUse apt.\n'
                '{{% /tab %}}\n{{< tab name="macOS" codelang="bash" >}}brew install x'
                '{{< /tab >}}\n{{< /tabs >}}\n', lang="fr")
    assert '<div class="block note">' in page and '<p class="block-title">Remarque</p>' in page
    assert "Start a pod now." in page
    assert "<h3>Linux</h3>" in re.sub(r' id="[^"]*"', "", page)
    assert '<code class="language-bash">brew install x' in page
    assert "{{" not in page and "tab name" not in page


def test_hugo_code_shortcodes_print_the_file_and_unknown_ones_their_text(tmp_path):
    (tmp_path / "examples" / "pods").mkdir(parents=True)
    (tmp_path / "examples" / "pods" / "pod.yaml").write_text("kind: Pod\n")
    docs = tmp_path / "content" / "k8s"
    docs.mkdir(parents=True)
    out, notes = rewritten('{{% codenew file="pods/pod.yaml" %}}\n\n'
                           '{{< mystery >}}inner words{{< /mystery >}}\n'
                           '{{< code file="../../../etc/passwd" >}}\n',
                           folder=docs, root=tmp_path)
    assert "```yaml\nkind: Pod\n```" in out and "pods/pod.yaml" in out
    assert "inner words" in out and "{{" not in out and "root:" not in out
    assert any("'mystery' is not one handoutpack knows" in n for n in notes)
    assert any("'../../../etc/passwd' is not in the project" in n for n in notes)


def test_a_go_template_in_a_code_block_prints_as_written():
    page = html("```shell\nkubectl get pods -o go-template='{{.metadata.name}}'\n```\n\n"
                "`{{ .Values.image }}` and {{ org.name }}\n")
    assert "go-template='{{.metadata.name}}'" in page
    assert "<code>{{ .Values.image }}</code> and ExOrg" in page


def test_a_failure_on_unknown_syntax_names_the_system_and_the_setting():
    with pytest.raises(HandoutpackError) as caught:
        html("Title: {{ .Title }}\n")
    message = str(caught.value)
    assert "Hugo" in message and "templating: false" in message
    assert "[content] templating = false" in message


# ---------------------------------------------------------------- MDN


def test_mdn_macros_become_links_code_and_lines_pointing_online():
    out, notes = rewritten('{{HTTPSidebar}}\n\nSee {{jsxref("Math.abs")}}, '
                           '{{domxref("Window.fetch()", "fetch")}}, {{HTTPHeader("Range")}} and '
                           '{{Glossary("Idempotent", "idempotente")}}.\n\n{{Compat}}\n',
                           lang="es", slug="Web/HTTP/Methods/GET")
    assert "Sidebar" not in out
    mdn = "https://developer.mozilla.org/es/docs/"
    assert f'<a href="{mdn}Web/JavaScript/Reference/Global_Objects/Math/abs"><code>Math.abs' \
           "</code></a>" in out
    assert f'<a href="{mdn}Web/API/Window/fetch"><code>fetch</code></a>' in out
    assert f'<a href="{mdn}Web/HTTP/Headers/Range"><code>Range</code></a>' in out
    assert f'<a href="{mdn}Glossary/Idempotent">idempotente</a>' in out
    assert "Compatibilidad con navegadores" in out
    assert "<https://developer.mozilla.org/es/docs/Web/HTTP/Methods/GET>" in out
    assert not notes


def test_mdn_references_in_an_html_table_are_links_too():
    page = html('<table>\n<tr><th>{{Glossary("Safe/HTTP", "安全性")}}</th><td>あり</td></tr>\n'
                "</table>\n", lang="ja")
    assert '<th><a href="https://developer.mozilla.org/ja/docs/Glossary/Safe/HTTP">安全性</a>' \
           "</th>" in page
    assert "](" not in page


def test_jinja_written_tight_is_still_jinja_and_unknown_macros_are_reported():
    out, notes = rewritten('{{org.name}} {{ lang }} {{WeirdMacro("shown")}}')
    assert out.startswith("{{org.name}} {{ lang }} shown")
    assert any("'WeirdMacro' (KumaScript)" in n for n in notes)


# ---------------------------------------------------------------- MDX, Starlight, Docusaurus


def test_mdx_imports_are_dropped_with_one_warning_and_components_print_as_on_the_site():
    out, notes = rewritten(
        "import { FileTree } from '@astrojs/starlight/components';\nimport {\n  Tabs,\n"
        "  TabItem,\n} from '@astrojs/starlight/components';\nexport const x = 1;\n\n"
        "## Layout\n\n<FileTree>\n- src\n  - pages\n    - **index.astro**\n- package.json\n"
        "</FileTree>\n\n<Tabs>\n<TabItem label=\"npm\">\nnpm install\n</TabItem>\n"
        "<TabItem label=\"pnpm\">\npnpm install\n</TabItem>\n</Tabs>\n\n"
        "<Aside type=\"caution\" title=\"Careful\">Back it up.</Aside>\n\n"
        "<Gizmo size={3}>gizmo children</Gizmo>\n")
    assert "import" not in out and "export" not in out and "TabItem" not in out
    assert "├── src\n│   └── pages\n│       └── index.astro\n└── package.json" in out
    assert "### npm" in out and "### pnpm" in out
    assert '<div class="block caution"' in out and "Careful" in out
    assert "gizmo children" in out and "<Gizmo" not in out
    assert sum("import/export" in n for n in notes) == 1
    assert any("<Gizmo>" in n for n in notes)


@pytest.mark.parametrize("source, kind, title", [
    (":::tip[Did you know?]\nText\n:::\n", "tip", "Did you know?"),
    (":::note\nText\n:::\n", "note", "Remarque"),
    (":::info Meta-Only\n\nText\n\n:::\n", "info", "Meta-Only"),
])
def test_starlight_and_docusaurus_admonitions_are_titled_boxes(source, kind, title):
    page = html(source, lang="fr")
    assert f'class="block {kind}"' in page and f'<p class="block-title">{title}</p>' in page
    assert ":::" not in page


def test_admonitions_and_code_inside_a_list_item_stay_in_it():
    page = html("1. First step\n\n    :::note\n    Inside the step.\n    :::\n\n"
                "    ```js title=\"a.js\"\n    let a = 1;\n    ```\n\n2. Second step\n")
    item = page.split("<li>")[1]
    assert '<blockquote class="note">' in item and "Inside the step." in item
    assert '<p class="code-title"><code>a.js</code></p>' in item and "let a = 1;" in item
    assert ":::" not in page and "```" not in page


def test_fence_attributes_keep_the_language_print_the_title_and_mark_lines():
    page = html('## Page\n\n```astro title="src/pages/index.astro" {2-3}\n---\n'
                "<script src=\"x.js\"></script>\n<h1>Hi</h1>\n---\n```\n")
    assert '<p class="code-title"><code>src/pages/index.astro</code></p>' in page
    assert '<code class="language-astro">' in page
    assert '<mark class="code-line">&lt;script src="x.js"&gt;&lt;/script&gt;</mark>' in page
    assert '<mark class="code-line">&lt;h1&gt;Hi&lt;/h1&gt;</mark>' in page
    assert '<h2 id="page">' in page and "<script" not in page



def test_a_hugo_fence_with_its_attributes_in_braces_after_the_language_stays_code():
    """Hugo's docs write ```` ```md {file="content/example.md"} ````: Python-Markdown's fences
    take `{...}` only without a language, and read this one as text up to the next fence
    (its `+++` lines and the heading after it printed as prose)."""
    page = html('## Manual summary\n\n```md {file="content/example.md"}\n+++\n'
                "title: 'Example'\n+++\n\nThis is the first paragraph.\n```\n\n"
                "## Comparison\n\nText.\n")
    assert '<p class="code-title"><code>content/example.md</code></p>' in page
    assert '<code class="language-md">+++\ntitle: \'Example\'\n+++' in page
    assert '<h2 id="comparison">' in page and "```" not in page and "{file" not in page


@pytest.mark.parametrize("lang, source, kind, title", [
    ("en", "> [!NOTE]\n> Place the divider on its own line.\n", "note", "Note"),
    ("fr", "> [!WARNING]\n> Ne coupez pas le bloc.\n> Deux lignes.\n", "warning", "Avertissement"),
    ("en", "> [!tip]- A title of its own\n> Folded there.\n", "tip", "A title of its own"),
    ("en", "> [!example]\n> A kind GitHub does not have.\n", "note", "Example"),
])
def test_github_alerts_print_as_titled_boxes(lang, source, kind, title):
    """GitHub's alerts (Hugo and Obsidian read them too) printed `[!NOTE]` as written."""
    page = html(f"## Page\n\nBefore.\n\n{source}\nAfter.\n", lang=lang)
    assert f'<div class="block {kind}">' in page, page
    assert f'<p class="block-title">{title}</p>' in page, page
    assert "[!" not in page and "&gt;" not in page and "<blockquote>" not in page
    assert "<p>After.</p>" in page


def test_an_alert_written_in_a_code_block_stays_code():
    page = html("## Page\n\n```md\n> [!NOTE]\n> Shown as written.\n```\n")
    assert "&gt; [!NOTE]" in page and "block note" not in page

# ---------------------------------------------------------------- the corpus, built

LANGS = ["en", "fr", "es", "ru", "ja", "zh", "ko", "hi", "ar"]
RAW = [re.compile(re.escape(marker)) for marker in
       ("{{<", "{{%", "{%", ":::", "{: ", "<!--", "&amp;", "&nbsp;", "<Tabs")]
RAW += [re.compile(r"\bimport\s+(?:type\s+)?(?:\{[^}]*\}|[\w*]+(?:\s+as\s+\w+)?)\s+from\s+\S"),
        re.compile(r"\bexport\s+(?:const|let|default|function)\b")]
"""Raw syntax; `import ` and `export ` as statements (the words themselves are English)."""
SYNTAX = re.compile(r"(?s:\{\{.*?\}\})|(?s:\{/\*.*?\*/\})|(?s:<!--.*?-->)|<[^>\n]+>|\]\([^)\n]*\)"
                    r"|^import .*$|^export .*$|^[ \t]*:::.*$|^[ \t]*```.*$|https?://\S+", re.M)
"""What a source holds that is not text to print: template tags, comments, HTML and component
tags, link targets, import lines, fence and admonition lines, addresses."""


def new_project(tmp_path: Path, languages: list[str], pack: str = "") -> Path:
    root = tmp_path / "site-pages"
    assert invoke(tmp_path, "new", str(root)).exit_code == 0
    config = root / "handoutpack.toml"
    text = config.read_text(encoding="utf-8").replace(
        'available = ["en", "fr"]', f"available = {languages!r}".replace("'", '"'))
    config.write_text(text + pack, encoding="utf-8")
    return root


def bring(root: Path, site: str, names: list[str] | None = None) -> None:
    """Copy a site's pages (all, or `names`) and example files, as they are, into content/."""
    for path in (SITES / site).rglob("*"):
        relative = path.relative_to(SITES / site)
        if path.is_dir() or path.name.startswith(("LICENSE", "SOURCES")):
            continue
        if names is not None and path.suffix == ".md" and path.name not in names:
            continue
        target = root / "content" / site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())


def pdf_text(path: Path) -> str:
    from pdfs import reader

    text = "\n".join(page.extract_text() for page in reader(path).pages)
    return re.sub(r"-\n", "", text)  # a word hyphenated at a line's end


def source_words(source: str) -> list[str]:
    body = source.split("\n---\n", 1)[1] if source.startswith("---\n") else source
    return re.findall(r"\w+", SYNTAX.sub(" ", body))


def raw_in_code(source: str, marker: re.Pattern) -> int:
    """How often `marker` appears in the source's code, where it is the page's content."""
    return sum(len(marker.findall(source[a:b])) for a, b in code_ranges(source))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    pack = ('\n[packs.site-pages]\ntitle = "Pages from documentation sites"\n'
            'audience = "newcomers"\ndocuments = ["http-get", "project-structure", "components"]\n')
    root = new_project(tmp_path_factory.mktemp("corpus"), LANGS, pack)
    for site in ("mdn", "kubernetes", "astro", "docusaurus", "jekyll"):
        bring(root, site)
    outcome = invoke(root, "build")
    return root, outcome


@pytest.mark.slow
def test_every_page_of_the_corpus_builds_with_nothing_raw_and_its_words_printed(corpus):
    root, outcome = corpus
    assert outcome.exit_code == 0, outcome.output
    sources = sorted((root / "content").rglob("*.*.md"))
    sources = [s for s in sources if s.parent.name != "handouts"]
    assert len(sources) >= 20 and len({s.name.split(".")[1] for s in sources}) >= 9
    for source in sources:
        slug, lang = source.name.split(".")[:2]
        pdf = root / "build" / lang / "documents" / f"{slug}.pdf"
        assert pdf.is_file(), source
        text, written = pdf_text(pdf), source.read_text(encoding="utf-8")
        for marker in RAW:
            assert len(marker.findall(text)) <= raw_in_code(written, marker), (source.name,
                                                                                marker.pattern)
        if lang == "hi":
            continue  # Devanagari's text layer is the languages issue's (23)
        folded = re.sub(r"\s", "", text)
        words = source_words(written)
        found = [w for w in words if w in folded]
        assert len(found) >= 0.95 * len(words), (source.name,
                                                 sorted(set(words) - set(found))[:40])
    for lang in ("en", "ar", "ja"):
        assert (root / "build" / lang / "site-pages.pdf").is_file()


@pytest.mark.slow
def test_three_pages_of_a_larger_site_build_with_one_warning_per_outside_link(tmp_path):
    root = new_project(tmp_path, ["en"])
    bring(root, "docusaurus")
    bring(root, "astro", ["dynamic-images.en.md", "tutorial-setup.en.md"])
    outcome = invoke(root, "build")
    assert outcome.exit_code == 0, outcome.output
    source = (root / "content/docusaurus/installation.en.md").read_text(encoding="utf-8")
    outside = set(re.findall(r"\]\(((?:\./)?[\w/-]+\.mdx(?:#[\w-]+)?)\)", source))
    warned = re.findall(r"link '([^']+)' is to a page that is not in the project", outcome.output)
    assert sorted(w for w in warned if w in outside) == sorted(outside)
    assert len(outside) == 8
    assert "https://example.org/docusaurus/deployment/#deploying-to-netlify" in outcome.output
    assert (root / "build/en/documents/installation.pdf").is_file()


def test_a_link_to_name_md_finds_the_document_in_its_language(tmp_path):
    root = new_project(tmp_path, ["en", "fr"])
    handouts = root / "content" / "handouts"
    (handouts / "next.en.md").write_text("---\ntitle: Next\n---\nNext steps.\n")
    (handouts / "next.fr.md").write_text("---\ntitle: Suite\n---\nLa suite.\n")
    for lang in ("en", "fr"):
        page = handouts / f"welcome.{lang}.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n[next](next.md) and "
                        "[legal](../legal/)\n", encoding="utf-8")
    outcome = invoke(root, "check")
    assert "next.md" not in outcome.output, outcome.output
    assert "link '../legal/' is to a page that is not in the project; it prints as its text " \
           "and links to https://example.org/legal/" in outcome.output
    from handoutpack.project import loader
    from handoutpack.sources import resources
    project = loader.load(root)
    body = resources.adapt('<a href="next.md#a">n</a>', project.links, handouts, "fr")
    assert 'href="next.fr.md#a"' in body


def test_new_then_fr_removed_checks_clean(tmp_path):
    root = new_project(tmp_path, ["en"])
    outcome = invoke(root, "check")
    assert outcome.exit_code == 0, outcome.output
    assert "0 error(s), 0 warning(s)" in outcome.output


@pytest.mark.slow
def test_new_then_fr_removed_builds(tmp_path):
    root = new_project(tmp_path, ["en"])
    outcome = invoke(root, "build")
    assert outcome.exit_code == 0, outcome.output
    assert (root / "build/en/welcome-pack.pdf").is_file()
    assert not (root / "build/fr").exists()


# ---------------------------------------------------------------- a build that keeps going


@pytest.mark.slow
def test_a_document_with_an_error_does_not_stop_the_others(tmp_path):
    pack = ('\n[packs.second]\ntitle = "Second"\naudience = "newcomers"\n'
            'documents = ["other"]\n\n[email]\nfrom = "Example <team@example.org>"\n')
    root = new_project(tmp_path, ["en"], pack)
    handouts = root / "content" / "handouts"
    (handouts / "other.en.md").write_text("---\ntitle: Other\n---\nFine text.\n")
    assert invoke(root, "build").exit_code == 0
    before = (root / "build/en/welcome-pack.pdf").read_bytes()
    welcome = handouts / "welcome.en.md"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\n{{ org.nmae }}\n")
    (handouts / "other.en.md").write_text("---\ntitle: Other\n---\nChanged text.\n")
    outcome = invoke(root, "build")
    assert outcome.exit_code == 1, outcome.output
    assert re.search(r"content/handouts/welcome\.en\.md:\d+: .*'org' has no 'nmae'",
                     outcome.output), outcome.output
    assert "pack 'welcome-pack' was not rebuilt" in outcome.output
    assert "Changed text." in pdf_text(root / "build/en/second.pdf")
    assert (root / "build/en/welcome-pack.pdf").read_bytes() == before
    refused = invoke(root, "email", "welcome-pack", "--to", str(tmp_path / "none.csv"))
    assert refused.exit_code == 2
    assert "welcome-pack' is stale" in refused.output and "welcome.en.md" in refused.output
    from handoutpack.distribute import outbox
    from handoutpack.project import loader
    with pytest.raises(HandoutpackError, match="welcome-pack' is stale"):
        outbox.prepare(loader.load(root).mail, {}, "welcome-pack", tmp_path / "none.csv")
    strict = invoke(root, "build", "--strict")
    assert strict.exit_code == 2


def test_deep_or_unclosed_syntax_is_read_without_exhausting_the_stack():
    out, notes = rewritten("<Gizmo>" * 5000 + "deep text" + "</Gizmo>" * 5000)
    assert "deep text" in out and "<Gizmo" not in out
    out, _ = rewritten("{{< note >}}" * 3000 + "unclosed text")
    assert "unclosed text" in out and "{{<" not in out
    out, _ = rewritten("`" + "a `b " * 2000 + '{{jsxref("x")}}')
    assert "developer.mozilla.org" in out
    # blocks that open and never close stay as written (read in one pass: prose.replace_pairs),
    # and a closing tag before them closes none of them
    for opening, closing in (("{% comment %}", "{% endcomment %}"),
                             ("{% highlight r %}\n", "{% endhighlight %}")):
        text = closing + ("x " + opening) * 2000
        assert rewritten(text)[0] == text
    out, _ = rewritten("a {% comment %}b{% comment %}c{% endcomment %}d{% endcomment %} e")
    assert out == "a d{% endcomment %} e"  # Liquid's comments do not nest either


@pytest.mark.parametrize("where", ["document", "project"])
def test_templating_turned_off_prints_braces_as_written(tmp_path, where):
    root = new_project(tmp_path, ["en"])
    page = root / "content/handouts/welcome.en.md"
    text = page.read_text(encoding="utf-8").replace("{{ org.name }}", "{{ .Site.Title }}")
    if where == "document":
        text = text.replace("---\n", "---\ntemplating: false\n", 1)
    else:
        config = root / "handoutpack.toml"
        config.write_text(config.read_text(encoding="utf-8") + "\n[content]\ntemplating = false\n")
    page.write_text(text + "\n{{< note >}}\nStill read.\n{{< /note >}}\n", encoding="utf-8")
    outcome = invoke(root, "check")
    assert "error" not in outcome.output.replace("0 error(s)", ""), outcome.output
    from handoutpack.project import loader
    from handoutpack.sources import content
    project = loader.load(root)
    welcome = content.load(project.reading)["welcome"].translations["en"]
    expanded = jinja.expand(welcome, jinja.make_context(project.theme, "en", project.event,
                                                          templating=project.templating))
    assert "{{ .Site.Title }}" in expanded and '<div class="block note"' in expanded


def test_without_templating_raw_markers_go_and_other_template_tags_are_warned(tmp_path):
    """A Jekyll page with templating off: `{% raw %}` only asked for what happens anyway, so it
    does not print; Liquid that no template runs prints as written, with a warning at its line
    (in code, everything stays as written)."""
    root = new_project(tmp_path, ["en"])
    page = root / "content/handouts/welcome.en.md"
    text = page.read_text(encoding="utf-8").replace("---\n", "---\ntemplating: false\n", 1)
    body = ('\n{% raw %}\nWrite {{ page.title }} in a layout.\n{% endraw %}\n\n'
            'See {{ site.title }} and {{ .Site.Title }}.\n\n{% include note.html content="Hi" %}\n\n'
            '```liquid\n{% raw %}{{ x }}{% endraw %}\n```\n')
    page.write_text(text + body, encoding="utf-8")
    first = (text + "\n").count("\n") + 1
    outcome = invoke(root, "build")
    assert outcome.exit_code == 0, outcome.output
    printed = all_text(root / "build/en/documents/welcome.pdf")
    assert "Write {{ page.title }} in a layout." in printed
    assert printed.count("{% raw %}") == 1 and printed.count("{% endraw %}") == 1  # the code's
    for needle, line in (("{{ site.title }}", first + 4), ("{{ .Site.Title }}", first + 4),
                         ("{% include note.html", first + 6)):
        assert re.search(rf"welcome.en.md:{line}: '{re.escape(needle)}[^']*' prints as written",
                         outcome.output), (needle, outcome.output)
    assert "{% raw %}' prints" not in outcome.output


def test_a_template_error_after_rewritten_syntax_names_its_line_in_the_file(tmp_path):
    root = new_project(tmp_path, ["en"])
    page = root / "content/handouts/welcome.en.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n{{Compat}}\n\n{{< note >}}\nA note.\n{{< /note >}}\n\n"
                    "Our {{ org.nmae }} here.\n", encoding="utf-8")
    line = (text + "\n{{Compat}}\n\n{{< note >}}\nA note.\n{{< /note >}}\n\n").count("\n") + 1
    outcome = invoke(root, "check")
    assert f"error: content/handouts/welcome.en.md:{line}: template error: 'org' has no " \
           "'nmae'" in outcome.output, outcome.output


# ---------------------------------------------------------------- Pandoc and Material for MkDocs


def test_pandoc_notes_breaks_line_blocks_and_raw_text():
    out, notes = rewritten("Costs^[Fees [included](https://example.org).] rise.\n\n\\newpage\n\n"
                           "## Annex {- #annex}\n\n| The Task Force\n|    Lima\n|\n| Peru\n\n"
                           "`<b>bold</b>`{=html} `\\pagebreak`{=latex}\n\n```{=latex}\n\\vspace{1cm}\n```\n\n"
                           "```\n^[kept] `x`{=html}\n| kept\n```\n")
    page = markdown.to_html(out)
    assert '<span class="footnote">Fees <a href="https://example.org">included</a>.</span>' in page
    assert page.count('<div class="page-break"></div>') == 2  # \newpage, `\pagebreak`{=latex}
    assert '<h2 class="unnumbered" id="annex">Annex</h2>' in page
    assert "The Task Force<br />\n\u00a0\u00a0\u00a0Lima<br />\n<br />\nPeru" in page
    assert "<b>bold</b>" in page and "vspace" not in page and "pagebreak" not in page
    assert "^[kept] `x`{=html}\n| kept" in page  # code, as written
    assert len(notes) == 1 and "a raw latex block" in notes[0]


def test_material_for_mkdocs_collapsibles_tabs_and_snippets(tmp_path):
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "footer.md").write_text("*Due in March.*\n", encoding="utf-8")
    docs = tmp_path / "content" / "guide"
    docs.mkdir(parents=True)
    out, notes = rewritten('## Readers\n\n??? note "Who?"\n    Funders.\n\n=== "Linux"\n\n    apt\n\n'
                           '=== "macOS"\n    brew\n\n--8<-- "includes/footer.md"\n\n'
                           '--8<-- "../../../etc/passwd"\n', folder=docs, root=tmp_path)
    page = markdown.to_html(out)
    assert '<p class="admonition-title">Who?</p>' in page and "???" not in page
    assert re.search(r'<h3 id="linux">Linux</h3>\s*<p>apt</p>\s*<h3 id="macos">macOS</h3>', page)
    assert "<em>Due in March.</em>" in page and "8&lt;" not in page and "root:" not in page
    assert len(notes) == 1 and "'../../../etc/passwd'" in notes[0]


def test_a_hugo_page_with_toml_front_matter_builds(tmp_path):
    root = new_project(tmp_path, ["en"])
    (root / "content/handouts/hugo.en.md").write_text(
        '+++\ntitle = "Savings groups"\ndescription = "What members keep."\ndraft = false\n'
        'tags = ["savings"]\n\n[params]\nicon = "piggy"\n+++\n\nMembers meet **weekly**.\n',
        encoding="utf-8")
    outcome = invoke(root, "build")
    assert outcome.exit_code == 0, outcome.output
    text = all_text(root / "build/en/documents/hugo.pdf")
    assert "Savings groups" in text and "What members keep." in text and "+++" not in text
    assert "hugo.en.md:4: front matter 'draft' is not used by handoutpack and is ignored;" \
        in outcome.output  # its line; no "did you mean 'date'?" for another tool's key


def test_jekylls_site_paths_are_read_without_running_liquid():
    """How Jekyll's own documentation and Carpentries lessons write links and images: each
    leaves the path from the site's root, which handoutpack resolves as it does `/docs/x/`."""
    page = html("[Posts]({{ '/docs/posts/' | relative_url }}), [pages]({% link _docs/pages.md %}),"
                ' [home]({{ "/" | absolute_url }}), ![Chart]({{ page.root }}/fig/chart.png),'
                " [setup]({{ site.url }}{{ site.baseurl }}/setup.html).\n\n"
                "`{{ '/kept/' | relative_url }}` and `{% link kept.md %}` in code.\n")
    for href in ('href="/docs/posts/"', 'href="/_docs/pages.md"', 'href="/"',
                 'src="/fig/chart.png"', 'href="/setup.html"'):
        assert href in page, (href, page)
    assert "<code>{{ '/kept/' | relative_url }}</code>" in page
    assert "<code>{% link kept.md %}</code>" in page


def test_jekylls_highlight_blocks_are_code_and_its_comments_are_left_out():
    page = html("{% highlight ruby linenos %}\ndef hello\n  puts \"{{ page.title }}\"\nend\n"
                "{% endhighlight %}\n\n{% comment %}\nFor editors.\n{% endcomment %}\n\nAfter.\n")
    assert '<code class="language-ruby">def hello\n  puts "{{ page.title }}"\nend' in page
    assert "For editors" not in page and "highlight" not in page and "<p>After.</p>" in page


def test_liquid_in_code_wrapped_in_raw_prints_as_written_once():
    """Jekyll's pages wrap their Liquid examples in `{% raw %}`: Jinja prints that stretch as
    written, so nothing in it is escaped (the escapes printed as `{{ "{%" }}` before)."""
    page = html('{% raw %}\n```liquid\n{% for m in site.data.members %}{{ m.name }}{% endfor %}\n'
                '```\n{% endraw %}\n\nAfter {{ org.name }}, and `{% include x %}` in code.\n')
    assert "{% for m in site.data.members %}{{ m.name }}{% endfor %}" in page
    assert '{{ "' not in page and "raw %}" not in page
    assert "After ExOrg" in page and "<code>{% include x %}</code>" in page
