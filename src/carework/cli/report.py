"""`carework report`: write the Markdown gap reports (整改清单) for the schools, districts and city."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carework.cli.boundary import ExitCode, finish, terminate_as_interrupt
from carework.cli.console import cannot_write, say
from carework.cli.helptext import bi
from carework.cli.inputs import checked, progress_wanted, protected
from carework.cli.options import (
    AsOfOpt,
    LangOpt,
    NoCacheOpt,
    PathsArg,
    PlanOpt,
    RedactOpt,
    RosterOpt,
    RunOptions,
    WaiversOpt,
    run_options,
)
from carework.core.errors import refused
from carework.core.problems import Lang

if TYPE_CHECKING:
    from carework.checking.run import CheckRun
    from carework.checking.trend import Trend


@dataclass(frozen=True)
class ReportOptions:
    run: RunOptions
    #: As typed: `--out ''` must be told from `--out .`, which Path() cannot.
    out: str
    templates: Path | None
    since: str | None = None
    trend: bool = True
    redact: bool = False


def report(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    out: Annotated[str, typer.Option("--out", help=bi(
        "报告写到这个文件夹（不能在数据文件夹里）。", "Folder to write the reports into (never inside the data folders)."))] = "reports",
    school: Annotated[list[str] | None, typer.Option("--school", help=bi(
        "只写这所学校的报告（学校代码，可重复）。", "Only this school's report (repeatable)."))] = None,
    district: Annotated[list[str] | None, typer.Option("--district", help=bi(
        "只写这个区的报告（可重复）。", "Only this district's reports (repeatable)."))] = None,
    templates: Annotated[Path | None, typer.Option(
        "--templates", help=bi(
        "自定义模板所在的文件夹，其中的模板替换同名的自带模板。",
        "Folder of templates that replace the shipped ones of the same name."))] = None,
    no_cache: NoCacheOpt = False,
    no_trend: Annotated[bool, typer.Option(
        "--no-trend", help=bi("全市和各区的页面不画全年的进度曲线（画曲线要按月各判断一次）。",
                             "Leave out the year's curve on the city and district pages (it judges the records once a month)."))] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="REV", help=bi("另外写出 changes.md：自这个 git 版本（或 JSON 结果）以来的变化。", "Also write changes.md: what changed since this git revision (or JSON result)."))] = None,
    redact: RedactOpt = False,
) -> None:
    """写出整改清单和汇总报告（Markdown）：每校一份整改清单，每区一份、全市一份汇总，还有一个索引。

    用 --school 或 --district 时只写这些报告，不删除任何文件；完整运行还会重写索引和全市汇总，并删除
    carework 以前写过、现在已没有对应学校的报告。
    """
    run = run_options(paths, plan, waivers, as_of, lang, school, district, no_cache=no_cache, roster=roster)
    finish(ctx, lang, run_report, ReportOptions(run, out, templates, since, not no_trend, redact))


#: The page `--since` adds: what changed since the revision (自上次报告以来).
CHANGES_PAGE = "changes.md"


def _changes(since: str, run: CheckRun, lang: Lang, today: dt.date) -> str:
    """The diff between `since` and the run just made, as Markdown."""
    from carework.checking.diff import compare_states, state_of_run
    from carework.cli.diff import state_named
    from carework.formats.diff import markdown

    return markdown(compare_states(state_named(since, run.as_of, today), state_of_run(run, ".")), lang)


def _trend(o: RunOptions, run: CheckRun) -> Trend | None:
    """The year so far at each month end, for the city and district pages; None before the plan's period starts."""
    from carework.checking.trend import points_between, run_trend
    from carework.cli.trend import data_inputs

    start, end = run.plan.period[0], min(run.as_of, run.plan.period[1])
    if end <= start:
        return None
    inputs = data_inputs(o.paths, o.plan, o.waivers, o.roster, run.as_of)
    return run_trend(inputs, run.plan, points_between(start, end, "month"), o.today)


def run_report(options: ReportOptions) -> ExitCode:
    from carework.core.destination import output_folder
    from carework.report import Scope, make_renderer, pages, render_pages, write_reports

    lang = options.run.lang
    out = output_folder(options.out, protected(options.run, extra=(options.templates,)), "--out")
    if options.templates is not None and not options.templates.is_dir():
        raise refused(f"模板文件夹 {options.templates} 不存在", f"no template folder {options.templates}")
    run = checked(options.run, progress_wanted())
    if options.redact:
        from carework.checking.redacted import redacted

        run = redacted(run)
    selection = options.run
    full = not (selection.schools or selection.districts or selection.paths)
    districts = sorted({s.district for s in run.schools}) if full else list(selection.districts if not selection.schools else ())
    has_index = full or (out / "index.md").is_file()  # a page written alone into a new folder links nowhere
    curve = _trend(options.run, run) if options.trend and (full or districts) else None
    files = render_pages(make_renderer(lang, options.templates), pages(run, Scope(full, tuple(districts), has_index), curve))
    if options.since is not None:
        files[CHANGES_PAGE] = _changes(options.since, run, lang, options.run.today)
    try:
        with terminate_as_interrupt():
            written = write_reports(out, files, prune=full)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    where = out.as_posix()
    say(f"已在 {where} 生成 {len(files)} 个报告文件（更新 {len(written.written)} 个，未变 {len(written.unchanged)} 个，"
        f"删除过期 {len(written.removed)} 个）",
        f"{len(files)} report file(s) in {where} ({len(written.written)} updated, {len(written.unchanged)} unchanged, "
        f"{len(written.removed)} stale removed)", lang)
    if written.kept:
        say(f"以下过期文件已被手工修改，未删除：{'、'.join(written.kept)}",
            f"stale files edited by hand, not removed: {', '.join(written.kept)}", lang, err=True)
    from carework.rules.rectify import is_data_error

    return ExitCode.INVALID_DATA if any(is_data_error(p) for p in run.problems) else ExitCode.OK
