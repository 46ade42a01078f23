"""A run compared with a baseline (an earlier `--format json` result): the records the comparison is made of.

Kept apart from `baseline.py` (which reads baselines and compares runs) so that a `CheckRun` can carry its comparison
without the two modules importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from carework.core.model import Result


@dataclass(frozen=True, order=True)
class Gap:
    """A gap as the baseline recorded it."""

    school: str
    rule: str
    status: str
    message: str = ""
    file: str = ""
    line: int = 1


@dataclass(frozen=True)
class Baseline:
    file: str
    plan: str | None
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class Comparison:
    baseline: Baseline
    #: Gaps the baseline did not have: the ones a change is answerable for.
    new: tuple[Result, ...]
    #: Gaps the baseline already had; left out of the run's output.
    known: tuple[Result, ...]
    #: Gaps of the baseline that are gone, among the schools and rules this run judged.
    resolved: tuple[Gap, ...]
