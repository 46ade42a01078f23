"""One check, end to end: load the plan → load and validate the records → evaluate → a CheckRun.

Raises CareworkError (a plan failure) when the plan is unusable; every problem with a record or the waivers is collected instead, so one
bad file never stops the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from carework.checking.cache import Cache, context_parts
from carework.checking.city import absent, not_reported, roster_problems, stale_records
from carework.checking.config import Inputs
from carework.checking.pool import Progress, check_files, gc_paused
from carework.checking.record_check import FileOutcome, Job, PieceWriter, school_rules
from carework.checking.run import CheckRun, LazySchool, SchoolResults, no_piece
from carework.core.model import Result, School, Status, Waiver
from carework.core.paths import display_path
from carework.core.problems import Location, Problem
from carework.core.reference import reference_mode
from carework.reading.discover import discover
from carework.rules.engine import waive, waiver_index, waiver_of
from carework.rules.model import Plan, Rule
from carework.rules.plan import load_plan
from carework.rules.targets import Member, aggregate_targets
from carework.rules.waivers import load_waivers
from carework.schema.records import unique_codes
from carework.schema.roster import Roster, RosterSchool, load_roster
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

    def roster_school(self, school: RosterSchool) -> bool:
        """Whether a school on the roster (that sent no record) is among those asked about."""
        return self._place(school.code, school.district) and self.files is None

    def school(self, school: School) -> bool:
        return self._place(school.code, school.district) and (self.files is None or school.file in self.files)

    def rule(self, rule: Rule) -> bool:
        return (not self.sections or rule.section in self.sections) and (not self.rules or folded(rule.id) in folded_all(self.rules))

    def _place(self, code: str, district: str) -> bool:
        """Codes compare without regard to case (`--school tn-xx-002`), as people type them."""
        return ((not self.schools or folded(code) in folded_all(self.schools))
                and (not self.districts or district in self.districts))

    @property
    def narrows_schools(self) -> bool:
        return bool(self.schools or self.districts) or self.files is not None


def folded(code: str) -> str:
    """A school code or rule id as compared: case does not matter (`s2-06` is S2-06)."""
    return code.casefold()


def folded_all(codes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(map(folded, codes))


def run_check(inputs: Inputs, as_of: dt.date, today: dt.date, selection: Selection = Selection(), *,
              cache_dir: Path | None = None, jobs: int | None = None, progress: Progress | None = None,
              pieces: tuple[PieceWriter, ...] = ()) -> CheckRun:
    """Check every record. `cache_dir` keeps per-record outcomes between runs (None: no cache); `jobs` is the number
    of processes (None: every core, see `parallel.default_jobs`); `progress(done, total)` is called as files finish;
    `pieces` are the formats the output will be written in, whose per-school pieces are written as records are checked.

    The schools in the run carry their identity and `quality` only, not the whole record (see `record_check`).
    """
    plan = load_plan(inputs.plan, display_path(inputs.plan))
    outside = [] if plan.period[0] <= as_of <= plan.period[1] else [outside_period(plan, as_of)]
    roster, problems = load_roster(inputs.roster, display_path(inputs.roster)) if inputs.roster else (None, [])
    files, found = discover(list(inputs.schools))
    problems += found + outside
    ctx = Context(vocabularies=plan.vocabularies, today=today, period=plan.period)
    job = Job(plan, ctx, as_of, tuple(inputs.schools), tuple(f for f in pieces if f.piece_key() is not None))
    outcomes = check_files(files, job, cache=_open_cache(cache_dir, plan, as_of, today), jobs=jobs, progress=progress)
    with gc_paused():  # hundreds of thousands of results and no reference cycle among them
        return _assemble(inputs, plan, as_of, selection, outcomes, problems, roster)


def _assemble(inputs: Inputs, plan: Plan, as_of: dt.date, selection: Selection, outcomes: list[FileOutcome],
              problems: list[Problem], roster: Roster | None) -> CheckRun:
    """The run from every file's outcome: unique codes, waivers, the selection, results and targets."""
    schools, evaluated, unlisted = gather(outcomes, roster, problems)
    waivers, waiver_problems = load_waivers(inputs.waivers) if inputs.waivers else ([], [])
    index, notes = waiver_index(plan, waivers, {s.code for s in schools}, as_of)
    chosen_codes = {s.code for s in schools if selection.school(s)}
    problems.extend(waiver_problems)
    problems.extend(p for w, p in notes if not selection.narrows_schools or w.school in chosen_codes)

    schools.sort(key=lambda s: (s.district, s.code))
    chosen = [s for s in schools if selection.school(s)]
    wanted = {r.id for r in plan.rules if selection.rule(r)}
    rules = school_rules(plan)
    every_rule = all(r.id in wanted for r in rules)
    waived = {school for _, school in index}
    fast_statuses = not reference_mode()  # the reference: SchoolResults takes each status from the Results
    results = SchoolResults([LazySchool(s.code, partial(_results, evaluated[id(s)], rules, index, as_of, wanted),
                                        evaluated[id(s)].piece if every_rule and s.code not in waived else no_piece,
                                        partial(_statuses, evaluated[id(s)], rules, index, as_of, wanted)
                                        if fast_statuses else None)
                             for s in chosen])
    every_missing = missing = not_reported(roster, schools) if roster is not None else []
    max_age = plan.settings.get("record_max_age_days")
    stale = stale_records(chosen, as_of, int(max_age.value) if max_age else None)
    if selection.narrows_schools:
        missing = [s for s in missing if selection.roster_school(s)]
        files_shown = {s.file for s in chosen} | {display_path(p) for p in (inputs.waivers, inputs.roster) if p} | {plan.file}
        if selection.files is not None and not (selection.schools or selection.districts):
            files_shown |= selection.files  # a named file that is not a school at all still has its problems shown
        problems = [p for p in problems if p.location.file in files_shown]
    problems.sort()
    left_out = {s.code for s in unlisted}
    counted = [Member(s.code, roster.by_code[s.code].district if roster else s.district, evaluated[id(s)].facts)
               for s in schools if s.code not in left_out]
    targets = aggregate_targets(plan, counted, absent(every_missing), [s.district for s in unlisted])
    rectifications = [item for s in chosen for item in evaluated[id(s)].ledger()]
    return CheckRun(plan, as_of, schools, results, problems, targets, [s.code for s in chosen], roster, missing, stale,
                    rectifications=rectifications, asked_schools=selection.schools, asked_districts=selection.districts)


