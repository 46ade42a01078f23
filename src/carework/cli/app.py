"""The `carework` application: global options, one command per function of the command modules, the entry point.

Each command parses its options into a frozen options object and hands it to its work through
`carework.cli.boundary.finish`, the one place failures become messages and exit codes. Command modules import the
checking stage (and Jinja) only inside their work, so `carework --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from carework import __version__
from carework.cli import check, coverage, diff, files, listing, plan, report, rules, spreadsheets, start, trend
from carework.cli.boundary import crashed
from carework.cli.helptext import bi
from carework.cli.language import LocalizedCommand, LocalizedGroup, detect

app = typer.Typer(
    name="carework",
    cls=LocalizedGroup,
    # Tab completion for bash, zsh, fish and PowerShell: `carework --install-completion` (docs/windows.md).
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
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
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=bi("显示版本号。", "Show the version."))] = False,
    debug: Annotated[bool, typer.Option("--debug", help=bi(
        "carework 内部出错时显示详细的出错位置（traceback），便于报告问题。", "Show a traceback on an internal error."))] = False,
) -> None:
    """carework：检查学校关工委工作记录是否达到教育局年度工作要点的要求。

    帮助和提示的语言：--lang，其次环境变量 CAREWORK_LANG，再次系统的语言环境；默认中文。
    """


for command in (start.init, start.new, check.check, report.report, trend.trend, diff.diff, rules.rules, rules.explain,
                coverage.coverage, files.template, files.schema, listing.schools, listing.districts):
    app.command(cls=LocalizedCommand)(command)
for name, sheet_command in (("export", spreadsheets.export), ("form", spreadsheets.form), ("import", spreadsheets.import_)):
    app.command(name, cls=LocalizedCommand)(sheet_command)

app.add_typer(plan.app, name="plan")


def main() -> None:
    """Console entry point. Commands end through the boundary; this catches only what fails outside one."""
    try:
        app()
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        raise SystemExit(int(crashed(exc, detect(sys.argv[1:], os.environ), debug=False))) from None
