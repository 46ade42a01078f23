"""Plans are checked whole when they load: every mistake names the rule and its line, before any school is checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_FILE, SHARED, not_checked

from carework.core.errors import CareworkError
from carework.rules.checks import KINDS, Kind, Outcome, Scope
from carework.rules.expr import Typed
from carework.rules.plan import load_plan

HEAD = """\
plan:
  id: test-plan
  title: {zh: 测试计划, en: Test plan}
  issuer: {zh: 市教育局, en: Bureau}
  year: 2024
  period: {start: 2024-01-01, end: 2024-12-31}
settings:
  - {name: min_hearings, value: 2, title: {zh: 次数, en: times}, basis: practice}
sections:
  - {number: 1, title: {zh: 第一部分, en: One}, short: {zh: 一, en: One}}
rules:
"""

RULE = """\
  - id: {id}
    section: 1
    title: {{zh: 听取汇报, en: Hearings}}
    source: 执行好党组织定期听取关工委工作汇报
    scope: school
    severity: error
    check:
      kind: at_least
      value: {value}
      min: settings.min_hearings
    message: {{zh: "{message}", en: "heard {{found}}"}}
    remedy: {{zh: 汇报, en: report}}
"""


def write(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + rules, encoding="utf-8")
    return path


def rule(id: str = "R-01", value: str = "count(party_hearings, in_year(item.date))", message: str = "听取 {found} 次") -> str:
    return RULE.format(id=id, value=value, message=message)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth occurrence of `needle` in the whole plan text."""
    full = HEAD + text
    at = -1
    for _ in range(nth):
        at = full.index(needle, at + 1)
    return full.count("\n", 0, at) + 1


def problems(tmp_path: Path, rules: str) -> list[tuple[int, str]]:
    with pytest.raises(CareworkError) as caught:
        load_plan(write(tmp_path, rules))
    return [(p.location.line, p.message_en) for p in caught.value.problems]


def test_a_small_plan_loads(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, rule()))
    assert [r.id for r in plan.rules] == ["R-01"]
    assert plan.rules[0].anchor == ("party_hearings",)


def test_unknown_field_names_rule_and_line(tmp_path: Path) -> None:
    rules = rule(value="count(party_hearing)")
    [(line, message)] = problems(tmp_path, rules)
    assert line == line_of(rules, "value: count") and "rule R-01" in message and "party_hearing" in message


def test_unknown_plan_key_gets_did_you_mean(tmp_path: Path) -> None:
    rules = rule().replace("    remedy:", "    remdy:")
    [(line, message)] = problems(tmp_path, rules)
    assert line == line_of(rules, "remdy") and "remdy" in message


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    rules = rule() + rule()
    [(line, message)] = problems(tmp_path, rules)
    assert "duplicate id R-01" in message and line == line_of(rules, "id: R-01", nth=2)


def test_python_internals_are_refused(tmp_path: Path) -> None:
    [(_, message)] = problems(tmp_path, rule(value="count(party_hearings.__class__)"))
    assert "__class__" in message and "rule R-01" in message


def test_message_placeholders_are_checked(tmp_path: Path) -> None:
    [(_, message)] = problems(tmp_path, rule(message="{found.__class__}"))
    assert "cannot use" in message


def test_unknown_check_kind(tmp_path: Path) -> None:
    [(_, message)] = problems(tmp_path, rule().replace("kind: at_least", "kind: at_most"))
    assert "at_most" in message


def test_yaml_syntax_error_in_plan(tmp_path: Path) -> None:
    rules = rule() + "  - id: [\n"
    [(line, message)] = problems(tmp_path, rules)
    assert "YAML" in message and line >= line_of(rules, "id: [")


def test_the_shipped_plan_covers_five_sections_and_the_target() -> None:
    plan = load_plan(PLAN_FILE)
    assert [s.number for s in plan.sections] == [1, 2, 3, 4, 5]
    assert {r.section for r in plan.rules} == {1, 2, 3, 4, 5}
    assert [t.id for t in plan.targets] == ["T4-01"] and plan.targets[0].target == 0.6
    assert all(r.source for r in plan.rules)


SOURCE = SHARED / "plan-source" / "2024-work-points.zh.md"


def source_text() -> str:
    """The plan's source text; without it the checks skip, or fail under CI."""
    if not SOURCE.is_file():
        not_checked(f"the plan's source text is not at {SOURCE}")
    return SOURCE.read_text(encoding="utf-8")


