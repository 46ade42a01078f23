"""Where a run's inputs are: command-line options first, then `carework.yaml` in the current folder, then defaults.

`carework.yaml` (optional) lets a bureau's data repository say once where its records, plan and waivers are:

    schools: [data/schools]      # folders or files of school records
    plan: data/plans/2024.yaml   # default: this repository's plan, or the one shipped with carework
    waivers: data/waivers.yaml   # default: data/waivers.yaml when it exists
    roster: data/roster.csv      # the bureau's list of schools; default: data/roster.csv when it exists
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.core.errors import invalid_plan
from carework.core.resources import default_plan
from carework.reading.loader import YamlError, load_file
from carework.schema.fieldtypes import Field, ListOf, Record, Text
from carework.schema.validate import InvalidFile, load_valid

CONFIG_FILE = "carework.yaml"
CONFIG = Record((
    Field("schools", ListOf(Text()), "学校记录所在的文件夹或文件", "folders or files of school records"),
    Field("plan", Text(), "计划文件", "plan file"),
    Field("waivers", Text(), "豁免文件", "waiver file"),
    Field("roster", Text(), "学校名册（CSV）", "roster of schools (CSV)"),
))


@dataclass(frozen=True)
class Inputs:
    schools: tuple[Path, ...]
    plan: Path
    waivers: Path | None
    #: The bureau's roster of schools (CSV); None: targets count only the records submitted.
    roster: Path | None = None


def resolve(paths: list[Path], plan: Path | None, waivers: Path | None, cwd: Path, roster: Path | None = None,
            as_of: dt.date | None = None) -> Inputs:
    """Decide the inputs of a run; raises CareworkError (Failure.PLAN) when carework.yaml is malformed. Without a plan
    named, the plan of `data/plans/` whose period holds `as_of` is used (see `plan_for`)."""
    settings: dict[str, Any] = {"schools": [], "plan": None, "waivers": None, "roster": None}
    config_path = cwd / CONFIG_FILE
    if config_path.is_file():
        try:
            settings = load_valid(config_path, CONFIG_FILE, CONFIG)[1]
        except InvalidFile as exc:
            raise invalid_plan(exc.problems) from None
    schools = tuple(paths) or tuple(cwd / s for s in settings["schools"]) or (cwd / "data" / "schools",)
    if plan is None:
        local = plan_for(cwd / "data" / "plans", as_of)
        plan = cwd / settings["plan"] if settings["plan"] else (local or default_plan())
    if waivers is None:
        local_waivers = cwd / "data" / "waivers.yaml"
        waivers = cwd / settings["waivers"] if settings["waivers"] else (local_waivers if local_waivers.is_file() else None)
    if roster is None:
        local_roster = cwd / "data" / "roster.csv"
        roster = cwd / settings["roster"] if settings["roster"] else (local_roster if local_roster.is_file() else None)
    return Inputs(schools, plan, waivers, roster)


def plan_for(folder: Path, as_of: dt.date | None) -> Path | None:
    """The plan in `folder` for the as-of date: the one whose period holds it, else the one whose period is nearest
    (a check before the first plan or after the last; the run then warns that the date is outside the plan's
    period); None when the folder has no plan. Without a date, the plan of the latest period."""
    candidates = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if len(candidates) <= 1:  # nothing to choose: its period is read once, when the plan itself is loaded
        return candidates[0] if candidates else None
    periods = [(_period(path) or (dt.date.min, dt.date.min), path) for path in candidates]
    if as_of is None:
        return max(periods)[1]
    holding = [path for (start, end), path in periods if start <= as_of <= end]
    if holding:
        return holding[-1]
    def distance(item: tuple[tuple[dt.date, dt.date], Path]) -> tuple[int, str]:
        (start, end), path = item
        return (min(abs((as_of - start).days), abs((as_of - end).days)), path.name)
    return min(periods, key=distance)[1]


def _period(path: Path) -> tuple[dt.date, dt.date] | None:
    """A plan file's period, read without compiling the plan; None when it cannot be read (loading it says why)."""
    try:
        period = load_file(path, path.name).value["plan"]["period"]
        start, end = period["start"], period["end"]
    except (YamlError, TypeError, KeyError):
        return None
    return (start, end) if isinstance(start, dt.date) and isinstance(end, dt.date) else None
