"""Every rule of the plan, proven on data: tests/rules/cases/<RULE>.yaml patch the base record and say the outcome.

A case file:

    rule: S2-06
    cases:
      - name: two hearings meet the requirement
        expect: pass            # pass | fail | not_applicable | waived | error
        patch: {}               # merged onto tests/rules/base.yaml; lists replace, null removes a field
      - name: one hearing is not enough
        expect: fail
        message: "2024 年党组织听取汇报 1 次，要求至少 2 次"    # optional: the exact Chinese message
        patch:
          party_hearings: [{date: 2024-03-01}]

`as_of` (default 2024-12-31) may be given per case; `waived_until: DATE` applies a waiver of the rule for the school. A case that expects `error` is about a record with data errors
(an invalid field the rule reads); `data_errors: true` says the record has data errors in other cases too, e.g. to show
that a broken field the rule does not read leaves the rule judged as usual. `xfail_reason` marks a case that states the
correct outcome of a known bug: it is reported as xfail while it fails, and fails once it passes, so the mark is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, base_record, merge, school_from

from carework.core.model import Result, Waiver
from carework.core.problems import Location
from carework.rules.engine import evaluate_school
from carework.rules.model import Plan

CASES_DIR = Path(__file__).resolve().parent / "rules" / "cases"


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            out.append((doc["rule"], {**case, "_id": f"{path.stem}[{i}] {case.get('name', '')}"}))
    return out


CASES = _load_cases()
CASE_KEYS = {"name", "expect", "patch", "message", "as_of", "data_errors", "xfail_reason", "waived_until", "_id"}


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[c["_id"] for _, c in CASES])
def test_rule_case(plan: Plan, tmp_path: Path, rule_id: str, case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS, f"unknown keys in the case: {sorted(set(case) - CASE_KEYS)}"
    reason = case.get("xfail_reason")
    try:
        _check_case(plan, tmp_path, rule_id, case)
    except AssertionError:
        if reason:
            pytest.xfail(reason)
        raise
    assert not reason, f"the case now passes; remove its xfail_reason: {reason}"


def _check_case(plan: Plan, folder: Path, rule_id: str, case: dict[str, Any]) -> None:
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
        expires = case["waived_until"]
        expires = dt.date.fromisoformat(expires) if isinstance(expires, str) else expires
        waivers[(rule_id, school.code)] = Waiver(rule_id, school.code, "用例", "测试", expires, Location("waivers.yaml"))
    results = {r.rule: r for r in evaluate_school(plan, school, as_of, waivers)}
    for made in results.values():  # the engine fills results in directly: they must be what the constructor makes
        constructed = Result(*(getattr(made, f.name) for f in fields(Result)))
        assert list(vars(made).items()) == list(vars(constructed).items())
    result = results[rule_id]
    assert result.status.value == case["expect"], result.message_zh
    if "message" in case:
        assert result.message_zh == case["message"]


def test_base_record_meets_every_rule(plan: Plan, tmp_path: Path) -> None:
    school = school_from(plan, tmp_path, base_record())
    failing = [(r.rule, r.status.value, r.message_zh) for r in evaluate_school(plan, school, AS_OF, {})
               if r.status.value != "pass"]
    assert failing == []


def test_every_school_rule_has_a_passing_and_a_failing_case(plan: Plan) -> None:
    outcomes: dict[str, set[str]] = {}
    for rule_id, case in CASES:
        if "xfail_reason" not in case:
            outcomes.setdefault(rule_id, set()).add(case["expect"])
    missing = {r.id: sorted({"pass", "fail"} - outcomes.get(r.id, set()))
               for r in plan.rules if r.scope == "school" and not {"pass", "fail"} <= outcomes.get(r.id, set())}
    assert missing == {}


def test_cases_name_rules_that_exist(plan: Plan) -> None:
    assert {rule_id for rule_id, _ in CASES} <= {r.id for r in plan.rules}


def test_case_files_are_named_after_their_rule() -> None:
    misnamed = [path.name for path in CASES_DIR.glob("*.yaml")
                if yaml.safe_load(path.read_text(encoding="utf-8"))["rule"] != path.stem]
    assert misnamed == []
