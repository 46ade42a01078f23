"""What changed between two plans, and which changes make a plan weaker: a pure function over two loaded plans.

`compare(old, new)` returns a `PlanDiff`: one `Change` per difference, in a stable order (plan head, settings,
definitions, vocabularies, rules, targets), each saying what changed (`subject`, `id`, `aspect`, `old`, `new`) and its
`direction`:

- `weaker`: fewer schools or facts are held to the plan — a school rule or a target removed, a severity lowered, a
  rule moved from the schools to the bureau, a rule's schools narrowed (`applies_to`), a minimum lowered (in the
  check or in the setting it reads), a target share or band lowered, a due date later;
- `stronger`: the reverse;
- `review`: a change whose direction cannot be told from the text (an expression rewritten, a setting that is not a
  minimum changed): a person has to read it;
- `neutral`: wording, titles, messages and other changes that judge no school differently.

`renamed` maps a new rule id to the old one it continues (from a crosswalk), so a renumbered rule is compared, not
reported as removed and added. Used by `carework plan diff`, and general enough for a CI check of a changed plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from carework.rules.model import Applicability, Plan, Rule, Target
from carework.rules.uses import at_least_minimum, number_written, uses

Subject = Literal["plan", "setting", "definition", "vocabulary", "rule", "target"]
Direction = Literal["weaker", "stronger", "review", "neutral"]
SEVERITY_RANK = {"advice": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Change:
    subject: Subject
    id: str
    #: `added`, `removed`, or the aspect that changed (`severity`, `scope`, `applies_to`, `check`, `value`, …).
    aspect: str
    old: Any
    new: Any
    direction: Direction


@dataclass(frozen=True)
class PlanDiff:
    old_id: str
    new_id: str
    changes: tuple[Change, ...]

    @property
    def weakenings(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.direction == "weaker")

    @property
    def to_review(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.direction == "review")


def compare(old: Plan, new: Plan, renamed: Mapping[str, str] | None = None) -> PlanDiff:
    """Every difference from `old` to `new`; `renamed` maps new rule ids to the old ids they continue."""
    changes = [*_head(old, new), *_settings(old, new), *_definitions(old, new), *_vocabularies(old, new),
               *_rules(old, new, dict(renamed or {})), *_targets(old, new)]
    return PlanDiff(old.id, new.id, tuple(changes))


def _head(old: Plan, new: Plan) -> Iterator[Change]:
    for aspect, a, b in (("title", old.title.zh, new.title.zh), ("year", old.year, new.year),
                         ("period", [str(d) for d in old.period], [str(d) for d in new.period])):
        if a != b:
            yield Change("plan", new.id, aspect, a, b, "neutral")


def _minimum_settings(plan: Plan) -> tuple[set[str], set[str]]:
    """Settings read as a minimum (`min: settings.x` of an at_least check), and settings read anywhere else."""
    minimum: set[str] = set()
    other: set[str] = set()
    for rule in plan.rules:
        written_min = str(rule.check_text.get("min", "")).strip()
        for name in uses(plan, rule).settings:
            (minimum if written_min == f"settings.{name}" else other).add(name)
    return minimum, other


def _settings(old: Plan, new: Plan) -> Iterator[Change]:
    minimum, other = _minimum_settings(new)
    for name in old.settings.keys() - new.settings.keys():
        yield Change("setting", name, "removed", old.settings[name].value, None, "neutral")
    for name, setting in new.settings.items():
        before = old.settings.get(name)
        if before is None:
            yield Change("setting", name, "added", None, setting.value, "neutral")
            continue
        if before.value != setting.value:
            direction: Direction = "review"
            if name in minimum and name not in other:
                direction = "weaker" if setting.value < before.value else "stronger"
            yield Change("setting", name, "value", before.value, setting.value, direction)
        if before.basis != setting.basis:
            yield Change("setting", name, "basis", before.basis, setting.basis, "neutral")


def _definitions(old: Plan, new: Plan) -> Iterator[Change]:
    before = {d.name: d.expr for d in old.definition_texts}
    after = {d.name: d.expr for d in new.definition_texts}
    for name in before.keys() - after.keys():
        yield Change("definition", name, "removed", before[name], None, "neutral")
    for name, expr in after.items():
        if name not in before:
            yield Change("definition", name, "added", None, expr, "neutral")
        elif " ".join(before[name].split()) != " ".join(expr.split()):
            yield Change("definition", name, "expr", before[name], expr, "review")


def _vocabularies(old: Plan, new: Plan) -> Iterator[Change]:
    for name in sorted(old.vocabularies.keys() | new.vocabularies.keys()):
        a, b = old.vocabularies.get(name, ()), new.vocabularies.get(name, ())
        if a != b:
            yield Change("vocabulary", name, "values", list(a), list(b), "neutral")


def _rules(old: Plan, new: Plan, renamed: dict[str, str]) -> Iterator[Change]:
    before = {r.id: r for r in old.rules}
    continued = {renamed.get(r.id, r.id) for r in new.rules}
    for rule in old.rules:
        if rule.id not in continued:
            yield Change("rule", rule.id, "removed", rule.severity if rule.scope == "school" else "bureau", None,
                         "weaker" if rule.scope == "school" else "neutral")
    for rule in new.rules:
        previous = before.get(renamed.get(rule.id, rule.id))
        if previous is None:
            yield Change("rule", rule.id, "added", None, rule.severity if rule.scope == "school" else "bureau",
                         "stronger" if rule.scope == "school" else "neutral")
        else:
            yield from _rule_changes(old, new, previous, rule)


def _rule_changes(old: Plan, new: Plan, a: Rule, b: Rule) -> Iterator[Change]:
    if a.id != b.id:
        yield Change("rule", b.id, "id", a.id, b.id, "neutral")
    if a.scope != b.scope:
        yield Change("rule", b.id, "scope", a.scope, b.scope, "weaker" if b.scope == "bureau" else "stronger")
    if a.scope == b.scope == "school" and a.severity != b.severity:
        lower = SEVERITY_RANK[b.severity] < SEVERITY_RANK[a.severity]
        yield Change("rule", b.id, "severity", a.severity, b.severity, "weaker" if lower else "stronger")
    yield from _applies("rule", b.id, a.applies, b.applies)
    if a.check_text != b.check_text:
        yield Change("rule", b.id, "check", a.check_text, b.check_text, _check_direction(old, new, a, b))
    for aspect, x, y in (("source", a.source, b.source), ("title", a.title.zh, b.title.zh),
                         ("message", a.message.zh, b.message.zh), ("remedy", a.remedy.zh, b.remedy.zh),
                         ("reading", a.reading.zh if a.reading else None, b.reading.zh if b.reading else None)):
        if x != y:
            yield Change("rule", b.id, aspect, x, y, "neutral")


def _check_direction(old: Plan, new: Plan, a: Rule, b: Rule) -> Direction:
    """A check that can no longer fail is weaker; otherwise only a changed number as the minimum of an otherwise equal
    `at_least` check has a direction of its own."""
    if cannot_fail(new, b) and not cannot_fail(old, a):
        return "weaker"
    rest_a = {k: v for k, v in a.check_text.items() if k != "min"}
    rest_b = {k: v for k, v in b.check_text.items() if k != "min"}
    if a.check_text.get("kind") == b.check_text.get("kind") == "at_least" and rest_a == rest_b:
        lo, hi = number_written(old, a.check_text.get("min")), number_written(new, b.check_text.get("min"))
        if lo is not None and hi is not None and lo != hi:
            return "weaker" if hi < lo else "stronger"
        if lo is not None and lo == hi:
            return "neutral"
    return "review"


def _applies(subject: Subject, item: str, a: Applicability, b: Applicability) -> Iterator[Change]:
    """A restriction added or a list narrowed holds fewer schools to the rule: weaker; the reverse: stronger."""
    for aspect, x, y in (("applies_to.kinds", a.kinds, b.kinds), ("applies_to.ownership", a.ownership, b.ownership),
                         ("applies_to.batches", a.batches, b.batches)):
        if set(x or ()) == set(y or ()) and (x is None) == (y is None):
            continue
        if y is None:
            direction: Direction = "stronger"
        elif x is None or set(y) < set(x):
            direction = "weaker"
        elif set(y) > set(x):
            direction = "stronger"
        else:
            direction = "review"
        yield Change(subject, item, aspect, list(x) if x else None, list(y) if y else None, direction)
    if a.when_text != b.when_text:
        direction = "weaker" if not a.when_text else ("stronger" if not b.when_text else "review")
        yield Change(subject, item, "applies_to.when", a.when_text or None, b.when_text or None, direction)


def _targets(old: Plan, new: Plan) -> Iterator[Change]:
    before = {t.id: t for t in old.targets}
    after = {t.id: t for t in new.targets}
    for tid in before.keys() - after.keys():
        yield Change("target", tid, "removed", before[tid].target, None, "weaker")
    for target in new.targets:
        previous = before.get(target.id)
        if previous is None:
            yield Change("target", target.id, "added", None, target.target, "stronger")
        else:
            yield from _target_changes(previous, target)


def _target_changes(a: Target, b: Target) -> Iterator[Change]:
    if a.target != b.target:
        yield Change("target", b.id, "target", a.target, b.target, "weaker" if b.target < a.target else "stronger")
    bands_a = {x.status: x.at_least for x in a.bands}
    for band in b.bands:
        was = bands_a.get(band.status)
        if was is not None and was != band.at_least:
            yield Change("target", b.id, f"bands.{band.status}", was, band.at_least,
                         "weaker" if band.at_least < was else "stronger")
    # Plans of different years are compared by the day of their year a target is due.
    if (a.due.month, a.due.day) != (b.due.month, b.due.day):
        later = (b.due.month, b.due.day) > (a.due.month, a.due.day)
        yield Change("target", b.id, "due", str(a.due), str(b.due), "weaker" if later else "stronger")
    if " ".join(a.counts_text.split()) != " ".join(b.counts_text.split()):
        yield Change("target", b.id, "counts", a.counts_text, b.counts_text, "review")
    # A target's population is its denominator: narrowing it may raise or lower the share, so it is for review.
    for change in _applies("target", b.id, a.population, b.population):
        yield Change(change.subject, change.id, change.aspect, change.old, change.new, "review")
    for aspect, x, y in (("source", a.source, b.source), ("title", a.title.zh, b.title.zh)):
        if x != y:
            yield Change("target", b.id, aspect, x, y, "neutral")


#: Expressions that hold whatever the record says.
_ALWAYS_TRUE = frozenset({"true", "True"})


def cannot_fail(plan: Plan, rule: Rule) -> bool:
    """A school rule whose check holds whatever a record says: no check at all, a condition written as `true`, a
    list whose every item must be `true`, or a count or amount (never negative) that must be at least 0 or less
    (written as a number or as a setting of the plan)."""
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
    minimum = at_least_minimum(plan, rule)
    return minimum is not None and minimum <= 0
