"""What changed between two versions of a plan, and which changes make it easier to pass.

A pure comparison of two loaded plans, so `carework check --changed-since` can say that a commit weakened the plan
(a rule's severity lowered, a rule removed or made impossible to fail, a target lowered) and a later `carework plan
diff` can list the same changes. Settings moved in either direction are listed too, without a verdict: whether a
higher number is stricter depends on the rule that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carework.core.model import SEVERITIES, SEVERITY_LABELS
from carework.rules.model import Plan, Rule

Kind = Literal["severity_lowered", "severity_raised", "rule_removed", "rule_added", "cannot_fail", "check_changed",
               "setting_changed", "target_lowered", "target_raised"]
#: The kinds that make the plan easier to pass.
WEAKENING: frozenset[Kind] = frozenset({"severity_lowered", "rule_removed", "cannot_fail", "target_lowered"})
#: Expressions that hold whatever the record says.
_ALWAYS_TRUE = frozenset({"true", "True"})


@dataclass(frozen=True, order=True)
class PlanChange:
    """One difference, about a rule, a setting or a target (`subject` is its id or name)."""

    subject: str
    kind: Kind
    zh: str
    en: str

    @property
    def weakens(self) -> bool:
        return self.kind in WEAKENING

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def compare_plans(old: Plan, new: Plan) -> list[PlanChange]:
    """Every difference between `old` and `new` that changes a verdict, sorted by subject."""
    changes: list[PlanChange] = []
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    for rule_id in sorted(old_rules.keys() - new_rules.keys()):
        changes.append(PlanChange(rule_id, "rule_removed", f"规则 {rule_id} 已删除", f"rule {rule_id} was removed"))
    for rule_id in sorted(new_rules.keys() - old_rules.keys()):
        changes.append(PlanChange(rule_id, "rule_added", f"新增规则 {rule_id}", f"rule {rule_id} was added"))
    for rule_id in sorted(old_rules.keys() & new_rules.keys()):
        changes.extend(_rule_changes(old_rules[rule_id], new_rules[rule_id]))
    for name in sorted(old.settings.keys() & new.settings.keys()):
        before, after = old.settings[name].value, new.settings[name].value
        if before != after:
            changes.append(PlanChange(name, "setting_changed", f"参数 {name}：{number(before)} → {number(after)}",
                                      f"setting {name}: {number(before)} → {number(after)}"))
    old_targets = {t.id: t for t in old.targets}
    for target in new.targets:
        was = old_targets.get(target.id)
        if was is not None and was.target != target.target:
            kind: Kind = "target_lowered" if target.target < was.target else "target_raised"
            word = ("降低", "lowered") if kind == "target_lowered" else ("提高", "raised")
            changes.append(PlanChange(target.id, kind, f"目标 {target.id} {word[0]}：{was.target:.0%} → {target.target:.0%}",
                                      f"target {target.id} {word[1]}: {was.target:.0%} → {target.target:.0%}"))
    return sorted(changes)


def number(value: float | int) -> str:
    """A setting as the plan writes it: 2, not 2.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _rule_changes(old: Rule, new: Rule) -> list[PlanChange]:
    changes = []
    if old.severity != new.severity:
        lowered = SEVERITIES.index(new.severity) > SEVERITIES.index(old.severity)
        kind: Kind = "severity_lowered" if lowered else "severity_raised"
        before, after = SEVERITY_LABELS[old.severity], SEVERITY_LABELS[new.severity]
        word = ("降低", "lowered") if lowered else ("提高", "raised")
        changes.append(PlanChange(new.id, kind, f"规则 {new.id} 的程度{word[0]}：{before[0]} → {after[0]}",
                                  f"rule {new.id}'s severity {word[1]}: {before[1]} → {after[1]}"))
    if cannot_fail(new) and not cannot_fail(old):
        changes.append(PlanChange(new.id, "cannot_fail", f"规则 {new.id} 的检查已不可能不达标",
                                  f"rule {new.id}'s check can no longer fail"))
    elif old.check_text != new.check_text or old.applies != new.applies:
        changes.append(PlanChange(new.id, "check_changed", f"规则 {new.id} 的检查或适用范围已修改",
                                  f"rule {new.id}'s check or scope changed"))
    return changes


def cannot_fail(rule: Rule) -> bool:
    """A school rule whose check holds whatever a record says: no check at all, a condition written as `true`, a
    list whose every item must be `true`, or a count or amount (never negative) that must be at least 0 or less."""
    if rule.scope != "school":
        return False
    text = rule.check_text
    if rule.check is None or not text:
        return True
    kind = text.get("kind")
    if kind == "true":
        return str(text.get("expr", "")).strip() in _ALWAYS_TRUE
    if kind == "each":
        return str(text.get("require", "")).strip() in _ALWAYS_TRUE
    if kind == "at_least":
        minimum = text.get("min")
        return isinstance(minimum, (int, float)) and not isinstance(minimum, bool) and minimum <= 0
    return False
