"""The edges of every dated or thresholded requirement, as data: tests/boundaries/*.yaml.

- `rules.yaml`: rule cases (the keys of tests/rules/cases/, plus `rule:`) on the as-of day and the day before, exactly
  at a threshold and one below, and waivers on their expiry day and the day after;
- `targets.yaml`: the target's bands at their edges, with the `needed` count, and certification on the as-of day;
- `records.yaml`: 未更新 (stale records) at the plan's maximum age and one day past it.

A new case is one more entry in a file; nothing here needs to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, base_record, merge, school_from

from carework.checking.city import stale_records
from carework.core.model import Result, Waiver
from carework.core.problems import Location
from carework.rules.engine import evaluate_school, school_scope
from carework.rules.model import Plan
from carework.rules.targets import Member, TargetFact, aggregate_targets, target_facts

FOLDER = Path(__file__).resolve().parent / "boundaries"


def _cases(name: str, key: str = "cases") -> list[dict[str, Any]]:
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))[key]


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _check_case(plan: Plan, folder: Path, rule_id: str, case: dict[str, Any]) -> None:
    """Judge the base record with the case's patch as of the case's date (and waiver), and compare with `expect`."""
    data = merge(base_record(), case.get("patch") or {})
    data_errors = case.get("data_errors", case["expect"] == "error")
    school = school_from(plan, folder, data, allow_errors=data_errors)
    if data_errors:
        assert any(p.level == "error" for p in school.problems), "the case says the record has data errors; it has none"
    as_of = case.get("as_of", AS_OF)
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    waivers = {}
    if "waived_until" in case:
        expires = _date(case["waived_until"])
        waivers[(rule_id, school.code)] = Waiver(rule_id, school.code, "用例", "测试", expires, Location("waivers.yaml"))
    results = {r.rule: r for r in evaluate_school(plan, school, as_of, waivers)}
    for made in results.values():  # the engine fills results in directly: they must be what the constructor makes
        constructed = Result(*(getattr(made, f.name) for f in fields(Result)))
        assert list(vars(made).items()) == list(vars(constructed).items())
    result = results[rule_id]
    assert result.status.value == case["expect"], result.message_zh
    if "message" in case:
        assert result.message_zh == case["message"]


RULE_CASES = _cases("rules.yaml")


@pytest.mark.parametrize("case", RULE_CASES, ids=[f"{c['rule']} {c['name']}" for c in RULE_CASES])
def test_rule_boundary(plan: Plan, tmp_path: Path, case: dict[str, Any]) -> None:
    _check_case(plan, tmp_path, case["rule"], {k: v for k, v in case.items() if k != "rule"})


def test_every_dated_or_thresholded_rule_has_boundary_cases(plan: Plan) -> None:
    """A rule with a minimum (`at_least`) or that reads a date against the as-of day has both sides of its edge here."""
    edged = {r.id for r in plan.rules if r.scope == "school" and r.check is not None and r.check.kind == "at_least"}
    outcomes: dict[str, set[str]] = {}
    for case in RULE_CASES:
        outcomes.setdefault(case["rule"], set()).add(case["expect"])
    assert {rule: sorted(outcomes.get(rule, set())) for rule in edged
            if not {"pass", "fail"} <= outcomes.get(rule, set())} == {}


TARGET_DOC = yaml.safe_load((FOLDER / "targets.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TARGET_DOC["cases"], ids=[c["name"] for c in TARGET_DOC["cases"]])
def test_target_band_edge(plan: Plan, case: dict[str, Any]) -> None:
    [index] = [i for i, t in enumerate(plan.targets) if t.id == TARGET_DOC["target"]]
    others = tuple(TargetFact(False) for _ in plan.targets)

    def member(i: int) -> Member:
        fact = TargetFact(True, i < case["counted"], (0, 0))
        return Member(f"S-{i:03d}", "天宁区", others[:index] + (fact,) + others[index + 1:])

    city = [t for t in aggregate_targets(plan, [member(i) for i in range(case["members"])])
            if t.target_id == TARGET_DOC["target"] and t.level == "city"]
    assert len(city) == 1
    got = city[0]
    assert (got.status, got.needed, got.numerator, got.denominator) == (
        case["status"], case["needed"], case["counted"], case["members"])
    assert got.value == pytest.approx(case["value"]) if case["value"] is not None else got.value is None


@pytest.mark.parametrize("case", TARGET_DOC["certified"], ids=[c["name"] for c in TARGET_DOC["certified"]])
def test_target_counts_a_school_certified_on_the_day(plan: Plan, tmp_path: Path, case: dict[str, Any]) -> None:
    school = school_from(plan, tmp_path, merge(base_record(), {"quality": {"certified_on": case["certified_on"]}}))
    as_of = _date(case["as_of"])
    [index] = [i for i, t in enumerate(plan.targets) if t.id == TARGET_DOC["target"]]
    fact = target_facts(plan, school, school_scope(plan, school, as_of))[index]
    assert fact.member and fact.counted is case["counted"]


RECORD_CASES = _cases("records.yaml")


@pytest.mark.parametrize("case", RECORD_CASES, ids=[c["name"] for c in RECORD_CASES])
def test_stale_record_edge(plan: Plan, tmp_path: Path, case: dict[str, Any]) -> None:
    data = merge(base_record(), {"updated": case["updated"]})
    school = school_from(plan, tmp_path, data, allow_errors=True)
    max_age = int(plan.settings["record_max_age_days"].value)
    stale = stale_records([school], _date(case["as_of"]), max_age)
    assert bool(stale) is case["stale"]
    if stale and case["updated"] is not None:
        assert stale[0].age_days == (_date(case["as_of"]) - _date(case["updated"])).days
