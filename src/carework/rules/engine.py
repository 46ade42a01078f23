"""Evaluate the plan: every applicable rule on every school, and every aggregate target over all of them.

Pure: no I/O and no clock; "this year" and deadlines are judged against the as-of date it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from carework.core.errors import CareworkError
from carework.core.model import Result, School, Status, Waiver, result_maker
from carework.core.problems import Location, Problem
from carework.rules.checks import Label, Percent
from carework.rules.expr.language import BUDGET, Budget
from carework.rules.model import Applicability, Plan, Rule
from carework.rules.waivers import active
from carework.schema.fieldtypes import Choice
from carework.schema.general import field_words
from carework.schema.school import OWNERSHIP, SCHOOL, SCHOOL_KINDS


def school_scope(plan: Plan, school: School, as_of: dt.date) -> dict[str, Any]:
    """The names a school's checks read: its record, the plan's variables, and each definition computed once."""
    scope: dict[str, Any] = dict(school.data)
    budget = Budget(school.file)
    scope.update(year=plan.year, as_of=as_of, period_start=plan.period[0], period_end=plan.period[1],
                 settings={name: s.value for name, s in plan.settings.items()})
    scope[BUDGET] = budget
    for name, typed in plan.definitions:
        budget.rule = name
        scope[name] = typed.fn(scope, None)
    return scope


def evaluate_school(plan: Plan, school: School, as_of: dt.date, waivers: dict[tuple[str, str], Waiver],
                    scope: dict[str, Any] | None = None, messages: bool = True) -> list[Result]:
    """All of one school's results, in plan order, with `waivers` applied (see `waive`); `scope` is the school's, when
    the caller already computed it.

    `messages=False` leaves a gap's message empty, for callers that only count (a trend judges each record a dozen
    times and shows no message): writing them is a fifth of the rules' time."""
    scope = school_scope(plan, school, as_of) if scope is None else scope
    make = result_maker()
    # Rules pointing at the same field share its location, looked up once.
    located: dict[tuple[str, ...], Location] = {}
    out = []
    budget = scope[BUDGET]
    for rule in plan.rules:
        if rule.scope == "school":
            budget.rule = rule.id
            where = located.get(rule.anchor)
            if where is None:
                where = located[rule.anchor] = school.locate(rule.anchor)
            out.append(_evaluate_rule(rule, school, scope, where, make, messages))
    return waive(out, waivers, as_of) if waivers else out


def _evaluate_rule(rule: Rule, school: School, scope: dict[str, Any], where: Location, make: _Maker,
                   messages: bool = True) -> Result:
    # A rule whose applicability rests on a broken field (an invalid `kind`, say) cannot be judged either way.
    broken = _broken_fields(_applicability_fields(rule.applies), school.invalid) if school.invalid else None
    if broken is not None:
        return _blocked(make, school, rule, broken, where)
    outside = not_applicable(rule.applies, school, scope)
    if outside:
        return _made(make, school, rule, Status.NOT_APPLICABLE, outside[0], outside[1], where)
    broken = _broken_fields(rule.fields, school.invalid) if school.invalid else None
    if broken is not None:
        return _blocked(make, school, rule, broken, where)
    assert rule.check is not None
    try:
        outcome = rule.check.evaluate(scope)
    except CareworkError:  # the school's budget ran out: the rule, not the record, is at fault
        raise
    except Exception as exc:  # a value the type checker could not foresee; one rule, not the whole run
        return _made(make, school, rule, Status.ERROR, f"无法判断此项：{type(exc).__name__}",
                     f"this requirement could not be evaluated: {type(exc).__name__}", where)
    if outcome.vacuous:
        return _made(make, school, rule, Status.NOT_APPLICABLE, "没有需要检查的对象", "nothing to check", where)
    found, expected = outcome.found, outcome.expected
    if outcome.passed:
        return _made(make, school, rule, _PASS, "", "", where, found, expected)
    zh = en = ""
    if messages:
        values = {**(outcome.values or {}), "year": scope["year"], "school": school.name}
        zh, en = _format(rule.message.zh, values, "zh"), _format(rule.message.en or rule.message.zh, values, "en")
    return _made(make, school, rule, _FAIL, zh, en, where, found, expected)


_PASS, _FAIL = Status.PASS, Status.FAIL  # looking a member up on its enum is slow (~0.5 us on Python 3.11)


#: How a result is made: `core.model.new_result`, or `Result` itself in reference mode.
_Maker = Callable[..., Result]


def _made(make: _Maker, school: School, rule: Rule, status: Status, zh: str, en: str, where: Location,
          found: Any = None, expected: Any = None) -> Result:
    return make(school.code, rule.id, status, rule.severity, zh, en, where, found, expected)


def _blocked(make: _Maker, school: School, rule: Rule, broken: tuple[str, ...], where: Location) -> Result:
    zh, en = field_words(SCHOOL, broken) if broken else ("整个记录", "the whole record")
    return _made(make, school, rule, Status.ERROR, f"记录中“{zh}”有误，无法判断此项",
                 f"{en} is invalid in the record; this requirement cannot be judged", where)


