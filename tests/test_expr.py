"""The rule-expression language: type-checked against the record when the plan loads, safe, null-tolerant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from carework.rules.expr import DATE, ExprError, compile_expr, record_env
from carework.schema.fieldtypes import Field, Integer, Number, Record
from carework.schema.school import SCHOOL

ENV = record_env(SCHOOL, {"year": Integer(), "as_of": DATE, "period_start": DATE, "period_end": DATE,
                          "settings": Record((Field("min_hearings", Number(), "", ""),))})


def run(source: str, **record: Any) -> Any:
    scope = {f.name: ([] if f.name in ("activities", "party_hearings", "elders") else None) for f in SCHOOL.fields}
    scope.update(record)
    scope.update(year=2024, as_of=dt.date(2024, 12, 31), settings={"min_hearings": 2})
    return compile_expr(source, ENV).fn(scope, None)


def test_count_with_a_condition_on_each_item() -> None:
    hearings = [{"date": dt.date(2024, 3, 1)}, {"date": dt.date(2023, 3, 1)}, {"date": dt.date(2025, 1, 2)}]
    assert run("count(party_hearings, in_year(item.date))", party_hearings=hearings) == 1
    assert run("count(party_hearings) >= settings.min_hearings", party_hearings=hearings) is True


def test_missing_values_compare_false_and_count_as_nothing() -> None:
    assert run("committee.director.post in ['principal']", committee=None) is False
    assert run("quality.self_score >= 90", quality={"self_score": None}) is False
    assert run("count(activities)", activities=None) == 0
    assert run("quality.self_score / 0", quality={"self_score": 5}) is None


def test_nested_items_shadow_the_outer_item() -> None:
    elders = [{"name": "甲", "resident": True}, {"name": "乙", "resident": True}]
    allowances = [{"name": "甲", "year": 2024}]
    source = "map(where(elders, item.resident == true and not item.name in map(allowances, item.name)), item.name)"
    assert run(source, elders=elders, allowances=allowances) == ["乙"]


def test_share_rank_and_list_concatenation() -> None:
    lecturers = [{"elder": True}, {"elder": False}, {"elder": True}, {"elder": True}]
    assert run("share(lecturers, item.elder == true)", lecturers=lecturers) == 0.75
    assert run('rank(quality.status, ["district_reviewed", "self_assessed"])', quality={"status": "self_assessed"}) == 1
    assert run("len(readers + ['红色云溪'])", readers=["逐梦云溪"]) == 2


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("count(party_hearing)", "unknown name party_hearing"),
        ("committee.directr.name == 'x'", "did you mean director"),
        ("frobnicate(activities)", "unknown function frobnicate"),
        ('any(activities, item.kind == "walking_clas")', "“walking_clas” is not one of"),
        ("count(activities) > 'many'", "cannot compare"),
        ("().__class__", "__class__"),
        ("activities.__class__", "__class__"),
        ("__import__('os')", "unknown function __import__"),
        ("_private", "names starting with _"),
        ("[x for x in activities]", "ListComp is not allowed"),
        ("lambda: 1", "Lambda is not allowed"),
        ("f'{year}'", "JoinedStr is not allowed"),
        ("activities[0]", "Subscript is not allowed"),
        ("count(activities) >", "syntax error"),
        ("year(activities)", "year needs a date"),
        ("count(year)", "must be a list"),
    ],
)
def test_bad_expressions_are_refused_with_a_reason(source: str, fragment: str) -> None:
    with pytest.raises(ExprError) as caught:
        compile_expr(source, ENV)
    assert fragment in caught.value.message_en


def test_fields_read_are_recorded_for_error_attribution() -> None:
    typed = compile_expr("count(party_hearings, in_year(item.date)) >= 2", ENV)
    assert ("party_hearings", "date") in typed.fields


ODD_ITEMS = [{"kind": "lecture", "date": dt.date(2024, 3, 1), "title": "甲"}, None, 5, "lecture", {"kind": None},
             {"date": "2024-01-01", "title": None}, {"kind": "lecture", "date": dt.date(2023, 1, 1)}, [], {}]


@pytest.mark.parametrize(
    ("fast", "general"),
    [  # the common shapes compile to their own closures: each gives what the general form of it gives
        ("count(activities, item.kind == 'lecture')", "count(activities, not not (item.kind == 'lecture'))"),
        ("any(activities, item.kind == 'lecture')", "any(activities, not not (item.kind == 'lecture'))"),
        ("where(activities, item.kind == 'lecture')", "where(activities, not not (item.kind == 'lecture'))"),
        ("where(activities, item.kind == None)", "where(activities, not not (item.kind == None))"),
        ("map(activities, item.title)", "map(activities, item.title if true else 0)"),
        ("map(activities, in_year(item.date))", "map(activities, in_year(item.date if true else item.date))"),
        ("all(activities, item.kind != 'lecture')", "all(activities, not (item.kind == 'lecture'))"),
        ("map(activities, item in ['甲', 'lecture'])", "map(activities, item in ['甲', 'lecture'] + [])"),
        ("map(activities, '甲' in item.title)", "map(activities, ('甲' if true else '') in item.title)"),
        ("map(activities, item.title in readers)", "map(activities, item.title in (readers if true else readers))"),
        ("map(activities, item in readers)", "map(activities, item in (readers if true else readers))"),
        ("map(activities, item.kind == 'lecture' and item.title)", "map(activities, item.kind == 'lecture' and item.title and item.title)"),
        ("map(activities, item.kind == 'care' or item.title)", "map(activities, item.kind == 'care' or item.title or item.title)"),
    ],
)
def test_fast_shapes_give_what_the_general_forms_give(fast: str, general: str) -> None:
    def typed(value: Any) -> Any:  # True and 1 are equal: compare the types too
        return [typed(v) for v in value] if isinstance(value, list) else (value, type(value))

    for readers in (["甲", "lecture"], None, "甲乙", [None, 5]):
        got, want = run(fast, activities=ODD_ITEMS, readers=readers), run(general, activities=ODD_ITEMS, readers=readers)
        assert typed(got) == typed(want)
