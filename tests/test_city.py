"""The city as data: with a roster, who has not reported, whose record is stale, records the city does not know,
and targets whose denominators explain themselves (issue: the city as data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from carework.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample city (records, roster, plan), as the current folder."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    print(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out = check("--format", "json", *args)
    return code, json.loads(out)


def edit(path: Path, **changes: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def city_row(document: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in document["targets"] if t["level"] == "city")


def problem_codes(document: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(p["code"], p["file"], p["line"]) for p in document["errors"]]


def test_schools_on_the_roster_without_a_record_are_not_reported_and_count_as_not_met(city: Path) -> None:
    code, document = check_json()
    assert code == 0
    assert document["roster"] == {"file": "data/roster.csv", "schools": 39}
    assert document["not_reported"] == [
        {"code": "WJ-YE-003", "name": "武进区星河幼儿园", "district": "武进区"},
        {"code": "JT-XX-002", "name": "金坛区朱林中心小学", "district": "金坛区"},
        {"code": "ZL-XX-004", "name": "钟楼区西林小学", "district": "钟楼区"},
    ]
    row = city_row(document)
    # 36 schools in T4-01's scope: 33 reported + 3 not reported; 3 vocational schools are outside its scope.
    assert (row["numerator"], row["denominator"], row["not_reported"]) == (19, 36, 3)
    assert row["excluded"] == [{"reason": "out_of_scope", "count": 3}]
    assert row["needed"] == 3 and row["status"] == "behind"
    jintan = next(t for t in document["targets"] if t["district"] == "金坛区")
    assert (jintan["numerator"], jintan["denominator"], jintan["not_reported"]) == (2, 5, 1)


def test_the_text_lists_who_has_not_reported_by_district_and_explains_the_denominator(city: Path) -> None:
    code, out = check()
    assert "未报送 3 所" in out
    lines = out.splitlines()
    listed = [line.split()[:2] for line in lines[lines.index(next(x for x in lines if x.startswith("未报送 3 所"))) + 1:][:3]]
    assert listed == [["武进区", "WJ-YE-003"], ["金坛区", "JT-XX-002"], ["钟楼区", "ZL-XX-004"]]
    assert "T4-01 全市：分母 36 所 = 已报送 33 所 + 未报送 3 所（按未达标计）；不计入 3 所：不在目标范围内" in out


def test_a_record_not_updated_within_the_plans_limit_is_stale(city: Path) -> None:
    code, document = check_json()
    stale = {s["code"]: (s["updated"], s["age_days"]) for s in document["stale"]}
    assert stale == {"TN-XX-002": ("2024-08-26", 127), "TN-ZZ-001": (None, None), "ZL-YE-001": (None, None)}
    edit(city / "data" / "schools" / "TN-XX-002.yaml", updated="2024-10-02")  # 90 days before the as-of date
    assert "TN-XX-002" not in {s["code"] for s in check_json()[1]["stale"]}
    edit(city / "data" / "schools" / "TN-XX-002.yaml", updated="2024-10-01")  # 91 days
    assert "TN-XX-002" in {s["code"] for s in check_json()[1]["stale"]}


def test_a_record_whose_code_is_not_on_the_roster_is_a_data_error_and_counts_in_no_target(city: Path) -> None:
    source = city / "data" / "schools" / "TN-XX-001.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(code="TN-XX-01")
    (city / "data" / "schools" / "TN-XX-01.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    source.unlink()
    code, document = check_json()
    assert code == 3
    error = next(p for p in document["errors"] if p["code"] == "not-on-roster")
    assert error["file"] == "data/schools/TN-XX-01.yaml" and "TN-XX-001" in error["fix"]
    row = city_row(document)
    assert {"reason": "not_on_roster", "count": 1} in row["excluded"]
    assert row["not_reported"] == 4  # TN-XX-001 itself is now missing
    assert "TN-XX-001" in {s["code"] for s in document["not_reported"]}


@pytest.mark.parametrize("district, code, words", [
    ("金坛", "unknown-district", "是不是“金坛区”"),
    ("天宁区", "district-mismatch", "名册上 JT-CZ-001 属于金坛区"),
])
def test_a_district_the_roster_does_not_give_is_an_error_with_a_did_you_mean(city: Path, district: str, code: str,
                                                                               words: str) -> None:
    edit(city / "data" / "schools" / "JT-CZ-001.yaml", district=district)
    status, document = check_json()
    assert status == 3
    found = [p for p in document["errors"] if p["code"] == code]
    assert len(found) == 1 and words in found[0]["message"] + found[0]["fix"]
    assert not any(t["district"] == "金坛" for t in document["targets"]), "no new district row"


def test_the_name_must_agree_with_the_roster(city: Path) -> None:
    edit(city / "data" / "schools" / "JT-CZ-001.yaml", name="金坛二中")
    status, document = check_json()
    assert status == 3
    assert [p["code"] for p in document["errors"]] == ["name-mismatch"]
    assert "金坛区第二中学" in document["errors"][0]["message"]


def test_a_trailing_space_or_zero_width_space_never_makes_a_second_district(city: Path) -> None:
    edit(city / "data" / "schools" / "ZL-XX-001.yaml", district="钟楼区 ")
    edit(city / "data" / "schools" / "ZL-XX-002.yaml", district="钟楼\u200b区")
    status, document = check_json()
    assert status == 3
    assert [(p["code"], p["file"]) for p in document["errors"]] == [("invisible-character", "data/schools/ZL-XX-002.yaml")]
    assert sorted(t["district"] for t in document["targets"] if t["district"]) == ["天宁区", "新北区", "武进区", "金坛区", "钟楼区"]


def test_a_roster_with_bad_rows_is_a_data_error_located_by_row_and_column(city: Path) -> None:
    roster = city / "data" / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8") + "ZL-XX-009,钟楼区新学校,钟楼区,小学校,公办\n", encoding="utf-8")
    status, document = check_json()
    assert status == 3
    assert problem_codes(document) == [("roster-unknown-kind", "data/roster.csv", 41)]
    assert document["errors"][0]["column"] == 4
    assert len(document["not_reported"]) == 3, "the good rows are still the city"


def test_without_a_roster_targets_count_the_records_and_say_so_once(city: Path) -> None:
    (city / "data" / "roster.csv").unlink()
    code, document = check_json()
    assert document["roster"] is None and document["not_reported"] == []
    row = city_row(document)
    assert (row["numerator"], row["denominator"], row["not_reported"]) == (19, 33, 0)
    code, out = check()
    assert out.count("未配置学校名册") == 1


def test_a_district_view_lists_only_that_districts_missing_schools(city: Path) -> None:
    code, document = check_json("--district", "金坛区")
    assert [s["code"] for s in document["not_reported"]] == ["JT-XX-002"]
    assert city_row(document)["denominator"] == 36, "targets always count the whole city"


def test_the_roster_can_be_named_in_carework_yaml(city: Path) -> None:
    (city / "data" / "roster.csv").rename(city / "学校名册.csv")
    (city / "carework.yaml").write_text("roster: 学校名册.csv\n", encoding="utf-8")
    code, document = check_json()
    assert document["roster"] == {"file": "学校名册.csv", "schools": 39}
    assert len(document["not_reported"]) == 3


def test_the_reports_list_not_reported_schools_on_the_city_and_district_pages(city: Path) -> None:
    result = runner.invoke(app, ["report", "--as-of", "2024-12-31", "--out", "reports"])
    assert result.exit_code == 0, result.output
    city_page = (city / "reports" / "city.md").read_text(encoding="utf-8")
    assert "| 金坛区 | JT-XX-002 | 金坛区朱林中心小学 |" in city_page
    assert "分母 36 所 = 已报送 33 所 + 未报送 3 所" in city_page
    district_pages = {p.name: p.read_text(encoding="utf-8") for p in (city / "reports" / "districts").glob("*.md")}
    jintan = next(text for text in district_pages.values() if "金坛区汇总" in text)
    assert "JT-XX-002" in jintan and "ZL-XX-004" not in jintan


def test_the_roster_can_be_named_on_the_command_line(city: Path) -> None:
    (city / "data" / "roster.csv").rename(city / "名册.csv")
    assert check_json()[1]["roster"] is None
    code, document = check_json("--roster", "名册.csv")
    assert document["roster"] == {"file": "名册.csv", "schools": 39} and len(document["not_reported"]) == 3


@pytest.mark.parametrize("reference", ["0", "1"])
def test_a_code_ending_in_a_line_break_does_not_pass_the_code_pattern(city: Path, reference: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`$` in a pattern also matches before a final line break: patterns must match the whole value."""
    monkeypatch.setenv("CAREWORK_REFERENCE", reference)
    path = city / "data" / "schools" / "TN-XX-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: TN-XX-001", 'code: "TN-XX-001\\n"', 1), encoding="utf-8")
    status, document = check_json("--no-cache")
    assert status == 3
    assert [(p["code"], p["file"], p["line"]) for p in document["errors"]] == [("bad-format", "data/schools/TN-XX-001.yaml", 2)]
    assert "TN-XX-001" in {s["code"] for s in document["not_reported"]}, "an unusable record does not count as reported"
