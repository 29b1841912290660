"""Zip bundles: each pack with its documents and a README, and everything.zip; the same files give
the same bytes, and a zip is rewritten only when what it holds changed."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import HandoutpackError, Problem, warning
from ..markup import labels, templates
from ..project.settings import Org, PackSpec
from ..sources.content import Document
from ..store import outputs as paths
from ..store.outputs import EVERYTHING, Output, Staging, pack_path
from .catalogue import Catalogue, Log, in_language, layout_label, own_name, pages_text

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this date: the same PDFs always give the same zip, byte for byte."""


ZIP_STAMP = "handoutpack bundle "
"""Starts a bundle's zip comment, followed by a hash of what went into it."""


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
            info.compress_type = compression(member.name)
            archive.writestr(info, member.read())
    return stage.write(relative, out.getvalue())


def compression(name: str) -> int:
    """PDFs are stored as they are: their streams are compressed already, and deflating them
    again saved 8 % of the sample's zips for most of the time spent writing them (0.2 s of CPU
    for its 10 MB, every time a pack changes); text is deflated."""
    return zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED


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
        raise HandoutpackError(f"'{name}' is not a name for a file in a zip; delete build/ and "
                               "build again", file=f"{stage.build_dir}/manifest.json")
    return Member(name, output.sha256, path=stage.path(output.path))


def folder_name(org: Org, *parts: str) -> str:
    """'sptf-media-fr': the folder a bundle unpacks into."""
    prefix = re.sub(r"[^a-z0-9]+", "-", org.short_name.lower()).strip("-")
    return "-".join(p for p in (prefix, *parts) if p)


def write_pack_bundles(catalogue: Catalogue, log: Log) -> list[Problem]:
    """<lang>/<pack>.zip for every built pack: the pack, its documents, a README; returns
    warnings for packs whose documents are not all built."""
    languages, stage, warnings = catalogue.languages, catalogue.stage, []
    for spec in catalogue.specs.values():
        for lang in languages.all:
            pack = catalogue.pack_pdf(spec.id, lang)
            zip_path = paths.bundle_path(lang, spec.id)
            if not pack:
                continue
            parts = catalogue.pack_documents(spec, lang)
            missing = [f"{d.slug} ({d.best(lang, languages.default).lang})"
                       for d, pdf in parts if pdf is None]
            if missing:
                stage.remove(zip_path)  # never offer a bundle older than its pack
                warnings.append(warning(
                    paths.bundle_path(lang, spec.id), "not made, as some of its documents are not built "
                    f"yet: {', '.join(missing)}. Run `handoutpack build` to build everything.",
                    topic="bundles"))
                continue
            members = [_pdf_member(stage, f"{spec.id}.pdf", pack),
                       *(_pdf_member(stage, f"documents/{d.slug}.pdf", pdf)
                         for d, pdf in parts),
                       Member.text("README.txt", _pack_readme(catalogue, spec, lang, pack, parts))]
            if write_zip(stage, zip_path, folder_name(catalogue.theme.org, spec.id, lang),
                         members):
                log(f"bundling {paths.bundle_path(lang, spec.id)}")
    return warnings


def _pack_readme(catalogue: Catalogue, spec: PackSpec, lang: str, pack: Output,
                 parts: list[tuple[Document, Output]]) -> str:
    theme = catalogue.theme
    words, typography = labels.labels(theme, lang), theme.typography
    return templates.page(
        theme, "readme-pack.txt", org=theme.org, words=words, lang=lang,
        title=theme.text(spec.titles, lang), audience=theme.audience(spec.audience, lang),
        pack_file=f"{spec.id}.pdf", pack_pages=pages_text(words, pack.pages, lang, typography),
        documents=[(f"documents/{d.slug}.pdf", d.best(lang, theme.languages.default).meta.title,
                    pages_text(words, pdf.pages, lang, typography),
                    in_language(words, pdf.lang, lang))
                   for d, pdf in parts])


def write_everything(catalogue: Catalogue, log: Log) -> None:
    """build/everything.zip: every PDF in build/, in its language's folder, and a README."""
    theme = catalogue.theme
    members = [_pdf_member(catalogue.stage, output.path, output)
               for output in catalogue.outputs.values()]
    if not members:
        return
    languages = []
    for lang in catalogue.languages.all:
        words = labels.labels(theme, lang)
        packs = [(pack_path(lang, spec.id), theme.text(spec.titles, lang),
                  pages_text(words, pdf.pages, lang, theme.typography))
                 for spec in catalogue.specs.values()
                 if (pdf := catalogue.pack_pdf(spec.id, lang))]
        documents = [(pdf.path, " · ".join(filter(None, [d.translations[lang].meta.title,
                                                         layout_label(words, layout)])),
                      pages_text(words, pdf.pages, lang, theme.typography))
                     for slug, d in catalogue.documents.items() if lang in d.translations
                     for layout in catalogue.layouts(slug)
                     if (pdf := catalogue.document_pdf(slug, lang, layout))]
        if packs or documents:
            languages.append((own_name(lang), words, packs, documents))
    readme = templates.page(theme, "readme-everything.txt", org=theme.org, languages=languages)
    if write_zip(catalogue.stage, EVERYTHING, folder_name(theme.org, "all"),
                 [*members, Member.text("README.txt", readme)]):
        log(f"bundling {EVERYTHING}")
