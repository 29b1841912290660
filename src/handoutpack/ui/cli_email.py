"""handoutpack email: a pack to a list, checked, previewed and sent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import printable
from ..project import config
from ..store.lock import build_lock
from .cli_common import (
    AS_PROFILE,
    LIST_ENCODING,
    Run,
    counted,
    log_unless_quiet,
    shown_path,
)

if TYPE_CHECKING:
    from ..sources.content import Document


@click.command("email")
@click.argument("pack")
@click.option("--to", "recipients", required=True, metavar="CSV",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The recipients: a CSV file with the columns email, name, language, and any "
                   "other the message uses (as recipient.<column>).")
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only the recipients in this language (repeatable). Default: everyone.")
@LIST_ENCODING
@click.option("--send", is_flag=True,
              help="Send the messages through the server in [email.smtp]; without it they are "
                   "only made and listed in build/outbox/PACK/messages.csv, the first in each "
                   "language written as .eml to check.")
@click.option("--pace", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Seconds between two messages (default: email.pace_seconds).")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0), metavar="MB",
              help="The largest attachment to send (default: email.max_attachment_mb, 10).")
@click.option("--personalise", "--personalize", "personal", is_flag=True,
              help="Give each recipient a pack whose cover says 'Prepared for' them (their name "
                   "and organisation or outlet), in their language.")
@click.option("--eml", "emls", multiple=True, metavar="ADDRESS",
              help="Without --send: also write this recipient's message as an .eml file to "
                   "open in a mail program (repeatable; 'all' for everyone). The first message "
                   "in each language is always written.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@AS_PROFILE
@click.pass_obj
def email_command(run: Run, pack: str, recipients: Path, languages: tuple[str, ...], send: bool,
                  pace: float | None, max_mb: float | None, quiet: bool, personal: bool,
                  emls: tuple[str, ...], encoding: str | None) -> None:
    """Make PACK into an email to each recipient, in their language, and list them in
    build/outbox/PACK/; with --send, send them. A rerun never sends anyone the pack twice."""
    from ..plan.failed import refuse_stale
    from ..sources import content

    project = run.project()
    refuse_stale(project.build_dir, pack)  # before reading the sources, whose error it names
    documents = content.load(project.reading)
    with build_lock(project.build_dir):  # a build must not change build/ under a run, nor two runs
        _email(project, documents, pack, recipients, languages, send, pace, max_mb, quiet,
               personal, emls, encoding)


def _email(project: config.Project, documents: dict[str, Document], pack: str,
           recipients: Path, languages: tuple[str, ...], send: bool, pace: float | None,
           max_mb: float | None, quiet: bool, personal: bool = False,
           emls: tuple[str, ...] = (), encoding: str | None = None) -> None:
    from ..distribute import personalise, sentlog, smtp
    from ..distribute.outbox import prepare, write_preview

    def own_packs(people: list) -> dict[str, Path]:  # each person's pack, made or kept
        return personalise.make(project.mail, project.render_settings, pack, people).paths

    outbox = prepare(project.mail, documents, pack, recipients, languages, max_mb,
                     own_packs if personal else None, encoding)
    for problem in outbox.problems:
        click.echo(f"warning: {printable(str(problem))}", err=True)
    where = shown_path(outbox.folder)
    if not send:
        preview = write_preview(outbox, emls)
        for address in preview.unknown:
            click.echo(printable(f"warning: --eml {address}: not on the list (or skipped)"),
                       err=True)
        click.echo(printable(
            f"Checked {counted(len(outbox.letters), 'message')} ({len(outbox.problems)} rows "
            f"skipped): each is listed in {shown_path(preview.listing)}, and {len(preview.emls)} "
            f"written to {where}/ as .eml to open in a mail program (the first in each language; "
            "--eml ADDRESS or --eml all for others). Check them, then add --send."))
        return
    result = smtp.send(outbox, project.email.pace_seconds if pace is None else pace,
                       log_unless_quiet(quiet))
    journal = f"{where}/{sentlog.JOURNAL}"
    for address in result.uncertain:
        click.echo(printable(f"warning: {address}: the last run stopped while sending to this "
                             "address, so it may have the pack; not sent again. If it did not "
                             f"arrive, remove its lines from {journal} and run again."),
                   err=True)
    later = (f"; {len(result.deferred)} deferred by the server (the next run tries again)"
             if result.deferred else "")
    unsendable = (f"; {len(result.skipped)} not sendable through this server"
                  if result.skipped else "")
    click.echo(printable(f"Sent {len(result.sent)}; {len(result.earlier)} had it already; "
                         f"{len(result.refused)} refused by the server{later}{unsendable}; "
                         f"{len(outbox.problems)} rows skipped (log: {journal})"))
