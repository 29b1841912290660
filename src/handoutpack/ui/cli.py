"""The command line: parse options, load the project, call the pipeline."""

from __future__ import annotations

import dataclasses
import errno
import json
import shutil
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..project import config
from ..project import overrides
from ..project.config import PDF_VARIANTS
from ..plan.selection import Selection
from ..errors import HandoutpackError, Problems, printable
from ..store.outputs import MANIFEST
from ..store.lock import build_lock
from ..store.writing import unwritable
from ..pipeline import Incomplete, build_and_publish
from ..progress import Reporter
from .cli_email import email_command
from .cli_proof import proof_command
from .cli_translate import revision_command, translate_group
from .cli_common import AS_PROFILE, LIST_ENCODING, Run, counted, log_unless_quiet, shown_path

if TYPE_CHECKING:
    from ..sources.content import Document

# Each command imports the stages it uses when it runs: `handoutpack build` with nothing to do
# must not pay for loading WeasyPrint, Jinja and Markdown.


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The project folder (holding handoutpack.toml).")
@click.option("--debug", is_flag=True, help="Show the Python traceback on errors.")
@click.version_option(package_name="handoutpack")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path, debug: bool) -> None:
    """Turn a folder of Markdown documents into branded PDF handouts and packs."""
    ctx.obj = Run(project_dir, debug)


@cli.command("build")
@click.argument("packs", nargs=-1)
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Build only this language (repeatable). Default: every language.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set event.name, event.date (YYYY-MM-DD) or event.place for this build.")
@click.option("--image-dpi", type=click.IntRange(min=36), metavar="DPI",
              help="Resample images to at most DPI and recompress them, for smaller PDFs "
                   "(150 suits screens and email; 300 print).")
@click.option("--paper", type=click.Choice(config.PAPER_SIZES, case_sensitive=False),
              help="Print every document and pack on this paper (default: the config's).")
@click.option("--duplex/--no-duplex", default=None,
              help="Start every document of a pack on a right-hand page, for printing on both "
                   "sides.")
@click.option("--print-ready/--no-print-ready", default=None,
              help="3 mm bleed, crop marks, TrimBox and BleedBox, for a print shop.")
@click.option("--booklet/--no-booklet", default=None,
              help="Also write each pack as a booklet to print on both sides, fold and staple: "
                   "build/<lang>/<pack>-booklet.pdf.")
@click.option("--qr/--no-qr", default=None,
              help="A QR code for each external link, at the end of each document (on unless "
                   "the config says otherwise).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render N documents at once. Default: one per core.")
@click.option("--no-cache", is_flag=True,
              help="Render everything again instead of reusing renders from earlier builds.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-v", "--verbose", is_flag=True, help="Say what was rendered or assembled, and why.")
@click.option("--strict", is_flag=True,
              help="Fail on any warning too (stale translations, missing alt text, WeasyPrint's).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), metavar="VARIANT",
              help=f"Make PDF/A, PDF/UA or PDF/X files: {', '.join(PDF_VARIANTS)}. PDF/X files "
                   "are CMYK, for a print shop; --print-ready makes PDF/X-4 unless this says "
                   "otherwise.")
@click.option("--cover-file/--no-cover-file", default=None,
              help="Also write each pack's cover as build/<lang>/<pack>-cover.pdf, to print "
                   "on heavier paper.")
