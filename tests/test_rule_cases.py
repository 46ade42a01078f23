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

`as_of` (default 2024-12-31) may be given per case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from carework.engine import evaluate_school
from carework.model import Plan

from conftest import AS_OF, base_record, merge, school_from

CASES_DIR = Path(__file__).resolve().parent / "rules" / "cases"


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            out.append((doc["rule"], {**case, "_id": f"{path.stem}[{i}] {case.get('name', '')}"}))
    return out


CASES = _load_cases()


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[c["_id"] for _, c in CASES])
def test_rule_case(plan: Plan, tmp_path: Path, rule_id: str, case: dict[str, Any]) -> None:
    data = merge(base_record(), case.get("patch") or {})
    school = school_from(plan, tmp_path, data)
    as_of = case.get("as_of", AS_OF)
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    results = {r.rule: r for r in evaluate_school(plan, school, as_of, {})}
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
        outcomes.setdefault(rule_id, set()).add(case["expect"])
    missing = {r.id: sorted({"pass", "fail"} - outcomes.get(r.id, set()))
               for r in plan.rules if r.scope == "school" and not {"pass", "fail"} <= outcomes.get(r.id, set())}
    assert missing == {}


def test_cases_name_rules_that_exist(plan: Plan) -> None:
    assert {rule_id for rule_id, _ in CASES} <= {r.id for r in plan.rules}