def gather(outcomes: list[FileOutcome], roster: Roster | None,
           problems: list[Problem]) -> tuple[list[School], dict[int, FileOutcome], list[School]]:
    """The schools of the outcomes, one per code; each school's outcome (by `id(school)`); and those the roster
    does not know. The outcomes' problems, duplicate codes and the roster's findings are added to `problems`."""
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
    unlisted: list[School] = []
    if roster is not None:
        problems.extend(roster_problems(schools, roster))
        unlisted = [s for s in schools if s.code not in roster.by_code]
    return schools, evaluated, unlisted


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


def outside_period(plan: Plan, as_of: dt.date) -> Problem:
    """The warning that a date is outside the plan's period (judging by that plan may make no sense)."""
    start, end = plan.period
    return Problem(Location(plan.file, plan.period_line), "as-of-outside-period",
                   f"检查日期 {as_of} 不在计划“{plan.title.zh}”的计划期（{start} 至 {end}）内：按这份计划判断可能没有意义",
                   f"the as-of date {as_of} is outside the period of the plan {plan.title.get('en')!r} ({start} to {end}): "
                   "judging by this plan may make no sense",
                   "用 --as-of 给出计划期内的日期，或用 --plan 指定适用的计划", "give an --as-of date inside the period, or name the plan with --plan",
                   "warning")


def _open_cache(folder: Path | None, plan: Plan, as_of: dt.date, today: dt.date) -> Cache | None:
    if folder is None:
        return None
    cache = Cache(folder, context_parts(plan.digest, as_of.isoformat(), today.isoformat()))
    cache.start()
    return cache if cache.usable else None
