"""The domain every wing shares: severities and statuses, a school as checked, a rule's result, a waiver, a target's
standing. The plan's own types live with the rules (`rules.model`), a whole run's with the checking (`checking.run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Protocol

from carework.core.problems import Lang, Location, Problem
from carework.core.reference import reference_mode


class Locator(Protocol):
    """Where a path inside a record is written (the loaded document answers; see `reading.loader.Document`)."""

    def locate(self, path: tuple[str | int, ...]) -> Location: ...


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
    Status.WAIVED: ("豁免", "waived"),
    Status.ERROR: ("无法判断", "not judged"),
}


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else (self.en or self.zh)


#: The district of a record that gives none (or one that was refused): its problem says so.
NO_DISTRICT = "（未填区）"


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
    document: Locator
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
    #: Schools on the roster without a record, counted in the denominator as not meeting the target.
    not_reported: int = 0
    #: Schools left out of the denominator, by reason: ("out_of_scope", n) for kinds the target is not about,
    #: ("not_on_roster", n) for records whose code the roster does not know.
    excluded: tuple[tuple[str, int], ...] = ()


def new_result(school: str, rule: str, status: Status, severity: Severity, message_zh: str, message_en: str,
               location: Location, found: Any = None, expected: Any = None, waiver: Waiver | None = None) -> Result:
    """`Result(...)` with the same arguments, made by filling the new object's fields directly.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`: for the forty results of every
    school, made when a record is checked and again when its packed outcome is read, that was a fifth of the rules'
    time. The object is the same, fields in the same order (tests/test_rule_cases.py holds it to the constructor's).
    """
    result = object.__new__(Result)  # the reference twin is Result(...) itself: see `result_maker`
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



def result_maker() -> Callable[..., Result]:
    """`new_result`, or with `CAREWORK_REFERENCE=1` the plain `Result` constructor it stands for; read the switch
    once per school, not once per result."""
    return Result if reference_mode() else new_result
