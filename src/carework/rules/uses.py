"""What a rule or target uses of the plan: the definitions (followed through one another) and the settings.

Read from the expressions as written, so `explain`, docs/rules.md, `plan lint` and `plan diff` agree on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from carework.rules.model import Plan, Rule, Target

#: Settings carework itself reads, not a rule: where, for a reader of `plan lint`.
BUILT_IN_SETTINGS = {"record_max_age_days": "未更新名单（checking/pipeline.py）/ the stale-record list"}
#: How each basis of a setting reads.
BASIS_LABELS = {"text": ("原文", "the text"), "practice": ("实践惯例", "practice"), "reading": ("我们的解读", "our reading")}

_NAME = re.compile(r"(?<![.\w])([A-Za-z_]\w*)")
_SETTING = re.compile(r"\bsettings\.([a-z][a-z0-9_]*)")


@dataclass(frozen=True)
class Uses:
    """Definition and setting names, each in plan order."""

    definitions: tuple[str, ...]
    settings: tuple[str, ...]


def expressions(item: Rule | Target) -> list[str]:
    """Every expression written in a rule (its check and condition) or a target (counts, population, progress)."""
    if isinstance(item, Rule):
        texts = [str(v) for k, v in item.check_text.items() if k != "kind"]
        when = item.applies.when_text
    else:
        texts = [item.counts_text]
        when = item.population.when_text
    return texts + ([when] if when else [])


def uses_of(plan: Plan, texts: Iterable[str]) -> Uses:
    """The definitions the `texts` name, with those the definitions name in turn, and every setting any of them reads."""
    by_name = {d.name: d.expr for d in plan.definition_texts}
    pending = list(texts)
    seen_defs: set[str] = set()
    seen_settings: set[str] = set()
    while pending:
        text = pending.pop()
        seen_settings.update(_SETTING.findall(text))
        for name in _NAME.findall(text):
            if name in by_name and name not in seen_defs:
                seen_defs.add(name)
                pending.append(by_name[name])
    return Uses(tuple(d.name for d in plan.definition_texts if d.name in seen_defs),
                tuple(name for name in plan.settings if name in seen_settings))


def uses(plan: Plan, item: Rule | Target) -> Uses:
    return uses_of(plan, expressions(item))


def all_uses(plan: Plan) -> Uses:
    """Everything some rule or target of the plan uses."""
    return uses_of(plan, [t for item in items(plan) for t in expressions(item)])


def items(plan: Plan) -> list[Rule | Target]:
    """The plan's rules, then its targets."""
    return [*plan.rules, *plan.targets]


def at_least_minimum(plan: Plan, rule: Rule) -> float | None:
    """The `min` of an `at_least` check when it is a number or a setting; None otherwise."""
    if rule.check_text.get("kind") != "at_least":
        return None
    return number_written(plan, rule.check_text.get("min"))


def number_written(plan: Plan, written: object) -> float | None:
    """The number a check key is written as — a number, or `settings.name` — or None for any other expression."""
    if isinstance(written, (int, float)) and not isinstance(written, bool):
        return float(written)
    text = str(written or "").strip()
    setting = _SETTING.fullmatch(text)
    if setting and setting.group(1) in plan.settings:
        return float(plan.settings[setting.group(1)].value)
    try:
        return float(text)
    except ValueError:
        return None
