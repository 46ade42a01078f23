"""`carework check`: check the records, print the format, optionally write another to a file, exit by the contract."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, use_color, width, write_file
from carework.cli.inputs import checked, progress_wanted
from carework.cli.options import (
    AsOfOpt,
    LangOpt,
    NoCacheOpt,
    PathsArg,
    PlanOpt,
    RosterOpt,
    RunOptions,
    WaiversOpt,
    run_options,
)
from carework.formats import FORMATS, format_for_file

CHOICES = ("auto", *FORMATS)
if TYPE_CHECKING:
    from carework.formats.base import Format

    FormatChoice = str
else:  # the registry's names are the choices: a format added there is offered here
    FormatChoice = Literal[CHOICES]
FailOn = Literal["none", "advice", "warning", "error"]
SUFFIXES = ", ".join(suffix for spec in FORMATS.values() for suffix in spec.suffixes)


@dataclass(frozen=True)
class CheckOptions:
    run: RunOptions
    fmt: str
    fail_on: str
    output: Path | None = None
    baseline: Path | None = None
    summary_only: bool = False


def check(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[FormatChoice, typer.Option(
        "--format", help="Output format. auto: github annotations under GitHub Actions, else text (colour on a terminal; "
                         f"NO_COLOR turns it off); with --output, chosen by the file's suffix ({SUFFIXES}).")] = "auto",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the format to this file (atomically); the terminal still gets the text.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="An earlier --format json result: list (and --fail-on) only new gaps, and the resolved ones; "
                         "counts still include every gap.")] = None,
    changed_since: Annotated[str | None, typer.Option(
        "--changed-since", metavar="REV", help="Report only records git says changed since REV (targets still use all).")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when a gap of this severity or worse is found.")] = "none",
    school: Annotated[list[str] | None, typer.Option("--school", help="Only this school code (repeatable).")] = None,
    district: Annotated[list[str] | None, typer.Option("--district", help="Only this district (repeatable).")] = None,
    section: Annotated[list[int] | None, typer.Option("--section", help="Only this section number (repeatable).")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule id (repeatable).")] = None,
    no_cache: NoCacheOpt = False,
    summary_only: Annotated[bool, typer.Option(
        "--summary-only", help="Only the summary (figures, targets, who has not reported): no school's list, and the "
                               "data problems counted, not listed.")] = False,
) -> None:
    """检查学校记录。Check school records against the plan and print the gaps and a summary.

    With PATHS, only those records are reported on; aggregate targets are still computed over the whole data set.
    """
    run = run_options(paths, plan, waivers, as_of, lang, school, district, section, rule, changed_since, no_cache, roster)
    finish(ctx, lang, run_check, CheckOptions(run, fmt, fail_on, output, baseline, summary_only))


def run_check(options: CheckOptions) -> ExitCode:
    from carework.checking.baseline import compare, describe, load_baseline, only_new
    from carework.core.model import SEVERITIES, Status
    from carework.core.paths import display_path
    from carework.formats.base import FormatOptions

    lang = options.run.lang
    known = load_baseline(options.baseline, display_path(options.baseline)) if options.baseline else None
    terminal = _auto_format() if options.fmt == "auto" or options.output else options.fmt
    formatter = FORMATS[terminal].make(FormatOptions(lang=lang, color=use_color(), width=width(),
                                                     summary_only=options.summary_only))
    document: Format | None = None
    if options.output:
        chosen = format_for_file(options.output) if options.fmt == "auto" else options.fmt
        document = FORMATS[chosen].make(FormatOptions(lang=lang, color=False, width=100))
    run = checked(options.run, progress_wanted(), (formatter,) + ((document,) if document else ()))
    comparison = compare(run, known) if known else None
    if comparison:
        run = only_new(run, comparison)
    if options.output and document is not None:
        write_file(options.output, document.chunks(run))
    emit(formatter.chunks(run))
    if comparison:  # beside a whole document on stdout it goes to stderr, so the document stays parseable
        stream = sys.stderr if FORMATS[terminal].whole_document else sys.stdout
        stream.write(describe(comparison, run.plan.id, lang))
    if any(p.level == "error" for p in run.problems):
        return ExitCode.INVALID_DATA
    if options.fail_on != "none":
        bar = SEVERITIES[: SEVERITIES.index(options.fail_on) + 1]  # type: ignore[arg-type]
        severity = {r.id: r.severity for r in run.plan.rules}
        if any(status == Status.FAIL and severity[rule] in bar for _, rule, status in run.listing.statuses()):
            return ExitCode.GAPS
    return ExitCode.OK


def _auto_format() -> str:
    """GitHub annotations inside GitHub Actions, text everywhere else (the text format decides about colour)."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
