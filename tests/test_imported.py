"""Markdown from other tools (Pandoc, kramdown/Jekyll, MkDocs, Carpentries lessons) builds as it
is: the corpus in tests/corpus is built once and its PDFs read back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2
import pytest

from conftest import invoke
from pdfs import all_text, bookmarks, link_targets, page_text, reader, text_lines

CORPUS = Path(__file__).parent / "corpus"
LANGS = ("en", "fr", "es")
RAW = re.compile(r":::|\{:|\{#|\{\.|\{-|\{alt=|\{width=|\{=|!!!|\?\?\?|^===|==\w|\+\+\w|"
                 r"\^\[|\^\d|~~|--8<--|\\newpage|\[[ xX]\]|&[A-Za-z]+;|&#\d+;", re.M)
"""What Pandoc, kramdown, MkDocs and GitHub syntax looks like when it prints unconverted."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus, copied and built once; (project folder, what the build printed)."""
    root = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, root)
    outcome = invoke(root, "build")
    assert outcome.exit_code == 0, outcome.output
    return root, outcome.output


def documents(root: Path) -> list[Path]:
    return sorted(root.glob("build/*/documents/*.pdf"))


def folded(text: str) -> str:
    """Text without whitespace or continuation marks: how a code line is compared."""
    return re.sub(r"\s|↪", "", text)


def source(root: Path, relative: str) -> str:
    return (root / "content" / relative).read_text(encoding="utf-8")


def test_every_document_builds_in_every_language_with_no_raw_syntax(corpus):
    root, _ = corpus
    built = documents(root)
    assert len(built) == 15
    for pdf in [*built, *root.glob("build/*/workshop.pdf")]:
        text = all_text(pdf)
        assert not RAW.findall(text), (pdf, RAW.findall(text))


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_line_is_printed_whole(corpus, lang):
    root, _ = corpus
    text = folded(all_text(root / f"build/{lang}/documents/pricing-notes.pdf"))
    code = source(root, f"pandoc/pricing-notes.{lang}.md").split("```python\n")[1].split("```")[0]
    lines = [line for line in code.splitlines() if line.strip()]
    assert max(map(len, lines)) > 110
    for line in lines:
        assert folded(line) in text, line


def test_every_word_of_long_lines_wide_tables_and_urls_is_printed(corpus):
    root, _ = corpus
    text = all_text(root / "build/en/documents/pricing-notes.pdf")
    printed = set(re.findall(r"\w+", text))
    printed |= {word.rstrip("0123456789") for word in printed}  # a footnote's number after it
    body = source(root, "pandoc/pricing-notes.en.md").split("---\n", 2)[2]
    body = re.sub(r"```\{=latex\}.*?```|\\newpage|[~^]", "", body, flags=re.S)  # LaTeX's only
    prose = re.sub(r"\{[^}]*\}|!\[[^\]]*\]\([^)]*\)|^:+.*$|^```\w*|\[x\]|https://", "", body,
                   flags=re.M)  # syntax, images (their alt text is not printed), link schemes
    missing = {word for word in re.findall(r"\w+", prose) if word not in printed
               and not hyphenated(word, text)}
    assert not missing


def hyphenated(word: str, text: str) -> bool:
    """`word` broken by hyphenation where a reader's text extraction cannot join it again (in a
    table cell, the rest of the row comes between its two parts)."""
    return any(f"{word[:cut]}\u2010" in text and word[cut:] in text
               for cut in range(2, len(word) - 1))


def test_long_code_lines_are_marked_where_they_continue(corpus):
    root, _ = corpus
    text = all_text(root / "build/en/documents/pricing-notes.pdf")
    assert text.count("↪") >= 3


def test_entities_in_front_matter_are_decoded_everywhere(corpus):
    root, _ = corpus
    title = "Precios & transparencia: Código y notas"
    pdf = root / "build/es/documents/pricing-notes.pdf"
    assert title in all_text(pdf)
    assert reader(pdf).metadata.title == title
    pack_marks = [b.title for b in bookmarks(root / "build/es/workshop.pdf")]
    assert title in pack_marks and "Protección al cliente – siete principios" in pack_marks
    page = (root / "build/es/index.html").read_text(encoding="utf-8")
    assert "Código" in page and "&amp;oacute;" not in page and "&oacute;" not in page


