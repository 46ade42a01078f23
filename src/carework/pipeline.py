"""One check, end to end: load the plan → load and validate the records → evaluate → a CheckRun.

Raises PlanError when the plan is unusable; every problem with a record or the waivers is collected instead, so one
bad file never stops the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carework.config import Inputs
from carework.engine import evaluate_school, evaluate_targets, waiver_index
from carework.model import CheckRun, School
from carework.plan import load_plan
from carework.records import discover, display_path, load_school, unique_codes
from carework.validate import Context
from carework.waivers import load_waivers


@dataclass(frozen=True)
class Selection:
    """Which results to show; aggregate targets are always computed over every school loaded."""

    schools: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sections: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()
    #: Only the records in these files (as shown, e.g. `data/schools/X.yaml`); None means every record loaded.
    files: frozenset[str] | None = None

    def school(self, school: School) -> bool:
        return ((not self.schools or school.code in self.schools) and (not self.districts or school.district in self.districts)
                and (self.files is None or school.file in self.files))

    @property
    def narrows_schools(self) -> bool:
        return bool(self.schools or self.districts) or self.files is not None


def run_check(inputs: Inputs, as_of: dt.date, today: dt.date, selection: Selection = Selection()) -> CheckRun:
    plan = load_plan(inputs.plan, display_path(inputs.plan))
    files, problems = discover(list(inputs.schools))
    ctx = Context(vocabularies=plan.vocabularies, today=today, period=plan.period)
    loaded: list[School] = []
    for path in files:
        school, found = load_school(path, ctx, list(inputs.schools))
        problems.extend(found)
        if school is not None:
            loaded.append(school)
    schools, duplicates = unique_codes(loaded)
    problems.extend(duplicates)
    waivers, waiver_problems = load_waivers(inputs.waivers) if inputs.waivers else ([], [])
    index, notes = waiver_index(plan, waivers, {s.code for s in schools}, as_of)
    chosen_codes = {s.code for s in schools if selection.school(s)}
    problems.extend(waiver_problems)
    problems.extend(p for w, p in notes if not selection.narrows_schools or w.school in chosen_codes)

    schools.sort(key=lambda s: (s.district, s.code))
    chosen = [s for s in schools if selection.school(s)]
    wanted = {r.id for r in plan.rules if (not selection.sections or r.section in selection.sections)
              and (not selection.rules or r.id in selection.rules)}
    results = [r for s in chosen for r in evaluate_school(plan, s, as_of, index) if r.rule in wanted]
    if selection.narrows_schools:
        files_shown = {s.file for s in chosen} | ({display_path(inputs.waivers)} if inputs.waivers else set())
        if selection.files is not None and not (selection.schools or selection.districts):
            files_shown |= selection.files  # a named file that is not a school at all still has its problems shown
        problems = [p for p in problems if p.location.file in files_shown]
    problems.sort()
    targets = evaluate_targets(plan, schools, as_of)
    return CheckRun(plan, as_of, schools, results, problems, targets, [s.code for s in chosen])
