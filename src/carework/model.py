"""The domain: the plan and its rules, school records, waivers, and what checking them finds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from carework.problems import Lang, Location, Problem

if TYPE_CHECKING:
    from carework.checks import Check
    from carework.expr import Typed
    from carework.loader import Document

Severity = Literal["error", "warning", "advice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "advice")
SEVERITY_LABELS = {"error": ("必须", "must"), "warning": ("应当", "should"), "advice": ("建议", "advice")}
Scope = Literal["school", "aggregate", "bureau"]


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"
    ERROR = "error"


STATUS_LABELS = {
    Status.PASS: ("达标", "met"),
    Status.FAIL: ("未达标", "gap"),
    Status.NOT_APPLICABLE: ("不适用", "not applicable"),
    Status.WAIVED: ("已豁免", "waived"),
    Status.ERROR: ("无法判断", "error"),
}


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else (self.en or self.zh)


@dataclass(frozen=True)
class Section:
    number: int
    title: Bilingual
    short: Bilingual


@dataclass(frozen=True)
class Setting:
    """A threshold borrowed from practice or read from the text, kept in the plan so a bureau can change it."""

    name: str
    value: float | int
    title: Bilingual
    basis: Literal["text", "practice", "reading"]


@dataclass(frozen=True)
class Applicability:
    """Which schools a rule or target is about; None means no restriction."""

    kinds: tuple[str, ...] | None = None
    ownership: tuple[str, ...] | None = None
    batches: tuple[int, ...] | None = None
    when: "Typed | None" = None
    when_text: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    section: int
    title: Bilingual
    source: str
    scope: Scope
    severity: Severity
    applies: Applicability
    check: "Check | None"
    message: Bilingual
    remedy: Bilingual
    reading: Bilingual | None
    line: int
    #: The record field a finding points at (its line in the school's file).
    anchor: tuple[str, ...] = ()
    #: Every record field the rule reads, to tell a gap from a broken record.
    fields: frozenset[tuple[str, ...]] = frozenset()
    check_text: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Band:
    status: str
    at_least: float
    title: Bilingual


@dataclass(frozen=True)
class Target:
    """An aggregate target over all schools, e.g. close to 60% certified by year end."""

    id: str
    section: int
    title: Bilingual
    source: str
    population: Applicability
    counts: "Typed"
    counts_text: str
    target: float
    bands: tuple[Band, ...]
    levels: tuple[str, ...]
    due: dt.date
    progress: tuple["Typed", ...]
    line: int


@dataclass(frozen=True)
class Plan:
    id: str
    title: Bilingual
    issuer: Bilingual
    year: int
    period: tuple[dt.date, dt.date]
    sections: tuple[Section, ...]
    settings: dict[str, Setting]
    vocabularies: dict[str, tuple[str, ...]]
    definitions: tuple[tuple[str, "Typed"], ...]
    rules: tuple[Rule, ...]
    targets: tuple[Target, ...]
    file: str
    digest: str

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def section(self, number: int) -> Section | None:
        for section in self.sections:
            if section.number == number:
                return section
        return None


@dataclass
class School:
    """A validated school record; `data` has every declared field, `invalid` the paths that were wrong."""

    code: str
    name: str
    district: str
    kind: str
    ownership: str
    file: str
    data: dict[str, Any]
    document: "Document"
    problems: list[Problem]
    invalid: list[tuple[str, ...]]

    def locate(self, path: tuple[str | int, ...]) -> Location:
        return self.document.locate(path)


@dataclass(frozen=True)
class Waiver:
    rule: str
    school: str
    reason: str
    approved_by: str
    expires: dt.date
    location: Location


@dataclass(frozen=True, order=True)
class Result:
    """The outcome of one rule on one school."""

    school: str
    rule: str
    status: Status
    severity: Severity
    message_zh: str
    message_en: str
    location: Location
    found: Any = field(default=None, compare=False)
    expected: Any = field(default=None, compare=False)
    waiver: Waiver | None = field(default=None, compare=False)

    def message(self, lang: Lang) -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class TargetResult:
    """An aggregate target at one level: the whole city, or one district."""

    id: str
    target_id: str
    level: str
    district: str | None
    numerator: int
    denominator: int
    value: float | None
    target: float
    status: str
    needed: int
    closest: tuple[str, ...]


def new_result(school: str, rule: str, status: Status, severity: Severity, message_zh: str, message_en: str,
               location: Location, found: Any = None, expected: Any = None, waiver: Waiver | None = None) -> Result:
    """`Result(...)` with the same arguments, made by filling the new object's fields directly.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`: for the forty results of every
    school, made when a record is checked and again when its packed outcome is read, that was a fifth of the rules'
    time. The object is the same, fields in the same order (tests/test_rule_cases.py holds it to the constructor's).
    """
    result = object.__new__(Result)
    fields = result.__dict__
    fields["school"] = school
    fields["rule"] = rule
    fields["status"] = status
    fields["severity"] = severity
    fields["message_zh"] = message_zh
    fields["message_en"] = message_en
    fields["location"] = location
    fields["found"] = found
    fields["expected"] = expected
    fields["waiver"] = waiver
    return result


def no_piece(key: str) -> None:
    """A school with no piece written (see `SchoolResults.pieces`)."""
    return None


@dataclass(frozen=True)
class LazySchool:
    """One school's results in a SchoolResults: how to decode them, and cheaper views of them where there are any."""

    code: str
    results: Callable[[], list[Result]]
    #: The piece a format wrote of these very results, by `Format.piece_key`, if it was written.
    piece: Callable[[str], str | None] = no_piece
    #: (rule, status) of each result, without building Results; None: taken from `results`.
    statuses: Callable[[], list[tuple[str, Status]]] | None = None


class SchoolResults:
    """A run's results, school by school, each school's decoded only while it is being read.

    A province is millions of results: held as objects they take gigabytes, while each school's outcome stays small
    until asked for (see `record_check`). Iterating gives every Result in order, as a list would; iterate again and
    they are decoded again, so read them in as few passes as possible, and count with `statuses`.

    A school may also carry its results already written out by a format (`Format.piece`, made in the worker process
    that checked the record, and kept in the cache), looked up by `Format.piece_key`; `pieces` hands them out.
    """

    def __init__(self, schools: Sequence[LazySchool]) -> None:
        self._schools = schools

    def __iter__(self) -> Iterator[Result]:
        for school in self._schools:
            yield from school.results()

    def by_school(self) -> Iterator[tuple[str, list[Result]]]:
        """(school code, its results) in order, schools without a result included."""
        for school in self._schools:
            yield school.code, school.results()

    def statuses(self) -> Iterator[tuple[str, str, Status]]:
        """(school, rule, status) of every result in order: what counting needs, at a fraction of decoding."""
        for school in self._schools:
            if school.statuses is None:
                yield from ((r.school, r.rule, r.status) for r in school.results())
            else:
                code = school.code
                yield from ((code, rule, status) for rule, status in school.statuses())

    def pieces(self, key: str, write: Callable[[str, list[Result]], str]) -> Iterator[str]:
        """Each school's results as text: the piece stored under `key`, else what `write(code, results)` makes."""
        for school in self._schools:
            piece = school.piece(key)
            yield write(school.code, school.results()) if piece is None else piece

    def where(self, keep: Callable[[Result], bool]) -> SchoolResults:
        """The results `keep` accepts, just as lazily (without the written pieces, which hold them all)."""
        return SchoolResults([LazySchool(s.code, _kept(s.results, keep)) for s in self._schools])

    @classmethod
    def of(cls, results: Iterable[Result]) -> SchoolResults:
        """Results already in memory (a test's, say), grouped by school in the order they come."""
        grouped: dict[str, list[Result]] = {}
        for result in results:
            grouped.setdefault(result.school, []).append(result)
        return cls([LazySchool(code, items.copy) for code, items in grouped.items()])


def _kept(load: Callable[[], list[Result]], keep: Callable[[Result], bool]) -> Callable[[], list[Result]]:
    return lambda: [r for r in load() if keep(r)]


@dataclass
class CheckRun:
    """Everything one `check` found; formats and reports read only this."""

    plan: Plan
    as_of: dt.date
    schools: list[School]
    #: Every result, school by school (`SchoolResults.of(a_list)` for results already in memory).
    results: SchoolResults
    problems: list[Problem]
    targets: list[TargetResult]
    #: Codes of the schools the user asked about (all of them unless filtered).
    selected: list[str] = field(default_factory=list)
