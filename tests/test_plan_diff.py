"""`rules.plan_diff.compare`: a pure comparison of two loaded plans, each change with its direction."""

from __future__ import annotations

from pathlib import Path

from support.plans import copy_plan, edit

from carework.rules.model import Plan
from carework.rules.plan import load_plan
from carework.rules.plan_diff import compare


def test_a_plan_compared_with_itself_has_no_changes(plan: Plan) -> None:
    diff = compare(plan, plan)
    assert diff.changes == () and diff.weakenings == () and diff.to_review == ()


def test_directions(tmp_path: Path, plan: Plan) -> None:
    path = copy_plan(tmp_path)
    edit(path, "  - name: min_lecturers\n    value: 3\n", "  - name: min_lecturers\n    value: 4\n")
    edit(path, "      expr: office.dedicated == true\n", "      expr: office.dedicated == true and office.sign == true\n")
    edit(path, "    title: {zh: \"建立讲师团\",", "    title: {zh: \"建好讲师团\",")
    edit(path, "    applies_to: {batches: [3]}\n    check:\n      kind: \"true\"", "    check:\n      kind: \"true\"")  # S4-01 for all
    edit(path, "    due: 2024-12-31\n", "    due: 2024-11-30\n")
    edit(path, "  - id: S2-19\n", "  - id: S2-19b\n")
    changes = {(c.subject, c.id, c.aspect): c.direction for c in compare(plan, load_plan(path), {"S2-19b": "S2-19"}).changes}
    assert changes == {
        ("setting", "min_lecturers", "value"): "stronger",
        ("rule", "S2-12", "check"): "review",
        ("rule", "S3-01", "title"): "neutral",
        ("rule", "S4-01", "applies_to.batches"): "stronger",
        ("target", "T4-01", "due"): "stronger",
        ("rule", "S2-19b", "id"): "neutral",
    }


def test_a_renumbered_rule_without_the_crosswalk_is_removed_and_added(tmp_path: Path, plan: Plan) -> None:
    path = copy_plan(tmp_path)
    edit(path, "  - id: S2-19\n", "  - id: S2-19b\n")
    changes = {(c.id, c.aspect): c.direction for c in compare(plan, load_plan(path)).changes}
    assert changes == {("S2-19", "removed"): "weaker", ("S2-19b", "added"): "stronger"}
