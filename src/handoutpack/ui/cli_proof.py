"""handoutpack proof: every page of every combination looked at."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import printable
from ..plan.selection import Selection
from .cli_common import AS_PROFILE, Run


@click.command("proof")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="VARIANT",
              type=click.Choice(["a4", "letter", "a5-booklet", "print-ready"]),
              help="Make and proof this paper or print variant (repeatable). Default: all four.")
@click.option("--pack", "packs", multiple=True, metavar="PACK", help="Only this pack (repeatable).")
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only this language (repeatable).")
@click.option("--for", "recipients", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path),
              help="Also proof the packs personalised for each person on this list.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object with every finding, for other programs.")
@click.option("--sheet", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
              help="Write a contact sheet of the flagged pages (index.html and PNGs) here. "
                   "Default: build/proof/sheet when anything is found.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render N documents at once. Default: one per core.")
@AS_PROFILE
@click.pass_obj
def proof_command(run: Run, paths: tuple[Path, ...], variants: tuple[str, ...],
                  packs: tuple[str, ...], languages: tuple[str, ...], recipients: Path | None,
                  output_format: str, sheet: Path | None, jobs: int | None) -> None:
    """Look at every page the way a designer would, from its layout; exit 1 if anything is
    to change.

    Reads the PDFs (or folders of PDFs) given; without PATHS, builds each paper and print
    variant into build/proof/<variant>/ (plainly, with the --as profile, and personalised for
    the --for list) and reads everything made. Each finding names the file, the page and what
    to change. Slower than `check`: see docs/proof.md."""
    from ..proof import command
    from ..proof import sheet as contact_sheet
    from ..proof.context import Known, frame_texts
    from ..proof.findings import Report
    from ..proof.matrix import proof_dir

    project = run.project()
    known = Known(project.theme, project.content_dir,
                  frame_texts(project.theme, project.packs, project.download))
    if paths:
        report = Report()
        sources = command.proof_paths(known, [(p, None) for p in command.pdfs(paths)], report,
                                      jobs=jobs)
    else:
        Selection(packs, languages).check(project.packs, project.langs)
        report, sources = command.run_matrix(
            run.project_dir, project.build_dir, known, list(variants) or ["a4", "letter", "a5-booklet",
                                                           "print-ready"],
            Selection(packs, languages), run.profile, recipients, jobs,
            lambda message: click.echo(message, err=True))
    report.seconds = command.cpu_seconds()
    if report.findings:
        folder = sheet or proof_dir(project.build_dir, "sheet")
        index = contact_sheet.write(report.findings, sources, folder)
        click.echo(f"contact sheet: {index}", err=True)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(printable(line) for line in report.text()))
    click.get_current_context().exit(report.exit_code)
