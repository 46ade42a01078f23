"""Check one record file on its own: load, validate, evaluate every school rule, and the school's target facts.

This is the unit of work the process pool hands out and the cache stores. A FileOutcome holds only what the rest of
the run needs, in plain tuples: problems, one small tuple per rule result (what the plan and the school already say —
rule, severity, file, the path a result points at — is left out and put back by `results`), the target facts and
the school's identity. Never the parsed record or its YAML nodes: that keeps the transfer between processes and
the cache cheap (about a fifth of a record's size, and as fast to unpickle). Waivers and the user's selection are
applied afterwards by the pipeline, so one outcome serves every waiver file and every filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.engine import TargetFact, evaluate_school, school_scope, target_facts
from carework.loader import Document
from carework.model import Plan, Result, Rule, School, Status
from carework.problems import Location, Problem
from carework.records import display_path, load_school
from carework.validate import Context

#: One rule's result on one school: (status, line, column, found, expected, message in Chinese, in English).
CompactResult = tuple[str, int, int, Any, Any, str, str]
#: (code, name, district, kind, ownership, quality, where the code is written, where the record starts).
SchoolCard = tuple[str, str, str, str, str, Any, tuple[int, int] | None, tuple[int, int] | None]

_STATUS = {s.value: s for s in Status}


@dataclass(frozen=True)
class Job:
    """What every record of a run is checked against; the same for all of them."""

    plan: Plan
    ctx: Context
    as_of: dt.date
    roots: tuple[Path, ...]


@dataclass(frozen=True)
class FileOutcome:
    """Everything one record file contributes to a run."""

    file: str
    problems: tuple[Problem, ...]
    #: The school's identity; None when the file holds no usable school.
    card: SchoolCard | None = None
    #: Every school rule's result, in plan order, judged without waivers.
    compact: tuple[CompactResult, ...] = ()
    #: The school's standing for each aggregate target, in plan order.
    facts: tuple[TargetFact, ...] = ()

    def school(self) -> School | None:
        """The school as a run keeps it: identity, `quality` (which reports show) and where its code is written.

        Keeping whole records would cost memory in proportion to the city; everything else a rule needs has
        already been turned into results.
        """
        if self.card is None:
            return None
        code, name, district, kind, ownership, quality, code_mark, root_mark = self.card
        marks: dict[tuple[str | int, ...], tuple[int, int]] = {}
        for path, mark in (((), root_mark), (("code",), code_mark)):
            if mark is not None:
                marks[path] = mark
        return School(code=code, name=name, district=district, kind=kind, ownership=ownership, file=self.file,
                      data={"quality": quality}, document=Document(self.file, None, marks), problems=list(self.problems),
                      invalid=[])

    def results(self, rules: Sequence[Rule]) -> list[Result]:
        """The results as `engine.evaluate_school` gives them; `rules` are the plan's school rules, in order."""
        if self.card is None:
            return []
        if len(rules) != len(self.compact):
            raise ValueError(f"{self.file}: {len(self.compact)} results for {len(rules)} rules")
        code = self.card[0]
        return [Result(code, rule.id, _STATUS[status], rule.severity, zh, en, Location(self.file, line, column, rule.anchor),
                       found, expected)
                for rule, (status, line, column, found, expected, zh, en) in zip(rules, self.compact, strict=True)]


def school_rules(plan: Plan) -> tuple[Rule, ...]:
    """The rules checked on each school, in the order their results come."""
    return tuple(rule for rule in plan.rules if rule.scope == "school")


def check_file(path: Path, job: Job) -> FileOutcome:
    """Load, validate and evaluate one record file."""
    school, problems = load_school(path, job.ctx, list(job.roots))
    if school is None:
        return FileOutcome(display_path(path), tuple(problems))
    scope = school_scope(job.plan, school, job.as_of)
    compact = tuple((r.status.value, r.location.line, r.location.column, r.found, r.expected, r.message_zh, r.message_en)
                    for r in evaluate_school(job.plan, school, job.as_of, {}, scope))
    code, root = school.locate(("code",)), school.locate(())
    card: SchoolCard = (school.code, school.name, school.district, school.kind, school.ownership,
                        school.data.get("quality"), (code.line, code.column), (root.line, root.column))
    return FileOutcome(school.file, tuple(problems), card, compact, target_facts(job.plan, school, scope))
