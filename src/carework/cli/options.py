"""What the commands share: their common options, parsed into one frozen `RunOptions`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.core.problems import Lang

PathsArg = Annotated[list[Path] | None, typer.Argument(help="School record files or folders (default: data/schools).",
                                                         show_default=False)]
PlanOpt = Annotated[Path | None, typer.Option("--plan", help="Plan file (default: data/plans/2024.yaml, else the shipped plan).")]
WaiversOpt = Annotated[Path | None, typer.Option("--waivers", help="Waiver file (default: data/waivers.yaml if present).")]
RosterOpt = Annotated[Path | None, typer.Option(
    "--roster", help="The bureau's roster of schools, CSV (default: data/roster.csv if present; README: The roster).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Judge as of this date, YYYY-MM-DD (default: today).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of messages: zh (default) or en.")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Check every record afresh; neither read nor write the cache (README: Performance).")]


@dataclass(frozen=True)
class RunOptions:
    """What to check and how: shared by `check` and `report`."""

    paths: tuple[Path, ...]
    plan: Path | None
    waivers: Path | None
    as_of: dt.date
    today: dt.date
    lang: Lang
    schools: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sections: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()
    changed_since: str | None = None
    use_cache: bool = True
    roster: Path | None = None


def today() -> dt.date:
    return dt.date.today()


def run_options(paths: list[Path] | None, plan: Path | None, waivers: Path | None, as_of: str | None, lang: Lang,
                schools: list[str] | None = None, districts: list[str] | None = None, sections: list[int] | None = None,
                rules: list[str] | None = None, changed_since: str | None = None, no_cache: bool = False,
                roster: Path | None = None) -> RunOptions:
    """The options as typer hands them over, made one frozen object; a malformed --as-of is a usage error."""
    now = today()
    return RunOptions(tuple(paths or ()), plan, waivers, _parse_date(as_of, now, lang), now, lang, tuple(schools or ()),
                      tuple(districts or ()), tuple(sections or ()), tuple(rules or ()), changed_since, not no_cache, roster)


#: The one date form the help promises. Python 3.11's `date.fromisoformat` also takes `20241231` and `2024-W01-1`,
#: which a person reading a report would not recognise as the date they gave.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _parse_date(text: str | None, default: dt.date, lang: Lang) -> dt.date:
    if text is None:
        return default
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"{text!r} 不是 YYYY-MM-DD 格式的日期" if lang == "zh" else f"{text!r} is not a date (YYYY-MM-DD)"
        raise typer.BadParameter(message, param_hint="--as-of") from None
