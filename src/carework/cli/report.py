"""`carework report`: write the Markdown gap reports (整改清单) for the schools, districts and city."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import cannot_write, say
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
from carework.core.errors import refused


@dataclass(frozen=True)
class ReportOptions:
    run: RunOptions
    out: Path
    templates: Path | None


def report(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    out: Annotated[Path, typer.Option("--out", help="Folder to write the reports into.")] = Path("reports"),
    school: Annotated[list[str] | None, typer.Option("--school", help="Only this school's report (repeatable).")] = None,
    district: Annotated[list[str] | None, typer.Option("--district", help="Only this district's reports (repeatable).")] = None,
    templates: Annotated[Path | None, typer.Option(
        "--templates", help="Folder of templates that replace the shipped ones of the same name.")] = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """写出整改清单和汇总报告。Write Markdown gap reports: one per school, one per district, the city, an index.

    With --school or --district only those reports are written and nothing is removed; a full run also rewrites
    the index and the city summary and removes reports carework wrote earlier that no longer have a school.
    """
    run = run_options(paths, plan, waivers, as_of, lang, school, district, no_cache=no_cache, roster=roster)
    finish(ctx, lang, run_report, ReportOptions(run, out, templates))


def run_report(options: ReportOptions) -> ExitCode:
    from carework.report import Scope, make_renderer, pages, render_pages, write_reports

    lang = options.run.lang
    if options.templates is not None and not options.templates.is_dir():
        raise refused(f"模板文件夹 {options.templates} 不存在", f"no template folder {options.templates}")
    run = checked(options.run, progress_wanted())
    selection = options.run
    full = not (selection.schools or selection.districts or selection.paths)
    districts = sorted({s.district for s in run.schools}) if full else list(selection.districts if not selection.schools else ())
    has_index = full or (options.out / "index.md").is_file()  # a page written alone into a new folder links nowhere
    files = render_pages(make_renderer(lang, options.templates), pages(run, Scope(full, tuple(districts), has_index)))
    try:
        written = write_reports(options.out, files, prune=full)
    except OSError as exc:
        raise cannot_write(options.out, exc) from None
    where = options.out.as_posix()
    say(f"已在 {where} 生成 {len(files)} 个报告文件（更新 {len(written.written)} 个，未变 {len(written.unchanged)} 个，"
        f"删除过期 {len(written.removed)} 个）",
        f"{len(files)} report file(s) in {where} ({len(written.written)} updated, {len(written.unchanged)} unchanged, "
        f"{len(written.removed)} stale removed)", lang)
    if written.kept:
        say(f"以下过期文件已被手工修改，未删除：{'、'.join(written.kept)}",
            f"stale files edited by hand, not removed: {', '.join(written.kept)}", lang, err=True)
    return ExitCode.INVALID_DATA if any(p.level == "error" for p in run.problems) else ExitCode.OK
