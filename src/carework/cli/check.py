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
from carework.cli.helptext import bi
from carework.cli.inputs import checked, progress_wanted, protected
from carework.cli.options import (
    AsOfOpt,
    DistrictOpt,
    LangOpt,
    NoCacheOpt,
    PathsArg,
    PlanOpt,
    RedactOpt,
    RosterOpt,
    RuleOpt,
    RunOptions,
    SchoolOpt,
    SectionOpt,
    WaiversOpt,
    run_options,
)
from carework.formats import FORMATS, format_for_file

CHOICES = ("auto", *FORMATS)
if TYPE_CHECKING:
    from carework.checking.run import CheckRun
    from carework.core.problems import Lang
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
    redact: bool = False
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
        "--format", help=bi(
        "输出格式。auto：在 GitHub Actions 中为 github 批注，其他情况为 text（终端上带颜色，设置 NO_COLOR 则不带）；"
        f"与 --output 同用时按文件后缀选择（{SUFFIXES}）。",
        "Output format. auto: github annotations under GitHub Actions, else text (colour on a terminal; "
        f"NO_COLOR turns it off); with --output, chosen by the file's suffix ({SUFFIXES})."))] = "auto",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=bi(
        "把结果按格式写入这个文件（普通文件，不能是输入文件，也不能在数据文件夹里；- 表示标准输出），终端上仍显示文字结果。",
        "Write the format to this file (atomically; a regular file, never an input nor inside the data folders; "
        "- for standard output); the terminal still gets the text."))] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help=bi(
        "以前一次 --format json 的结果为基线：只列出（和按 --fail-on 判定）新出现的未达标项及已解决的项；统计数仍包括全部。",
        "An earlier --format json result: list (and --fail-on) only new gaps, and the resolved ones; "
        "counts still include every gap."))] = None,
    changed_since: Annotated[str | None, typer.Option(
        "--changed-since", metavar="REV", help=bi(
        "只报告自 git 版本 REV 以来改动过的记录（总体目标仍按全部记录计算）。",
        "Report only records git says changed since REV (targets still use all)."))] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help=bi(
        "有这一程度或更严重的未达标项时以退出码 1 结束：advice（建议）、warning（应当）、error（必须）。",
        "Exit 1 when a gap of this severity or worse is found."))] = "none",
    school: SchoolOpt = None,
    district: DistrictOpt = None,
    section: SectionOpt = None,
    rule: RuleOpt = None,
    no_cache: NoCacheOpt = False,
    redact: RedactOpt = False,
    summary_only: Annotated[bool, typer.Option("--summary-only", help=bi(
        "只看汇总（各项数字、总体目标、未报送的学校）：不列每所学校的清单，数据问题只计数不逐条列出。",
        "Only the summary (figures, targets, who has not reported): no school's list, and the data problems counted, "
        "not listed."))] = False,
) -> None:
    """检查学校记录：对照工作要点，列出每所学校未达标的项目，并给出汇总。

    给出路径时只报告这些记录；全市和各区的总体目标仍按全部记录计算。
    """
    run = run_options(paths, plan, waivers, as_of, lang, school, district, section, rule, changed_since, no_cache, roster)
    finish(ctx, lang, run_check, CheckOptions(run, fmt, fail_on, output, baseline, redact, summary_only))


def run_check(options: CheckOptions) -> ExitCode:
    from carework.checking.baseline import compare, describe, load_baseline, only_new
    from carework.core.destination import STDOUT, check_output_file
    from carework.core.model import SEVERITIES, Status
    from carework.core.paths import display_path
    from carework.formats.base import FormatOptions
    from carework.rules.rectify import finding_severity, is_data_error

    lang = options.run.lang
    to_stdout = options.output is not None and str(options.output) == STDOUT
    if options.output is not None:
        check_output_file(options.output, protected(options.run, extra=(options.baseline,)), "--output")
    known = load_baseline(options.baseline, display_path(options.baseline)) if options.baseline else None
    terminal = _auto_format() if options.fmt == "auto" or (options.output and not to_stdout) else options.fmt
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY", "") if terminal == "github" else ""
    formatter = FORMATS[terminal].make(FormatOptions(
        lang=lang, color=use_color(), width=width(),
        document=display_path(options.output) if options.output and not to_stdout else "", step_summary=bool(step_summary),
        summary_only=options.summary_only))
    document: Format | None = None
    if options.output and not to_stdout:
        chosen = format_for_file(options.output) if options.fmt == "auto" else options.fmt
        document = FORMATS[chosen].make(FormatOptions(lang=lang, color=False, width=100))
    run = checked(options.run, progress_wanted(), (formatter,) + ((document,) if document else ()))
    if options.redact:
        from carework.checking.redacted import redacted

        run = redacted(run)
    comparison = compare(run, known) if known else None
    if comparison:
        run = only_new(run, comparison)
    if options.output and document is not None:
        write_file(options.output, document.chunks(run))
    if step_summary:
        _append_step_summary(Path(step_summary), run, lang)
    emit(formatter.chunks(run))
    if comparison:  # beside a whole document on stdout, or a file, it goes to stderr: stdout stays parseable
        stream = sys.stderr if FORMATS[terminal].whole_document or options.output else sys.stdout
        stream.write(describe(comparison, run.plan.id, lang))
    if any(is_data_error(p) for p in run.problems):
        return ExitCode.INVALID_DATA
    if options.fail_on != "none":
        bar = SEVERITIES[: SEVERITIES.index(options.fail_on) + 1]  # type: ignore[arg-type]
        severity = {r.id: r.severity for r in run.plan.rules}
        if any(status == Status.FAIL and severity[rule] in bar for _, rule, status in run.listing.statuses()):
            return ExitCode.GAPS
        if any(finding_severity(p) in bar for p in run.problems):  # an overdue rectification counts as an error
            return ExitCode.GAPS
    return ExitCode.OK


def _append_step_summary(path: Path, run: CheckRun, lang: Lang) -> None:
    """The run's Markdown summary, appended to GitHub's job summary file (the runner made it for this step; other
    commands of the step may have written to it, so it is added to in one write, never replaced)."""
    from carework.cli.console import cannot_write
    from carework.formats.base import FormatOptions

    text = FORMATS["markdown"].make(FormatOptions(lang=lang)).render(run)
    try:
        with path.open("a", encoding="utf-8") as summary:
            summary.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise cannot_write(path, exc) from None


def _auto_format() -> str:
    """GitHub annotations inside GitHub Actions, text everywhere else (the text format decides about colour)."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
