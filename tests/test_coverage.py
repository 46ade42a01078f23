"""Traceability: every clause of the 2024 source accounted for, and `carework coverage` failing when one is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PLAN_FILE
from support.plans import copy_plan, edit
from typer.testing import CliRunner

from carework.cli import app
from carework.rules.coverage import trace
from carework.rules.model import Plan
from carework.rules.plan import load_plan

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    print(result.output)
    return result.exit_code, result.output


def test_every_clause_of_the_2024_source_is_accounted_for(plan: Plan) -> None:
    cov = trace(plan, PLAN_FILE)
    assert [p.message_en for p in cov.problems] == []
    named = {rid for c in cov.clauses for rid in c.ids}
    assert named == {r.id for r in plan.rules} | {t.id for t in plan.targets}
    assert cov.counts()["target"] == 1 and all(c.reason.zh for c in cov.clauses)


def test_the_clauses_the_issue_named_have_a_disposition(plan: Plan) -> None:
    by_text = {c.text: c for c in trace(plan, PLAN_FILE).clauses}
    assert by_text["深入贯彻落实“党建带关建”工作机制"].ids == ("S2-20",)
    assert by_text["融入五育并举和大思政格局"].disposition == "context"
    assert by_text["配齐配强关工委领导班子"].disposition == "rules"
    assert by_text["以庆祝中华人民共和国成立 75 周年为契机"].ids == ("S3-04", "S3-05")
    assert by_text["挫折教"].ids == ("S5-04",)


def test_the_command_prints_the_matrix_in_three_formats() -> None:
    code, out = invoke("coverage", "--plan", str(PLAN_FILE))
    assert code == 0 and "原文分句 68 句" in out and "“融入五育并举和大思政格局”" in out
    code, out = invoke("coverage", "--plan", str(PLAN_FILE), "--format", "markdown", "--lang", "en")
    assert code == 0 and "| 2-04 | “融入五育并举和大思政格局” | context no school record can show |" in out
    code, out = invoke("coverage", "--plan", str(PLAN_FILE), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and len(data["clauses"]) == 68 and data["problems"] == []


@pytest.mark.parametrize(("old", "new", "needle"), [
    # a clause dropped: its text is unaccounted for
    ('  - id: "2-04"\n    text: 融入五育并举和大思政格局\n    disposition: context\n', '  - id: "2-04"\n    text: 将关工委工作纳入教育党建\n    disposition: context\n',
     "no clause accounts for this text: “融入五育并举和大思政格局”"),
    ("    text: 配备相应办公条件\n", "    text: 配备相应的办公条件\n", "clause 2-15 is not in the source"),
    ("    ids: [S3-10]\n", "    ids: []\n", "must name at least one school rule"),
    ("    ids: [S4-B1]\n", "    ids: [S4-01]\n", "cannot name S4-01 (school)"),
    ("    ids: [S5-04]\n", "    ids: [S5-4]\n", "names S5-4, which is not in the plan"),
])
def test_a_broken_clauses_file_fails_and_says_where(tmp_path: Path, old: str, new: str, needle: str) -> None:
    plan = copy_plan(tmp_path)
    clauses = plan.with_suffix("") / "clauses.yaml"
    edit(clauses, old, new)
    code, out = invoke("coverage", "--plan", str(plan), "--lang", "en")
    assert code == 1 and needle in out


def test_a_rule_quoting_text_not_in_the_source_fails(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan, "    source: 配备相应办公条件\n", "    source: 配备相应的办公条件\n")
    cov = trace(load_plan(plan), plan)
    assert [p.code for p in cov.problems] == ["quote-not-in-source"] and "S2-13" in cov.problems[0].message_en
    assert cov.problems[0].location.line > 1


def test_a_rule_no_clause_names_fails(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan.with_suffix("") / "clauses.yaml", "    ids: [S2-10, S2-11, S2-B2]\n", "    ids: [S2-10, S2-B2]\n")
    cov = trace(load_plan(plan), plan)
    assert [p.message_en for p in cov.problems] == ["the clause holding S2-11's quote (2-13) does not name it"]


def test_a_misspelt_key_in_the_clauses_file_is_a_plan_error(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    edit(plan.with_suffix("") / "clauses.yaml", "    disposition: bureau\n    ids: [S2-B1]\n", "    dispositon: bureau\n    ids: [S2-B1]\n")
    code, out = invoke("coverage", "--plan", str(plan), "--lang", "en")
    assert code == 2 and "clauses.yaml" in out and "dispositon" in out and "disposition" in out


def test_a_plan_without_clauses_says_how_to_start(tmp_path: Path) -> None:
    plan = copy_plan(tmp_path)
    (plan.with_suffix("") / "clauses.yaml").unlink()
    code, out = invoke("coverage", "--plan", str(plan))
    assert code == 2 and "没有原文分句文件" in out
