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
