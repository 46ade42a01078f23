"""A weakened plan is seen: `rules/plan_diff.py` marks every change that makes the plan easier to pass (what
`carework plan diff` lists, and what `check --changed-since` reports when a commit changed the plan)."""

from __future__ import annotations

from dataclasses import replace

from carework.rules.model import Plan
from carework.rules.plan_diff import cannot_fail, compare
from carework.rules.plan_diff_output import change_line


def with_rule(plan: Plan, rule_id: str, **changes: object) -> Plan:
    return replace(plan, rules=tuple(replace(r, **changes) if r.id == rule_id else r for r in plan.rules))


def directions(old: Plan, new: Plan) -> list[tuple[str, str, str]]:
    return [(c.id, c.aspect, c.direction) for c in compare(old, new).changes]


def test_the_same_plan_has_no_changes(plan: Plan) -> None:
    assert compare(plan, plan).changes == ()


def test_a_lowered_severity_weakens_and_a_raised_one_strengthens(plan: Plan) -> None:
    lowered = with_rule(plan, "S2-06", severity="advice")
    assert directions(plan, lowered) == [("S2-06", "severity", "weaker")]
    [change] = compare(plan, lowered).weakenings
    assert change_line(change, "zh") == "⚠ 放宽 ~ 规则 S2-06 severity: error → advice"
    assert directions(lowered, plan) == [("S2-06", "severity", "stronger")]


def test_a_check_that_holds_whatever_the_record_says_weakens(plan: Plan) -> None:
    rule = plan.rule("S5-03")
    assert rule is not None and not cannot_fail(plan, rule)
    for text in ({"kind": "true", "expr": "true"}, {"kind": "true", "expr": True}):
        always = with_rule(plan, "S5-03", check_text=text)
        assert directions(plan, always) == [("S5-03", "check", "weaker")]
    counted = plan.rule("S2-06")
    assert counted is not None
    zero = with_rule(plan, "S2-06", check_text={**counted.check_text, "min": 0})
    assert directions(plan, zero) == [("S2-06", "check", "weaker")]
    other = with_rule(plan, "S2-06", check_text={**counted.check_text, "value": "count(party_hearings)"})
    assert directions(plan, other) == [("S2-06", "check", "review")]


def test_removed_rules_weaken_added_ones_strengthen(plan: Plan) -> None:
    fewer = replace(plan, rules=tuple(r for r in plan.rules if r.id != "S2-06"))
    assert directions(plan, fewer) == [("S2-06", "removed", "weaker")]
    assert directions(fewer, plan) == [("S2-06", "added", "stronger")]


def test_a_lowered_target_weakens(plan: Plan) -> None:
    target = plan.targets[0]
    lower = replace(plan, targets=(replace(target, target=0.5),) + plan.targets[1:])
    assert [d for _, _, d in directions(plan, lower)] == ["weaker"]
    assert [d for _, _, d in directions(lower, plan)] == ["stronger"]
