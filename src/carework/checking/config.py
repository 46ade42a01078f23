"""Where a run's inputs are: command-line options first, then `carework.yaml` in the current folder, then defaults.

`carework.yaml` (optional) lets a bureau's data repository say once where its records, plan and waivers are:

    schools: [data/schools]      # folders or files of school records
    plan: data/plans/2024.yaml   # default: this repository's plan, or the one shipped with carework
    waivers: data/waivers.yaml   # default: data/waivers.yaml when it exists
    roster: data/roster.csv      # the bureau's list of schools; default: data/roster.csv when it exists
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.core.errors import invalid_plan
from carework.core.resources import default_plan
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


def resolve(paths: list[Path], plan: Path | None, waivers: Path | None, cwd: Path, roster: Path | None = None) -> Inputs:
    """Decide the inputs of a run; raises CareworkError (Failure.PLAN) when carework.yaml is malformed."""
    settings: dict[str, Any] = {"schools": [], "plan": None, "waivers": None, "roster": None}
    config_path = cwd / CONFIG_FILE
    if config_path.is_file():
        try:
            settings = load_valid(config_path, CONFIG_FILE, CONFIG)[1]
        except InvalidFile as exc:
            raise invalid_plan(exc.problems) from None
    schools = tuple(paths) or tuple(cwd / s for s in settings["schools"]) or (cwd / "data" / "schools",)
    if plan is None:
        local = cwd / "data" / "plans" / "2024.yaml"
        plan = cwd / settings["plan"] if settings["plan"] else (local if local.is_file() else default_plan())
    if waivers is None:
        local_waivers = cwd / "data" / "waivers.yaml"
        waivers = cwd / settings["waivers"] if settings["waivers"] else (local_waivers if local_waivers.is_file() else None)
    if roster is None:
        local_roster = cwd / "data" / "roster.csv"
        roster = cwd / settings["roster"] if settings["roster"] else (local_roster if local_roster.is_file() else None)
    return Inputs(schools, plan, waivers, roster)
