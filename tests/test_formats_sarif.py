"""`--format sarif`: valid SARIF 2.1.0 against the OASIS schema, with the plan's rules and located results.

The schema is a copy in tests/schemas/ (see its README for where it comes from).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import SCHEMAS, base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app
from carework.formats.sarif import artifact_location
from carework.rules.model import Plan

runner = CliRunner()
SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"
#: RFC 3986 URI-reference characters; jsonschema checks the `uri-reference` format only with extra packages.
URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, merge(base_record(), {"party_hearings": [{"date": "2024-03-01"}]}))
    write_record(schools, merge(base_record(), {"code": "BASE-002", "office": {"dedicated": False}, "lecturers": [],
                                                "extra_key": 1}))
    (tmp_path / "data" / "waivers.yaml").write_text(
        "waivers:\n  - {rule: S2-12, school: BASE-002, reason: 装修中, approved_by: 市关工委, expires: 2025-03-31}\n",
        encoding="utf-8")
    (tmp_path / "其他 学校").mkdir()
    write_record(tmp_path / "其他 学校", merge(base_record(), {"code": "BASE-003", "budget": []}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "sarif", *args])
    print(result.output)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validates_against_the_sarif_schema(city: Path, lang: str) -> None:
    import jsonschema

    code, doc = sarif("--lang", lang, "data/schools", "其他 学校")
    assert code == 3
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    for result in doc["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert URI_REFERENCE.match(uri), uri


def test_rules_carry_both_languages_help_and_source(city: Path, plan: Plan) -> None:
    _, doc = sarif()
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "carework"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {r.id for r in plan.rules if r.scope == "school"} | {"DATA"}
    s206 = rules["S2-06"]
    assert s206["shortDescription"]["text"] == "党组织定期听取关工委工作汇报 / The Party organisation regularly hears committee reports"
    assert "执行好党组织定期听取关工委工作汇报" in s206["fullDescription"]["text"]
    assert s206["properties"]["source"] == "执行好党组织定期听取关工委工作汇报"
    assert "整改" in s206["help"]["text"] and "To fix" in s206["help"]["text"]
    assert s206["defaultConfiguration"]["level"] == "error"
    for i, result in enumerate(doc["runs"][0]["results"]):
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"], i


def test_results_are_located_relative_to_the_repository(city: Path) -> None:
    _, doc = sarif("data/schools", "其他 学校")
    results = doc["runs"][0]["results"]
    gap = next(r for r in results if r["ruleId"] == "S2-06")
    location = gap["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "data/schools/BASE-001.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] > 1 and location["region"]["startColumn"] >= 1
    assert gap["level"] == "error" and gap["kind"] == "fail" and "BASE-001" in gap["message"]["text"]
    assert gap["partialFingerprints"] == {"careworkGap/v1": "BASE-001/S2-06"}
    other = next(r for r in results if r["properties"].get("school") == "BASE-003")
    assert other["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%E5%85%B6%E4%BB%96%20%E5%AD%A6%E6%A0%A1/BASE-003.yaml"
    waived = next(r for r in results if r["ruleId"] == "S2-12")
    assert waived["suppressions"][0]["kind"] == "external" and "装修中" in waived["suppressions"][0]["justification"]
    data = next(r for r in results if r["ruleId"] == "DATA")
    assert data["level"] == "error" and "extra_key" in data["message"]["text"]
    assert data["properties"]["code"] == "unknown-field"
    assert not any(r["ruleId"] == "S2-06" and r["properties"]["school"] == "BASE-002" for r in results)  # passes left out


def test_artifact_locations() -> None:
    assert artifact_location("data/schools/A.yaml") == {"uri": "data/schools/A.yaml", "uriBaseId": "%SRCROOT%"}
    absolute = artifact_location("/srv/数据/A B.yaml")
    assert absolute == {"uri": "file:///srv/%E6%95%B0%E6%8D%AE/A%20B.yaml"} and unquote(absolute["uri"]) == "file:///srv/数据/A B.yaml"
