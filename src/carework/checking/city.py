"""The city as the roster knows it: which records belong to it, who has not reported, whose record is out of date.

Pure functions over the schools a run loaded and the roster (`schema.roster`); the pipeline calls them once per run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carework.core.model import NO_DISTRICT, School
from carework.core.problems import Problem
from carework.rules.targets import Absent
from carework.schema.identity import did_you_mean
from carework.schema.roster import Roster, RosterSchool


@dataclass(frozen=True)
class Stale:
    """A record not updated within the plan's `record_max_age_days` of the as-of date (未更新)."""

    code: str
    name: str
    district: str
    file: str
    updated: dt.date | None
    age_days: int | None


def roster_problems(schools: list[School], roster: Roster) -> list[Problem]:
    """A data error for every record whose code the roster does not know, whose district is not the city's, or
    whose name or district differs from the roster's; each with a did-you-mean where one is close."""
    problems: list[Problem] = []
    codes = [s.code for s in roster.schools]
    districts = roster.districts
    for school in schools:
        listed = roster.by_code.get(school.code)
        where = school.locate(("code",))
        if listed is None:
            guess = did_you_mean(school.code, codes)
            problems.append(Problem(where, "not-on-roster", f"学校代码 {school.code} 不在名册（{roster.file}）上",
                                    f"school code {school.code} is not on the roster ({roster.file})",
                                    (f"是不是 {guess}？" if guess else "") + "核对学校代码；新学校请联系教育局关工办加入名册",
                                    (f"did you mean {guess}? " if guess else "") + "check the code; a new school asks the bureau's office to add it to the roster"))
            continue
        if school.district == NO_DISTRICT:
            pass  # missing or refused: its own problem says so, and the roster's district is used
        elif school.district not in districts:
            guess = did_you_mean(school.district, districts) or listed.district
            problems.append(Problem(school.locate(("district",)), "unknown-district",
                                    f"所属区“{school.district}”不是名册上的区（{'、'.join(districts)}）",
                                    f"district {school.district!r} is not one of the roster's ({', '.join(districts)})",
                                    f"是不是“{guess}”？按名册写区的全称", f"did you mean {guess}? write the district as the roster does"))
        elif school.district != listed.district:
            problems.append(Problem(school.locate(("district",)), "district-mismatch",
                                    f"所属区“{school.district}”与名册不一致：名册上 {school.code} 属于{listed.district}",
                                    f"district {school.district!r} differs from the roster, which puts {school.code} in {listed.district}",
                                    "改成名册上的区；若名册有误，请联系教育局关工办", "write the roster's district; if the roster is wrong, tell the bureau's office"))
        if school.name != listed.name:
            problems.append(Problem(school.locate(("name",)), "name-mismatch",
                                    f"学校名称“{school.name}”与名册上的“{listed.name}”不一致",
                                    f"school name {school.name!r} differs from the roster's {listed.name!r}",
                                    "按名册写学校全称；若名册有误，请联系教育局关工办", "write the name as the roster does; if the roster is wrong, tell the bureau's office"))
    return problems


def not_reported(roster: Roster, schools: list[School]) -> list[RosterSchool]:
    """Roster schools with no record loaded, by district then code."""
    reported = {s.code for s in schools}
    return sorted((s for s in roster.schools if s.code not in reported), key=lambda s: (s.district, s.code))


def absent(schools: list[RosterSchool]) -> list[Absent]:
    """Roster schools without a record, as the targets count them."""
    return [Absent(s.code, s.district, s.kind, s.ownership) for s in schools]


def stale_records(schools: list[School], as_of: dt.date, max_age_days: int | None) -> list[Stale]:
    """Records whose `updated` date is missing or more than `max_age_days` before `as_of`, by district then code;
    nothing when the plan sets no maximum age."""
    if max_age_days is None:
        return []
    out = []
    for school in schools:
        updated = school.data.get("updated")
        age = (as_of - updated).days if isinstance(updated, dt.date) else None
        if age is None or age > max_age_days:
            out.append(Stale(school.code, school.name, school.district, school.file,
                             updated if isinstance(updated, dt.date) else None, age))
    return sorted(out, key=lambda s: (s.district, s.code))
