"""rules/targets.py beyond the band edges (tests/boundaries/targets.yaml): which schools are closest to counting and
in what order, who is left out of the denominator and why, and how a roster school without a record counts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from conftest import AS_OF, base_record, merge, school_from

from carework.core.model import TargetResult
from carework.rules.engine import school_scope
from carework.rules.model import Plan
from carework.rules.targets import Absent, Member, TargetFact, _sortable, absent_fact, aggregate_targets, target_facts


def member(plan: Plan, folder: Path, code: str, district: str = "天宁区", **patch: Any) -> Member:
    school = school_from(plan, folder, merge(base_record(), {"code": code, "district": district, **patch}))
    return Member(code, district, target_facts(plan, school, school_scope(plan, school, AS_OF)))


def quality(status: str, score: int | None = None) -> dict[str, Any]:
    return {"quality": {"status": status, "self_score": score, "certified_on": None}}


def city_row(results: list[TargetResult]) -> TargetResult:
    [row] = [t for t in results if t.level == "city"]
    return row


def test_closest_orders_by_the_plan_s_progress_then_code(plan: Plan, tmp_path: Path) -> None:
    schools = [
        member(plan, tmp_path, "A-001", **quality("district_reviewed", 80)),
        member(plan, tmp_path, "B-001", **quality("district_reviewed", 85)),  # reviewed, higher score: closest
        member(plan, tmp_path, "C-001", **quality("self_assessed", 99)),
        member(plan, tmp_path, "D-001", **quality("district_reviewed")),  # no score: after those with one …
        member(plan, tmp_path, "Z-001", **quality("district_reviewed", 0)),  # … even a score of 0
        member(plan, tmp_path, "E-001", **quality("not_started", 10)),
        member(plan, tmp_path, "F-001"),  # certified: counts, so not among the closest
    ]
    row = city_row(aggregate_targets(plan, schools, [Absent("G-001", "天宁区", "primary", "public")]))
    assert row.closest == ("B-001", "A-001", "Z-001", "D-001", "C-001", "E-001")
    assert (row.numerator, row.denominator, row.not_reported, row.needed) == (1, 8, 1, 4)


def test_who_is_left_out_of_the_denominator_and_why(plan: Plan, tmp_path: Path) -> None:
    schools = [member(plan, tmp_path, "A-001"), member(plan, tmp_path, "V-001", kind="vocational"),
               member(plan, tmp_path, "B-001", district="钟楼区", **quality("in_progress", 50))]
    results = aggregate_targets(plan, schools, unlisted=["钟楼区", "钟楼区"])
    city = city_row(results)
    assert (city.numerator, city.denominator) == (1, 2)
    assert city.excluded == (("out_of_scope", 1), ("not_on_roster", 2))
    districts = {t.district: t for t in results if t.level == "district"}
    assert sorted(districts) == ["天宁区", "钟楼区"]
    assert districts["天宁区"].excluded == (("out_of_scope", 1),) and districts["天宁区"].value == 1.0
    assert districts["钟楼区"].excluded == (("not_on_roster", 2),) and districts["钟楼区"].closest == ("B-001",)
    assert [t.id for t in results] == ["T4-01", "T4-01@天宁区", "T4-01@钟楼区"]


def test_a_roster_school_without_a_record_counts_by_kind_and_ownership(plan: Plan) -> None:
    target = plan.targets[0]
    assert absent_fact(target, Absent("X", "天宁区", "primary", "public")).member is True
    assert absent_fact(target, Absent("X", "天宁区", "primary", "private")).member is True  # no ownership limit
    assert absent_fact(target, Absent("X", "天宁区", "vocational", "public")).member is False
    assert absent_fact(target, Absent("X", "天宁区", "primary", "public")).counted is False
    row = city_row(aggregate_targets(plan, [], [Absent("X", "天宁区", "primary", "public"),
                                                Absent("Y", "天宁区", "vocational", "public")]))
    assert (row.numerator, row.denominator, row.not_reported, row.excluded, row.closest) == (0, 1, 1, (("out_of_scope", 1),), ())


def test_no_school_in_the_population_is_no_data(plan: Plan, tmp_path: Path) -> None:
    row = city_row(aggregate_targets(plan, [member(plan, tmp_path, "V-001", kind="vocational")]))
    assert (row.value, row.status, row.needed, row.denominator) == (None, "no_data", 0, 0)


def test_needed_is_not_fooled_by_floating_point(plan: Plan) -> None:
    """0.55 × 100 is 55.00000000000001 in floating point: 55 of 100 schools meet a 55% target, none more needed."""
    assert 0.55 * 100 > 55
    target = replace(plan, targets=[replace(plan.targets[0], target=0.55)])
    schools = [Member(f"S-{i:03d}", "天宁区", (TargetFact(True, i < 55, (0, 0)),)) for i in range(100)]
    assert city_row(aggregate_targets(target, schools)).needed == 0


def test_a_missing_progress_value_sorts_after_every_value() -> None:
    assert sorted([5, None, -3, 0], key=_sortable) == [-3, 0, 5, None]


def test_an_absent_school_outside_the_target_s_ownership_is_not_counted(plan: Plan) -> None:
    target = plan.targets[0]
    public_only = replace(target, population=replace(target.population, ownership=("public",)))
    assert absent_fact(public_only, Absent("X", "天宁区", "primary", "public")).member is True
    assert absent_fact(public_only, Absent("X", "天宁区", "primary", "private")).member is False
