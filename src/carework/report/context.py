"""Template contexts: plain frozen values built from a CheckRun, so templates only read and never compute.

The values are the frozen records of `records.py`. Texts that differ by language stay `Bilingual` (the template
environment prints them in the report's language); everything is in a stable order so the same run always renders the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from carework.checking.run import CheckRun
from carework.checking.summary import Tally, blocked_rules, gap_weight, gaps, shown_targets, tally
from carework.checking.trend import Trend
from carework.core.i18n import denominator_note
from carework.core.model import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    Bilingual,
    Result,
    School,
    Status,
    TargetResult,
)
from carework.core.problems import Problem
from carework.report.records import (
    AbsentInfo,
    CommonGap,
    Counts,
    CurveInfo,
    DistrictInfo,
    Finding,
    InvalidRecord,
    LedgerRow,
    PlanInfo,
    ProblemInfo,
    SchoolInfo,
    SectionInfo,
    TargetInfo,
)
from carework.rules.model import Rule
from carework.rules.rectify import STATE_LABELS, finding_severity, is_data_error
from carework.schema.general import field_words
from carework.schema.school import OWNERSHIP, QUALITY_STATUS, SCHOOL_KINDS

#: How many of the schools closest to a target are named, at least (more when more are needed).
CLOSEST_SHOWN = 5
COMMON_GAPS_SHOWN = 10


def _pair(labels: tuple[str, str]) -> Bilingual:
    return Bilingual(labels[0], labels[1])


_STATUS_LABELS = {status: _pair(labels) for status, labels in STATUS_LABELS.items()}
_SEVERITY_LABELS = {severity: _pair(labels) for severity, labels in SEVERITY_LABELS.items()}
_SHOWN_AS_GAPS = frozenset({Status.FAIL, Status.ERROR})
_APPLICABLE = frozenset({Status.PASS, Status.FAIL, Status.WAIVED})


def counts(results: list[Result]) -> Counts:
    """The figures of some results: `summary.tally` and `summary.gap_weight`, the one counting of a run's results."""
    tallied = tally(results)
    must, should, advice = gap_weight(results)
    return _counts(tallied, must, should, advice)


def _counts(tallied: Tally, must: int, should: int, advice: int) -> Counts:
    return Counts(tallied.passed, tallied.failed, tallied.waived, tallied.not_applicable, tallied.errors,
                  tallied.applicable, tallied.rate, must, should, advice)


def total(parts: Iterable[Counts]) -> Counts:
    """The counts of several groups of results together: what `counts` gives for all of them at once."""
    parts = list(parts)
    tallied = Tally.total(Tally(c.passed, c.failed, c.waived, c.not_applicable, c.errors) for c in parts)
    return _counts(tallied, sum(c.must for c in parts), sum(c.should for c in parts), sum(c.advice for c in parts))


