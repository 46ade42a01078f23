"""The targets in every CI format, with the figures the text summary gives (core/i18n.target_figures).

On the sample data (its roster leaves 3 schools unreported and 3 vocational schools outside the target), each format
must carry the city's share, its numerator and denominator, the target, the schools still needed and who the
denominator counts — the same line wherever it is read.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from conftest import ROOT, SCHEMAS
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()
CITY = "T4-01 全市近60%的中小学、幼儿园基本达到关工委优质化建设标准（全市）：当前 52.8% (19/36)，目标 60.0%，还需 3 所；" \
       "分母 36 所 = 已报送 33 所 + 未报送 3 所（按未达标计）；不计入 3 所：不在目标范围内（如中等职业学校）"


def schema(name: str) -> Path:
    """An official schema, kept in the repository (tests/schemas/, with its provenance)."""
    return SCHEMAS / name


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def check(*args: str) -> str:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_text_shows_the_figures(sample: Path) -> None:
    out = check("--format", "text")
    assert "52.8% (19/36)" in out and "分母 36 所 = 已报送 33 所 + 未报送 3 所" in out


def test_sarif_validates_against_the_official_schema(sample: Path) -> None:
    doc = json.loads(check("--format", "sarif"))
    jsonschema.Draft7Validator(json.loads(schema("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))).validate(doc)


def test_junit_validates_against_the_official_schema(sample: Path) -> None:
    xmlschema.XMLSchema(str(schema("junit-10.xsd"))).validate(check("--format", "junit"))


def test_sarif_has_each_target_as_a_notification_and_in_the_run_properties(sample: Path) -> None:
    doc = json.loads(check("--format", "sarif"))
    run = doc["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == CITY and notes[0]["level"] == "warning"
    city = run["properties"]["targets"][0]
    assert (city["numerator"], city["denominator"], city["needed"], city["not_reported"]) == (19, 36, 3, 3)
    assert city["excluded"] == {"out_of_scope": 3}


def test_junit_has_a_suite_of_targets_with_the_figures(sample: Path) -> None:
    out = check("--format", "junit")
    [suite] = [s for s in ET.fromstring(out).findall("testsuite") if s.get("name") == "总体目标"]
    failure = suite.findall("testcase")[0].find("failure")
    assert failure is not None and failure.get("message") == CITY
    met = [c for c in suite.findall("testcase") if c.find("failure") is None]
    assert met and all(c.findtext("system-out", "").startswith("T4-01") for c in met)  # met ones keep their figures


def test_github_has_one_notice_with_the_figures(sample: Path) -> None:
    out = check("--format", "github")
    notices = [line for line in out.splitlines() if line.startswith("::notice title=总体目标::")]
    assert len(notices) == 1
    assert notices[0].split("::", 2)[2].split("%0A")[0] == CITY.replace("%", "%25")
