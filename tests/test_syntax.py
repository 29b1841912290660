"""The Markdown extensions for other tools' syntax, one by one, on HTML (fast: no builds)."""

from __future__ import annotations

import re

import markdown
import pytest

from handoutpack.markup import markdown as markup
from handoutpack import syntax
from handoutpack.syntax import emoji, overflow


def html(text: str) -> str:
    return markup._to_html(text, "Figure {number}", False)


def test_fenced_divs_nest_and_read_their_markdown():
    out = html(":::: {.challenge #first}\n## Try\n\n::: solution\n*Yes.*\n:::\n::::\n")
    assert '<div class="block challenge" id="first">' in out
    assert '<div class="block solution">\n<p><em>Yes.</em></p>\n</div>\n</div>' in out


def test_colons_inside_code_stay_code():
    out = html("```\n::: note\n:::\n```\n")
    assert "<div" not in out and "::: note\n:::" in out


def test_an_unclosed_div_ends_with_the_document():
    assert html("::: warning\nCareful.\n").count("</div>") == 1


def test_quarto_callout_title():
    out = html('::: {.callout-tip title="Tip &amp; trick"}\nText.\n:::\n')
    assert '<p class="block-title">Tip &amp; trick</p>' in out


def test_attribute_lists_on_images_spans_and_headings():
    out = html('## Intro {#start .lead}\n\n![A](a.png){width=120 height="3cm" onclick="x()"}\n\n'
               "Some [small caps]{.smallcaps lang=fr}.\n")
    assert '<h2 class="lead" id="start">Intro</h2>' in out
    assert 'style="width: 120px; height: 3cm"' in out and "onclick" not in out
    assert '<span class="smallcaps" lang="fr">small caps</span>' in out


def test_pandoc_ids_are_not_jinja_comments():
    assert syntax.protect_from_jinja("## A {#a}\n{# a comment #}") == \
        '## A {{ "{#" }}a}\n{# a comment #}'


def test_kramdown_block_attributes_go_to_the_quote_they_end():
    out = html("> ## Task\n> Do it.\n>\n> > ## Answer\n> > Done.\n> {: .solution}\n"
               "{: .challenge}\n")
    assert '<blockquote class="challenge">' in out and '<blockquote class="solution">' in out
    assert "{:" not in out


def test_a_kramdown_attribute_list_right_after_a_table_goes_to_the_table():
    """As Jekyll sites write it (`{: .table}` on the line after the last row); Python-Markdown
    read it as one more row, printing `{: .table}` in a cell."""
    out = html("| Option | Default |\n|---|---|\n| `theme` | `minima` |\n{: .table #options}\n\n"
               "After.\n")
    assert '<table class="table" id="options">' in out and "{:" not in out
    assert out.count("<tr>") == 2 and "<p>After.</p>" in out


def test_task_lists():
    out = html("- [ ] open\n- [X] done\n- plain\n")
    assert '<ul class="tasks">' in out and "☐</span> open" in out and "☑</span> done" in out
    assert "<li>plain</li>" in out


@pytest.mark.parametrize("line", ["x" * 200, "word " * 50, "a" * 79])
def test_code_lines_break_within_the_width_and_lose_nothing(line):
    pieces = overflow.break_line(line)
    assert all(len(p) <= overflow.CODE_COLUMNS for p in pieces)
    assert "".join(pieces) == line


def test_wide_tables_are_marked():
    row = "|" + "|".join("abcdef") + "|\n"
    out = html(row + "|" + "---|" * 6 + "\n" + row)
    assert '<table class="wide">' in out


def test_emoji_get_their_font_or_their_names(monkeypatch):
    md = markdown.Markdown(extensions=[emoji.Extension()])
    assert '<span class="emoji">🎉</span>' in md.convert("Done 🎉 now")
    monkeypatch.setattr(emoji, "font_available", lambda: False)
    assert "Done [party popper] now" in md.reset().convert("Done 🎉 now")


