"""Figures derived from a CheckRun, computed in one place for the terminal, the formats and the reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from carework.checking.run import CheckRun
from carework.core.model import SEVERITIES, Result, Status


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

