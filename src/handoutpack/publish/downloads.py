"""Hand the built PDFs on: the download page with first-page thumbnails, and zip bundles."""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as escape_html
from pathlib import Path

from babel.units import format_unit

from ..markup import templates
from ..markup import markdown
from ..markup import formats
from ..markup import labels, numbers
from ..project.config import PackSpec, Project
from ..sources.content import Document
from ..store import outputs as paths
from ..errors import HandoutpackError, Problem, warning
from ..store.outputs import (
    EVERYTHING,
    Output,
    Staging,
    document_path,
    layouts,
    pack_path,
    read_outputs,
)

Log = Callable[[str], None]

THUMBNAIL_WIDTH = 240
"""Pixels; shown at half that many CSS pixels, so they stay sharp on high-density screens."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this date: the same PDFs always give the same zip, byte for byte."""
ZIP_STAMP = "handoutpack bundle "
"""Starts a bundle's zip comment, followed by a hash of what went into it."""


# ---------------------------------------------------------------- words and numbers


def size_text(size: int, lang: str) -> str:
    """A file size the way a reader of `lang` writes it: '340 kB', '1,2 Mo'."""
    locale = _locale(lang)
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                           locale=locale)
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short",
                       locale=locale, format="#,##0.#")


def pages_text(words: dict[str, str], pages: int, lang: str, project: Project) -> str:
    """'1 page', '12 pages', '١٢ صفحة': the count label in the plural form CLDR gives the
    number in `lang`, in the language's digits."""
    return numbers.counted(words, "n_pages", pages, lang,
                           numbers.numerals(project.typography.numerals, lang))


def layout_label(words: dict[str, str], layout: str) -> str:
    """'Participant handout', 'Slides', 'Presenter notes': a presentation's PDFs, named."""
    return words[f"{layout}_label"] if layout != "document" else ""


def own_name(lang: str) -> str:
    """A language's name in itself: 'français'."""
    return formats.language_name(lang, _locale(lang))


def _locale(lang: str) -> str:
    return lang.replace("-", "_")


# ---------------------------------------------------------------- pictures of pages


def page_images(pdf: bytes, width: int, image_format: str = "WEBP",
                pages: range | None = None) -> list[tuple[bytes, int, int]]:
    """Pages of a PDF (all, or those in `pages`, counted from 0) as images `width` pixels wide:
    (image bytes, width, height) for each."""
    import pypdfium2  # imported here: only the page and the preview draw pages

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in pages if pages is not None else range(len(document)):
            page = document[index]
            image = page.render(scale=width / page.get_width()).to_pil()
            out = io.BytesIO()
            # PNG (the previews): zlib level 3 makes a smaller file than optimize=True (level 9
            # and filter trials) in a seventh of the time, 0.03 s against 0.18 s a page
            options = {"quality": 80} if image_format == "WEBP" else {"compress_level": 3}
            image.convert("RGB").save(out, image_format, **options)
            images.append((out.getvalue(), *image.size))
        return images
    finally:
        document.close()


@dataclass(frozen=True)
class Thumbnail:
    path: str
    """Inside build/; named by the PDF's content, so an unchanged PDF keeps its thumbnail."""
    width: int
    height: int


def make_thumbnails(stage: Staging, outputs: dict[str, Output]) -> dict[str, Thumbnail]:
    """A first-page thumbnail for every PDF, by the PDF's path; old thumbnails are removed."""
    thumbnails = {}
    for output in outputs.values():
        name = f"{paths.THUMBNAILS_DIR}/{output.sha256[:24]}.webp"
        try:
            width, height = _webp_size(stage.path(name).read_bytes())
        except (OSError, ValueError):  # none yet, or not a picture: draw it
            data, width, height = page_images(stage.path(output.path).read_bytes(),
                                              THUMBNAIL_WIDTH, pages=range(1))[0]
            stage.write(name, data)
        thumbnails[output.path] = Thumbnail(name, width, height)
    kept = {t.path for t in thumbnails.values()}
    for old in (stage.build_dir / paths.THUMBNAILS_DIR).glob("*.webp"):
        if THUMBNAIL_NAME.fullmatch(old.name) and f"{paths.THUMBNAILS_DIR}/{old.name}" not in kept \
                and not old.is_symlink():
            stage.remove(f"{paths.THUMBNAILS_DIR}/{old.name}")
    return thumbnails


