"""Figures derived from a CheckRun, computed in one place for the terminal, the formats and the reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from carework.checking.run import CheckRun
from carework.core.model import SEVERITIES, Result, School, Status, TargetResult
from carework.core.problems import Problem
from carework.rules.engine import blocked_by
from carework.rules.model import Plan


@dataclass(frozen=True)
class Tally:
    passed: int = 0
    failed: int = 0
    waived: int = 0
    not_applicable: int = 0
    errors: int = 0

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        """The sum of several tallies (of the sections, say, for the whole run)."""
        return cls(*(sum(column) for column in zip(*(astuple(t) for t in tallies), strict=True)))

    @property
    def applicable(self) -> int:
        return self.passed + self.failed + self.waived

    @property
    def rate(self) -> float | None:
        """Share of applicable requirements met (a waiver counts as met); None when nothing applies."""
        return (self.passed + self.waived) / self.applicable if self.applicable else None


#: The statuses a Tally counts, in the order of its fields.
_TALLIED = (Status.PASS, Status.FAIL, Status.WAIVED, Status.NOT_APPLICABLE, Status.ERROR)


def tally(results: Iterable[Result]) -> Tally:
    counts = Counter(r.status for r in results)
    return Tally(*(counts[status] for status in _TALLIED))


def by_section(run: CheckRun) -> list[tuple[int, Tally]]:
    section_of = {r.id: r.section for r in run.plan.rules}
    counts = Counter((section_of[rule], status) for _, rule, status in run.results.statuses())
    return [(s.number, Tally(*(counts[(s.number, status)] for status in _TALLIED))) for s in run.plan.sections]



def by_school(run: CheckRun) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {code: [] for code in run.selected}
    for result in run.results:
        out.setdefault(result.school, []).append(result)
    return out


def gaps(results: Iterable[Result]) -> list[Result]:
    return [r for r in results if r.status == Status.FAIL]


def gap_weight(results: Iterable[Result]) -> tuple[int, ...]:
    """How much a school lacks, for ordering: gaps counted by severity, most severe first."""
    failing = Counter(r.severity for r in gaps(results))
    return tuple(failing[s] for s in SEVERITIES)


def common_gaps(run: CheckRun) -> list[tuple[str, int]]:
    """Rules by how many schools fail them, most first, then by rule id."""
    counts = Counter(r.rule for r in gaps(run.results))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))



def explained_errors(plan: Plan, school: School, results: Iterable[Result]) -> set[str]:
    """The rules of `school` left unjudged by one of its invalid values, which its data problems already explain."""
    rules = {r.id: r for r in plan.rules}
    bad = [p.location.path for p in school.problems if p.level == "error"]  # a run's schools keep these, not `invalid`
    return {r.rule for r in results if r.status == Status.ERROR and bad and any(blocked_by(rules[r.rule], path) for path in bad)}


def blocked_rules(run: CheckRun) -> dict[Problem, list[str]]:
    """For each data error in a school's record, the rules it leaves unjudged ("因此以下 5 条规则无法判断")."""
    errors = [p for p in run.problems if p.level == "error"]
    if not errors:
        return {}
    unjudged: dict[str, list[str]] = {}
    for school, rule, status in run.results.statuses():
        if status == Status.ERROR:
            unjudged.setdefault(school, []).append(rule)
    code_of = {s.file: s.code for s in run.schools}
    rules = {r.id: r for r in run.plan.rules}
    out: dict[Problem, list[str]] = {}
    for problem in errors:
        ids = unjudged.get(code_of.get(problem.location.file, ""), [])
        blocked = [rule for rule in ids if blocked_by(rules[rule], problem.location.path)]
        if blocked:
            out[problem] = blocked
    return out


def shown_targets(run: CheckRun) -> list[TargetResult]:
    """The target rows a run's view shows: none for one school (its own status is the answer), only the asked
    districts' rows with --district, else every row."""
    if run.asked_schools:
        return []
    if not run.asked_districts:
        return run.targets
    return [r for r in run.targets if r.district in run.asked_districts]
