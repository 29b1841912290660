"""The sample toolkit's content itself: complete front matter, current translations, real text,
decks shaped as decks, and documents that fit the pages they promise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutpack.project import config
from handoutpack.project import loader
from handoutpack.sources import content
from handoutpack.markup import decks
from pdfs import bookmarks

SECTION_KIND = {"presentations": "presentation", "handouts": "handout", "about": "about"}
MIN_WORDS = {"presentation": 400, "handout": 350, "about": 200}
# Arabic writes "and", "the", "with" and "for" as part of the next word: the same text has about
# a fifth fewer words than in English.
WORD_SHARE = {"ar": 0.8}
PLACEHOLDER = re.compile(r"\b(?:TODO|TBD|FIXME|XXX)\b|(?i:lorem|ipsum|placeholder)")  # "todo" is Spanish
URL = re.compile(r"https://[\w.-]+\.[a-z]{2,}")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project() -> config.Project:
    return loader.load(REPO)


@pytest.fixture(scope="module")
def documents(project) -> dict[str, content.Document]:
    return content.load(project.reading)


def translations(documents):
    return [t for d in documents.values() for t in d.translations.values()]


def visible_text(translation: content.Translation) -> str:
    """What a reader sees: the body without speaker notes and Jinja tags."""
    return re.sub(r"{%.*?%}|{{.*?}}", " ", decks.NOTES.sub(" ", translation.body), flags=re.S)


def test_the_whole_toolkit_is_there(documents):
    """The toolkit page's 17 items, in at least the languages it lists them in, plus the media
    pack's key-figures sheet."""
    kinds = [d.main("en").meta.kind for d in documents.values()]
    assert (kinds.count("presentation"), kinds.count("handout"), kinds.count("about")) == (8, 8, 2)
    seed = {"spm-principles": {"en", "fr"}, "benefits-of-reporting": {"en", "es"},
            "case-for-associations": {"en", "es"}, "case-for-networks": {"en", "es"},
            "case-for-investors": {"en", "es"}, "sptf-introduction": {"en", "fr", "es"},
            "sptf-declaration": {"en", "fr"}}
    for slug, languages in seed.items():
        assert languages <= set(documents[slug].translations), slug


def test_packs_are_in_their_language_throughout(project, documents):
    """The French and Spanish conference and training packs, the Portuguese and Arabic
    conference and media packs, and the packs for investors, associations and networks in every
    language hold no English fallback."""
    groups = ["fr", "es", "pt", "ar"]
    for pack_id, languages in (("conference", ["fr", "es", "pt", "ar"]), ("media", ["pt", "ar"]),
                               ("training", ["fr", "es"]), ("investors", groups),
                               ("associations", groups), ("networks", groups)):
        for lang in languages:
            missing = [slug for slug in project.packs[pack_id].documents
                       if lang not in documents[slug].translations]
            assert not missing, f"{lang}/{pack_id}: no {lang} text of {missing}"


def test_front_matter_is_complete(documents):
    for t in translations(documents):
        meta, name = t.meta, t.path.name
        section = t.path.parent.name
        assert meta.kind == SECTION_KIND[section], f"{name}: kind {meta.kind} in {section}/"
        assert meta.order != 999, f"{name}: give it an order (its place on the toolkit page)"
        assert meta.date is not None, f"{name}: date the text"
        assert meta.audiences, f"{name}: say whom it is written for"
        assert meta.keywords, f"{name}: give PDF keywords"
        assert len(meta.summary.split()) >= 8, f"{name}: the summary is too thin"
        assert meta.marp == (meta.kind == "presentation"), f"{name}: marp: true on decks only"


def test_translations_agree_with_their_source(documents):
    for document in documents.values():
        source = document.main("en").meta
        for lang, t in document.translations.items():
            if lang == "en":
                assert t.meta.source_revision is None, f"{t.path.name}: English is the source"
                continue
            assert (t.meta.kind, t.meta.order, t.meta.audiences) == (
                source.kind, source.order, source.audiences), f"{t.path.name}: differs from English"
            assert t.meta.title != source.title, f"{t.path.name}: the title is not translated"


def test_no_translation_is_stale(documents):
    """Each translation was made from the English text as it is now."""
    for document in documents.values():
        current = document.main("en").revision
        for lang, t in document.translations.items():
            if lang != "en":
                assert t.meta.source_revision == current, (
                    f"{t.path.name}: made from English revision {t.meta.source_revision}, "
                    f"but {document.slug}.en.md is now {current}; update the translation and run "
                    f"`handoutpack revision content/{document.section}/{document.slug}.en.md`")


def test_no_document_is_empty_or_a_placeholder(documents):
    for t in translations(documents):
        text = visible_text(t)
        words = len(re.findall(r"\w+", text))
        least = MIN_WORDS[t.meta.kind] * WORD_SHARE.get(t.lang, 1)
        assert words >= least, f"{t.path.name}: only {words} words"
        assert not PLACEHOLDER.search(t.body), f"{t.path.name}: placeholder text"
        assert URL.search(text), f"{t.path.name}: link to the public resources it names"


