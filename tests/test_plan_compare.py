"""rules/plan_compare.py: what changed between two plans, and which changes make the plan easier to pass."""

from __future__ import annotations

from dataclasses import replace

from carework.rules.model import Plan
from carework.rules.plan_compare import cannot_fail, compare_plans


def with_rule(plan: Plan, rule_id: str, **changes: object) -> Plan:
    return replace(plan, rules=tuple(replace(r, **changes) if r.id == rule_id else r for r in plan.rules))


def kinds(old: Plan, new: Plan) -> list[tuple[str, str, bool]]:
    return [(c.subject, c.kind, c.weakens) for c in compare_plans(old, new)]


def test_the_same_plan_has_no_changes(plan: Plan) -> None:
    assert compare_plans(plan, plan) == []


def test_a_lowered_severity_weakens_and_a_raised_one_does_not(plan: Plan) -> None:
    lowered = with_rule(plan, "S2-06", severity="advice")
    assert kinds(plan, lowered) == [("S2-06", "severity_lowered", True)]
    [change] = compare_plans(plan, lowered)
    assert change.message("zh") == "规则 S2-06 的程度降低：必须 → 建议"
    assert change.message("en") == "rule S2-06's severity lowered: must → advice"
    assert kinds(lowered, plan) == [("S2-06", "severity_raised", False)]


def test_a_check_that_holds_whatever_the_record_says_weakens(plan: Plan) -> None:
    rule = plan.rule("S5-03")
    assert rule is not None and not cannot_fail(rule)
    for text in ({"kind": "true", "expr": "true"}, {"kind": "true", "expr": True}):
        always = with_rule(plan, "S5-03", check_text=text)
        assert kinds(plan, always) == [("S5-03", "cannot_fail", True)]
    counted = plan.rule("S2-06")
    assert counted is not None
    zero = with_rule(plan, "S2-06", check_text={**counted.check_text, "min": 0})
    assert kinds(plan, zero) == [("S2-06", "cannot_fail", True)]
    other = with_rule(plan, "S2-06", check_text={**counted.check_text, "value": "count(party_hearings)"})
    assert kinds(plan, other) == [("S2-06", "check_changed", False)]


def test_removed_rules_weaken_added_ones_do_not(plan: Plan) -> None:
    fewer = replace(plan, rules=tuple(r for r in plan.rules if r.id != "S2-06"))
    assert kinds(plan, fewer) == [("S2-06", "rule_removed", True)]
    assert kinds(fewer, plan) == [("S2-06", "rule_added", False)]


def test_settings_are_listed_without_a_verdict_and_targets_by_direction(plan: Plan) -> None:
    setting = plan.settings["party_hearings_per_year"]
    raised = replace(plan, settings={**plan.settings, setting.name: replace(setting, value=3)})
    [change] = compare_plans(plan, raised)
    assert (change.kind, change.weakens, change.zh) == ("setting_changed", False, "参数 party_hearings_per_year：2 → 3")
    target = plan.targets[0]
    lower = replace(plan, targets=(replace(target, target=0.5),) + plan.targets[1:])
    assert kinds(plan, lower) == [(target.id, "target_lowered", True)]
    assert kinds(lower, plan) == [(target.id, "target_raised", False)]
