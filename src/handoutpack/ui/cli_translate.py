"""The translators' commands: translate export, import and review, and revision."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_common import Run, shown_path


@click.group("translate")
def translate_group() -> None:
    """Translation files: PO files for translators (export), their work back into the documents
    (import), and a side-by-side PDF for the reviewer (review)."""


@translate_group.command("export")
@click.argument("slugs", nargs=-1, metavar="[DOC]...")
@click.option("--lang", required=True, metavar="LANG", help="The language to translate into.")
@click.option("--xliff", is_flag=True, help="Also write translations/LANG/<DOC>.xlf (XLIFF 1.2); "
                                            "import reads a newer one back.")
@click.pass_obj
def translate_export(run: Run, slugs: tuple[str, ...], lang: str, xliff: bool) -> None:
    """Write translations/LANG/<DOC>.po for every document (or the DOCs named), one entry per
    block, and translations/LANG/labels.po; bring existing files up to date with the English."""
    from ..sources import content
    from ..translate import files

    project = run.project()
    documents = content.load(project.reading)
    for written in files.export(project.translating, documents, lang, slugs, xliff,
                                project.printed_texts):
        click.echo(f"{shown_path(written.path)}: {written.summary}")


@translate_group.command("import")
@click.argument("slugs", nargs=-1, metavar="[DOC]...")
@click.option("--lang", metavar="LANG", help="Only this language. Default: every language with "
                                             "files under translations/.")
@click.pass_obj
def translate_import(run: Run, slugs: tuple[str, ...], lang: str | None) -> None:
    """Write content/<section>/<DOC>.<LANG>.md from each translations/LANG/<DOC>.po."""
    from ..sources import content
    from ..translate import files

    project = run.project()
    written, warnings = files.import_(project.translating, content.load(project.reading), lang,
                                      slugs)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for item in written:
        click.echo(f"Wrote {shown_path(item.path)} ({item.summary})")
    if not written:
        click.echo("Every translation is already as its PO file says; nothing written.")


@translate_group.command("review")
@click.argument("slugs", nargs=-1, metavar="[DOC]...")
@click.option("--lang", metavar="LANG", help="Only this language. Default: every translation.")
@click.pass_obj
def translate_review(run: Run, slugs: tuple[str, ...], lang: str | None) -> None:
    """Write build/<LANG>/review/<DOC>.pdf: the English and the translation side by side, block
    against block, changed blocks highlighted and untranslated ones marked; for every
    translation of the DOCs named (default: every document)."""
    from ..render.stage import make_renderer  # WeasyPrint only for this command
    from ..sources import content
    from ..translate import catalog, files, review

    project = run.project()
    documents, translating = content.load(project.reading), project.translating
    langs = [lang] if lang else [code for code in project.languages
                                  if code != project.default_language]
    for code in langs:
        files.languages_to_translate(translating, code)
        for document in files.chosen(documents, slugs):
            if code in document.translations or catalog.po_path(project.root, document.slug,
                                                                code).is_file():
                written = review.review(translating, document, code,
                                        make_renderer(project.render_settings))
                click.echo(f"Wrote {shown_path(written)}")


@click.command("revision")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", metavar="DATE|COMMIT",
              help="The revision SOURCE had at that date (YYYY-MM-DD) or git commit, read from "
                   "the project's git history: for a translation made from an older version.")
@click.pass_obj
def revision_command(run: Run, source: Path, as_of: str | None) -> None:
    """Print SOURCE's revision, for a translation's `source_revision`.

    Record the revision of the text a translation was made from: the current one only when the
    translation matches the source as it is now. For a translation brought in from elsewhere,
    give the date it was made (or the commit) with --as-of."""
    from ..sources import content, history

    project = run.project()
    if as_of:
        click.echo(history.revision_at(project.root, source.resolve(), as_of))
        return
    text = content.read_source(str(source), source)
    _, body, _ = content.parse(str(source), text, project.audiences)
    click.echo(content.revision(body))
