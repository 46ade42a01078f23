"""The results of a run as plain tables (汇总, 各区, 学校, 整改清单, 数据问题): the rows an xlsx or CSV export writes.

Every figure comes from `checking.summary`, the one counting of a run's results; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from carework.checking.run import CheckRun
from carework.checking.summary import by_section, gap_weight, tally
from carework.core.i18n import denominator_note
from carework.core.model import SEVERITY_LABELS, STATUS_LABELS, School, Status
from carework.core.problems import Lang
from carework.schema.school import SCHOOL_KINDS

Kind = Literal["text", "number", "percent", "date", "severity", "status", "wide"]


@dataclass(frozen=True)
class Column:
    zh: str
    en: str
    kind: Kind = "text"

    def header(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Table:
    """One sheet (or one CSV file): its name, columns and rows; `rows` is made when asked, once per call."""

    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[list[Any]]]

    def name(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


#: The tables in the workbook's order; their keys are the CSV export's `--table` choices.
TABLE_KEYS = ("summary", "districts", "schools", "gaps", "problems")

#: What a school's row says about it, from worst to best.
SCHOOL_STATE = {
    "not_reported": ("未报送", "not reported"),
    "invalid": ("数据有误", "invalid data"),
    "gaps": ("有未达标项", "has gaps"),
    "met": ("全部达标", "all met"),
}


def tables(run: CheckRun, lang: Lang) -> tuple[Table, ...]:
    """Every table of the export, in order (names masked when `run` is `checking.redacted`'s)."""
    return (summary(run, lang), districts(run, lang), schools(run, lang), gap_list(run, lang), problems(run, lang))


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def summary(run: CheckRun, lang: Lang) -> Table:
    columns = (Column("类别", "kind"), Column("编号", "id"), Column("名称", "title", "wide"), Column("层级", "level"),
               Column("区", "district"), Column("达标数", "met", "number"), Column("分母", "denominator", "number"),
               Column("达标率", "rate", "percent"), Column("目标", "target", "percent"), Column("状态", "status", "status"),
               Column("未报送", "not reported", "number"), Column("说明", "note", "wide"))

    def rows() -> Iterator[list[Any]]:
        for number, counted in by_section(run):
            section = run.plan.section(number)
            title = section.title.get(lang) if section else str(number)
            yield [_pick(("部分", "section"), lang), str(number), title, _pick(("全市", "city"), lang), None,
                   counted.passed + counted.waived, counted.applicable, counted.rate, None,
                   None, None, None]
        for target in run.targets:
            plan_target = next((t for t in run.plan.targets if t.id == target.target_id), None)
            title = plan_target.title.get(lang) if plan_target else target.target_id
            level = _pick(("全市", "city"), lang) if target.district is None else _pick(("区", "district"), lang)
            bands = {b.status: b.title.get(lang) for b in plan_target.bands} if plan_target else {}
            status = bands.get(target.status) or (_pick(("无数据", "no data"), lang) if target.status == "no_data" else target.status)
            yield [_pick(("目标", "target"), lang), target.target_id, title, level, target.district, target.numerator,
                   target.denominator, target.value, target.target, status, target.not_reported,
                   denominator_note(target, lang)]

    return Table("summary", "汇总", "summary", columns, rows)


def _school_counts(run: CheckRun) -> dict[str, tuple[int, int, int, int, int]]:
    """Per school: gaps by severity (must, should, advice), requirements met, waived."""
    out: dict[str, tuple[int, int, int, int, int]] = {}
    for code, results in run.results.by_school():
        counted = tally(results)
        must, should, advice = gap_weight(results)
        out[code] = (must, should, advice, counted.passed, counted.waived)
    return out


def _state(school: School | None, counted: tuple[int, ...]) -> str:
    if school is None:
        return "not_reported"
    if any(p.level == "error" for p in school.problems):
        return "invalid"
    return "gaps" if any(counted[:3]) else "met"


def schools(run: CheckRun, lang: Lang) -> Table:
    columns = (Column("区", "district"), Column("学校代码", "code"), Column("学校名称", "school", "wide"),
               Column("学校类型", "kind"), Column("状态", "state", "status"),
               Column("必须项未达标", "must gaps", "number"), Column("应当项未达标", "should gaps", "number"),
               Column("建议项未达标", "advice gaps", "number"), Column("达标项", "met", "number"),
               Column("豁免项", "waived", "number"), Column("数据错误", "data errors", "number"),
               Column("记录更新日期", "updated", "date"), Column("记录文件", "record file", "wide"))

    def rows() -> Iterator[list[Any]]:
        counts = _school_counts(run)
        by_code = {s.code: s for s in run.schools}
        listed: list[tuple[str, str, list[Any]]] = []
        for code in run.selected:
            school = by_code.get(code)
            if school is None:
                continue
            counted = counts.get(code, (0, 0, 0, 0, 0))
            errors = sum(1 for p in school.problems if p.level == "error")
            updated = school.data.get("updated")
            listed.append((school.district, code, [
                school.district, code, school.name, SCHOOL_KINDS.label(school.kind, lang),
                _pick(SCHOOL_STATE[_state(school, counted)], lang), *counted, errors,
                updated if isinstance(updated, dt.date) else None, school.file]))
        for absent in run.not_reported:
            listed.append((absent.district, absent.code, [
                absent.district, absent.code, absent.name, None, _pick(SCHOOL_STATE["not_reported"], lang),
                None, None, None, None, None, None, None, None]))
        for _, _, row in sorted(listed, key=lambda item: (item[0], item[1])):
            yield row

    return Table("schools", "学校", "schools", columns, rows)


def districts(run: CheckRun, lang: Lang) -> Table:
    columns = (Column("区", "district"), Column("已报送学校", "schools reported", "number"),
               Column("未报送学校", "not reported", "number"), Column("全部达标学校", "schools all met", "number"),
               Column("数据有误学校", "schools with invalid data", "number"),
               Column("必须项未达标", "must gaps", "number"), Column("应当项未达标", "should gaps", "number"),
               Column("建议项未达标", "advice gaps", "number"), Column("达标率", "rate", "percent"))

    def rows() -> Iterator[list[Any]]:
        counts = _school_counts(run)
        selected = set(run.selected)
        figures: dict[str, Counter[str]] = {}
        for school in run.schools:
            if school.code not in selected:
                continue
            counted = counts.get(school.code, (0, 0, 0, 0, 0))
            row = figures.setdefault(school.district, Counter())
            row["reported"] += 1
            row[_state(school, counted)] += 1
            for key, value in zip(("must", "should", "advice", "passed", "waived"), counted, strict=True):
                row[key] += value
        for absent in run.not_reported:
            figures.setdefault(absent.district, Counter())["not_reported"] += 1
        for district in sorted(figures):
            row = figures[district]
            applicable = row["must"] + row["should"] + row["advice"] + row["passed"] + row["waived"]
            rate = (row["passed"] + row["waived"]) / applicable if applicable else None
            yield [district, row["reported"], row["not_reported"], row["met"], row["invalid"], row["must"],
                   row["should"], row["advice"], rate]

    return Table("districts", "各区", "districts", columns, rows)


def gap_list(run: CheckRun, lang: Lang) -> Table:
    columns = (Column("区", "district"), Column("学校代码", "code"), Column("学校名称", "school", "wide"),
               Column("规则", "rule"), Column("要求", "requirement", "wide"), Column("级别", "severity", "severity"),
               Column("状态", "status", "status"), Column("缺什么", "what is missing", "wide"),
               Column("怎么改", "how to fix it", "wide"), Column("原文", "source sentence", "wide"),
               Column("记录文件", "record file", "wide"), Column("行", "line", "number"))

    def rows() -> Iterator[list[Any]]:
        rules = {r.id: r for r in run.plan.rules}
        by_code = {s.code: s for s in run.schools}
        for code, results in run.listing.by_school():
            school = by_code.get(code)
            for r in results:
                if r.status not in (Status.FAIL, Status.ERROR):
                    continue
                rule = rules.get(r.rule)
                yield [school.district if school else None, code, school.name if school else None, r.rule,
                       rule.title.get(lang) if rule else None, _pick(SEVERITY_LABELS[r.severity], lang),
                       _pick(STATUS_LABELS[r.status], lang), r.message(lang),
                       rule.remedy.get(lang) if rule else None, rule.source if rule else None,
                       r.location.file, r.location.line]

    return Table("gaps", "整改清单", "gaps", columns, rows)


def problems(run: CheckRun, lang: Lang) -> Table:
    columns = (Column("文件", "file", "wide"), Column("行", "line", "number"), Column("列", "column", "number"),
               Column("位置", "path"), Column("级别", "level", "severity"), Column("代码", "code"),
               Column("问题", "problem", "wide"), Column("怎么改", "how to fix it", "wide"))
    levels = {"error": ("错误", "error"), "warning": ("警告", "warning")}

    def rows() -> Iterator[list[Any]]:
        for p in run.problems:
            yield [p.location.file, p.location.line, p.location.column, p.location.dotted(),
                   _pick(levels[p.level], lang), p.code, p.message(lang), p.fix(lang)]

    return Table("problems", "数据问题", "data problems", columns, rows)