def test_a_numbered_list_starting_past_one_prints_its_own_numbers():
    """`<ol start>` is lost on WeasyPrint's page; the list's counter carries the start."""
    import io

    import weasyprint
    from pypdf import PdfReader

    body = html("Steps one to six came before.\n\n7. Seventh step\n8. Eighth step\n")
    assert 'style="counter-reset: list-item 6"' in body
    pdf = weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert re.findall(r"(\d+)\.", text) == ["7", "8"], text  # the markers, wherever drawn


def test_a_kramdown_toc_list_is_the_contents_without_the_no_toc_headings():
    out = html("# Guide\n{:.no_toc}\n\n* TOC\n{:toc}\n\n## First\n\n### Aside\n{: .no_toc}\n\n"
               "#### Deeper\n\n## Second\n\n```\n* TOC\n{:toc}\n```\n")
    contents = out.split('<div class="document-contents">')[1].split("</div>")[0]
    assert re.findall(r'href="#([\w-]+)"', contents) == ["first", "deeper", "second"]
    assert "<li>TOC" not in out and "<li toc" not in out
    assert "* TOC\n{:toc}" in out  # in code, as written


def test_contents_whose_one_root_is_the_leading_heading_list_what_is_under_it():
    out = html("# Guide\n\n[TOC]\n\n## A\n\n## B\n")
    contents = out.split('<div class="document-contents">')[1].split("</div>")[0]
    assert re.findall(r'href="#([\w-]+)"', contents) == ["a", "b"]
    assert "<ul>\n<li>" in contents and contents.count("<ul>") == 1


def test_kramdown_extensions_do_what_kramdown_does_with_them():
    """`{::comment}` is left out, `{::nomarkdown}` keeps its HTML, `{::options /}` goes; in
    code, all stay as written."""
    out = html('{::options parse_block_html="true" /}\n\nIntro {::comment}a note{:/} here.\n\n'
               "{::comment}\nHidden.\n{:/comment}\n\n{::nomarkdown}\n<b>raw</b>\n{:/nomarkdown}\n\n"
               "```\n{::comment}kept{:/}\n```\n")
    assert "{::" not in out.split("<pre>")[0] and "Hidden" not in out and "a note" not in out
    assert "<p>Intro  here.</p>" in out and "<b>raw</b>" in out
    assert "{::comment}kept{:/}" in out


def test_code_in_a_quote_is_code_and_takes_the_attribute_list_after_it():
    """As Carpentries' kramdown lessons write solutions: `> ~~~` fences in a quote, and
    `{: .language-python}` on the line after a code block (its <pre> takes it, not a <p>)."""
    out = html("~~~\nls -la\n~~~\n{: .language-bash}\n\n> ## Solution\n>\n> ~~~\n> print(1)\n"
               ">     indented()\n> ~~~\n> {: .language-python}\n{: .solution}\n")
    assert '<pre class="language-bash"><code>ls -la\n</code></pre>' in out
    assert '<blockquote class="solution">' in out and "~~~" not in out
    assert '<pre class="language-python"><code>print(1)\n    indented()\n</code></pre>' in out
    assert "<p" not in out.split("<pre")[1]  # no paragraph around a code block


def test_leftovers_name_math_and_citations_but_not_prices_or_emails():
    from handoutpack.syntax.leftovers import leftovers

    found = [text for text, _ in leftovers(
        "Costs $5 and $10. Math $$E = mc^2$$, $x_1$, \\(a^2\\). As [@smith2020, p. 3] and "
        "[see @doe99; -@roe], not [mail a@b.org]. {{ .Site.Title }} once. " + "{x=" * 5000)]
    assert found == ["{{ .Site.Title }}", "$$E = mc^2$$", "$x_1$", "\\(a^2\\)",
                     "[@smith2020, p. 3]", "[see @doe99; -@roe]"]