def test_every_rule_quotes_the_source_word_for_word() -> None:
    text = source_text()
    plan = load_plan(PLAN_FILE)
    assert [r.id for r in plan.rules if r.source not in text] == []
    assert [t.id for t in plan.targets if t.source not in text] == []


def test_nothing_is_invented_past_the_truncation() -> None:
    text = source_text()
    end = text.rindex("挫折教") + len("挫折教")
    plan = load_plan(PLAN_FILE)
    assert all(text.index(r.source) < end for r in plan.rules)


# The column of a bad expression points into the plan file, where the expression goes wrong.

def located(tmp_path: Path, rules: str) -> list[tuple[int, int, str]]:
    with pytest.raises(CareworkError) as caught:
        load_plan(write(tmp_path, rules))
    return [(p.location.line, p.location.column, p.message_en) for p in caught.value.problems]


def column_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` in the whole plan text."""
    full = HEAD + text
    at = full.index(needle)
    return full.count("\n", 0, at) + 1, at - full.rfind("\n", 0, at)


@pytest.mark.parametrize("value", [
    "count(party_hearings, in_year(item.date)) + nonesuch",  # plain
    '"count(party_hearings, in_year(item.date)) + nonesuch"',  # quoted
    ">-\n        count(party_hearings,\n        in_year(item.date))\n        + nonesuch",  # folded over three lines
])
def test_a_bad_check_expression_is_located_at_its_column(tmp_path: Path, value: str) -> None:
    text = rule(value=value)
    [(line, column, message)] = located(tmp_path, text)
    assert "nonesuch" in message and (line, column) == column_of(text, "nonesuch")


def test_a_bad_condition_is_located_at_its_column(tmp_path: Path) -> None:
    text = rule().replace("    check:\n", "    applies_to:\n      when: kind == \"senior\" and nonesuch > 1\n    check:\n")
    [(line, column, message)] = located(tmp_path, text)
    assert "nonesuch" in message and (line, column) == column_of(text, "nonesuch")


def test_an_unknown_check_key_is_located_at_the_key(tmp_path: Path) -> None:
    text = rule().replace("      min: settings.min_hearings\n", "      min: settings.min_hearings\n      maximum: 3\n")
    [(line, column, message)] = located(tmp_path, text)
    assert "maximum" in message and (line, column) == column_of(text, "maximum")


def _build_at_most(parts: dict[str, Typed], _: Any) -> Callable[[Scope], Outcome]:
    value, maximum = parts["value"].fn, parts["max"].fn

    def evaluate(scope: Scope) -> Outcome:
        found, expected = value(scope, None), maximum(scope, None)
        passed = found is not None and found <= expected
        return Outcome(passed, found, expected, None if passed else {"found": found, "expected": expected})

    return evaluate


AT_MOST = Kind("数值不高于上限", "a number is at most a maximum", ("value", "max"), ("note",), ("found", "expected"),
               _build_at_most)


def at_most_rule(max_key: str = "max") -> str:
    return rule().replace("kind: at_least", "kind: at_most").replace("      min:", f"      {max_key}:")


def test_a_check_kind_is_declared_in_one_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind added to `checks.KINDS` alone is one the plan accepts: its keys, its placeholders, its evaluation."""
    monkeypatch.setitem(KINDS, "at_most", AT_MOST)
    plan = load_plan(write(tmp_path, at_most_rule()))
    check = plan.rules[0].check
    assert check is not None and check.kind == "at_most" and set(check.parts) == {"value", "max"}


def test_a_misspelt_key_of_a_new_kind_names_the_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "at_most", AT_MOST)
    rules = at_most_rule(max_key="maxx")
    with pytest.raises(CareworkError) as caught:
        load_plan(write(tmp_path, rules))
    [problem] = caught.value.problems
    assert problem.location.path == ("rules", 0, "check", "maxx") and problem.location.line == line_of(rules, "maxx")
    assert "rules[0].check.maxx" in problem.message_en and problem.fix_en == "did you mean max?"


def test_a_key_of_another_kind_names_the_rule_and_the_kind_s_keys(tmp_path: Path) -> None:
    [(_, message)] = problems(tmp_path, rule().replace("      min:", "      require: true\n      min:"))
    assert "rule R-01, check.require: a at_least check has no key require (allowed: kind, min, value)" in message

