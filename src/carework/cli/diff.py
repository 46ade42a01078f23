"""`carework diff A [B]`: what changed between two git revisions of the data repository, or two JSON results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, write_file
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
    before: Annotated[str, typer.Argument(help="A git revision (HEAD~1, a tag, a commit) or a --format json result.")],
    after: Annotated[str, typer.Argument(help="Another revision or JSON result (default: the working tree as it is).")] = ".",
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["text", "json", "markdown"], typer.Option("--format", help="Output format.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead.")] = None,
) -> None:
    """比较两次的达标情况。What changed between two states: new, resolved and still-open gaps, schools, targets.

    Revisions are checked as of the same date (--as-of, default today), each with its own plan, roster and waivers.
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