def test_each_language_uses_its_own_figure(corpus):
    root, _ = corpus
    widths = {lang: figure_width(root / f"build/{lang}/documents/transparency-episode.pdf")
              for lang in LANGS}
    assert widths == {"en": 80, "fr": 84, "es": 82}


def figure_width(pdf: Path) -> int:
    """The pixel width of the one image drawn in the PDF."""
    images = [image for page in reader(pdf).pages for image in page.images]
    assert len(images) == 1
    return images[0].image.width


def test_image_width_attribute_is_honoured(corpus):
    root, _ = corpus
    page = pypdfium2.PdfDocument(root / "build/en/documents/pricing-notes.pdf")[0]
    image = page.render(scale=1).to_pil().convert("RGB")
    purple = [x for x in range(image.width) for y in range(0, image.height, 4)
              if image.getpixel((x, y)) == (120, 30, 150)]
    text_width = 122 / 25.4 * 72  # A4's text column (a measure of about 70 characters), in points
    assert abs((max(purple) - min(purple) + 1) / text_width - 0.40) < 0.02


def test_task_lists_print_boxes(corpus):
    root, _ = corpus
    for lang in LANGS:
        text = all_text(root / f"build/{lang}/documents/pricing-notes.pdf")
        assert text.count("☑") == 1 and text.count("☐") == 1


def test_blocks_keep_their_text_and_headings(corpus):
    root, _ = corpus
    text = all_text(root / "build/en/documents/client-protection.pdf").lower()
    for words in ("exercise", "which principle covers", "solution", "the seventh",
                  "remember: client protection"):  # (block titles print in capitals)
        assert words in text
    episode = all_text(root / "build/fr/documents/transparency-episode.pdf")
    assert "EXERCICE 1" in episode and "Un taux forfaitaire" in episode


