"""`carework trend`: the points at the period's edges, every point equal to a check as of that date, the formats."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import PLAN_FILE, ROOT, TODAY, generated_city
from typer.testing import CliRunner

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.checking.trend import MAX_POINTS, points_between, run_trend, trend_plan
from carework.cli import app
from carework.core.errors import CareworkError
from carework.core.model import Status

D = dt.date
runner = CliRunner()


def test_monthly_points_are_the_month_ends_and_the_last_day() -> None:
    year = points_between(D(2024, 1, 1), D(2024, 12, 31), "month")
    assert len(year) == 12 and year[0] == D(2024, 1, 31) and year[1] == D(2024, 2, 29) and year[-1] == D(2024, 12, 31)
    assert points_between(D(2024, 1, 15), D(2024, 3, 10), "month") == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 10)]
    assert points_between(D(2024, 1, 31), D(2024, 1, 31), "month") == [D(2024, 1, 31)]
    assert points_between(D(2023, 12, 31), D(2024, 1, 31), "month") == [D(2023, 12, 31), D(2024, 1, 31)]


def test_weekly_points_are_sundays_and_the_last_day() -> None:
    assert points_between(D(2024, 1, 1), D(2024, 1, 20), "week") == [D(2024, 1, 7), D(2024, 1, 14), D(2024, 1, 20)]
    assert points_between(D(2024, 1, 7), D(2024, 1, 14), "week") == [D(2024, 1, 7), D(2024, 1, 14)]


def test_listed_points_are_sorted_and_bad_ones_are_usage_errors() -> None:
    assert points_between(D(2024, 1, 1), D(2024, 12, 31), "2024-06-30, 2024-03-31") == [D(2024, 3, 31), D(2024, 6, 30)]
    for every in ("fortnight", ",", "2024-02-30"):
        with pytest.raises(CareworkError):
            points_between(D(2024, 1, 1), D(2024, 12, 31), every)
    with pytest.raises(CareworkError):
        points_between(D(2024, 2, 1), D(2024, 1, 1), "month")
    with pytest.raises(CareworkError):
        points_between(D(2000, 1, 1), D(2024, 12, 31), "week")
    assert len(points_between(D(2021, 1, 1), D(2024, 12, 31), "week")) <= MAX_POINTS


def _as_checked(inputs: Inputs, point: dt.date) -> tuple[int, int, Counter[tuple[int, str]], list[tuple[str, int, int]]]:
    """What a check as of `point` says the trend's point should be."""
    run = run_check(inputs, point, TODAY)
    section = {r.id: (r.section, r.severity) for r in run.plan.rules}
    gaps: Counter[tuple[int, str]] = Counter()
    bad: set[str] = set()
    for school, rule, status in run.results.statuses():
        if status == Status.FAIL:
            gaps[section[rule]] += 1
        if status in (Status.FAIL, Status.ERROR):
            bad.add(school)
    targets = [(t.id, t.numerator, t.denominator) for t in run.targets]
    return len(run.schools), len(run.schools) - len(bad), gaps, targets


@pytest.mark.parametrize("city", ["sample", "generated"])
def test_every_point_is_what_a_check_as_of_that_date_says(city: str, tmp_path: Path) -> None:
    if city == "sample":
        inputs = Inputs((ROOT / "data" / "schools",), PLAN_FILE, ROOT / "data" / "waivers.yaml",
                        ROOT / "data" / "roster.csv")
    else:
        inputs = generated_city(tmp_path, 60, seed=17)
    points = [D(2024, 1, 31), D(2024, 6, 30), D(2024, 11, 30), D(2024, 12, 31)]
    trend = run_trend(inputs, trend_plan(inputs), points, TODAY, jobs=1)
    assert [p.as_of for p in trend.points] == points
    for point in trend.points:
        schools, met, gaps, targets = _as_checked(inputs, point.as_of)
        assert (point.schools, point.schools_met, Counter(point.gaps)) == (schools, met, gaps)
        assert [(t.id, t.numerator, t.denominator) for t in point.targets] == targets
    first, last = trend.points[0], trend.points[-1]
    assert first.gap_total() > last.gap_total(), "the records' dates make the city progress through the year"


