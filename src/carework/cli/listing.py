"""`carework schools` and `carework districts`: the city's schools or districts as one table, roster included."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import asdict, dataclass
from typing import Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import use_color, width
from carework.cli.helptext import bi
from carework.cli.options import (
    AsOfOpt,
    DistrictOpt,
    LangOpt,
    NoCacheOpt,
    PathsArg,
    PlanOpt,
    RosterOpt,
    RunOptions,
    run_options,
)

ListFormat = Annotated[Literal["text", "json"], typer.Option("--format", help=bi("text（表格）或 json（供程序读取）。", "text (a table) or json (for tools)."))]


@dataclass(frozen=True)
class ListingOptions:
    run: RunOptions
    what: Literal["schools", "districts"]
    fmt: str


def schools(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    district: DistrictOpt = None,
    fmt: ListFormat = "text",
    no_cache: NoCacheOpt = False,
) -> None:
    """列出学校：代码、名称、区、类型、报送情况、未达标项数。"""
    run = run_options(paths, plan, None, as_of, lang, districts=district, no_cache=no_cache, roster=roster)
    finish(ctx, lang, list_city, ListingOptions(run, "schools", fmt))


def districts(
    ctx: typer.Context,
    paths: PathsArg = None,
    plan: PlanOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: ListFormat = "text",
    no_cache: NoCacheOpt = False,
) -> None:
    """列出各区：名册学校数、已报送、未报送、数据有误、未更新、未达标项数。"""
    run = run_options(paths, plan, None, as_of, lang, no_cache=no_cache, roster=roster)
    finish(ctx, lang, list_city, ListingOptions(run, "districts", fmt))


def list_city(options: ListingOptions) -> ExitCode:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from carework.checking.listing import STATES, district_rows, school_rows
    from carework.cli.inputs import checked, progress_wanted
    from carework.core.i18n import t
    from carework.schema.school import SCHOOL_KINDS

    lang = options.run.lang
    run = checked(options.run, progress_wanted())
    rows: list = school_rows(run) if options.what == "schools" else district_rows(run)  # type: ignore[type-arg]
    if options.fmt == "json":
        sys.stdout.write(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) + "\n")
        return ExitCode.OK
    zh = lang == "zh"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    if options.what == "schools":
        for key in ("district", "code", "school", "kind"):
            table.add_column(t(key, lang))
        table.add_column("报送情况" if zh else "State")
        table.add_column(t("stale", lang))
        table.add_column(t("failed", lang), justify="right")
        for r in rows:
            state = STATES[r.state][0 if zh else 1]
            table.add_row(r.district, r.code, r.name, SCHOOL_KINDS.label(r.kind, lang), state, t("stale", lang) if r.stale else "",
                          "" if r.state == "not_reported" else str(r.gaps))
    else:
        columns = ("名册学校" if zh else "On roster", "已报送" if zh else "Reported", t("not_reported", lang),
                   "数据有误" if zh else "Data errors", t("stale", lang), t("failed", lang))
        table.add_column(t("district", lang))
        for column in columns:
            table.add_column(column, justify="right")
        for r in rows:
            table.add_row(r.district, "—" if r.on_roster is None else str(r.on_roster), str(r.reported), str(r.not_reported),
                          str(r.invalid), str(r.stale), str(r.gaps))
    buffer = io.StringIO()
    console = Console(file=buffer, width=max(width(), 120), force_terminal=use_color(), no_color=not use_color(),
                      color_system="standard" if use_color() else None, highlight=False, soft_wrap=True)
    console.print(table)
    if run.roster is None:
        console.print(t("no_roster", lang))
    sys.stdout.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))
    return ExitCode.OK
