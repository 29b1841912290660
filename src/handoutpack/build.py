"""The build: render every document once per language, then assemble the packs from those renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import markup
from .config import PackSpec, Project, suggest
from .content import Document, Translation, check_packs
from .errors import HandoutpackError
from .outputs import Output, save, write_manifest
from .pack import Part, assemble, stylesheets
from .render import Rendered, Renderer


@dataclass(frozen=True)
class Selection:
    """What to build: some packs (all when empty) in some languages (all when empty)."""

    packs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def check(self, project: Project) -> None:
        for pack in self.packs:
            if pack not in project.packs:
                raise HandoutpackError(
                    f"no pack '{pack}'{suggest(pack, project.packs)}; the packs in "
                    f"{project.config_path.name} are: {', '.join(project.packs)}")
        for lang in self.languages:
            if lang not in project.languages:
                raise HandoutpackError(
                    f"--lang {lang}: not one of the project's languages "
                    f"({', '.join(project.languages)}){suggest(lang, project.languages)}")

    def pack_specs(self, project: Project) -> list[PackSpec]:
        return [p for p in project.packs.values() if not self.packs or p.id in self.packs]

    def langs(self, project: Project) -> tuple[str, ...]:
        return self.languages or project.languages


@dataclass
class Builder:
    """Holds one build's renders so that no document is rendered twice."""

    project: Project
    documents: dict[str, Document]
    log: Callable[[str], None] = lambda message: None
    renders: dict[tuple, Rendered] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        project = self.project
        self.renderer = Renderer(
            roots=[project.root, markup.builtin_dir("templates"), markup.builtin_dir("styles")],
            overlays=[markup.style_dirs(project), markup.template_dirs(project)],
            allow_remote=project.allow_remote)

    def document(self, translation: Translation, context: markup.Context, paper: str,
                 note_lang: str | None = None) -> Rendered:
        """One document render, shared by every output that needs the same one."""
        used = markup.used_names(translation)
        values = context.as_dict()
        key = (translation.slug, translation.lang, note_lang, paper,
               tuple(sorted((name, repr(values[name])) for name in used if name in values)))
        if key not in self.renders:
            self.log(f"rendering {translation.path.relative_to(self.project.root)}"
                     + (f" (for {note_lang})" if note_lang else ""))
            rendered = self.renderer.render(
                self.document_html(translation, context, paper, note_lang),
                translation.path.parent, str(translation.path.relative_to(self.project.root)),
                translation.lang)
            self.warnings += [f"{translation.path.name}: {w}" for w in rendered.warnings]
            self.renders[key] = rendered
        return self.renders[key]

    def document_html(self, translation: Translation, context: markup.Context, paper: str,
                      note_lang: str | None) -> str:
        project, meta = self.project, translation.meta
        words = markup.labels(project, translation.lang)
        note = ""
        if note_lang:
            note = markup.labels(project, note_lang)["fallback_note"].format(
                source_language=markup.language_name(translation.lang, note_lang))
        return markup.page(
            project, "document.html", org=project.org, brand=project.brand,
            lang=translation.lang, words=words, title=meta.title, summary=meta.summary,
            kind=meta.kind, keywords=meta.keywords, date=meta.date, paper=paper,
            logo=project.org.logo.as_uri() if project.org.logo else "",
            styles=stylesheets(project), page_counter=markup.page_counter_css(words),
            body=markup.document_body(translation, context), fallback_lang=note_lang,
            fallback_note=note)

    def standalone(self, document: Document, lang: str) -> Output:
        translation = document.translations[lang]
        context = markup.make_context(self.project, lang, self.project.event)
        rendered = self.document(translation, context, self.project.brand.paper)
        return save(self.project.build_dir, f"{lang}/documents/{document.slug}.pdf", rendered.pdf,
                    kind="document", lang=lang, document=document.slug, pages=rendered.pages,
                    sources=[self._source(translation)])

    def pack(self, spec: PackSpec, lang: str) -> Output:
        project = self.project
        title = project.text(spec.titles, lang)
        context = markup.make_context(project, lang, spec.event, title, spec.id, spec.audience)
        paper = spec.paper or project.brand.paper
        parts = []
        for slug in spec.documents:
            document = self.documents[slug]
            translation = document.best(lang, project.default_language)
            fell_back = translation.lang != lang
            rendered = self.document(translation, context, paper, lang if fell_back else None)
            parts.append(Part(slug, translation.meta.title, translation.meta.summary,
                              translation.meta.kind, document.section, translation.lang,
                              rendered, fell_back))
        self.log(f"assembling {lang}/{spec.id}.pdf")
        dates = [d for slug in spec.documents for d in
                 [self.documents[slug].best(lang, project.default_language).meta.date] if d]
        pdf, pages = assemble(project, spec, lang, parts, self.renderer, max(dates, default=None))
        return save(project.build_dir, f"{lang}/{spec.id}.pdf", pdf, kind="pack", lang=lang,
                    pack=spec.id, pages=pages,
                    sources=[self._source(self.documents[p.slug].translations[p.lang]) for p in parts],
                    fallbacks=[p.slug for p in parts if p.fell_back])

    def _source(self, translation: Translation) -> str:
        return str(translation.path.relative_to(self.project.root))


def build(project: Project, documents: dict[str, Document], selection: Selection = Selection(),
          log: Callable[[str], None] = lambda message: None) -> tuple[list[Output], list[str]]:
    """Write the selected documents and packs into build/; return the outputs and warnings."""
    selection.check(project)
    check_packs(project, documents)
    builder = Builder(project, documents, log)
    specs = selection.pack_specs(project)
    wanted = (documents if not selection.packs
              else {slug: documents[slug] for spec in specs for slug in spec.documents})
    outputs = []
    for lang in selection.langs(project):
        for document in wanted.values():
            if lang in document.translations:
                outputs.append(builder.standalone(document, lang))
        for spec in specs:
            outputs.append(builder.pack(spec, lang))
    write_manifest(project.build_dir, outputs)
    return outputs, builder.warnings