@click.option("--for", "recipients", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the PACK personalised for each person on this list (columns "
                   "email, name, language, and organisation or outlet): "
                   "build/personal/<lang>/<pack>/<name>.pdf.")
@LIST_ENCODING
@AS_PROFILE
@click.pass_obj
def build_command(run: Run, packs: tuple[str, ...], languages: tuple[str, ...],
                  settings: tuple[str, ...], image_dpi: int | None, jobs: int | None,
                  no_cache: bool, quiet: bool, verbose: bool, strict: bool,
                  pdf_variant: str | None, recipients: Path | None, encoding: str | None,
                  **printing) -> None:
    """Build every document and pack into build/ (or only the PACKS named), then the download
    page (build/index.html) and the zip bundles of everything built.

    Renders are kept in build/.cache: a document is rendered again only when something it
    depends on changed, and a pack is assembled again only when one of its parts did.
    Print options given here win over handoutpack.toml's [print] and [packs.<id>] settings."""
    if recipients is not None and len(packs) != 1:
        raise click.UsageError("--for needs exactly one PACK, e.g. `handoutpack build --for "
                               "emails/media-list.csv media`")
    project = dataclasses.replace(run.project(
        overrides.parse_overrides(settings),
        {name: value for name, value in printing.items() if value is not None}),
        image_dpi=image_dpi)
    people = None
    if recipients is not None:  # a list that cannot be read is found before the build
        from ..distribute.recipients import read_recipients
        people = read_recipients(recipients, project.langs, encoding)
    selection = Selection(packs, languages)
    progress = Progress(enabled=not quiet and not verbose and sys.stderr.isatty())
    reporter = Reporter(log=log_unless_quiet(not verbose), progress=progress.show)
    incomplete = None
    try:
        try:
            outputs, warnings = build_and_publish(
                project, None, selection, reporter, jobs=jobs, reuse=not no_cache,
                strict=strict, pdf_variant=pdf_variant, log=log_unless_quiet(quiet or not verbose))
        except Incomplete as error:  # documents with errors left out, the rest built
            outputs, warnings, incomplete = error.outputs, error.warnings, error
        if recipients is not None and incomplete is None:
            with build_lock(project.build_dir):
                personal = _personal_packs(project, packs[0], recipients, people, languages,
                                           jobs, progress)
    except OSError as error:  # a full or read-only disk, found by a library writing there
        if error.errno not in DISK_ERRORS:
            raise
        raise unwritable(project.build_dir, error) from None
    finally:
        progress.clear()
    for warning in warnings:
        click.echo(f"warning: {printable(str(warning))}", err=True)
    if not quiet:
        for note in reporter.notes:
            click.echo(f"note: {printable(note)}", err=True)
        counts = Counter(o.kind for o in outputs)
        nouns = {"document": "document", "slides": "presentation", "pack": "pack",
                 "booklet": "booklet"}  # a presentation's slides stand for its three PDFs
        made = [counted(counts[kind], noun) for kind, noun in nouns.items()
                if counts[kind] or kind in ("document", "pack")]
        click.echo(f"Built {', '.join(made[:-1])} and {made[-1]} in "
                   f"{shown_path(project.build_dir)} (list: {shown_path(project.build_dir / MANIFEST)}; "
                   f"download page: {shown_path(project.build_dir / 'index.html')}): "
                   f"{counted(len(reporter.rendered), 'render')}, {reporter.reused} reused, "
                   f"{counted(len(reporter.assembled), 'pack')} assembled")
        if recipients is not None and incomplete is None:
            from ..distribute import personalise
            where = shown_path(personalise.personal_dir(project.build_dir, "<lang>", packs[0]))
            click.echo(f"Wrote {counted(len(personal.paths), 'personalised pack')} to {where}/: "
                       f"{personal.made} made, {personal.kept} already there")
    if incomplete is not None:
        raise incomplete  # what failed, with file and line; exit code 1


def _personal_packs(project: config.Project, pack: str, recipients: Path, read: tuple,
                    languages: tuple[str, ...], jobs: int | None, progress: Progress):
    from ..distribute import personalise
    people, problems = read
    for problem in problems:
        click.echo(f"warning: {printable(str(problem))}", err=True)
    people = [p for p in people if not languages or p.lang in languages]
    missing = [p for p in people if project.packs[pack].languages
               and p.lang not in project.packs[pack].languages]
    for person in missing:
        click.echo(f"warning: {recipients.name}:{person.line}: the pack '{pack}' is not made in "
                   f"{person.lang}; skipped", err=True)
    return personalise.make(project.mail, project.render_settings, pack,
                            [p for p in people if p not in missing], jobs,
                            lambda done, total: progress.show(done, total, "personal covers"))


class Progress:
    """One line on a terminal, rewritten as work is done: how far, and what is being made."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False

    def show(self, done: int, total: int, doing: str) -> None:
        if self.enabled:
            width = shutil.get_terminal_size().columns - 1
            line = f"[{done}/{total}] {doing}"
            click.echo(f"\r\x1b[K{line[:width]}", nl=False, err=True)
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
            self.shown = False


@cli.command("check")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object with every finding, for other programs.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Check as built with this event.name, event.date or event.place.")
@click.option("--print", "for_print", is_flag=True,
              help="Also preflight the files a print shop gets: renders every pack print-ready "
                   "(PDF/X-4 unless the config names another variant) and reads it back.")
@AS_PROFILE
@click.pass_obj
def check_command(run: Run, output_format: str, settings: tuple[str, ...],
                  for_print: bool) -> None:
    """Find every problem before anything is printed; exit 1 if there are any.

    Checks the config and front matter, Jinja names, links, images and fonts, accessibility
    (alt text, heading levels), translations (coverage, and stale ones with what changed)
    and packs. Nothing is written (with --print, only the build's cache of renders)."""
    from .. import check

    report = check.run(run.project_dir, overrides.parse_overrides(settings), for_print,
                       run.profile)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(check.text_report(report)))
    click.get_current_context().exit(report.exit_code)


@cli.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0: any free one).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set event.name, event.date or event.place, as for build.")
@click.pass_obj
def serve_command(run: Run, port: int, settings: tuple[str, ...]) -> None:
    """Preview the documents and packs in a browser, page by page as they will print; an open
    page refreshes when you save a source. Only this machine can reach it."""
    from . import serve

    server = serve.make_server(run.project_dir, port, overrides.parse_overrides(settings),
                               log=lambda message: click.echo(f"  {message}", err=True))
    host, port = server.server_address[:2]
    click.echo(f"The workbench: open http://{host}:{port}/workbench in your browser to make "
               f"packs and send them.\nPreviewing documents on http://{host}:{port}/ "
               "(Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


@cli.command("list")
@click.pass_obj
def list_command(run: Run) -> None:
    """List the documents with their languages, and the packs."""
    from ..sources import content

    project = run.project()
    documents = content.load(project.reading)
    langs = project.languages
    width = max(len(slug) for slug in documents) if documents else 10
    click.echo("Translations: the share of each document's paragraphs translated and current "
               "(source: written in it; stale: changed since, without a PO file; ·: none)")
    click.echo(f"{'document':<{width}}  {'section':<14} " + " ".join(f"{lang:>6}" for lang in langs))
    for slug, document in documents.items():
        marks = " ".join(f"{_translated(project, document, lang):>6}" for lang in langs)
        click.echo(f"{slug:<{width}}  {document.section:<14} {marks}")
    click.echo("")
    for spec in project.packs.values():
        title = project.text(spec.titles, project.default_language)
        click.echo(f"pack {spec.id}: {title} — {len(spec.documents)} documents, "
                   f"for {spec.audience}; {_printed(spec.printing)}")


@cli.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def new_command(folder: Path) -> None:
    """Start a project in FOLDER: a commented handoutpack.toml, one document in English and
    French, and a pack. It builds at once: `cd FOLDER && handoutpack build`."""
    from . import scaffold

    written = scaffold.create(folder)
    click.echo(f"Created {shown_path(folder)} with {counted(len(written), 'file')}. Next:\n"
               f"  cd {shown_path(folder)}\n  handoutpack build\n"
               "then edit handoutpack.toml and content/handouts/welcome.en.md.")


def _translated(project: config.Project, document: Document, lang: str) -> str:
    """'source', '86%' (of the paragraphs, from the PO file), '100%', 'stale', '?' or '·'."""
    from .. import check

    if (found := check.translations.paragraphs(project, document, lang)) is not None:
        return f"{100 * found.current // max(found.total, 1)}%"
    status = check.translations.coverage_of(project, document, lang)
    return {"source": "source", "current": "100%", "stale": "stale", "unknown": "?",
            "missing": "·"}[status]


def _printed(printing: config.Printing) -> str:
    """'A4, duplex, booklet': the paper and the print options that are on (or QR codes, off)."""
    options = {"duplex": printing.duplex, "print-ready": printing.print_ready,
               "booklet": printing.booklet, "cover file": printing.cover_file,
               "no QR codes": not printing.qr, (printing.variant or "").upper(): printing.variant,
               f"{printing.copies} copies": printing.copies > 1}
    return ", ".join([printing.paper, *(name for name, on in options.items() if on)])


DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


for command in (email_command, proof_command, translate_group, revision_command):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; problems become one clear message and exit code 2, never a traceback."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="handoutpack", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted; files already in build/ are complete (each is written whole).",
                   err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except Problems as error:
        if debug:
            traceback.print_exc()
        count = len(error.messages)
        click.echo(f"error: {count} problem{'s' if count > 1 else ''} to fix:", err=True)
        for message in error.messages:
            click.echo(f"  {printable(message)}", err=True)
        return error.exit_code
    except HandoutpackError as error:
        if debug:
            traceback.print_exc()
        click.echo(f"error: {printable(str(error))}", err=True)
        return error.exit_code
    except Exception as error:  # a bug of ours: say so plainly, keep the details for --debug
        if debug:
            raise
        if isinstance(error, OSError) and error.errno in DISK_ERRORS:  # the user's to fix
            where = Path(error.filename).parent if error.filename else "the build folder"
            click.echo(f"error: {printable(str(where))}: cannot be written ({error.strerror}); "
                       "free some space there or make it writable, then build again", err=True)
            return 2
        click.echo(f"error: handoutpack failed unexpectedly ({type(error).__name__}: "
                   f"{printable(str(error))}). Run again with --debug for details, and please "
                   "report it.", err=True)
        return 3
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
