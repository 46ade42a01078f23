"""Every rule of the shipped plan, proven on data: the cases of `data/plans/2024/cases/` run as `carework plan test`
runs them (the format: `carework.checking.plan_cases`, docs/plans.md)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from conftest import AS_OF, PLAN_FILE, base_record, school_from

from carework.checking.plan_cases import CaseOutcome, run_cases
from carework.core.model import Result
from carework.rules.engine import evaluate_school
from carework.rules.model import Plan
from carework.rules.plan import load_plan

REPORT = run_cases(load_plan(PLAN_FILE), PLAN_FILE)


def test_the_case_files_are_well_formed() -> None:
    assert [f"{p.location.file}:{p.location.line}: {p.message_en}" for p in REPORT.problems] == []


@pytest.mark.parametrize("outcome", REPORT.outcomes, ids=[o.case.label for o in REPORT.outcomes])
def test_rule_case(outcome: CaseOutcome) -> None:
    if outcome.verdict == "xfail":
        pytest.xfail(outcome.case.xfail_reason)
    assert outcome.verdict == "ok", f"{outcome.case.location.file}:{outcome.case.location.line}: {outcome.why_en}"


def test_every_school_rule_has_a_passing_and_a_failing_case() -> None:
    assert dict(REPORT.uncovered) == {}


def test_base_record_meets_every_rule(plan: Plan, tmp_path: Path) -> None:
    school = school_from(plan, tmp_path, base_record())
    results = evaluate_school(plan, school, AS_OF, {})
    failing = [(r.rule, r.status.value, r.message_zh) for r in results if r.status.value != "pass"]
    assert failing == []
    for made in results:  # the engine fills results in directly: they must be what the constructor makes
        constructed = Result(*(getattr(made, f.name) for f in fields(Result)))
        assert list(vars(made).items()) == list(vars(constructed).items())
