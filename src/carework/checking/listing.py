"""The city's schools and districts as lists (`carework schools`, `carework districts`): who is on the roster, who
has reported, who is out of date, how many gaps each has — one row per school or district, from one CheckRun."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from carework.checking.run import CheckRun
from carework.core.model import Status


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    district: str
    kind: str
    #: "reported" (a record, checked), "not_reported" (on the roster, no record), "not_on_roster" (a record the
    #: roster does not know), "invalid" (a record with data errors).
    state: str
    stale: bool
    gaps: int
    file: str


@dataclass(frozen=True)
class DistrictRow:
    district: str
    #: Schools on the roster (None without a roster).
    on_roster: int | None
    reported: int
    not_reported: int
    invalid: int
    stale: int
    gaps: int


STATES = {
    "reported": ("已报送", "reported"),
    "not_reported": ("未报送", "not reported"),
    "not_on_roster": ("不在名册上", "not on the roster"),
    "invalid": ("数据有误", "data errors"),
}


def school_rows(run: CheckRun) -> list[SchoolRow]:
    """Every school asked about, with a record or only on the roster, by district then code."""
    gaps = Counter(school for school, _, status in run.results.statuses() if status == Status.FAIL)
    bad_files = {p.location.file for p in run.problems if p.level == "error"}
    stale = {s.code for s in run.stale}
    chosen = set(run.selected)
    rows = []
    for s in run.schools:
        if s.code not in chosen:
            continue
        if s.file in bad_files:
            state = "invalid"
        elif run.roster is not None and s.code not in run.roster.by_code:
            state = "not_on_roster"
        else:
            state = "reported"
        rows.append(SchoolRow(s.code, s.name, s.district, s.kind, state, s.code in stale, gaps[s.code], s.file))
    rows.extend(SchoolRow(s.code, s.name, s.district, s.kind, "not_reported", False, 0, "") for s in run.not_reported)
    return sorted(rows, key=lambda r: (r.district, r.code))


def district_rows(run: CheckRun) -> list[DistrictRow]:
    """One row per district asked about: the roster's count, who reported, who not, data errors, gaps."""
    schools = school_rows(run)
    names = sorted({r.district for r in schools})
    roster = Counter(s.district for s in run.roster.schools) if run.roster is not None else None
    out = []
    for name in names:
        mine = [r for r in schools if r.district == name]
        states = Counter(r.state for r in mine)
        out.append(DistrictRow(name, roster[name] if roster is not None else None,
                               len(mine) - states["not_reported"], states["not_reported"], states["invalid"],
                               sum(r.stale for r in mine), sum(r.gaps for r in mine)))
    return out