def test_emoji_print_from_the_emoji_font(corpus):
    root, _ = corpus
    pdf = root / "build/en/documents/reporting-guide.pdf"
    assert "📊" in all_text(pdf) and "👍" in all_text(pdf)
    fonts = {str(font["/BaseFont"]) for page in reader(pdf).pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("Emoji" in name for name in fonts)


def test_what_prints_differently_is_warned_once_with_file_and_line(corpus):
    _, output = corpus
    assert output.count("front matter 'layout' is not used") == 1
    assert "(and in 2 other files)" in output
    assert ("content/jekyll/client-protection.en.md:35: image "
            "'https://avatars.example.org/u/42.png' is on the network, so it is not fetched") \
        in output
    assert ("content/jekyll/client-protection.en.md:32: '/notices/' is a website path with no "
            "file in the project (looked in the project folder)") in output
    assert "it links to https://sptf.example.org/notices/" in output


def test_a_page_without_front_matter_takes_its_title_from_its_first_heading(corpus):
    root, _ = corpus
    for lang, title in (("en", "Glossary"), ("fr", "Glossaire"), ("es", "Glosario")):
        pdf = root / f"build/{lang}/documents/glossary.pdf"
        assert reader(pdf).metadata.title == title
        assert all_text(pdf).count(title) == 1  # the masthead's, not twice


def test_a_first_heading_repeating_the_title_prints_once(corpus):
    root, _ = corpus
    text = all_text(root / "build/en/documents/reporting-guide.pdf")
    assert text.count("Reporting social performance") == 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_kramdown_toc_list_prints_the_contents_not_its_placeholder(corpus, lang):
    """`* TOC` then `{:toc}`, as Jekyll themes write it: the document's headings as links to
    them, and no bullet saying "TOC"."""
    root, _ = corpus
    pdf = root / f"build/{lang}/documents/client-protection.pdf"
    assert "TOC" not in [line.strip() for _, line in text_lines(pdf, 1)]
    assert link_targets(pdf, 1)[:2] == [1, 1]  # Exercise, Solution: on the first page


def test_a_lessons_code_in_a_quote_and_its_root_relative_link(corpus):
    """A Carpentries lesson's (kramdown) code inside a challenge's quote, its `{: .language-*}`
    after it, and a link from `{{ page.root }}`: code, not a paragraph between `~~~` lines; a
    link to the project's page, not a template error."""
    root, output = corpus
    pdf = root / "build/en/documents/client-protection.pdf"
    lines = [line.strip() for page in range(1, len(reader(pdf).pages) + 1)
             for _, line in text_lines(pdf, page)]
    assert "share_resolved = complaints_resolved / complaints_received" in lines
    assert not [line for line in lines if "~~~" in line or "{{" in line]
    assert "The terms are in the glossary." in lines
    assert "page.root" not in output


def test_a_kramdown_comment_is_left_out(corpus):
    root, _ = corpus
    text = all_text(root / "build/en/documents/client-protection.pdf")
    assert "working group" not in text and "comment" not in text and "Remember:" in text


def test_a_markdown_toc_marker_lists_the_headings_under_the_title(corpus):
    root, _ = corpus
    pdf = root / "build/en/documents/reporting-guide.pdf"
    text = all_text(pdf)
    assert "[TOC]" not in text
    assert text.count("The categories") == 2 and text.count("Where to ask") == 2
    # the categories, the two tabs (headed sections on paper), where to ask; not the title,
    # which the page prints above
    assert len(link_targets(pdf, 1)) == 4


def test_material_for_mkdocs_blocks_print_open(corpus):
    """A collapsible admonition prints open, content tabs one after the other under their
    titles, a snippet as the file's text; marks and keys as text."""
    root, output = corpus
    text = " ".join(all_text(root / "build/en/documents/reporting-guide.pdf").split())
    text = text.replace("\u2019", "'").casefold()  # apostrophes curled, box titles in capitals
    for words in ("who reads the report?", "funders, networks and the institution's own board.",
                  "funders they compare institutions", "networks they benchmark their members.",
                  "press ctrl + p to print", "the figures are the institution's own",
                  "the report is due each year in march."):
        assert words in text, (words, text)
    assert "snippet" not in output


def test_pandoc_notes_page_breaks_and_raw_blocks(corpus):
    root, output = corpus
    pdf = root / "build/en/documents/pricing-notes.pdf"
    text = " ".join(all_text(pdf).split())
    assert "Most compare the instalment, not the rate" in text  # the inline note, as a footnote
    assert "10 3 soles" in text or "103 soles" in text
    assert "vspace" not in text
    assert "pricing-notes.en.md" in output and "a raw latex block" in output
    last = page_text(pdf, len(reader(pdf).pages))  # \newpage: the annex starts a page
    assert "Annex: the formulas" in last and "In the field" not in last, last
    lines = [line.strip() for _, line in text_lines(pdf, len(reader(pdf).pages))]
    at = lines.index("Workshop team")  # a line block: each line its own
    assert lines[at + 1:at + 3] == ["Social Performance Task Force", "Lima, Peru"], lines
    assert "'[@mft2011, p. 4]' prints as written: a Pandoc citation" in output
    assert ("pricing-notes.en.md:63: '$(1 + r)^{12} – 1$' prints as written: TeX math, which is "
            "not typeset") in output  # its line found, though the page's dash is typeset


def test_remote_image_prints_its_alt_text(corpus):
    root, _ = corpus
    assert "Portrait of a trainer" in all_text(root / "build/en/documents/client-protection.pdf")


def test_strict_fails_on_ignored_keys_and_remote_images(corpus, tmp_path):
    root, _ = corpus
    copy = tmp_path / "strict"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    outcome = invoke(copy, "build", "--strict", "-q")
    assert outcome.exit_code == 2
    assert "front matter 'teaching' is not used" in outcome.stderr
    assert "avatars.example.org/u/42.png' is on the network" in outcome.stderr