def test_every_pack_holds_existing_documents_for_its_audience(project, documents):
    for pack in project.packs.values():
        assert pack.documents, pack.id
        assert len(set(pack.documents)) == len(pack.documents), f"{pack.id}: a document twice"
        for slug in pack.documents:
            assert slug in documents, f"pack {pack.id}: no document {slug}"
            assert pack.audience in documents[slug].main("en").meta.audiences, (
                f"pack {pack.id} holds {slug}, which is not written for '{pack.audience}'")


def test_media_pack_is_short_and_starts_with_the_organisation(project, documents):
    media = project.packs["media"].documents
    assert documents[media[0]].main("en").meta.kind == "about"
    assert len(media) <= 5


def test_training_pack_holds_every_presentation_and_the_companion_guide(project, documents):
    """The Standards come first: they are the framework every other session refers to."""
    training = project.packs["training"].documents
    decks = [slug for slug, d in documents.items() if d.main("en").meta.kind == "presentation"]
    assert training[0] == "universal-standards"
    assert sorted(training[:-1]) == sorted(decks) and training[-1] == "companion-resources-guide"


def test_media_pack_holds_dated_figures_and_no_training_deck(project, documents):
    media = project.packs["media"].documents
    assert "key-figures" in media
    assert not [slug for slug in media if documents[slug].main("en").meta.kind == "presentation"]


def test_group_packs_hold_the_decks_their_notes_name(project, documents):
    """A note that promises presentations "in this pack" finds them there."""
    for pack_id, note in (("associations", "case-for-associations"), ("networks", "case-for-networks")):
        body = " ".join(documents[note].main("en").body.split())
        for slug in project.packs[pack_id].documents:
            if documents[slug].main("en").meta.kind == "presentation":
                assert f"*{documents[slug].main('en').meta.title}*" in body, (pack_id, slug)
        named = [slug for slug, d in documents.items() if d.main("en").meta.kind == "presentation"
                 and f"*{d.main('en').meta.title}*" in body]
        assert set(named) <= set(project.packs[pack_id].documents), (pack_id, named)


@pytest.mark.parametrize("slug", ["intro-social-performance", "mission-to-targets",
                                  "client-protection", "pricing-transparency",
                                  "social-indicators-mix", "social-audit-rating",
                                  "client-assessment-tools", "universal-standards"])
def test_decks_are_shaped_as_decks(documents, slug):
    t = documents[slug].main("en")
    assert t.meta.kind == "presentation"
    slides = decks.split_slides(t.body)
    assert 10 <= len(slides) <= 20, f"{slug}: {len(slides)} slides"
    title = slides[0].splitlines()
    assert title[0] == f"# {t.meta.title}", f"{slug}: the first slide is the title slide"
    assert any(line.strip() for line in title[1:]), f"{slug}: the title slide needs a subtitle"
    assert decks.slide_notes(slides[-2])[0].startswith("## Key takeaways"), (
        f"{slug}: every deck closes with the same two slides, Key takeaways then Resources")
    closing = decks.slide_notes(slides[-1])[0]
    assert closing.startswith("## Resources") and len(URL.findall(closing)) >= 2, (
        f"{slug}: the last slide lists resources with their addresses")
    for slide in slides[1:]:
        shown, notes = decks.slide_notes(slide)
        assert shown.startswith(("# ", "## ")), f"{slug}: a slide starts with its heading"
        bullets = sum(bool(BULLET.match(line)) for line in shown.splitlines())
        assert bullets <= 7, f"{slug}: '{shown.splitlines()[0]}' has {bullets} bullets"
    content_slides = [s for s in slides[1:-2] if s.startswith("## ")]
    unnoted = [s.splitlines()[0] for s in content_slides if not decks.slide_notes(s)[1]]
    assert not unnoted, f"{slug}: speaker notes missing on {unnoted}"


# ---------------------------------------------------------------- what the built pages show


def pages(path) -> int:
    return len(PdfReader(str(path)).pages)


def test_about_documents_fit_one_page_in_every_language(sample, documents):
    for slug, document in documents.items():
        if document.main("en").meta.kind == "about":
            for lang in document.translations:
                path = sample / "build" / lang / "documents" / f"{slug}.pdf"
                count = pages(path)
                assert count == 1, f"{lang}/{slug}: {count} pages"


def test_handouts_run_one_to_four_pages(sample, documents):
    for slug, document in documents.items():
        if document.main("en").meta.kind == "handout":
            for lang in document.translations:
                path = sample / "build" / lang / "documents" / f"{slug}.pdf"
                count = pages(path)
                assert 1 <= count <= 4, f"{lang}/{slug}: {count} pages"


def test_documents_keep_their_length_inside_packs(sample, project, documents):
    """With a fallback note on top and its links' QR codes at the foot of its pages, an about
    page still fits one page and a handout four: no page of a pack holds codes alone."""
    limits = {"about": 1, "handout": 4}
    for pack in project.packs.values():
        for lang in pack.languages or project.languages:  # the packs made in that language
            path = sample / "build" / lang / f"{pack.id}.pdf"
            starts = [b.page for b in bookmarks(path)[1:]] + [pages(path) + 1]
            assert len(starts) == len(pack.documents) + 1
            for slug, first, after in zip(pack.documents, starts, starts[1:]):
                limit = limits.get(documents[slug].main("en").meta.kind)
                if limit:
                    count = after - first
                    assert count <= limit, f"{lang}/{pack.id}: {slug} runs {count} pages"