THUMBNAIL_NAME = re.compile(r"[0-9a-f]{24}\.webp")
"""How make_thumbnails names a thumbnail: only such files are its to delete."""


def _webp_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


# ---------------------------------------------------------------- what the page lists


@dataclass(frozen=True)
class Download:
    """One file the page offers."""

    href: str
    lang: str
    language: str
    """The file's language, named in itself."""
    details: str
    """'PDF · 4 pages · 120 kB' in the page's language."""


@dataclass(frozen=True)
class Entry:
    """A document or a pack as the page shows it."""

    id: str
    title: str
    summary: str
    lang: str
    """The language of the title and summary: the page's, or the default where untranslated."""
    thumbnail: Thumbnail
    files: list[Download]
    """The PDF in every language it exists in, the page's language first."""
    bundle: Download | None = None
    contents: list[tuple[str, str, str]] = field(default_factory=list)
    """(title, "in English" or '', the title's language) for each document of a pack."""
    """A pack's documents: (title, '' or 'in English' where untranslated)."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    entries: list[Entry]


class Catalogue:
    """The built PDFs of a project as the download page and the bundles need them."""

    def __init__(self, project: Project, documents: dict[str, Document], stage: Staging,
                 outputs: dict[str, Output], thumbnails: dict[str, Thumbnail]):
        self.project, self.documents, self.stage = project, documents, stage
        self.outputs, self.thumbnails = outputs, thumbnails

    def document_pdf(self, slug: str, lang: str, layout: str | None = None) -> Output | None:
        """A document's PDF in `lang`: a presentation's handout (or its `layout`)."""
        return self.outputs.get(document_path(lang, slug, layout or self.layouts(slug)[0]))

    def layouts(self, slug: str) -> tuple[str, ...]:
        return layouts(self.documents[slug].main(self.project.default_language).meta.kind)

    def pack_pdf(self, pack: str, lang: str) -> Output | None:
        return self.outputs.get(pack_path(lang, pack))

    def pack_documents(self, spec: PackSpec, lang: str) -> list[tuple[Document, Output | None]]:
        """A pack's documents as its bundle holds them: in `lang`, or the default language's
        PDF where the pack fell back to it."""
        pack = self.pack_pdf(spec.id, lang)
        fallbacks = set(pack.fallbacks) if pack else set()
        default = self.project.default_language
        return [(self.documents[slug],
                 self.document_pdf(slug, default if slug in fallbacks else lang,
                                   spec.presentations if len(self.layouts(slug)) > 1 else None))
                for slug in spec.documents if slug in self.documents]

    def sections(self, lang: str, root: str) -> list[Section]:
        words = labels.labels(self.project, lang)
        sections: dict[str, list[Entry]] = {}
        for slug, document in self.documents.items():
            pdfs = self._by_language(lambda code: self.document_pdf(slug, code))
            if not pdfs:
                continue
            translation = document.best(lang, self.project.default_language)
            shown = pdfs.get(lang) or pdfs.get(translation.lang) or next(iter(pdfs.values()))
            files = [file for layout in self.layouts(slug) for file in self._files(
                self._by_language(lambda code: self.document_pdf(slug, code, layout)), lang, root,
                words, kind=layout_label(words, layout))]
            sections.setdefault(document.section, []).append(Entry(
                slug, translation.meta.title, translation.meta.summary, translation.lang,
                self.thumbnails[shown.path], files))
        return [Section(name, words.get(f"section_{name}", name.replace("-", " ").capitalize()),
                        entries) for name, entries in sections.items()]

    def packs(self, lang: str, root: str) -> list[Entry]:
        words = labels.labels(self.project, lang)
        entries = []
        default = self.project.default_language
        for spec in self.project.packs.values():
            pdfs = self._by_language(lambda code: self.pack_pdf(spec.id, code))
            if not pdfs:
                continue
            # a pack not made in the reader's language is offered in the default one
            shown = lang if lang in pdfs else default if default in pdfs else next(iter(pdfs))
            audience = self.project.text(self.project.audiences[spec.audience].names, lang)
            summary = " · ".join(filter(None, [numbers.fill(words["for_audience"], lang,
                                                            audience=audience),
                                               in_language(words, shown, lang)]))
            bundle = bundle_path(spec, shown)
            entries.append(Entry(
                spec.id, self.project.text(spec.titles, shown), summary, shown,
                self.thumbnails[pdfs[shown].path], self._files(pdfs, shown, root, words, lang),
                bundle=Download(root + bundle, shown, own_name(shown),
                                f"ZIP · {size_text(self.size(bundle), lang)}")
                if self.stage.exists(bundle) else None,
                contents=[(t.meta.title, in_language(words, t.lang, lang), t.lang) for t in (
                    self.documents[slug].best(shown, default) for slug in spec.documents)]))
        return entries

    def size(self, relative: str) -> int:
        """The bytes of a file in build/, as this build leaves it."""
        return self.stage.path(relative).stat().st_size

    def _by_language(self, pdf: Callable[[str], Output | None]) -> dict[str, Output]:
        """The PDFs `pdf` finds for each of the project's languages, where built."""
        found = {code: pdf(code) for code in self.project.languages}
        return {code: output for code, output in found.items() if output}

    def _files(self, pdfs: dict[str, Output], first: str, root: str, words: dict[str, str],
               lang: str | None = None, kind: str = "") -> list[Download]:
        """The PDFs, the one in `first` first, described in the page's language (`lang`,
        `first` when not given); `kind` names a presentation's layout ('Slides')."""
        lang = lang or first
        ordered = sorted(pdfs.values(), key=lambda pdf: pdf.lang != first)
        return [Download(root + pdf.path, pdf.lang, own_name(pdf.lang), " · ".join(filter(None, [
                    kind, "PDF", pages_text(words, pdf.pages, lang, self.project),
                    size_text(pdf.bytes, lang)])))
                for pdf in ordered]