class ContextBuilder:
    """Builds every page's context from one run; lookups are computed once here."""

    def __init__(self, run: CheckRun, school_paths: dict[str, str], district_paths: dict[str, str],
                 index: str = "", trend: Trend | None = None) -> None:
        self.run = run
        self.trend = trend
        #: The index page's path, which every page links back to ("" where there is none, as in a check summary).
        self.index = index
        self.rules: dict[str, Rule] = {r.id: r for r in run.plan.rules}
        self.schools: dict[str, School] = {s.code: s for s in run.schools}
        # The one pass over the results: everything below works from these per-school lists.
        self.results: dict[str, list[Result]] = {code: [] for code in run.selected}
        for result in run.results:
            self.results.setdefault(result.school, []).append(result)
        self.school_paths = school_paths
        self.district_paths = district_paths
        self.problems_by_file: dict[str, list[Problem]] = {}
        for p in run.problems:
            self.problems_by_file.setdefault(p.location.file, []).append(p)
        self.bad_files = {p.location.file for p in run.problems if is_data_error(p)}
        self.blocked = blocked_rules(run)
        self.plan = PlanInfo(run.plan.id, run.plan.title, run.plan.issuer, run.plan.year)
        self.section_numbers = tuple(s.number for s in run.plan.sections)
        # Per-school figures are asked for by several pages (school, district, city, index): computed once each.
        self._infos: dict[str, SchoolInfo] = {}
        self._figures: dict[str, tuple[Counts, tuple[Counts, ...]]] = {}
        self._districts: tuple[DistrictInfo, ...] | None = None

    def common(self, page: str) -> dict[str, Any]:
        return {"plan": self.plan, "as_of": self.run.as_of.isoformat(), "page": page, "index": self.index}

    def school_info(self, code: str) -> SchoolInfo:
        info = self._infos.get(code)
        if info is None:
            info = self._infos[code] = self._school_info(code)
        return info

    def _school_info(self, code: str) -> SchoolInfo:
        school = self.schools[code]
        quality = school.data.get("quality") or {}
        status = quality.get("status")
        return SchoolInfo(
            code=school.code, name=school.name, district=school.district,
            kind=Bilingual(SCHOOL_KINDS.label(school.kind, "zh"), SCHOOL_KINDS.label(school.kind, "en")),
            ownership=Bilingual(OWNERSHIP.label(school.ownership, "zh"), OWNERSHIP.label(school.ownership, "en")),
            batch=quality.get("batch"),
            quality=Bilingual(QUALITY_STATUS.label(status, "zh"), QUALITY_STATUS.label(status, "en")) if status else None,
            self_score=quality.get("self_score"), file=school.file, path=self.school_paths[code],
            counts=self.figures(code)[0], invalid=school.file in self.bad_files,
        )

    def finding(self, result: Result) -> Finding:
        rule = self.rules[result.rule]
        waiver = result.waiver
        return Finding(
            rule=rule.id, title=rule.title, section=rule.section, status=result.status.value,
            status_label=_STATUS_LABELS[result.status], severity=result.severity,
            severity_label=_SEVERITY_LABELS[result.severity],
            message=Bilingual(result.message_zh, result.message_en), remedy=rule.remedy, source=rule.source,
            file=result.location.file, line=result.location.line, source_note=self.run.plan.source_note(rule.source),
            reason=waiver.reason if waiver else "", approved_by=waiver.approved_by if waiver else "",
            expires=waiver.expires.isoformat() if waiver else "",
        )

    def by_section(self, results: list[Result]) -> dict[int, list[Result]]:
        """The results of each plan section, in their order; results of a rule outside every section are left out."""
        out: dict[int, list[Result]] = {number: [] for number in self.section_numbers}
        for r in results:
            mine = out.get(self.rules[r.rule].section)
            if mine is not None:
                mine.append(r)
        return out

    def figures(self, code: str) -> tuple[Counts, tuple[Counts, ...]]:
        """One school's counts, overall and in each plan section (in plan order); asked for by several pages."""
        found = self._figures.get(code)
        if found is None:
            results = self.results.get(code, [])
            sections = self.by_section(results)
            found = self._figures[code] = (counts(results), tuple(counts(sections[n]) for n in self.section_numbers))
        return found

    def school_sections(self, code: str) -> tuple[SectionInfo, ...]:
        """One school's sections with their gaps and the requirements that could not be judged."""
        shown = self.by_section([r for r in self.results.get(code, []) if r.status in _SHOWN_AS_GAPS])
        return tuple(
            SectionInfo(section.number, section.title, section.short, figures,
                        tuple(self.finding(r) for r in shown[section.number]))
            for section, figures in zip(self.run.plan.sections, self.figures(code)[1], strict=True)
        )

    def summary_sections(self, codes: Iterable[str]) -> tuple[SectionInfo, ...]:
        """The sections of several schools together, without gaps."""
        per_school = [self.figures(c)[1] for c in codes]
        return tuple(
            SectionInfo(section.number, section.title, section.short, total(figures[i] for figures in per_school))
            for i, section in enumerate(self.run.plan.sections)
        )

    def problem(self, p: Problem) -> ProblemInfo:
        level = Bilingual("错误", "error") if p.level == "error" else Bilingual("警告", "warning")
        return ProblemInfo(p.location.file, p.location.line, p.location.column, field_words(None, p.location.path)[1], p.level, level,
                           Bilingual(p.message_zh, p.message_en), Bilingual(p.fix_zh, p.fix_en), tuple(self.blocked.get(p, ())))

    def school_page(self, code: str) -> dict[str, Any]:
        school = self.schools[code]
        results = self.results.get(code, [])
        return {
            **self.common(self.school_paths[code]),
            "school": self.school_info(code),
            "sections": self.school_sections(code),
            "waived": tuple(self.finding(r) for r in results if r.status == Status.WAIVED),
            "not_applicable": tuple(self.finding(r) for r in results if r.status == Status.NOT_APPLICABLE),
            "problems": tuple(self.problem(p) for p in self.problems_by_file.get(school.file, ()) if not finding_severity(p)),
            "rectifications": self.ledger(code, None),
        }

    def summary_page(self, page: str, district: str | None) -> dict[str, Any]:
        codes = [c for c in self.run.selected if district is None or self.schools[c].district == district]
        results = [r for c in codes for r in self.results.get(c, [])]
        files = {self.schools[c].file for c in codes}
        context = {
            **self.common(page),
            "district": district,
            "counts": total(self.school_info(c).counts for c in codes),
            "school_count": len(codes),
            "sections": self.summary_sections(codes),
            "targets": tuple(self.target(t) for t in self.run.targets if t.district == district),
            "common_gaps": self.common_gaps(results, len(codes)),
            "schools": self.by_lack(codes),
            "invalid": self.invalid(None if district is None else files),
            "districts": (),
            "curves": self.curves(district),
            "rectification_count": len(self.ledger(None, district)),
            "overdue": tuple(row for row in self.ledger(None, district) if row.state == "overdue"),
            **self.absent(district),
        }
        if district is None:
            context["districts"] = self.districts()
        return context

    def index_page(self, page: str, city: str) -> dict[str, Any]:
        return {
            **self.common(page),
            "city": city,
            "counts": self.all_counts(),
            "districts": self.districts(),
            "schools": tuple(self.school_info(c) for c in sorted(self.run.selected,
                                                                 key=lambda c: (self.schools[c].district, c))),
            "invalid": self.invalid(None),
        }

    def check_page(self) -> dict[str, Any]:
        """The compact summary of `carework check --format markdown`: figures, targets, worst schools, problems."""
        return {
            **self.common(""),
            "counts": self.all_counts(),
            "school_count": len(self.run.selected),
            "loaded": len(self.run.schools),
            "sections": self.summary_sections(self.results),
            "targets": tuple(self.target(t) for t in shown_targets(self.run)),
            "schools": tuple(s for s in self.by_lack(list(self.run.selected)) if s.counts.failed or s.counts.errors),
            "problems": tuple(self.problem(p) for p in self.run.problems if not finding_severity(p)),
            "rectification_count": len(self.ledger(None, None)),
            "overdue": tuple(row for row in self.ledger(None, None) if row.state == "overdue"),
            "bad_files": len(self.bad_files),
            **self.absent(None),
        }

    def all_counts(self) -> Counts:
        """The counts of every result of the run (schools outside the selection included)."""
        return total(self.figures(code)[0] for code in self.results)

    def districts(self) -> tuple[DistrictInfo, ...]:
        if self._districts is None:
            by_name: dict[str, list[str]] = {}
            for c in self.run.selected:
                by_name.setdefault(self.schools[c].district, []).append(c)
            self._districts = tuple(
                DistrictInfo(name, self.district_paths.get(name, ""), len(codes),
                             total(self.school_info(c).counts for c in codes),
                             {t.target_id: self.target(t) for t in self.run.targets if t.district == name},
                             sum(1 for c in codes if self.schools[c].file in self.bad_files))
                for name, codes in sorted(by_name.items())
            )
        return self._districts

    def target(self, result: TargetResult) -> TargetInfo:
        target = next(t for t in self.run.plan.targets if t.id == result.target_id)
        band = next((b.title for b in target.bands if b.status == result.status), Bilingual(result.status, result.status))
        distance = None if result.value is None else round((result.target - result.value) * 100, 1)
        shown = max(CLOSEST_SHOWN, result.needed)
        return TargetInfo(
            id=result.target_id, title=target.title, source=target.source, district=result.district,
            value=result.value, target=result.target, distance=distance, numerator=result.numerator,
            denominator=result.denominator, needed=result.needed, status=result.status, status_label=band,
            due=target.due.isoformat(), closest=tuple(self.school_info(c) for c in result.closest[:shown]),
            closest_total=len(result.closest), note=Bilingual(denominator_note(result, "zh"), denominator_note(result, "en")),
            not_reported=result.not_reported, excluded=result.excluded,
        )

    def curves(self, district: str | None) -> tuple[CurveInfo, ...]:
        """Each target's figure for the city (or the district) at every point of the trend, when there is one."""
        if self.trend is None or len(self.trend.points) < 2:
            return ()
        out = []
        for target in self.run.plan.targets:
            points = []
            for point in self.trend.points:
                row = next((t for t in point.targets if t.target_id == target.id and t.district == district), None)
                points.append((point.as_of.isoformat(), None if row is None else row.value))
            if any(value is not None for _, value in points):
                out.append(CurveInfo(target.id, target.target, target.due.isoformat(), tuple(points)))
        return tuple(out)

    def ledger(self, code: str | None, district: str | None) -> tuple[LedgerRow, ...]:
        """The rectifications of one school, or of the schools asked about in a district or the city."""
        rows = []
        for item in self.run.rectifications:
            school = self.schools.get(item.school)
            if school is None or (code is not None and item.school != code) or (district is not None and school.district != district):
                continue
            rule = self.rules.get(item.rule)
            rows.append(LedgerRow(item.school, school.name, school.district, item.rule,
                                  rule.title if rule else Bilingual(item.rule, item.rule), item.measure, item.person,
                                  _iso(item.due), _iso(item.done), item.note, item.state,
                                  _pair(STATE_LABELS[item.state]), item.file, item.line))
        return tuple(rows)

    def absent(self, district: str | None) -> dict[str, Any]:
        """The roster's view of the city or one district: who has not reported, whose record is out of date."""
        run = self.run
        return {
            "roster": run.roster is not None,
            "not_reported": tuple(AbsentInfo(s.code, s.name, s.district) for s in run.not_reported
                                  if district is None or s.district == district),
            "stale": tuple(AbsentInfo(s.code, s.name, s.district, s.file, s.updated.isoformat() if s.updated else "", s.age_days)
                           for s in run.stale if district is None or s.district == district),
            "stale_days": int(run.plan.settings["record_max_age_days"].value) if run.stale else 0,
        }

    def common_gaps(self, results: list[Result], school_count: int) -> tuple[CommonGap, ...]:
        failing = Counter(r.rule for r in gaps(results))
        applicable = Counter(r.rule for r in results if r.status in _APPLICABLE)
        ordered = sorted(failing.items(), key=lambda kv: (-kv[1], kv[0]))[:COMMON_GAPS_SHOWN]
        return tuple(
            CommonGap(rule, self.rules[rule].title, self.rules[rule].severity,
                      _SEVERITY_LABELS[self.rules[rule].severity], n, applicable[rule])
            for rule, n in ordered
        )

    def by_lack(self, codes: list[str]) -> tuple[SchoolInfo, ...]:
        """Schools by how much they lack: must-level gaps first, then should, advice, unjudged; then by code."""
        infos = [self.school_info(c) for c in codes]
        return tuple(sorted(infos, key=lambda s: (-s.counts.must, -s.counts.should, -s.counts.advice,
                                                  -s.counts.errors, s.code)))

    def invalid(self, files: set[str] | None) -> tuple[InvalidRecord, ...]:
        """Files with data errors (all of them, or those among `files`), each with its error-level problems."""
        by_file: dict[str, list[Problem]] = {}
        for p in self.run.problems:
            if is_data_error(p) and (files is None or p.location.file in files):
                by_file.setdefault(p.location.file, []).append(p)
        school_of = {s.file: s.code for s in self.run.schools if s.code in self.results}
        return tuple(
            InvalidRecord(file, self.school_info(school_of[file]) if file in school_of else None,
                          tuple(self.problem(p) for p in problems))
            for file, problems in sorted(by_file.items())
        )


def _iso(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()
