"""The `carework` application: global options, one command per function of the command modules, the entry point.

Each command parses its options into a frozen options object and hands it to its work through
`carework.cli.boundary.finish`, the one place failures become messages and exit codes. Command modules import the
checking stage (and Jinja) only inside their work, so `carework --help` starts fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from carework import __version__
from carework.cli import check, files, listing, report, rules
from carework.cli.boundary import crashed

app = typer.Typer(
    name="carework",
    help="检查学校关工委工作记录是否达到年度工作要点的要求。Check school committee records against the work points.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carework {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """carework：教育关工委工作要点达标检查。"""


for command in (check.check, report.report, rules.rules, rules.explain, files.template, files.schema, listing.schools, listing.districts):
    app.command()(command)


def main() -> None:
    """Console entry point. Commands end through the boundary; this catches only what fails outside one."""
    try:
        app()
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        raise SystemExit(int(crashed(exc, "zh", debug=False))) from None
