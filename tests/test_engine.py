"""rules/engine.py: what every result carries besides its status — where it points, in plan order."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, base_record, merge, school_from

from carework.rules.engine import evaluate_school
from carework.rules.model import Plan


def test_every_result_points_at_its_rule_s_field_in_plan_order(plan: Plan, tmp_path: Path) -> None:
    school = school_from(plan, tmp_path, merge(base_record(), {"office": {"dedicated": False}}))
    results = evaluate_school(plan, school, AS_OF, {})
    rules = [r for r in plan.rules if r.scope == "school"]
    assert [r.rule for r in results] == [r.id for r in rules]
    for rule, result in zip(rules, results):
        assert result.location == school.locate(rule.anchor), rule.id
        assert result.location.file == school.file and result.location.line >= 1, rule.id
    lines = {r.rule: r.location.line for r in results}
    assert lines["S2-12"] == lines["S2-13"] != lines["S2-06"]  # rules on the same field share its line


def test_a_gap_s_message_fills_its_placeholders_in_each_language(plan: Plan, tmp_path: Path) -> None:
    """`{school}`, `{year}` and the check's values in the Chinese template; the English template is its own."""
    from test_plan import rule, write

    from carework.rules.plan import load_plan

    small = load_plan(write(tmp_path, rule(message="{school}：{year} 年听取 {found} 次，应 {expected} 次")))
    school = school_from(plan, tmp_path, merge(base_record(), {"party_hearings": [{"date": "2024-03-01"}]}))
    [result] = evaluate_school(small, school, AS_OF, {})
    assert result.status.value == "fail"
    assert result.message_zh == "云溪市基准高级中学：2024 年听取 1 次，应 2 次"
    assert result.message_en == "heard 1"


def test_a_rule_limited_by_ownership_is_not_applicable_elsewhere(plan: Plan, tmp_path: Path) -> None:
    """No rule of the 2024 plan is limited by ownership, but a plan may be: `applies_to: {ownership: [...]}`."""
    from test_plan import rule, write

    from carework.rules.plan import load_plan

    limited = rule().replace("    scope: school\n", "    scope: school\n    applies_to: {ownership: [private]}\n")
    small = load_plan(write(tmp_path, limited))
    public = school_from(plan, tmp_path, base_record())
    private = school_from(plan, tmp_path, merge(base_record(), {"code": "BASE-002", "ownership": "private"}))
    [outside] = evaluate_school(small, public, AS_OF, {})
    [inside] = evaluate_school(small, private, AS_OF, {})
    assert (outside.status.value, outside.message_zh, outside.message_en) == (
        "not_applicable", "只适用于民办学校", "applies only to private schools")
    assert inside.status.value == "pass"


def test_a_rule_with_a_condition_is_not_applicable_where_it_does_not_hold(plan: Plan, tmp_path: Path) -> None:
    from test_plan import rule, write

    from carework.rules.plan import load_plan

    limited = rule().replace("    scope: school\n", "    scope: school\n    applies_to: {when: office.dedicated == true}\n")
    small = load_plan(write(tmp_path, limited))
    [holds] = evaluate_school(small, school_from(plan, tmp_path, base_record()), AS_OF, {})
    [fails] = evaluate_school(small, school_from(plan, tmp_path, merge(base_record(), {"office": {"dedicated": False}})),
                              AS_OF, {})
    assert holds.status.value == "pass"
    assert (fails.status.value, fails.message_zh) == ("not_applicable", "不满足适用条件：office.dedicated == true")


def test_waiver_index_reports_unknown_rules_and_schools_and_expired_waivers(plan: Plan) -> None:
    import datetime as dt

    from carework.core.model import Waiver
    from carework.core.problems import Location
    from carework.rules.engine import waiver_index

    def waiver(rule: str, school: str, expires: dt.date = dt.date(2025, 6, 30)) -> Waiver:
        return Waiver(rule, school, "整改中", "市教育局", expires, Location("waivers.yaml", 2, 5))

    given = [waiver("S2-12", "BASE-001"), waiver("S9-99", "BASE-001"), waiver("S2-13", "NOPE-001"),
             waiver("S2-06", "BASE-001", AS_OF - dt.timedelta(days=1)), waiver("S2-09", "BASE-001", AS_OF)]
    index, notes = waiver_index(plan, given, {"BASE-001"}, AS_OF)
    assert sorted(index) == [("S2-06", "BASE-001"), ("S2-09", "BASE-001"), ("S2-12", "BASE-001"), ("S2-13", "NOPE-001")]
    assert [(w.rule, w.school, p.code, p.level) for w, p in notes] == [
        ("S9-99", "BASE-001", "waiver-unknown-rule", "warning"),
        ("S2-13", "NOPE-001", "waiver-unknown-school", "warning"),
        ("S2-06", "BASE-001", "waiver-expired", "warning"),
    ]


def test_an_each_check_without_a_list_to_look_in_names_the_missing_items_by_position(plan: Plan, tmp_path: Path) -> None:
    """`each` with a per-item condition (not `item in <list>`) and no `label`: the items that fail, counted from 1."""
    from test_plan import HEAD

    from carework.rules.plan import load_plan

    text = HEAD + """\
  - id: R-02
    section: 1
    title: {zh: 会议纪要, en: Minutes}
    source: 执行好党组织定期听取关工委工作汇报
    scope: school
    severity: error
    check:
      kind: each
      items: party_hearings
      require: item.minutes == true
    message: {zh: "第 {missing} 次没有纪要（共 {total} 次，缺 {count} 次）", en: "no minutes: {missing}"}
    remedy: {zh: 补纪要, en: write them}
"""
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    small = load_plan(tmp_path / "plan.yaml")
    hearings = [{"date": "2024-02-01", "minutes": True}, {"date": "2024-03-01", "minutes": False},
                {"date": "2024-04-01", "minutes": True}, {"date": "2024-05-01", "minutes": False}]
    [result] = evaluate_school(small, school_from(plan, tmp_path, merge(base_record(), {"party_hearings": hearings})), AS_OF, {})
    assert (result.status.value, result.message_zh) == ("fail", "第 2、4 次没有纪要（共 4 次，缺 2 次）")
    [met] = evaluate_school(small, school_from(plan, tmp_path, base_record()), AS_OF, {})
    assert met.status.value == "pass"
