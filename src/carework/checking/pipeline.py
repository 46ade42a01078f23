"""One check, end to end: load the plan → load and validate the records → evaluate → a CheckRun.

Raises PlanError when the plan is unusable; every problem with a record or the waivers is collected instead, so one
bad file never stops the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from carework.checking.cache import Cache, context_parts
from carework.checking.config import Inputs
from carework.checking.pool import Progress, check_files, gc_paused
from carework.checking.record_check import FileOutcome, Job, PieceWriter, school_rules
from carework.checking.run import CheckRun, LazySchool, SchoolResults, no_piece
from carework.core.model import Result, School, Status, Waiver
from carework.core.paths import display_path
from carework.core.problems import Problem
from carework.core.reference import reference_mode
from carework.reading.discover import discover
from carework.rules.engine import aggregate_targets, waive, waiver_index, waiver_of
from carework.rules.model import Plan, Rule
from carework.rules.plan import load_plan
from carework.rules.waivers import load_waivers
from carework.schema.records import unique_codes
from carework.schema.validate import Context


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


def run_check(inputs: Inputs, as_of: dt.date, today: dt.date, selection: Selection = Selection(), *,
              cache_dir: Path | None = None, jobs: int | None = None, progress: Progress | None = None,
              pieces: tuple[PieceWriter, ...] = ()) -> CheckRun:
    """Check every record. `cache_dir` keeps per-record outcomes between runs (None: no cache); `jobs` is the number
    of processes (None: every core, see `parallel.default_jobs`); `progress(done, total)` is called as files finish;
    `pieces` are the formats the output will be written in, whose per-school pieces are written as records are checked.

    The schools in the run carry their identity and `quality` only, not the whole record (see `record_check`).
    """
    plan = load_plan(inputs.plan, display_path(inputs.plan))
    files, problems = discover(list(inputs.schools))
    ctx = Context(vocabularies=plan.vocabularies, today=today, period=plan.period)
    job = Job(plan, ctx, as_of, tuple(inputs.schools), tuple(f for f in pieces if f.piece_key() is not None))
    outcomes = check_files(files, job, cache=_open_cache(cache_dir, plan, as_of, today), jobs=jobs, progress=progress)
    with gc_paused():  # hundreds of thousands of results and no reference cycle among them
        return _assemble(inputs, plan, as_of, selection, outcomes, problems)


def _assemble(inputs: Inputs, plan: Plan, as_of: dt.date, selection: Selection, outcomes: list[FileOutcome],
              problems: list[Problem]) -> CheckRun:
    """The run from every file's outcome: unique codes, waivers, the selection, results and targets."""
    loaded: list[School] = []
    evaluated: dict[int, FileOutcome] = {}
    for outcome in outcomes:
        problems.extend(outcome.problems)
        school = outcome.school()
        if school is not None:
            loaded.append(school)
            evaluated[id(school)] = outcome
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
    rules = school_rules(plan)
    every_rule = all(r.id in wanted for r in rules)
    waived = {school for _, school in index}
    fast_statuses = not reference_mode()  # the reference: SchoolResults takes each status from the Results
    results = SchoolResults([LazySchool(s.code, partial(_results, evaluated[id(s)], rules, index, as_of, wanted),
                                        evaluated[id(s)].piece if every_rule and s.code not in waived else no_piece,
                                        partial(_statuses, evaluated[id(s)], rules, index, as_of, wanted)
                                        if fast_statuses else None)
                             for s in chosen])
    if selection.narrows_schools:
        files_shown = {s.file for s in chosen} | ({display_path(inputs.waivers)} if inputs.waivers else set())
        if selection.files is not None and not (selection.schools or selection.districts):
            files_shown |= selection.files  # a named file that is not a school at all still has its problems shown
        problems = [p for p in problems if p.location.file in files_shown]
    problems.sort()
    targets = aggregate_targets(plan, [(s, evaluated[id(s)].facts) for s in schools])
    return CheckRun(plan, as_of, schools, results, problems, targets, [s.code for s in chosen])


def _results(outcome: FileOutcome, rules: tuple[Rule, ...], waivers: dict[tuple[str, str], Waiver], as_of: dt.date,
             wanted: set[str]) -> list[Result]:
    """One school's results as the run shows them: waivers applied, only the rules asked for."""
    return [r for r in waive(outcome.results(rules), waivers, as_of) if r.rule in wanted]


def _statuses(outcome: FileOutcome, rules: tuple[Rule, ...], waivers: dict[tuple[str, str], Waiver], as_of: dt.date,
              wanted: set[str]) -> list[tuple[str, Status]]:
    """(rule, status) of each of `_results`, read straight from the outcome, without making Results (the reference
    twin: SchoolResults reads them from the Results)."""
    code = outcome.card[0] if outcome.card else ""
    return [(rule.id, Status.WAIVED if waiver_of(rule.id, code, status, waivers, as_of) else status)
            for rule, status in zip(rules, outcome.statuses(), strict=True) if rule.id in wanted]


def _open_cache(folder: Path | None, plan: Plan, as_of: dt.date, today: dt.date) -> Cache | None:
    if folder is None:
        return None
    cache = Cache(folder, context_parts(plan.digest, as_of.isoformat(), today.isoformat()))
    cache.start()
    return cache