def in_language(words: dict[str, str], lang: str, page_lang: str) -> str:
    """'' when `lang` is the reader's own `page_lang`, else 'in English', in the reader's words."""
    if lang == page_lang:
        return ""
    return words["fallback_toc"].format(source_language=formats.language_name(lang, page_lang))


# ---------------------------------------------------------------- the download page


def page_path(project: Project, lang: str) -> str:
    """Where the page in `lang` goes: index.html for the default language, fr/index.html..."""
    return paths.page_path(lang, project.default_language)


def write_pages(catalogue: Catalogue) -> list[str]:
    """build/index.html and one page per other language; returns their paths."""
    project, stage = catalogue.project, catalogue.stage
    written = []
    for lang in project.languages:
        path = page_path(project, lang)
        root = "../" * path.count("/")
        words = labels.labels(project, lang)
        html = templates.page(
            project, "download.html", lang=lang, words=words, org=project.org,
            brand=project.brand, root=root, title=project.text(project.download.titles, lang)
            if project.download.titles else project.org.name,
            intro=markdown.to_html(escape_html(project.text(project.download.intros, lang),
                                             quote=False))  # Markdown, never raw HTML
            if project.download.intros else "",
            logo=_data_uri(project.org.logo) if project.org.logo else "",
            css=brand_fonts(project, stage, root) + "\n" + _page_css(project),
            languages=[(code, own_name(code), root + page_path(project, code))
                       for code in project.languages],
            packs=catalogue.packs(lang, root), sections=catalogue.sections(lang, root),
            everything=Download(root + EVERYTHING, lang, own_name(lang),
                                f"ZIP · {size_text(catalogue.size(EVERYTHING), lang)}")
            if stage.exists(EVERYTHING) else None)
        if stage.write(path, html.encode("utf-8")):
            written.append(path)
    return written


FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)
FONT_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
"""Where the download page's fonts go in build/."""


