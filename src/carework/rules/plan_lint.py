"""`carework plan lint`: what in a plan that loads is still likely a mistake, and what a plan author should know.

Warnings are likely mistakes (an unused setting or definition, a rule whose outcome cannot depend on the record, a
date outside the period, a setting whose basis is not stated where it is used); notices are facts to review (record
fields no rule reads, rules quoting the same sentence, severity counts). A pure function over a loaded plan and, when
it ships one, its source text; nothing is printed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from carework.core.problems import Location
from carework.rules.model import Plan, Rule
from carework.rules.uses import (
    BASIS_LABELS,
    BUILT_IN_SETTINGS,
    all_uses,
    at_least_minimum,
    expressions,
    items,
    uses,
)
from carework.schema.fieldtypes import Boolean, ListOf, Record, Text
from carework.schema.school import SCHOOL

Level = Literal["warning", "notice"]

#: Record fields carework reads itself, whatever the plan says: the school's identity, kind, freshness and batch.
READ_BY_CAREWORK = frozenset({("code",), ("name",), ("district",), ("kind",), ("ownership",), ("updated",),
                              ("quality", "batch")})
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
#: A year compared with `year`, `year(…)` or a `.year` field: `item.year == 2023`.
_YEAR = re.compile(r"(?:\byear\([^()]*\)|\byear\b)\s*(?:==|!=|<=|>=|<|>)\s*(\d{4})\b")


@dataclass(frozen=True, order=True)
class LintFinding:
    level: Level
    code: str
    message_zh: str
    message_en: str
    #: Where in the plan file, when the finding is about something written there.
    location: Location | None = None

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class LintReport:
    findings: tuple[LintFinding, ...]
    #: Rules by severity (error / warning / advice), bureau duties, targets.
    counts: dict[str, int]

    @property
    def warnings(self) -> tuple[LintFinding, ...]:
        return tuple(f for f in self.findings if f.level == "warning")


def lint(plan: Plan, source_text: str | None = None) -> LintReport:
    """Every finding about `plan`; `source_text` (the shipped source) lets a `text` basis be checked."""
    findings = [*_unused(plan), *_basis(plan, source_text), *_constant_rules(plan), *_dates(plan),
                *_unread_fields(plan), *_duplicate_quotes(plan)]
    counts = {sev: sum(1 for r in plan.rules if r.scope == "school" and r.severity == sev) for sev in ("error", "warning", "advice")}
    counts["bureau"] = sum(1 for r in plan.rules if r.scope == "bureau")
    counts["targets"] = len(plan.targets)
    return LintReport(tuple(findings), counts)


def _at(plan: Plan, line: int) -> Location | None:
    return Location(plan.file, line) if line else None


def _unused(plan: Plan) -> Iterator[LintFinding]:
    used = all_uses(plan)
    for name, setting in plan.settings.items():
        if name not in used.settings and name not in BUILT_IN_SETTINGS:
            yield LintFinding("warning", "unused-setting", f"参数 {name} 没有任何规则或目标使用",
                              f"no rule or target uses the setting {name}", _at(plan, setting.line))
    for d in plan.definition_texts:
        if d.name not in used.definitions:
            yield LintFinding("warning", "unused-definition", f"定义 {d.name} 没有任何规则或目标使用",
                              f"no rule or target uses the definition {d.name}", _at(plan, d.line))
    in_schema = set(_vocabularies(SCHOOL))
    written = " ".join(t for item in items(plan) for t in expressions(item))
    for name, line in plan.vocabulary_lines.items():
        if name not in in_schema and not re.search(rf"\b{re.escape(name)}\b", written):
            yield LintFinding("warning", "unused-vocabulary", f"名称表 {name} 既不用于校验记录，也没有规则使用",
                              f"the vocabulary {name} neither checks a record field nor is used by a rule", _at(plan, line))


def _vocabularies(record: Record) -> Iterator[str]:
    for f in record.fields:
        t = f.type.item if isinstance(f.type, ListOf) else f.type
        if isinstance(t, Record):
            yield from _vocabularies(t)
        elif isinstance(t, Text) and t.vocabulary:
            yield t.vocabulary


def _basis(plan: Plan, source_text: str | None) -> Iterator[LintFinding]:
    """A setting read by us must be explained by the rules using it; one from the text must stand in the text."""
    for rule in plan.rules:
        for name in uses(plan, rule).settings:
            setting = plan.settings[name]
            if setting.basis == "reading" and rule.reading is None:
                yield LintFinding("warning", "basis-unstated",
                                  f"规则 {rule.id} 使用按“{BASIS_LABELS['reading'][0]}”确定的参数 {name}，却没有写 reading 说明如何解读",
                                  f"rule {rule.id} uses {name}, a setting based on our reading, but has no reading saying how",
                                  _at(plan, rule.line))
    if source_text is None:
        return
    for name, setting in plan.settings.items():
        if setting.basis == "text" and f"{setting.value:g}" not in source_text:
            yield LintFinding("warning", "basis-not-in-text", f"参数 {name} 的依据是原文，但原文中没有 {setting.value:g}",
                              f"the setting {name} is based on the text, but the text has no {setting.value:g}",
                              _at(plan, setting.line))


def _constant_rules(plan: Plan) -> Iterator[LintFinding]:
    for rule in plan.rules:
        if rule.check is None:
            continue
        if not rule.fields:
            yield LintFinding("warning", "cannot-vary", f"规则 {rule.id} 不读记录中的任何字段：对每所学校结果都一样，不是总能通过就是总不通过",
                              f"rule {rule.id} reads no record field: every school gets the same outcome, so it cannot "
                              "fail or cannot pass", _at(plan, rule.line))
        elif (minimum := at_least_minimum(plan, rule)) is not None and minimum <= 0:
            yield LintFinding("warning", "cannot-fail", f"规则 {rule.id} 的下限不大于 0：数量不会低于它，永远达标",
                              f"rule {rule.id} has a minimum of 0 or less: no count is below it, it cannot fail",
                              _at(plan, rule.line))



def _dates(plan: Plan) -> Iterator[LintFinding]:
    """Dates (and years compared with a year) written into expressions, outside the plan's period: most often a rule
    copied from last year's plan and not moved on."""
    start, end = plan.period
    for item in items(plan):
        for text in expressions(item):
            found = [(f"{y}-{m}-{d}", _day(y, m, d)) for y, m, d in _DATE.findall(text)]
            found += [(y, None) for y in _YEAR.findall(text) if not start.year <= int(y) <= end.year]
            for written, day in found:
                if day is not None and start <= day <= end:
                    continue
                yield LintFinding("warning", "date-outside-period",
                                  f"{item.id} 中的日期 {written} 不在计划期（{start} 至 {end}）内",
                                  f"{item.id} names {written}, outside the plan's period ({start} to {end})",
                                  _at(plan, item.line))


