"""`carework plan …` on the shipped plan and on deliberately broken copies."""

from __future__ import annotations

from pathlib import Path

from conftest import PLAN_FILE
from support.plans import copy_plan, edit
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    print(result.output)
    return result.exit_code, result.output


# ---------------------------------------------------------------- plan test

def test_plan_test_passes_on_the_shipped_plan() -> None:
    code, out = invoke("plan", "test", str(PLAN_FILE))
    assert code == 0 and "未通过 0" in out and "缺少用例的规则 0 条" in out


def test_plan_test_names_the_failing_rule_and_case(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan, "      min: settings.min_lecturers\n", "      min: 2\n")  # S3-01 now lets a group of two pass
    code, out = invoke("plan", "test", str(plan), "--lang", "en")
    assert code == 1
    assert "✗ S3-01[" in out and "cases/S3-01.yaml:" in out and "expected fail, got pass" in out


def test_plan_test_reports_a_rule_without_a_failing_case(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    cases = plan.with_suffix("") / "cases" / "S4-03.yaml"
    cases.write_text("rule: S4-03\ncases:\n  - name: 有论文\n    expect: pass\n    patch: {}\n", encoding="utf-8")
    code, out = invoke("plan", "test", str(plan), "--lang", "en")
    assert code == 1 and "✗ S4-03: no fail case" in out


def test_plan_test_refuses_a_malformed_case_file_with_its_line(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan.with_suffix("") / "cases" / "S2-20.yaml", "    expect: pass\n    as_of:", "    expct: pass\n    as_of:")
    code, out = invoke("plan", "test", str(plan), "--lang", "en")
    assert code == 2 and "S2-20.yaml:" in out and "did you mean expect?" in out


def test_plan_test_names_a_case_for_a_rule_not_in_the_plan(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    folder = plan.with_suffix("") / "cases"
    (folder / "S2-04.yaml").rename(folder / "S2-4.yaml")
    edit(folder / "S2-4.yaml", "rule: S2-04\n", "rule: S2-4\n")
    code, out = invoke("plan", "test", str(plan), "--lang", "en")
    assert code == 2 and "the plan has no rule S2-4" in out and "did you mean S2-" in out and "✗ S2-04: no pass or fail case" in out


# ---------------------------------------------------------------- explain shows what a rule uses

def test_explain_shows_the_definitions_a_rule_uses_and_each_setting_s_basis() -> None:
    code, out = invoke("explain", "S1-04", "--plan", str(PLAN_FILE))
    assert code == 0 and "用到的定义：" in out
    assert "  backbone_elders（“五老”骨干（带头人和骨干）） = where(active_elders, " in out
    assert "  active_elders（" in out  # reached through backbone_elders
    code, out = invoke("explain", "S3-02", "--plan", str(PLAN_FILE), "--lang", "en")
    assert "  settings.lecturer_elder_share = 0.5 (" in out and "basis: our reading)" in out


# ---------------------------------------------------------------- plan lint

def test_plan_lint_has_no_warnings_on_the_shipped_plan_and_reports_the_unread_facts() -> None:
    code, out = invoke("plan", "lint", str(PLAN_FILE), "--lang", "en")
    assert code == 0 and "0 warnings" in out and "rules: 12 must, 22 should, 7 advice; 6 bureau duties; 1 targets" in out
    assert "[unread-fact] the record collects the yes/no fact committee.member_offices.duties_written" in out
    assert "party_building.annual_plan" not in out and "year_end_summary" not in out  # S2-20 reads them
    assert "[duplicate-quote] S2-08, S2-09 quote the same sentence" in out


def test_plan_lint_warns_about_a_broken_copy(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan, "      min: settings.min_lecturers\n", "      min: 0\n")  # min_lecturers now unused, S3-01 cannot fail
    edit(plan, "  - name: this_year\n", "  - name: unused_one\n    expr: where(activities, item.kind == \"lecture\")\n  - name: this_year\n")
    edit(plan, "    reading: {zh: \"“为主体”理解为", "    note_removed: {zh: \"“为主体”理解为")  # see below
    code, out = invoke("plan", "lint", str(plan), "--lang", "en")
    assert code == 2 and "note_removed" in out  # an unknown key is a load error, not a lint finding
    edit(plan, "    note_removed: {zh: \"“为主体”理解为", "    reading: {zh: \"“为主体”理解为")
    edit(plan, "      expr: committee.deliberation_rules == true\n", "      expr: year >= 2024\n")
    edit(plan, "item.year == year and item.in_school_budget", "item.year == 2023 and item.in_school_budget")
    code, out = invoke("plan", "lint", str(plan), "--lang", "en")
    assert code == 1
    assert "warning [unused-setting] no rule or target uses the setting min_lecturers" in out
    assert "warning [unused-definition] no rule or target uses the definition unused_one" in out
    assert "warning [cannot-fail] rule S3-01 has a minimum of 0 or less" in out
    assert "warning [cannot-vary] rule S2-08 reads no record field" in out
    assert "warning [date-outside-period] S2-10 names 2023, outside the plan's period" in out
    assert f"{plan.name}:" in out


def test_plan_lint_warns_when_a_reading_setting_is_used_without_a_reading(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan, "    reading: {zh: \"读本面向中小学生，幼儿园不检查\", en: \"the readers are for pupils; kindergartens are not checked\"}\n", "")
    code, out = invoke("plan", "lint", str(plan), "--lang", "en")
    assert code == 1 and "[basis-unstated] rule S3-08 uses min_readers, a setting based on our reading" in out


# ---------------------------------------------------------------- plan new and plan diff

def test_plan_new_scaffolds_next_year_whose_cases_still_pass(tmp_path: Path) -> None:
    copy_plan(tmp_path)
    plans = tmp_path / "data" / "plans"
    code, out = invoke("plan", "new", "2025", "--from", "2024", "--plans", str(plans))
    assert code == 0 and "2025.yaml" in out and "source.zh.md" in out
    text = (plans / "2025.yaml").read_text(encoding="utf-8")
    assert "  id: work-points-2025\n" in text and "  year: 2025\n" in text and "start: 2025-01-01" in text
    assert "due: 2025-12-31" in text
    crosswalk = (plans / "2025" / "crosswalk.yaml").read_text(encoding="utf-8")
    assert "  - {id: S2-04, from: S2-04, status: carried}\n" in crosswalk and "T4-01" in crosswalk
    assert "2025 年党组织听取汇报 1 次" in (plans / "2025" / "cases" / "S2-06.yaml").read_text(encoding="utf-8")
    code, out = invoke("plan", "test", str(plans / "2025.yaml"))
    assert code == 0 and "未通过 0" in out
    code, out = invoke("plan", "diff", str(plans / "2024.yaml"), str(plans / "2025.yaml"))
    assert code == 0 and "放宽 0 处" in out


def test_plan_new_never_overwrites(tmp_path: Path) -> None:
    copy_plan(tmp_path)
    plans = tmp_path / "data" / "plans"
    (plans / "2025.yaml").write_text("# mine\n", encoding="utf-8")
    code, out = invoke("plan", "new", "2025", "--from", "2024", "--plans", str(plans), "--lang", "en")
    assert code == 2 and "exists and is never overwritten" in out
    assert (plans / "2025.yaml").read_text(encoding="utf-8") == "# mine\n" and not (plans / "2025").exists()
    code, out = invoke("plan", "new", "2026", "--from", "2023", "--plans", str(plans), "--lang", "en")
    assert code == 2 and "there is no" in out


def test_plan_diff_warns_for_every_weakening_and_checks_the_crosswalk(tmp_path: Path) -> None:
    copy_plan(tmp_path)
    plans = tmp_path / "data" / "plans"
    invoke("plan", "new", "2025", "--from", "2024", "--plans", str(plans))
    new = plans / "2025.yaml"
    edit(new, "  - name: min_lecturers\n    value: 3\n", "  - name: min_lecturers\n    value: 2\n")
    edit(new, "    source: 分管领导和老同志担任常务副主任\n    scope: school\n    severity: error\n",
         "    source: 分管领导和老同志担任常务副主任\n    scope: school\n    severity: warning\n")
    edit(new, "    target: 0.60\n", "    target: 0.55\n")
    edit(new, "    applies_to: {kinds: [senior, vocational]}\n", "    applies_to: {kinds: [vocational]}\n")
    cut = new.read_text(encoding="utf-8")
    start = cut.index("  - id: S2-16\n")
    new.write_text(cut[:start] + cut[cut.index("  - id: S2-17\n"):], encoding="utf-8")  # S2-16 removed
    code, out = invoke("plan", "diff", str(plans / "2024.yaml"), str(new), "--lang", "en")
    assert code == 1
    assert "⚠ weaker ~ setting min_lecturers value: 3 → 2" in out
    assert "⚠ weaker ~ rule S2-04 severity: error → warning" in out
    assert "⚠ weaker ~ target T4-01 target: 0.6 → 0.55" in out
    assert "⚠ weaker ~ rule S3-05 applies_to.kinds: senior, vocational → vocational" in out
    assert "⚠ weaker - rule S2-16 (advice)" in out
    assert "S2-04 is marked carried but changed (severity)" in out
    assert "crosswalk: S2-16 was removed from the plan but is not marked retired" in out
    assert "5 weaker" in out
    code, out = invoke("plan", "diff", str(plans / "2024.yaml"), str(new), "--format", "json")
    assert code == 1 and '"weaker": 5' in out
