"""The right plan for the date: with several plans, the one whose period holds the as-of date; a date outside the
plan's period is said plainly; a plan's own dates must lie inside its period."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carework.checking.config import plan_for
from carework.cli import app
from carework.core.errors import CareworkError
from carework.rules.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "plans" / "2024.yaml"
runner = CliRunner()


def next_years_plan(folder: Path) -> Path:
    """The 2024 plan relabelled as 2025's (the records are the same; only the plan and its period change)."""
    text = PLAN.read_text(encoding="utf-8").replace("id: work-points-2024", "id: work-points-2025")
    text = text.replace("2024-01-01", "2025-01-01").replace("end: 2024-12-31", "end: 2025-12-31")
    text = text.replace("due: 2024-12-31", "due: 2025-12-31")
    path = folder / "2025.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(PLAN, folder / "2024.yaml")
    next_years_plan(folder)
    return folder


@pytest.mark.parametrize("as_of, expected", [
    (dt.date(2024, 1, 1), "2024.yaml"),     # the first day of the 2024 period
    (dt.date(2024, 12, 31), "2024.yaml"),   # its last day
    (dt.date(2025, 1, 1), "2025.yaml"),
    (dt.date(2023, 6, 30), "2024.yaml"),    # before every plan: the nearest
    (dt.date(2026, 12, 2), "2025.yaml"),    # after every plan: the nearest
    (None, "2025.yaml"),                    # no date: the latest
])
def test_the_plan_whose_period_holds_the_date_is_chosen(plans: Path, as_of: dt.date | None, expected: str) -> None:
    chosen = plan_for(plans, as_of)
    assert chosen is not None and chosen.name == expected


def test_a_folder_without_plans_chooses_none(tmp_path: Path) -> None:
    assert plan_for(tmp_path, dt.date(2024, 5, 1)) is None


def test_check_uses_the_plan_of_the_as_of_date_and_warns_outside_every_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    next_years_plan(tmp_path / "data" / "plans")
    monkeypatch.chdir(tmp_path)
    for as_of, plan_id in (("2024-12-31", "work-points-2024"), ("2025-03-01", "work-points-2025")):
        result = runner.invoke(app, ["check", "--as-of", as_of, "--format", "json"])
        document = json.loads(result.stdout)
        assert document["plan"] == plan_id
        assert not [w for w in document["warnings"] if w["code"] == "as-of-outside-period"]
    result = runner.invoke(app, ["check", "--as-of", "2023-06-30", "--format", "json"])
    document = json.loads(result.stdout)
    warned = [w for w in document["warnings"] if w["code"] == "as-of-outside-period"]
    assert document["plan"] == "work-points-2024" and len(warned) == 1
    assert warned[0]["file"] == "data/plans/2024.yaml" and warned[0]["line"] == 15
    assert "不在计划" in warned[0]["message"] and "--as-of" in warned[0]["fix"]


def test_a_target_due_outside_the_plans_period_is_a_plan_error(tmp_path: Path) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text(PLAN.read_text(encoding="utf-8").replace("due: 2024-12-31", "due: 2025-06-30"), encoding="utf-8")
    with pytest.raises(CareworkError) as caught:
        load_plan(broken, "plan.yaml")
    assert [p.message_zh for p in caught.value.problems] == [
        "目标 T4-01 的截止日期 2025-06-30 不在计划期（2024-01-01 至 2024-12-31）内"]