def _day(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _leaves(record: Record, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Every leaf field of the record: its path, and whether it is a yes/no fact."""
    for f in record.fields:
        t = f.type.item if isinstance(f.type, ListOf) else f.type
        if isinstance(t, Record):
            yield from _leaves(t, prefix + (f.name,))
        else:
            yield prefix + (f.name,), isinstance(t, Boolean)


def _unread_fields(plan: Plan) -> Iterator[LintFinding]:
    read: set[tuple[str, ...]] = set(READ_BY_CAREWORK)
    for rule in plan.rules:
        read |= {tuple(p for p in path if p != "*") for path in rule.fields}
    for target in plan.targets:
        read |= {tuple(p for p in path if p != "*") for g in (target.counts, *target.progress) for path in g.fields}
    for path, fact in _leaves(SCHOOL):
        if any(path[: len(r)] == r or r[: len(path)] == path for r in read):
            continue
        dotted = ".".join(path)
        if fact:
            yield LintFinding("notice", "unread-fact", f"记录收集是/否事实 {dotted}，但没有规则判断它：要么有规则读它，要么说明为何只收集不检查",
                              f"the record collects the yes/no fact {dotted}, which no rule judges: have a rule read it, "
                              "or say why it is collected only")
        else:
            yield LintFinding("notice", "unread-field", f"没有规则读取记录字段 {dotted}（说明性内容可以不检查）",
                              f"no rule reads the record field {dotted} (descriptive content need not be checked)")


def _duplicate_quotes(plan: Plan) -> Iterator[LintFinding]:
    by_quote: dict[str, list[Rule]] = {}
    for rule in plan.rules:
        by_quote.setdefault(rule.source, []).append(rule)
    for quote, rules in by_quote.items():
        if len(rules) > 1:
            ids = "、".join(r.id for r in rules)
            yield LintFinding("notice", "duplicate-quote", f"{ids} 引用同一句原文“{quote}”：确认它们检查的是不同方面",
                              f"{', '.join(r.id for r in rules)} quote the same sentence “{quote}”: make sure they check "
                              "different things", _at(plan, rules[1].line))
