"""Aggregate targets (e.g. close to 60% of schools certified by year end): each school's standing, then the city's
and each district's figure, with its denominator explained.

A school's standing (`TargetFact`) is judged with its record, in the worker that checks it; the aggregate needs
nothing else. With a roster, schools on it that sent no record are `Absent`: they count in the denominator as not
meeting the target, so the figure is over the whole city and not over whoever reported; records the roster does not
know are left out (and are data errors). Every row says how many schools it left out, and why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from carework.core.model import School, TargetResult
from carework.rules.engine import not_applicable, school_scope
from carework.rules.expr.language import BUDGET
from carework.rules.model import Plan, Target


class TargetFact(NamedTuple):
    """One school's standing for one aggregate target: all the aggregate needs, without the record."""

    member: bool
    counted: bool = False
    #: The plan's progress keys (sortable) when the school is a member that does not count yet.
    progress: tuple[Any, ...] = ()


class Member(NamedTuple):
    """A school with a record, as the targets count it: the district is the roster's when there is one."""

    code: str
    district: str
    facts: tuple[TargetFact, ...]


class Absent(NamedTuple):
    """A school on the roster that sent no usable record."""

    code: str
    district: str
    kind: str
    ownership: str


class Standing(NamedTuple):
    """Where one school stands for one target: its district, its fact, and whether it sent a record."""

    code: str
    district: str
    fact: TargetFact
    reported: bool = True


def target_facts(plan: Plan, school: School, scope: dict[str, Any]) -> tuple[TargetFact, ...]:
    """The school's fact for each of the plan's targets, in plan order."""
    facts = []
    budget = scope.get(BUDGET)
    for target in plan.targets:
        if budget is not None:
            budget.rule = target.id
        if not_applicable(target.population, school, scope) is not None:
            facts.append(TargetFact(False))
        elif target.counts.fn(scope, None):
            facts.append(TargetFact(True, True))
        else:
            facts.append(TargetFact(True, False, tuple(_sortable(p.fn(scope, None)) for p in target.progress)))
    return tuple(facts)


def absent_fact(target: Target, school: Absent) -> TargetFact:
    """A school without a record is in the population when its kind and ownership are (what else the population
    asks can only be read from a record, so it is given the benefit of the doubt: counted in, as not meeting)."""
    population = target.population
    member = ((not population.kinds or school.kind in population.kinds)
              and (not population.ownership or school.ownership in population.ownership))
    return TargetFact(member)


def evaluate_targets(plan: Plan, schools: list[School], as_of: dt.date) -> list[TargetResult]:
    """Every aggregate target, for the city and for each district, in plan then district order."""
    return aggregate_targets(plan, [Member(s.code, s.district, target_facts(plan, s, school_scope(plan, s, as_of)))
                                    for s in schools])


def aggregate_targets(plan: Plan, schools: Sequence[Member], absent: Sequence[Absent] = (),
                      unlisted: Sequence[str] = ()) -> list[TargetResult]:
    """The targets from each school's facts, for the city and each district; `absent`: roster schools without a
    record; `unlisted`: the districts of records the roster does not know (left out of every figure)."""
    out: list[TargetResult] = []
    for i, target in enumerate(plan.targets):
        standings = [Standing(m.code, m.district, m.facts[i]) for m in schools]
        standings += [Standing(a.code, a.district, absent_fact(target, a), False) for a in absent]
        groups: list[tuple[str, str | None, list[Standing], int]] = []
        if "city" in target.levels:
            groups.append(("city", None, standings, len(unlisted)))
        if "district" in target.levels:
            for name in sorted({s.district for s in standings if s.fact.member}):
                groups.append(("district", name, [s for s in standings if s.district == name], unlisted.count(name)))
        for level, district, group, not_listed in groups:
            out.append(_target_result(target, level, district, group, not_listed))
    return out


def _target_result(target: Target, level: str, district: str | None, group: list[Standing],
                   not_listed: int) -> TargetResult:
    members = [s for s in group if s.fact.member]
    outside = [s for s in members if not s.fact.counted]
    den, num = len(members), len(members) - len(outside)
    value = num / den if den else None
    status = "no_data"
    if value is not None:
        status = next((b.status for b in target.bands if value >= b.at_least - 1e-12), target.bands[-1].status)
    needed = max(0, math.ceil(target.target * den - 1e-9) - num)
    closest = tuple(s.code for s in sorted((s for s in outside if s.reported), key=lambda s: s.fact.progress + (s.code,)))
    excluded = tuple((reason, n) for reason, n in (("out_of_scope", len(group) - len(members)),
                                                   ("not_on_roster", not_listed)) if n)
    ident = target.id if district is None else f"{target.id}@{district}"
    return TargetResult(ident, target.id, level, district, num, den, value, target.target, status, needed, closest,
                        sum(not s.reported for s in members), excluded)


def _sortable(value: Any) -> Any:
    """Sort keys ascending: the plan's progress expressions are written so that smaller is closer."""
    return (1, 0) if value is None else (0, value)
