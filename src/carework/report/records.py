"""The records a template reads: plain frozen values, every field of which a template may read.

`context.py` builds them from a CheckRun; the template environment (`render.py`) reads their fields directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from carework.core.model import Bilingual


@dataclass(frozen=True)
class Counts:
    passed: int
    failed: int
    waived: int
    not_applicable: int
    errors: int
    applicable: int
    rate: float | None
    must: int
    should: int
    advice: int


@dataclass(frozen=True)
class PlanInfo:
    id: str
    title: Bilingual
    issuer: Bilingual
    year: int


@dataclass(frozen=True)
class SchoolInfo:
    code: str
    name: str
    district: str
    kind: Bilingual
    ownership: Bilingual
    batch: int | None
    quality: Bilingual | None
    self_score: float | None
    file: str
    #: The school's report, relative to the output folder.
    path: str
    counts: Counts
    invalid: bool


@dataclass(frozen=True)
class Finding:
    rule: str
    title: Bilingual
    section: int
    status: str
    status_label: Bilingual
    severity: str
    severity_label: Bilingual
    message: Bilingual
    remedy: Bilingual
    source: str
    file: str
    line: int
    #: What to know about the source sentence's copy (truncated, a place name blanked out), if anything.
    source_note: Bilingual | None = None
    reason: str = ""
    approved_by: str = ""
    expires: str = ""


@dataclass(frozen=True)
class SectionInfo:
    number: int
    title: Bilingual
    short: Bilingual
    counts: Counts
    #: Gaps and requirements that could not be judged, in plan order.
    gaps: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ProblemInfo:
    file: str
    line: int
    column: int
    path: str
    level: str
    level_label: Bilingual
    message: Bilingual
    fix: Bilingual
    #: The rules this invalid value leaves unjudged ("因此以下 N 条规则无法判断").
    blocked: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvalidRecord:
    file: str
    school: SchoolInfo | None
    problems: tuple[ProblemInfo, ...]


@dataclass(frozen=True)
class TargetInfo:
    id: str
    title: Bilingual
    source: str
    district: str | None
    value: float | None
    target: float
    #: Percentage points still missing; negative when the target is exceeded, None with no schools.
    distance: float | None
    numerator: int
    denominator: int
    needed: int
    status: str
    status_label: Bilingual
    due: str
    closest: tuple[SchoolInfo, ...]
    closest_total: int
    #: Why the row counts the schools it counts (not reported, left out).
    note: Bilingual
    not_reported: int
    excluded: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AbsentInfo:
    """A school on the roster with no record (未报送), or one whose record is out of date (未更新)."""

    code: str
    name: str
    district: str
    file: str = ""
    updated: str = ""
    age_days: int | None = None


@dataclass(frozen=True)
class CommonGap:
    rule: str
    title: Bilingual
    severity: str
    severity_label: Bilingual
    schools: int
    applicable: int


@dataclass(frozen=True)
class DistrictInfo:
    name: str
    path: str
    schools: int
    counts: Counts
    #: The district's result of each aggregate target, by target id (absent when none of its schools counts).
    targets: dict[str, TargetInfo]
    invalid: int


#: The records a template reads: plain frozen values, every field of which a template may read.
RECORDS = (Counts, PlanInfo, SchoolInfo, Finding, SectionInfo, ProblemInfo, InvalidRecord, TargetInfo, CommonGap,
           DistrictInfo)


@dataclass(frozen=True)
class LedgerRow:
    """One rectification (整改台账) as a report shows it."""

    school: str
    name: str
    district: str
    rule: str
    title: Bilingual
    measure: str
    person: str
    due: str
    done: str
    note: str
    state: str
    state_label: Bilingual
    file: str
    line: int


@dataclass(frozen=True)
class CurveInfo:
    """One target's figure at each point of the year so far (a trend), for the city or one district."""

    id: str
    target: float
    due: str
    #: (date, share met or None when no school counts) at each point.
    points: tuple[tuple[str, float | None], ...]
