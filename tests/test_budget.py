"""What a rule may cost: the plan-load estimate (rules/expr/cost.py), the evaluation budget per school
(language.Budget, charged alike by both twins: run this file with and without CAREWORK_REFERENCE=1), plan numbers
bounded, and list helpers linear in time with the values they always had."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_FILE, base_record, merge, write_record
from test_expr import ENV
from typer.testing import CliRunner

from carework.cli import app
from carework.core.errors import CareworkError
from carework.rules.expr import ExprError, compile_expr, language, lower
from carework.rules.expr.cost import ESTIMATE_ITEMS, MAX_ESTIMATE, estimate
from carework.rules.expr.language import Budget
from carework.rules.plan import load_plan

runner = CliRunner()


def run(source: str, budget: Budget | None = None, **record: Any) -> Any:
    scope: dict[str, Any] = {"elders": [], "party_hearings": [], "activities": []}
    scope.update(record, year=2024, as_of=dt.date(2024, 12, 31), settings={"min_hearings": 2})
    if budget is not None:
        scope[language.BUDGET] = budget
    return compile_expr(source, ENV).fn(scope, None)


def nested(depth: int) -> str:
    text = "true"
    for _ in range(depth):
        text = f"count(elders, {text}) > 0"
    return text


def test_the_estimate_lets_two_loops_nest_and_refuses_three() -> None:
    import ast

    assert estimate(ast.parse(nested(2), mode="eval").body) < MAX_ESTIMATE
    assert estimate(ast.parse(nested(3), mode="eval").body) > MAX_ESTIMATE
    assert ESTIMATE_ITEMS**3 > MAX_ESTIMATE  # what the two lines above rest on
    compile_expr(nested(2), ENV)
    with pytest.raises(ExprError, match="nest too deeply"):
        compile_expr(nested(3), ENV)
    with pytest.raises(ExprError, match="nest too deeply"):
        compile_expr("count(elders, any(elders, count(map(elders, item.name), item in [item]) > 1))", ENV)


@pytest.mark.parametrize("source", [
    "count(elders, count(elders, true) > 0)", "count(where(elders, any(elders, true)))",
    "sum(elders, count(map(elders, item.name)))", "share(elders, all(elders, true))",
    "len(unique(map(elders, item.name) + map(elders, item.name)))", "count(flatten(map(elders, [item.name])))",
])
def test_the_budget_stops_a_school_whose_lists_make_an_accepted_rule_explode(source: str) -> None:
    elders = [{"name": f"老人{i}"} for i in range(400)]
    assert run(source, Budget("X.yaml"), elders=elders) is not None  # 400 × 400 is well within the budget
    with pytest.raises(CareworkError) as caught:
        run(source, Budget("X.yaml", steps=1_000), elders=elders)
    assert "X.yaml" in caught.value.en and "simplify the rule" in caught.value.en


def test_a_loop_costs_its_items_in_both_twins_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same charge whether the fast or the reference closures run: a budget decides the same way in both."""
    elders = [{"name": f"老人{i}", "tier": "leader" if i % 2 else "volunteer"} for i in range(30)]
    sources = ["count(elders, item.tier == 'leader')", "any(elders, item.tier == 'backbone')", "where(elders, item.name != None)",
               "map(elders, item.name)", "all(elders, count(elders, true) > 0)", "count(elders)"]
    spent = {}
    for reference in (False, True):
        monkeypatch.setattr("carework.rules.expr.check.reference_mode", lambda reference=reference: reference)
        for source in sources:
            budget = Budget("X.yaml")
            run(source, budget, elders=elders)
            spent[reference, source] = language.MAX_STEPS - budget.left
    assert [spent[False, s] for s in sources] == [spent[True, s] for s in sources] == [30, 30, 30, 30, 30 + 30 * 30, 0]


def test_unique_is_linear_and_keeps_what_equality_says() -> None:
    values: list[Any] = [1, 1.0, True, "a", "a", None, None, {"n": 1}, {"n": 1.0}, [1, 2], [1, 2.0], dt.date(2024, 1, 1),
                         dt.date(2024, 1, 1), 0, False, {"n": [1, {"m": 2}]}, {"n": [1, {"m": 2}]}]
    expected: list[Any] = []
    for value in values:  # the quadratic definition: first of each run of equal values, in order
        if value not in expected:
            expected.append(value)
    distinct = lower.unique(lambda s, i: values)({}, None)
    assert distinct == expected and [type(v) for v in distinct] == [type(v) for v in expected]
    many = [f"老人{i % 12_000}" for i in range(24_000)]
    assert lower.unique(lambda s, i: many)({}, None) == many[:12_000]


def test_arithmetic_past_two_to_the_63_is_a_float_a_message_can_show() -> None:
    with pytest.raises(ExprError, match="number too large"):
        compile_expr("count(elders) + 1000000000000000 * 1000", ENV)
    with pytest.raises(ExprError, match="number too large"):
        compile_expr("count(elders) > 10000000000000000", ENV)
    assert run("count(elders) + 1000000000000000 * 1") == 10**15
    assert isinstance(lower.arithmetic(lambda a, b: a * b, lambda s, i: 10**4000, lambda s, i: 10**4000)({}, None), type(None))
    assert lower.arithmetic(lambda a, b: a * b, lambda s, i: 2**62, lambda s, i: 4)({}, None) == float(2**64)


@pytest.fixture
def big_school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    record = base_record()
    elders = [{"name": e["name"], "category": e["category"], "tier": e["tier"]} for e in record["elders"]]
    record["elders"] = [dict(e, name=f"{e['name']}{i}") for i, e in zip(range(12_000), itertools.cycle(elders))]
    write_record(schools, merge(record, {}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_record_with_12000_elders_is_checked_and_gives_a_result(big_school: Path) -> None:
    """The record the issue timed at 3 s (quadratic `unique`); no timing asserted here, only the complete answer."""
    result = runner.invoke(app, ["check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", "--format", "json", "--no-cache"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["errors"] == [], [e["message"] for e in doc["errors"][:3]]
    school_rules = [r for r in load_plan(PLAN_FILE, "plan.yaml").rules if r.scope == "school"]
    assert doc["schools"] == 1 and len(doc["results"]) == len(school_rules)


def test_the_budget_is_a_plan_error_naming_the_rule_and_the_school(big_school: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "MAX_STEPS", 50_000)
    result = runner.invoke(app, ["check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", "--no-cache", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "data/schools/BASE-001.yaml" in result.stderr and "would visit over 50,000 list items" in result.stderr
    assert "Traceback" not in result.output
