"""Progress over time: the same records judged as of each of several dates, each record loaded and validated once.

The engine is pure and takes the as-of date, so a point is one more evaluation of the already validated record:
its rules, its target facts and its rectifications as they stood that day. What a trend can tell is limited by what
the records say: a record is judged as it is now, as of an earlier day, so an event dated before that day counts
there even if it was written in later, and a fact without a date (a sign on the door, a written rule) counts at
every point. The curve is how the records' own dates fall, not a history of the records; for what changed between
two versions of the data, `diff` compares them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carework.checking.city import absent, not_reported
from carework.checking.config import Inputs
from carework.checking.pipeline import gather, outside_period
from carework.checking.pool import MIN_CHUNK, can_fork, default_jobs, forked_map, gc_paused
from carework.checking.record_check import FileOutcome, school_card, school_rules
from carework.core.errors import refused
from carework.core.model import Locator, School, Severity, Status, TargetResult
from carework.core.paths import display_path
from carework.core.problems import Location, Problem
from carework.core.reference import reference_mode
from carework.reading.discover import discover
from carework.reading.source import read_source
from carework.rules.engine import evaluate_school, school_scope, waiver_index, waiver_of
from carework.rules.model import Plan
from carework.rules.plan import load_plan
from carework.rules.rectify import ledger
from carework.rules.targets import Member, TargetFact, aggregate_targets, target_facts
from carework.rules.waivers import load_waivers
from carework.schema.records import load_school
from carework.schema.roster import load_roster
from carework.schema.validate import Context

#: The most points one trend may have (a weekly trend over four years).
MAX_POINTS = 210

_CODE = {Status.PASS: "p", Status.FAIL: "f", Status.NOT_APPLICABLE: "n", Status.WAIVED: "w", Status.ERROR: "e"}


@dataclass(frozen=True)
class TrendPoint:
    """The city as of one date."""

    as_of: dt.date
    #: Schools with a record, and those among them with no gap and nothing that could not be judged.
    schools: int
    schools_met: int
    #: Gaps (not met, not waived) by (section number, severity).
    gaps: dict[tuple[int, Severity], int]
    targets: list[TargetResult]
    #: Rectifications by state (`rules.rectify.STATE_LABELS`).
    rectifications: dict[str, int] = field(default_factory=dict)

    def gap_total(self, severity: Severity | None = None) -> int:
        return sum(n for (_, level), n in self.gaps.items() if severity is None or level == severity)


@dataclass
class Trend:
    plan: Plan
    points: list[TrendPoint]
    #: Problems of the input files (loaded once): the trend says which records it could not use.
    problems: list[Problem]
    #: Roster schools that sent no record (counted in every point's targets as not meeting them); None: no roster.
    not_reported: int | None = None


@dataclass(frozen=True)
class _Job:
    plan: Plan
    ctx: Context
    points: tuple[dt.date, ...]
    roots: tuple[Path, ...]


#: One record as of each point: (status codes of its rules, one letter each; its target facts, without the progress
#: keys that order a check's closest schools; its rectifications' states).
_Mark = tuple[str, tuple[TargetFact, ...], tuple[str, ...]]


def points_between(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """The dates a trend is judged at: `month` the last day of each month, `week` each Sunday, from `start` to `end`,
    and `end` itself; or a comma-separated list of dates. Raises CareworkError (a usage error) for anything else."""
    if end < start:
        raise refused(f"--from {start} 晚于 --to {end}", f"--from {start} is after --to {end}")
    if every == "month":
        points, year, month = [], start.year, start.month
        while True:
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            if last >= end:
                break
            points.append(last)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        points.append(end)
    elif every == "week":
        first = start + dt.timedelta(days=(6 - start.weekday()) % 7)
        points = [first + dt.timedelta(weeks=n) for n in range((end - first).days // 7 + 1) if first + dt.timedelta(weeks=n) < end]
        points.append(end)
    else:
        points = sorted({_date(text.strip()) for text in every.split(",") if text.strip()})
        if not points:
            raise refused("--every 没有给出日期", "--every gives no date")
    if len(points) > MAX_POINTS:
        raise refused(f"趋势最多 {MAX_POINTS} 个时间点，这里有 {len(points)} 个：缩短时间范围或改用 --every month",
                      f"a trend has at most {MAX_POINTS} points, this one has {len(points)}: shorten it or use --every month")
    return points


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise refused(f"--every 的取值 {text!r} 不是 month、week，也不是 YYYY-MM-DD 日期",
                      f"--every value {text!r} is neither month, week nor a YYYY-MM-DD date") from None


def trend_plan(inputs: Inputs) -> Plan:
    """The plan the trend judges by (raises CareworkError when it is unusable)."""
    return load_plan(inputs.plan, display_path(inputs.plan))


def run_trend(inputs: Inputs, plan: Plan, points: list[dt.date], today: dt.date, *, jobs: int | None = None) -> Trend:
    """Judge every record as of each point, loading and validating each once."""
    roster, problems = load_roster(inputs.roster, display_path(inputs.roster)) if inputs.roster else (None, [])
    files, found = discover(list(inputs.schools))
    problems += found
    outside = [p for p in points if not plan.period[0] <= p <= plan.period[1]]
    problems += [outside_period(plan, outside[0])] if outside else []
    job = _Job(plan, Context(vocabularies=plan.vocabularies, today=today, period=plan.period), tuple(points),
               tuple(inputs.schools))
    with gc_paused():
        judged = _judge_all(files, job, default_jobs() if jobs is None else max(1, jobs))
    by_outcome = {id(outcome): school_marks for outcome, school_marks in judged}
    schools, outcomes, unlisted = gather([outcome for outcome, _ in judged], roster, problems)
    marks = {key: by_outcome[id(outcome)] for key, outcome in outcomes.items()}
    missing = absent(not_reported(roster, schools)) if roster is not None else []
    waivers, waiver_problems = load_waivers(inputs.waivers) if inputs.waivers else ([], [])
    problems.extend(waiver_problems)
    rules = school_rules(plan)
    left_out = {s.code for s in unlisted}
    out = []
    for n, point in enumerate(points):
        index, _ = waiver_index(plan, waivers, {s.code for s in schools}, point)
        gaps: Counter[tuple[int, Severity]] = Counter()
        states: Counter[str] = Counter()
        met = 0
        members = []
        for school in schools:
            codes, facts, items = marks[id(school)][n]
            clean = True
            for rule, code in zip(rules, codes, strict=True):
                if code == "f" and not waiver_of(rule.id, school.code, Status.FAIL, index, point):
                    gaps[(rule.section, rule.severity)] += 1
                    clean = False
                elif code == "e":
                    clean = False
            met += clean
            states.update(items)
            if school.code not in left_out:
                members.append(Member(school.code, roster.by_code[school.code].district if roster else school.district, facts))
        targets = aggregate_targets(plan, members, missing, [s.district for s in unlisted])
        out.append(TrendPoint(point, len(schools), met, dict(gaps), targets, dict(states)))
    problems.sort()
    return Trend(plan, out, problems, None if roster is None else len(missing))


def _judge_all(files: list[Path], job: _Job, jobs: int) -> list[tuple[FileOutcome, tuple[_Mark, ...]]]:
    if jobs > 1 and len(files) >= 2 * MIN_CHUNK and can_fork():
        size = max(MIN_CHUNK, len(files) // (jobs * 8))
        chunks = [files[start:start + size] for start in range(0, len(files), size)]
        return [judged for done in forked_map(lambda chunk: [_judge(f, job) for f in chunk], chunks, jobs)
                for judged in done]
    return [_judge(f, job) for f in files]


def _judge(path: Path, job: _Job) -> tuple[FileOutcome, tuple[_Mark, ...]]:
    """One record loaded and validated once, then judged as of each point.

    Two points the record cannot tell apart are judged once (the reference, `CAREWORK_REFERENCE=1`, judges every
    point). The plan's expressions can only compare a date with another (`<`, `==`, `in_year`, `rank`, `unique`) or
    take its year: there is no date arithmetic and no date constant. So the as-of date reaches a status, a target's
    count or a rectification's state only through its comparisons with the dates the record holds and the plan's
    period, and through its year; points in the same place among those dates, in the same year, judge alike. What a
    check may also compute from the date (a message, a target's progress key) is not kept by a trend.
    """
    source = read_source(path, job.roots)
    school, problems = load_school(source, job.ctx)
    if school is None:
        return FileOutcome(source.display, tuple(problems)), ()
    school.document = _Remembered(school.document)
    dates = sorted(set(_dates(school.data)) | set(job.plan.period))
    every = reference_mode()
    judged: dict[tuple[int, int, int], _Mark] = {}
    marks = []
    for point in job.points:
        key = (point.year, bisect_left(dates, point), bisect_right(dates, point))
        mark = None if every else judged.get(key)
        if mark is None:
            mark = judged[key] = _judge_at(job.plan, school, point)
        marks.append(mark)
    return FileOutcome(school.file, tuple(problems), school_card(school)), tuple(marks)


def _judge_at(plan: Plan, school: School, point: dt.date) -> _Mark:
    scope = school_scope(plan, school, point)
    results = evaluate_school(plan, school, point, {}, scope, messages=False)
    items, _ = ledger(school, results, point)
    facts = tuple(TargetFact(fact.member, fact.counted) for fact in target_facts(plan, school, scope))
    return "".join(_CODE[r.status] for r in results), facts, tuple(item.state for item in items)


class _Remembered:
    """A record's locations, each looked up once: the rules ask for the same few at every point."""

    def __init__(self, document: Locator) -> None:
        self.document = document
        self.known: dict[tuple[str | int, ...], Location] = {}

    def locate(self, path: tuple[str | int, ...]) -> Location:
        where = self.known.get(path)
        if where is None:
            where = self.known[path] = self.document.locate(path)
        return where


def _dates(value: Any) -> Iterator[dt.date]:
    """Every date in a validated record."""
    if isinstance(value, dt.date):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)