def brand_fonts(project: Project, stage: Staging, root: str) -> str:
    """The @font-face rules of the brand's two families from fonts.css, their files copied into
    build/fonts/, so that the page looks like the PDFs (it still loads nothing from elsewhere)."""
    sheet = templates.find_style(project, "fonts.css")
    families = {project.brand.heading_font, project.brand.body_font}
    rules = []
    for rule in FONT_FACE.findall(sheet.read_text(encoding="utf-8")):
        family = re.search(r"font-family:\s*['\"]?([^;'\"]+)", rule)
        if not family or family[1].strip() not in families:
            continue

        def copied(match: re.Match) -> str:
            source = (sheet.parent / match[1]).resolve()
            if not source.is_file() or not source.is_relative_to(sheet.parent.resolve()):
                return match[0]  # the PDFs' check reports it; the page falls back to other fonts
            stage.write(f"{paths.FONTS_DIR}/{source.name}", source.read_bytes())
            return f'url("{root}{paths.FONTS_DIR}/{source.name}")'

        rules.append(FONT_URL.sub(copied, rule))
    return "\n".join(rules)


def _page_css(project: Project) -> str:
    """download.css, which the page holds in a <style>: text that would end it is refused."""
    path = templates.find_style(project, "download.css")
    css = path.read_text(encoding="utf-8")
    if re.search(r"</style|<!--|<script", css, re.I):
        raise HandoutpackError("holds '</style', '<script' or '<!--', which would end "
                               "the page's stylesheet and put HTML into the download page; "
                               "remove it (CSS never needs it)", file=str(path))
    return css


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# ---------------------------------------------------------------- bundles


@dataclass(frozen=True)
class Member:
    """A file in a zip: a PDF from build/, or text made for the zip."""

    name: str
    sha256: str
    path: Path | None = None
    data: bytes = b""

    @classmethod
    def text(cls, name: str, text: str) -> Member:
        data = (text.rstrip("\n") + "\n").encode("utf-8")
        return cls(name, hashlib.sha256(data).hexdigest(), data=data)

    def read(self) -> bytes:
        return self.path.read_bytes() if self.path else self.data


def bundle_path(spec: PackSpec, lang: str) -> str:
    return paths.bundle_path(lang, spec.id)


def write_zip(stage: Staging, relative: str, folder: str, members: list[Member]) -> bool:
    """A zip of `members` inside `folder`/, entries sorted and dated ZIP_TIME so the same files
    give the same bytes. Skipped (False) when the zip there already holds exactly these files."""
    members = sorted(members, key=lambda m: m.name)
    stamp = ZIP_STAMP + hashlib.sha256("\n".join(
        f"{folder}/{m.name} {m.sha256}" for m in members).encode("utf-8")).hexdigest()
    path = stage.path(relative)
    if _zip_comment(path) == stamp and _holds(path, folder, members):
        return False
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.comment = stamp.encode("ascii")
        for member in members:
            info = zipfile.ZipInfo(f"{folder}/{member.name}", date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.read())
    return stage.write(relative, out.getvalue())


