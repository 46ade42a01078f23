"""`carework diff A [B]`: what changed between two git revisions of the data repository, or two JSON results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, write_file
from carework.cli.helptext import bi
from carework.cli.options import AsOfOpt, LangOpt, parse_date, today
from carework.core.problems import Lang

if TYPE_CHECKING:
    from carework.checking.diff import Diff, State


@dataclass(frozen=True)
class DiffOptions:
    before: str
    after: str
    as_of: dt.date
    today: dt.date
    fmt: str
    output: Path | None
    lang: Lang


def diff(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help=bi("一个 git 版本（HEAD~1、标签、提交）或一份 --format json 的结果。", "A git revision (HEAD~1, a tag, a commit) or a --format json result."))],
    after: Annotated[str, typer.Argument(help=bi("另一个版本或 JSON 结果（默认：当前的工作区）。", "Another revision or JSON result (default: the working tree as it is)."))] = ".",
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["text", "json", "markdown"], typer.Option("--format", help=bi("输出格式。", "Output format."))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help=bi("写到这个文件（整体替换，不会留下半个文件）。", "Write to this file (atomically) instead."))] = None,
) -> None:
    """比较两次的达标情况：新增、已解决、仍未解决的未达标项，学校的增减，目标的变化。

    两个版本按同一个检查日期判断（--as-of，默认今天），各用各自的工作要点、名册和豁免。
    """
    now = today()
    finish(ctx, lang, run_diff, DiffOptions(before, after, parse_date(as_of, now, lang, "--as-of") or now, now, fmt, output, lang))


def run_diff(o: DiffOptions) -> ExitCode:
    from carework.formats.diff import render

    text = render(compare(o.before, o.after, o.as_of, o.today), o.fmt, o.lang)
    if o.output:
        write_file(o.output, text)
    else:
        emit(text)
    return ExitCode.OK


def compare(before: str, after: str, as_of: dt.date, now: dt.date) -> Diff:
    """The diff between two states named on the command line (also `report --since`)."""
    from carework.checking.diff import compare_states

    return compare_states(state_named(before, as_of, now), state_named(after, as_of, now))


def state_named(name: str, as_of: dt.date, now: dt.date) -> State:
    from carework.checking.diff import state_at, state_of_json

    path = Path(name)
    if path.suffix.lower() == ".json" and path.is_file():
        return state_of_json(path, name)
    return state_at(name, Path.cwd(), as_of, now)
