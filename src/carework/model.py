"""The domain: the plan and its rules, school records, waivers, and what checking them finds."""

from __future__ import annotations

import datetime as dt
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


@dataclass
class CheckRun:
    """Everything one `check` found; formats and reports read only this."""

    plan: Plan
    as_of: dt.date
    schools: list[School]
    results: list[Result]
    problems: list[Problem]
    targets: list[TargetResult]
    #: Codes of the schools the user asked about (all of them unless filtered).
    selected: list[str] = field(default_factory=list)
