"""`carework trend`: the targets, gaps and rectifications as of each of several dates (docs/progress.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, write_file
from carework.cli.helptext import bi
from carework.cli.options import LangOpt, PathsArg, PlanOpt, RosterOpt, WaiversOpt, parse_date, today
from carework.core.problems import Lang

if TYPE_CHECKING:
    from carework.checking.config import Inputs


@dataclass(frozen=True)
class TrendOptions:
    paths: tuple[Path, ...]
    plan: Path | None
    waivers: Path | None
    roster: Path | None
    start: dt.date | None
    end: dt.date | None
    every: str
    fmt: str
    output: Path | None
    lang: Lang
    today: dt.date


def trend(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    roster: RosterOpt = None,
    lang: LangOpt = "zh",
    start: Annotated[str | None, typer.Option("--from", help=bi("第一个日期，格式 YYYY-MM-DD（默认计划期的开始）。", "First date, YYYY-MM-DD (default: the plan's start)."))] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help=bi("最后一个日期，格式 YYYY-MM-DD（默认今天；计划期已结束时为计划期的最后一天）。", "Last date, YYYY-MM-DD (default: today, or the plan's end if that is earlier)."))] = None,
    every: Annotated[str, typer.Option(
        "--every", help=bi("month（每月月底）、week（每个星期日），或列出日期：2024-03-31,2024-06-30。", "month (the end of each month), week (each Sunday), or dates: 2024-03-31,2024-06-30."))] = "month",
    fmt: Annotated[Literal["text", "json", "markdown"], typer.Option("--format", help=bi("输出格式。", "Output format."))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help=bi("写到这个文件（整体替换，不会留下半个文件）。", "Write to this file (atomically) instead."))] = None,
) -> None:
    """进展趋势：按多个日期推算目标、差距和整改。

    每份记录只读一次，按每个日期分别判断；趋势能说明什么、不能说明什么，见 docs/progress.md。
    """
    now = today()
    options = TrendOptions(tuple(paths or ()), plan, waivers, roster, parse_date(start, None, lang, "--from"),
                           parse_date(end, None, lang, "--to"), every, fmt, output, lang, now)
    finish(ctx, lang, run_trend, options)


def run_trend(o: TrendOptions) -> ExitCode:
    from carework.checking import trend as progress
    from carework.formats.trend import render
    from carework.rules.rectify import is_data_error

    inputs = data_inputs(o.paths, o.plan, o.waivers, o.roster, o.end or o.today)
    plan = progress.trend_plan(inputs)
    start, end = o.start or plan.period[0], o.end or min(o.today, plan.period[1])
    judged = progress.run_trend(inputs, plan, progress.points_between(start, end, o.every), o.today)
    text = render(judged, o.fmt, o.lang)
    if o.output:
        write_file(o.output, text)
    else:
        emit(text)
    return ExitCode.INVALID_DATA if any(is_data_error(p) for p in judged.problems) else ExitCode.OK


def data_inputs(paths: tuple[Path, ...], plan: Path | None, waivers: Path | None, roster: Path | None,
                as_of: dt.date) -> Inputs:
    """The inputs as `check` resolves them (options, carework.yaml, defaults); no records at all is a usage error."""
    from carework.checking.config import resolve
    from carework.cli.inputs import no_data

    inputs = resolve(list(paths), plan, waivers, Path.cwd(), roster, as_of)
    if not any(p.exists() for p in inputs.schools):
        raise no_data(inputs.schools)
    return inputs
