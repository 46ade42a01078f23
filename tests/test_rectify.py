"""The rectification ledger (整改台账): every state of an item, as of a date, and how its findings reach the output
and the exit code (rules/rectify.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PLAN_FILE, TODAY
from typer.testing import CliRunner

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.checking.record_check import FileOutcome
from carework.cli import app
from carework.core.model import Status

ROOT = Path(__file__).resolve().parent.parent
SCHOOL = "ZL-YE-002"  # fails S2-12, S2-13, S3-01, S4-01, S4-02, S4-03 as of 2024-12-31; meets S1-01
runner = CliRunner()


def item(rule: str, due: str, done: str | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": rule, "measure": "整改措施", "person": "周红梅", "due": dt.date.fromisoformat(due)}
    if done:
        out["done"] = dt.date.fromisoformat(done)
    return {**out, **more}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "data" / "schools" / f"{SCHOOL}.yaml", tmp_path / f"{SCHOOL}.yaml")
    return tmp_path


def ledger_of(folder: Path, items: list[dict[str, Any]], as_of: str = "2024-12-31"):  # type: ignore[no-untyped-def]
    path = folder / f"{SCHOOL}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rectifications"] = items
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return run_check(Inputs((folder,), PLAN_FILE, None), dt.date.fromisoformat(as_of), TODAY)


@pytest.mark.parametrize(("entry", "state", "finding"), [
    (item("S2-12", "2025-03-31"), "in_progress", None),
    (item("S2-12", "2024-12-31"), "in_progress", None),  # due today: not yet late
    (item("S2-12", "2024-12-30"), "overdue", "rectification-overdue"),
    (item("S2-12", "2025-03-31", "2024-12-20"), "ineffective", "rectification-ineffective"),
    (item("S2-12", "2024-12-01", "2024-12-20"), "ineffective", "rectification-ineffective"),  # done, if late
    (item("S1-01", "2024-06-30", "2024-06-20"), "closed", None),
    (item("S1-01", "2024-06-30"), "not_needed", "rectification-not-needed"),
    (item("S9-99", "2024-06-30"), "unknown_rule", "rectification-unknown-rule"),
])
def test_each_state_and_its_finding(folder: Path, entry: dict[str, Any], state: str, finding: str | None) -> None:
    run = ledger_of(folder, [entry])
    assert [i.state for i in run.rectifications] == [state]
    found = [p for p in run.problems if p.code.startswith("rectification-")]
    assert [p.code for p in found] == ([finding] if finding else [])
    assert all(p.location.line > 1 and p.location.file.endswith(f"{SCHOOL}.yaml") for p in found)
    assert [p.level for p in found if p.code == "rectification-overdue"] in ([], ["error"])


def test_a_gap_being_fixed_is_still_a_gap_and_says_so(folder: Path) -> None:
    run = ledger_of(folder, [item("S2-12", "2025-03-31")])
    gap = next(r for r in run.results if r.rule == "S2-12")
    assert gap.status == Status.FAIL
    assert "整改中" in gap.message_zh and "2025-03-31" in gap.message_zh and "being fixed" in gap.message_en
    assert "整改中" not in next(r for r in run.results if r.rule == "S2-13").message_zh


def test_a_done_date_after_the_as_of_date_is_not_done_yet(folder: Path) -> None:
    """As of an earlier day (a trend point) the item stands as it stood then."""
    entry = item("S2-12", "2024-10-31", "2024-12-20")
    assert [i.state for i in ledger_of(folder, [entry], "2024-12-31").rectifications] == ["ineffective"]
    assert [i.state for i in ledger_of(folder, [entry], "2024-12-01").rectifications] == ["overdue"]
    assert [i.state for i in ledger_of(folder, [entry], "2024-10-01").rectifications] == ["in_progress"]


def test_the_ledger_survives_the_cache_unchanged(folder: Path) -> None:
    run = ledger_of(folder, [item("S2-12", "2024-11-30"), item("S1-01", "2024-06-30", "2024-06-20", note="已完成")])
    cached = run_check(Inputs((folder,), PLAN_FILE, None), dt.date(2024, 12, 31), TODAY, cache_dir=folder / "cache")
    again = run_check(Inputs((folder,), PLAN_FILE, None), dt.date(2024, 12, 31), TODAY, cache_dir=folder / "cache")
    assert run.rectifications == cached.rectifications == again.rectifications
    with pytest.raises(ValueError):
        FileOutcome.from_plain(("f.yaml", (), None, b"", (), (), (("S1-01", "m", "p", None, None, "", "bogus", 3),)))


def test_a_due_date_in_the_future_is_no_error_but_a_done_date_is(folder: Path) -> None:
    run = ledger_of(folder, [item("S2-12", "2099-01-01"), item("S2-13", "2025-01-31", "2099-01-01")])
    assert [p.code for p in run.problems if p.level == "error"] == ["future-date"]
    assert run.problems[0].location.path == ("rectifications", 1, "done")


def test_a_missing_due_date_or_person_is_a_data_error(folder: Path) -> None:
    run = ledger_of(folder, [{"rule": "S2-12", "measure": "整改措施"}])
    assert {p.code for p in run.problems if p.level == "error"} == {"missing-field"}


def test_an_overdue_rectification_fails_fail_on_error_but_is_not_invalid_data(sample_city: Path) -> None:
    """Exit codes: 3 stays for invalid records; an overdue item counts as an error-level gap for --fail-on."""
    args = ["check", "--as-of", "2024-12-31", "--no-cache", "--school", "ZL-YE-002", "--rule", "S1-01"]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on", "error"]).exit_code == 1
    out = runner.invoke(app, [*args, "--format", "json"]).stdout
    document = json.loads(out)
    states = {(i["rule"], i["state"]) for i in document["rectifications"]}
    assert ("S4-01", "overdue") in states and ("S2-12", "in_progress") in states
    assert "rectification-overdue" in {p["code"] for p in document["rectification_findings"]}
    assert document["errors"] == []
    text = runner.invoke(app, args).stdout
    assert "整改台账 4 项：整改中 1，整改逾期 1，整改未见效 1，已整改 1（逾期：钟楼区 1）" in text


def test_github_annotations_call_a_finding_a_rectification_not_a_data_error(sample_city: Path) -> None:
    out = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--no-cache", "--school", "ZL-YE-002",
                              "--format", "github"]).stdout
    assert "::error file=data/schools/ZL-YE-002.yaml,line=" in out
    assert "整改台账 (rectification-overdue)" in out
    assert "数据错误 (rectification" not in out
