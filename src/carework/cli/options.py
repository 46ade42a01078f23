"""What the commands share: their common options, parsed into one frozen `RunOptions`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.helptext import bi
from carework.core.problems import Lang

PathsArg = Annotated[list[Path] | None, typer.Argument(help=bi("学校记录文件或文件夹（默认 data/schools）。",
                                                         "School record files or folders (default: data/schools)."),
                                                         show_default=False)]
PlanOpt = Annotated[Path | None, typer.Option("--plan", help=bi(
    "工作要点（计划）文件（默认 data/plans/ 中适用于检查日期的一份，没有则用随程序提供的 2024 年计划）。",
    "Plan file (default: the one of data/plans/ for the as-of date, else the shipped plan)."))]
WaiversOpt = Annotated[Path | None, typer.Option("--waivers", help=bi(
    "豁免文件（默认 data/waivers.yaml，存在时）。", "Waiver file (default: data/waivers.yaml if present)."))]
RosterOpt = Annotated[Path | None, typer.Option(
    "--roster", help=bi(
    "教育局的学校名册，CSV 文件（默认 data/roster.csv，存在时；见 README“学校名册”）。",
    "The bureau's roster of schools, CSV (default: data/roster.csv if present; README: The roster)."))]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", envvar="CAREWORK_AS_OF", help=bi(
    "按这一天检查，格式 YYYY-MM-DD，例如 2024-12-31（默认：环境变量 CAREWORK_AS_OF，否则今天）。",
    "Judge as of this date, YYYY-MM-DD (default: CAREWORK_AS_OF, else today)."))]
LangOpt = Annotated[Lang, typer.Option("--lang", envvar="CAREWORK_LANG", help=bi(
    "输出和帮助的语言：zh（中文，默认）或 en（英文）。", "Language of output and help: zh (Chinese, default) or en (English)."))]
RedactOpt = Annotated[bool, typer.Option("--redact", help=bi(
    "写出的内容里遮住人名（王建国 → 王**），用于要交出办公室的文件（见 docs/spreadsheets.md“个人信息”）。",
    "Mask people's names (王建国 → 王**) in what is written (docs/spreadsheets.md: personal data)."))]
SchoolOpt = Annotated[list[str] | None, typer.Option("--school", help=bi(
    "只看这所学校（学校代码，可重复）。", "Only this school code (repeatable)."))]
DistrictOpt = Annotated[list[str] | None, typer.Option("--district", help=bi(
    "只看这个区（可重复）。", "Only this district (repeatable)."))]
SectionOpt = Annotated[list[int] | None, typer.Option("--section", help=bi(
    "只看工作要点的这一部分（编号 1–5，可重复）。", "Only this section number (repeatable)."))]
RuleOpt = Annotated[list[str] | None, typer.Option("--rule", help=bi(
    "只看这条规则（例如 S2-06，可重复）。", "Only this rule id (repeatable)."))]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help=bi(
    "每份记录都重新检查，不读也不写缓存。", "Check every record afresh; neither read nor write the cache (README: Performance)."))]


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
    return parse_date(text, default, lang, "--as-of") or default


def parse_date(text: str | None, default: dt.date | None, lang: Lang, option: str) -> dt.date | None:
    """The date an option gives, or `default`; a malformed one is a usage error naming the option."""
    if text is None:
        return default
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"{text!r} 不是 YYYY-MM-DD 格式的日期" if lang == "zh" else f"{text!r} is not a date (YYYY-MM-DD)"
        raise typer.BadParameter(message, param_hint=option) from None