def _holds(path: Path, folder: str, members: list[Member]) -> bool:
    """Whether the zip at `path` holds exactly `members`, byte for byte: its comment alone could
    be copied onto any zip, and nothing in build/ is taken on trust."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sorted(archive.namelist()) != [f"{folder}/{m.name}" for m in members]:
                return False
            return all(hashlib.sha256(archive.read(f"{folder}/{m.name}")).hexdigest() == m.sha256
                       for m in members)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _zip_comment(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment.decode("ascii", "replace")
    except (OSError, zipfile.BadZipFile):
        return None


def _pdf_member(stage: Staging, name: str, output: Output) -> Member:
    """A PDF of build/ in a zip; never a file outside build/, whatever its manifest says."""
    if ".." in Path(name).parts or name.startswith("/"):
        raise HandoutpackError(f"{stage.build_dir}/manifest.json: '{name}' is not a name for a "
                               "file in a zip; delete build/ and build again")
    return Member(name, output.sha256, path=stage.path(output.path))


def folder_name(project: Project, *parts: str) -> str:
    """'sptf-media-fr': the folder a bundle unpacks into."""
    prefix = re.sub(r"[^a-z0-9]+", "-", project.org.short_name.lower()).strip("-")
    return "-".join(p for p in (prefix, *parts) if p)


def write_pack_bundles(catalogue: Catalogue, log: Log) -> list[Problem]:
    """<lang>/<pack>.zip for every built pack: the pack, its documents, a README; returns
    warnings for packs whose documents are not all built."""
    project, stage, warnings = catalogue.project, catalogue.stage, []
    for spec in project.packs.values():
        for lang in project.languages:
            pack = catalogue.pack_pdf(spec.id, lang)
            zip_path = bundle_path(spec, lang)
            if not pack:
                continue
            parts = catalogue.pack_documents(spec, lang)
            missing = [f"{d.slug} ({d.best(lang, project.default_language).lang})"
                       for d, pdf in parts if pdf is None]
            if missing:
                stage.remove(zip_path)  # never offer a bundle older than its pack
                warnings.append(warning(
                    bundle_path(spec, lang), "not made, as some of its documents are not built "
                    f"yet: {', '.join(missing)}. Run `handoutpack build` to build everything.",
                    topic="bundles"))
                continue
            members = [_pdf_member(stage, f"{spec.id}.pdf", pack),
                       *(_pdf_member(stage, f"documents/{d.slug}.pdf", pdf)
                         for d, pdf in parts),
                       Member.text("README.txt", _pack_readme(catalogue, spec, lang, pack, parts))]
            if write_zip(stage, zip_path, folder_name(project, spec.id, lang), members):
                log(f"bundling {bundle_path(spec, lang)}")
    return warnings


def _pack_readme(catalogue: Catalogue, spec: PackSpec, lang: str, pack: Output,
                 parts: list[tuple[Document, Output]]) -> str:
    project = catalogue.project
    words = labels.labels(project, lang)
    return templates.page(
        project, "readme-pack.txt", org=project.org, words=words, lang=lang,
        title=project.text(spec.titles, lang),
        audience=project.text(project.audiences[spec.audience].names, lang),
        pack_file=f"{spec.id}.pdf", pack_pages=pages_text(words, pack.pages, lang, project),
        documents=[(f"documents/{d.slug}.pdf", d.best(lang, project.default_language).meta.title,
                    pages_text(words, pdf.pages, lang, project), in_language(words, pdf.lang, lang))
                   for d, pdf in parts])


def write_everything(catalogue: Catalogue, log: Log) -> None:
    """build/everything.zip: every PDF in build/, in its language's folder, and a README."""
    project = catalogue.project
    members = [_pdf_member(catalogue.stage, output.path, output)
               for output in catalogue.outputs.values()]
    if not members:
        return
    languages = []
    for lang in project.languages:
        words = labels.labels(project, lang)
        packs = [(pack_path(lang, spec.id), project.text(spec.titles, lang),
                  pages_text(words, pdf.pages, lang, project))
                 for spec in project.packs.values() if (pdf := catalogue.pack_pdf(spec.id, lang))]
        documents = [(pdf.path, " · ".join(filter(None, [d.translations[lang].meta.title,
                                                         layout_label(words, layout)])),
                      pages_text(words, pdf.pages, lang, project))
                     for slug, d in catalogue.documents.items() if lang in d.translations
                     for layout in catalogue.layouts(slug)
                     if (pdf := catalogue.document_pdf(slug, lang, layout))]
        if packs or documents:
            languages.append((own_name(lang), words, packs, documents))
    readme = templates.page(project, "readme-everything.txt", org=project.org,
                         languages=languages)
    if write_zip(catalogue.stage, EVERYTHING, folder_name(project, "all"),
                 [*members, Member.text("README.txt", readme)]):
        log(f"bundling {EVERYTHING}")


# ---------------------------------------------------------------- all of it


def publish(project: Project, documents: dict[str, Document], stage: Staging,
            log: Log = lambda m: None) -> list[Problem]:
    """After a build: thumbnails, bundles and the download pages for everything in build/
    (as build/manifest.json lists it), staged with the build's PDFs. Returns warnings."""
    outputs = read_outputs(project.build_dir, stage)
    if not outputs:
        return []
    log("drawing thumbnails")
    catalogue = Catalogue(project, documents, stage, outputs, make_thumbnails(stage, outputs))
    warnings = write_pack_bundles(catalogue, log)
    write_everything(catalogue, log)
    for path in write_pages(catalogue):
        log(f"writing {path}")
    return warnings
