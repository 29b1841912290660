"""What every command of the command line shares: the loaded project (Run), the --as and
--encoding options, and how paths and counts are said."""

from __future__ import annotations

import codecs
from pathlib import Path

import click

from ..errors import printable
from ..project import config, loader


class Run:
    """Options shared by every command."""

    def __init__(self, project_dir: Path, debug: bool):
        self.project_dir = project_dir
        self.debug = debug
        self.profile: Path | None = None
        """An ambassador's profile (--as): presenter, event and partners for this run."""

    def project(self, overrides: dict[str, str] | None = None,
                printing: dict | None = None) -> config.Project:
        return loader.load(self.project_dir, overrides, printing, self.profile)


def _as_profile(ctx: click.Context, _param, value: Path | None) -> Path | None:
    if value is not None:
        ctx.find_object(Run).profile = value
    return value


AS_PROFILE = click.option(
    "--as", "profile", type=click.Path(dir_okay=False, path_type=Path), metavar="PROFILE",
    expose_value=False, callback=_as_profile,
    help="An ambassador's profile (TOML: [presenter], [event], [[partners]]) for this run; "
         "the workbench saves one.")


def _known_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"'{value}' is not an encoding Python knows; e.g. utf-8, "
                                     "cp1252, latin-1") from None
    return value


LIST_ENCODING = click.option(
    "--encoding", metavar="NAME", callback=_known_encoding,
    help="The list's encoding when it is not UTF-8: e.g. cp1252 for a CSV saved by Excel on "
         "Windows, latin-1 for ISO 8859-1. A byte-order mark (UTF-8 or UTF-16) wins over it.")


def log_unless_quiet(quiet: bool):
    if quiet:
        return lambda message: None
    return lambda message: click.echo(f"  {printable(message)}", err=True)


def counted(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


def shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