def blocked_by(rule: Rule, path: tuple[str | int, ...]) -> bool:
    """Whether an invalid value at `path` (a data problem's path) leaves `rule` unjudged."""
    bad = tuple(part for part in path if isinstance(part, str))
    return _broken_fields(_applicability_fields(rule.applies) | rule.fields, [bad]) is not None


def not_applicable(applies: Applicability, school: School, scope: dict[str, Any]) -> tuple[str, str] | None:
    if applies.kinds and school.kind not in applies.kinds:
        return (f"只适用于{_labels(SCHOOL_KINDS, applies.kinds, 'zh')}", f"applies only to {_labels(SCHOOL_KINDS, applies.kinds, 'en')}")
    if applies.ownership and school.ownership not in applies.ownership:
        return (f"只适用于{_labels(OWNERSHIP, applies.ownership, 'zh')}学校", f"applies only to {_labels(OWNERSHIP, applies.ownership, 'en')} schools")
    if applies.batches and (school.data.get("quality") or {}).get("batch") not in applies.batches:
        listed = "、".join(f"第{b}批" for b in applies.batches)
        return (f"只适用于列入优质化建设{listed}的学校", f"applies only to schools in quality-construction batch {', '.join(map(str, applies.batches))}")
    if applies.when and not applies.when.fn(scope, None):
        return (f"不满足适用条件：{applies.when_text}", f"the condition for this requirement does not hold: {applies.when_text}")
    return None


def _labels(choice: Choice, values: tuple[str, ...], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(choice.label(v, lang) for v in values)


def _applicability_fields(applies: Applicability) -> frozenset[tuple[str, ...]]:
    fields: set[tuple[str, ...]] = set(applies.when.fields) if applies.when else set()
    if applies.kinds:
        fields.add(("kind",))
    if applies.ownership:
        fields.add(("ownership",))
    if applies.batches:
        fields.add(("quality", "batch"))
    return frozenset(fields)


def _broken_fields(fields: frozenset[tuple[str, ...]], invalid: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The first invalid path that is, or contains, a field read; an invalid field inside a list item that is
    only counted (never read) does not make the count wrong. `a.b.*` means everything under a.b is read."""
    for bad in invalid:
        for used in fields:
            whole = used[-1:] == ("*",)
            if used[: len(bad)] == bad or (whole and bad[: len(used) - 1] == used[:-1]):
                return bad
    return None


def _format(template: str, values: dict[str, Any], lang: str) -> str:
    return template.format_map({k: _show(v, lang) for k, v in values.items()})


def _show(value: Any, lang: str) -> str:
    """A value as a message shows it: labels in the message's language, shares as percentages."""
    if type(value) is str:  # the commonest, first
        return value
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Percent):
        return f"{value.value:.0%}"
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "未填" if lang == "zh" else "not recorded"
    if isinstance(value, list):
        known = [_show(v, lang) for v in value if v is not None]
        return ("、" if lang == "zh" else ", ").join(known) if known else _show(None, lang)
    return str(value)


def waive(results: Iterable[Result], waivers: dict[tuple[str, str], Waiver], as_of: dt.date) -> list[Result]:
    """Results judged without waivers, with each gap an active waiver covers turned into a waived result.

    The same outcome `evaluate_school` gives when handed the waivers, so a school's results can be computed (and
    cached) once and the waiver file applied afterwards.
    """
    out = []
    for result in results:
        waiver = waiver_of(result.rule, result.school, result.status, waivers, as_of)
        out.append(replace(result, status=Status.WAIVED, waiver=waiver) if waiver else result)
    return out


def waiver_of(rule: str, school: str, status: Status, waivers: dict[tuple[str, str], Waiver],
              as_of: dt.date) -> Waiver | None:
    """The waiver that makes this result waived: an active one, of a gap."""
    waiver = waivers.get((rule, school)) if status == Status.FAIL else None
    return waiver if waiver and active(waiver, as_of) else None


def waiver_index(plan: Plan, waivers: list[Waiver], codes: set[str],
                 as_of: dt.date) -> tuple[dict[tuple[str, str], Waiver], list[tuple[Waiver, Problem]]]:
    """Waivers keyed by (rule, school); unknown rules or schools and expired waivers are reported with their waiver."""
    index: dict[tuple[str, str], Waiver] = {}
    notes: list[tuple[Waiver, Problem]] = []
    rule_ids = {r.id for r in plan.rules}
    for w in waivers:
        if w.rule not in rule_ids:
            notes.append((w, Problem(w.location, "waiver-unknown-rule", f"豁免中的规则 {w.rule} 不在计划中",
                                 f"waived rule {w.rule} is not in the plan", "核对规则编号（carework rules）", "check the id (carework rules)", "warning")))
            continue
        if w.school not in codes:
            notes.append((w, Problem(w.location, "waiver-unknown-school", f"豁免中的学校 {w.school} 没有记录",
                                 f"waived school {w.school} has no record", "核对学校代码", "check the school code", "warning")))
        if not active(w, as_of):
            notes.append((w, Problem(w.location, "waiver-expired", f"{w.school} 对 {w.rule} 的豁免已于 {w.expires} 到期，不再生效",
                                 f"the waiver of {w.rule} for {w.school} expired on {w.expires} and no longer applies",
                                 "整改到位，或重新报批并更新有效期", "close the gap, or have it approved again with a new date", "warning")))
        index[(w.rule, w.school)] = w
    return index, notes