def test_rectifications_are_counted_as_they_stood_at_each_point() -> None:
    inputs = Inputs((ROOT / "data" / "schools",), PLAN_FILE, None)
    trend = run_trend(inputs, trend_plan(inputs), [D(2024, 6, 30), D(2024, 12, 31)], TODAY, jobs=1)
    june, december = trend.points
    assert december.rectifications.get("overdue") == 2
    assert june.rectifications.get("overdue", 0) == 0


def test_a_pool_gives_the_same_trend_as_one_process(tmp_path: Path) -> None:
    inputs = generated_city(tmp_path, 240, seed=3)
    points = [D(2024, 3, 31), D(2024, 12, 31)]
    one = run_trend(inputs, trend_plan(inputs), points, TODAY, jobs=1)
    two = run_trend(inputs, trend_plan(inputs), points, TODAY, jobs=2)
    assert one.points == two.points


def test_the_cli_writes_text_json_and_markdown_and_says_what_a_trend_cannot_tell(sample_city: Path) -> None:
    text = runner.invoke(app, ["trend", "--to", "2024-12-31"])
    assert text.exit_code == 0, text.output
    assert "2024-12-31  2/36" in text.stdout and "52.8% (19/36)" in text.stdout and "carework diff" in text.stdout
    out = runner.invoke(app, ["trend", "--from", "2024-10-01", "--to", "2024-12-31", "--format", "json", "--lang", "en"])
    document = json.loads(out.stdout)
    assert [p["as_of"] for p in document["points"]] == ["2024-10-31", "2024-11-30", "2024-12-31"]
    city_row = next(t for t in document["points"][-1]["targets"] if t["level"] == "city")
    assert (city_row["numerator"], city_row["denominator"]) == (19, 36)
    assert "not what had been reported" in document["caveat"]
    written = sample_city / "trend.md"
    assert runner.invoke(app, ["trend", "--to", "2024-12-31", "--format", "markdown", "-o", str(written)]).exit_code == 0
    markdown = written.read_text(encoding="utf-8")
    assert "```mermaid" in markdown and "line [60, 60" in markdown and "截止 2024-12-31" in markdown
    assert "不是各时间点当时报送的情况" in markdown


def test_the_cli_refuses_a_bad_date_and_warns_outside_the_plan(sample_city: Path) -> None:
    bad = runner.invoke(app, ["trend", "--to", "2024-13-01"])
    assert bad.exit_code == 2 and "--to" in bad.output
    outside = runner.invoke(app, ["trend", "--from", "2025-01-01", "--to", "2025-02-28", "--format", "json"])
    assert outside.exit_code == 0
    assert "as-of-outside-period" in {p["code"] for p in json.loads(outside.stdout)["problems"]}


@pytest.mark.parametrize("city", ["sample", "generated"])
def test_judging_alike_points_once_gives_what_judging_every_point_gives(city: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The twin: CAREWORK_REFERENCE=1 judges every record at every point."""
    if city == "sample":
        inputs = Inputs((ROOT / "data" / "schools",), PLAN_FILE, ROOT / "data" / "waivers.yaml", ROOT / "data" / "roster.csv")
    else:
        inputs = generated_city(tmp_path, 80, seed=29)
    points = points_between(D(2023, 11, 1), D(2025, 2, 1), "week")
    fast = run_trend(inputs, trend_plan(inputs), points, TODAY, jobs=1)
    monkeypatch.setenv("CAREWORK_REFERENCE", "1")
    plain = run_trend(inputs, trend_plan(inputs), points, TODAY, jobs=1)
    assert fast.points == plain.points
    assert len({(p.gap_total(), p.schools_met) for p in fast.points}) > 5, "the points differ from one another"
