"""The severity matrix: for each severity, what `--fail-on` does with a gap of it, and how each CI format shows it —
all checked against one table (README "Exit codes", docs/ci.md)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app
from carework.core.model import SEVERITIES

runner = CliRunner()

#: One rule of each severity, the patch of the base record that opens a gap in it, and how each format shows that
#: severity: SARIF `level`, the GitHub annotation command, JUnit `failure@type`, the text format's label.
SEVERITY = {
    "error": {"rule": "S2-12", "patch": {"office": {"dedicated": False}}, "sarif": "error", "github": "error", "junit": "error", "text": "必须"},
    "warning": {"rule": "S2-13", "patch": {"office": {"sign": False}}, "sarif": "warning", "github": "warning", "junit": "warning", "text": "应当"},
    "advice": {"rule": "S4-02", "patch": {"quality": {"self_score": 89}}, "sarif": "note", "github": "notice", "junit": "advice", "text": "建议"},
}
#: `--fail-on` value → the severities whose gaps make `carework check` exit 1.
FAILS_ON = {"none": set(), "error": {"error"}, "warning": {"error", "warning"}, "advice": {"error", "warning", "advice"}}
#: README "Exit codes".
CLEAN, GAPS, DATA_ERRORS = 0, 1, 3


def test_the_table_covers_every_severity_from_most_to_least_severe() -> None:
    assert tuple(SEVERITY) == SEVERITIES == ("error", "warning", "advice")
    assert [len(FAILS_ON[s]) for s in ("none", *SEVERITIES)] == [0, 1, 2, 3]


def city(folder: Path, severities: tuple[str, ...], data_error: bool) -> Path:
    schools = folder / "data" / "schools"
    schools.mkdir(parents=True)
    patch: dict[str, object] = {}
    for severity in severities:
        patch = merge(patch, SEVERITY[severity]["patch"])
    write_record(schools, merge(base_record(), patch))
    if data_error:
        (schools / "BROKEN.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    return folder


def check(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    print(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("data_error", [False, True], ids=["valid", "with-data-errors"])
@pytest.mark.parametrize("gap", [None, *SEVERITIES], ids=["no-gap", *(f"{s}-gap" for s in SEVERITIES)])
def test_fail_on_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gap: str | None, data_error: bool) -> None:
    """Every `--fail-on` value against a city with one gap of one severity (or none), with and without data errors:
    data errors always give 3; otherwise 1 exactly when the gap's severity is at or above `--fail-on`."""
    folder = city(tmp_path, (gap,) if gap else (), data_error)
    for fail_on, failing in FAILS_ON.items():
        code, _ = check(folder, monkeypatch, "--fail-on", fail_on, "--format", "json")
        expected = DATA_ERRORS if data_error else GAPS if gap in failing else CLEAN
        assert code == expected, f"--fail-on {fail_on} with a {gap} gap, data errors: {data_error}"


def test_the_default_reports_gaps_without_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(city(tmp_path, SEVERITIES, False), monkeypatch)[0] == CLEAN


@pytest.fixture
def every_gap(tmp_path: Path) -> Path:
    return city(tmp_path, SEVERITIES, False)


def test_sarif_levels(every_gap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = check(every_gap, monkeypatch, "--format", "sarif")
    run = json.loads(out)["runs"][0]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    defaults = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    for severity, row in SEVERITY.items():
        assert levels[row["rule"]] == row["sarif"], severity
        assert defaults[row["rule"]] == row["sarif"], severity


def test_github_annotation_levels(every_gap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = check(every_gap, monkeypatch, "--format", "github")
    commands = {line.split("title=")[1].split(" ")[0]: line.split(" ")[0].lstrip(":")
                for line in out.splitlines() if line.startswith("::") and "title=" in line}
    assert {row["rule"]: commands.get(row["rule"]) for row in SEVERITY.values()} == \
        {row["rule"]: row["github"] for row in SEVERITY.values()}


def test_junit_failure_types(every_gap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = check(every_gap, monkeypatch, "--format", "junit")
    failures = {case.get("name", "").split(" ")[0]: failure.get("type")
                for case in ET.fromstring(out).iter("testcase") for failure in case.findall("failure")}
    assert failures == {row["rule"]: row["junit"] for row in SEVERITY.values()}


def test_json_and_text_name_each_gap_s_severity(every_gap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = check(every_gap, monkeypatch, "--format", "json")
    gaps = {r["rule"]: r["severity"] for r in json.loads(out)["results"] if r["status"] == "fail"}
    assert gaps == {row["rule"]: severity for severity, row in SEVERITY.items()}
    _, text = check(every_gap, monkeypatch, "--format", "text")
    for severity, row in SEVERITY.items():
        line = next(line for line in text.splitlines() if row["rule"] in line and "[" in line)
        assert f"[{row['text']}]" in line, severity
