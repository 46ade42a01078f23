"""The machine formats' contracts: the exact keys of `check --format json`, `rules --format json`, SARIF and JUnit on a
small city that has everything (a waived gap, a data error, a warning, a stale record, a roster school without a
record, targets, a baseline), and the documentation (docs/json.md, README "JSON output") held to the same keys."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()

#: `carework check --format json`: each object of the document and its keys, exactly. `waiver` is on waived results
#: only and `baseline` only with --baseline (OPTIONAL below).
CHECK_JSON: dict[str, set[str]] = {
    "document": {"carework", "plan", "plan_title", "as_of", "lang", "schools", "schools_loaded", "results", "errors",
                 "warnings", "targets", "roster", "not_reported", "stale", "rectifications", "rectification_findings",
                 "baseline"},
    "result": {"school", "rule", "status", "severity", "message", "file", "line", "column", "found", "expected",
               "waiver"},
    "waiver": {"reason", "approved_by", "expires"},
    "problem": {"code", "file", "line", "column", "path", "message", "fix"},
    "target": {"id", "target_id", "level", "district", "value", "target", "status", "numerator", "denominator",
               "needed", "closest", "not_reported", "excluded"},
    "excluded": {"reason", "count"},
    "roster": {"file", "schools"},
    "not_reported": {"code", "name", "district"},
    "stale": {"code", "name", "district", "file", "updated", "age_days"},
    "baseline": {"file", "plan", "new", "known", "resolved", "schools"},
    "baseline_school": {"new", "known", "resolved"},
    "rectification": {"school", "rule", "state", "state_label", "measure", "person", "due", "done", "note", "file",
                      "line"},
}
OPTIONAL = {"document": {"baseline"}, "result": {"waiver"}}
#: `carework rules --format json`: a list of rules with these keys.
RULES_JSON = {"rule": {"id", "section", "title", "title_zh", "title_en", "source", "severity", "scope", "applies_to",
                       "check", "reading", "line"}}
SARIF_RESULT = {"ruleId", "ruleIndex", "kind", "level", "message", "locations", "partialFingerprints", "properties"}
SARIF_RULE = {"id", "shortDescription", "fullDescription", "help", "defaultConfiguration", "properties"}
JUNIT_FAILURE = {"type", "message"}


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    schools = data / "schools"
    schools.mkdir(parents=True)
    write_record(schools, base_record())
    write_record(schools, merge(base_record(), {"code": "BASE-002", "office": {"dedicated": False, "sign": False},
                                                "updated": "2024-01-02"}))
    (schools / "BROKEN.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    (data / "waivers.yaml").write_text(
        "waivers:\n  - {rule: S2-12, school: BASE-002, reason: 装修中, approved_by: 市关工委, expires: 2025-03-31}\n"
        "  - {rule: S9-99, school: BASE-002, reason: 笔误, approved_by: 市关工委, expires: 2025-03-31}\n",
        encoding="utf-8")
    (data / "roster.csv").write_text("学校代码,学校名称,区,类型,办学性质\nBASE-001,云溪市基准高级中学,天宁区,高中,公办\n"
                                     "BASE-002,云溪市基准高级中学,天宁区,高中,公办\nGONE-001,缺报小学,天宁区,小学,公办\n",
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.stdout


def keys_of_check_json(doc: dict[str, Any]) -> dict[str, set[str]]:
    """Every object of a check document by its contract name, with the union of the keys it was seen with; each
    object kind must also always have the same keys (but for the optional ones)."""
    seen: dict[str, list[set[str]]] = {}

    def add(kind: str, obj: dict[str, Any]) -> None:
        seen.setdefault(kind, []).append(set(obj))

    add("document", doc)
    for r in doc["results"]:
        add("result", r)
        if "waiver" in r:
            add("waiver", r["waiver"])
    for p in doc["errors"] + doc["warnings"]:
        add("problem", p)
    for t in doc["targets"]:
        add("target", t)
        for e in t["excluded"]:
            add("excluded", e)
    add("roster", doc["roster"])
    for kind in ("not_reported", "stale"):
        for item in doc[kind]:
            add(kind, item)
    for item in doc["rectifications"]:
        add("rectification", item)
    for p in doc["rectification_findings"]:  # shaped as the data problems
        add("problem", p)
    if "baseline" in doc:
        add("baseline", doc["baseline"])
        for school in doc["baseline"]["schools"].values():
            add("baseline_school", school)
    for kind, sets in seen.items():
        required = {frozenset(s - OPTIONAL.get(kind, set())) for s in sets}
        assert len(required) == 1, f"{kind} objects differ in their keys: {required}"
    return {kind: set().union(*sets) for kind, sets in seen.items()}


def test_check_json_has_exactly_the_contract_s_keys(city: Path) -> None:
    first = run("check", "--as-of", "2024-12-31", "--format", "json", "--output", "baseline.json")
    (city / "data" / "schools" / "BASE-001.yaml").write_text(
        (city / "data" / "schools" / "BASE-001.yaml").read_text(encoding="utf-8").replace("dedicated: true", "dedicated: false"),
        encoding="utf-8")
    record = city / "data" / "schools" / "BASE-001.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["rectifications"] = [{"rule": "S2-12", "measure": "腾出一间办公室", "person": "王建国", "due": dt.date(2024, 6, 30)}]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    doc = json.loads(run("check", "--as-of", "2024-12-31", "--format", "json", "--baseline", "baseline.json"))
    assert first  # the terminal still got the text
    assert doc["rectifications"] and doc["rectification_findings"]  # 整改逾期: past due, still a gap
    assert {r["status"] for r in doc["results"]} >= {"pass", "fail", "waived"}
    assert doc["errors"] and doc["warnings"] and doc["stale"] and doc["not_reported"] and doc["baseline"]["new"] == 1
    assert keys_of_check_json(doc) == CHECK_JSON


def test_waived_results_say_by_which_waiver(city: Path) -> None:
    doc = json.loads(run("check", "--as-of", "2024-12-31", "--format", "json"))
    waived = [r for r in doc["results"] if r["status"] == "waived"]
    assert waived == [{**waived[0], "waiver": {"reason": "装修中", "approved_by": "市关工委", "expires": "2025-03-31"}}]
    assert all("waiver" not in r for r in doc["results"] if r["status"] != "waived")


def test_rules_json_has_exactly_the_contract_s_keys() -> None:
    rules = json.loads(run("rules", "--format", "json"))
    assert {frozenset(r) for r in rules} == {frozenset(RULES_JSON["rule"])}
    assert {r["scope"] for r in rules} == {"school", "aggregate", "bureau"}


def test_sarif_results_and_rules_have_fixed_keys(city: Path) -> None:
    sarif = json.loads(run("check", "--as-of", "2024-12-31", "--format", "sarif"))["runs"][0]
    gaps = [r for r in sarif["results"] if r["ruleId"] != "DATA"]
    assert {frozenset(set(r) - {"suppressions"}) for r in gaps} == {frozenset(SARIF_RESULT)}
    assert {frozenset(r) for r in sarif["tool"]["driver"]["rules"]} == {frozenset(SARIF_RULE)}
    assert [r["suppressions"][0]["kind"] for r in gaps if "suppressions" in r] == ["external"]


def test_junit_failures_have_fixed_attributes(city: Path) -> None:
    root = ET.fromstring(run("check", "--as-of", "2024-12-31", "--format", "junit"))
    failures = list(root.iter("failure"))
    assert failures and {frozenset(f.attrib) for f in failures} == {frozenset(JUNIT_FAILURE)}


# --- the documentation says the same ---------------------------------------------------------------------------------

DOC = ROOT / "docs" / "json.md"


def documented() -> dict[str, set[str]]:
    """docs/json.md: after each `<!-- contract: NAME -->` marker, a table whose rows start with a `key`."""
    out: dict[str, set[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        marker = re.fullmatch(r"<!-- contract: (\w+) -->", line.strip())
        if marker:
            current = out.setdefault(marker.group(1), set())
        elif current is not None and (row := re.match(r"\|\s*`(\w+)`", line)):
            current.add(row.group(1))
        elif current is not None and line.startswith("#"):
            current = None
    return out


def test_docs_json_lists_exactly_the_contract() -> None:
    assert documented() == {**CHECK_JSON, **RULES_JSON}


def test_the_readme_names_no_field_the_contract_lacks() -> None:
    """README "JSON output" summarises the contract: every field it names in backticks is a key of the contract or a
    documented value (docs/json.md), so renaming a field without the README fails here."""
    readme = (ROOT / "README.en.md").read_text(encoding="utf-8")  # the English reference; README.md is its Chinese guide
    start = readme.index("`carework check --format json` prints")
    section = readme[start: readme.index("\n#", start)]
    named = set(re.findall(r"`\{?(\w+)", section)) - {"carework"}
    keys = set().union(*CHECK_JSON.values(), *RULES_JSON.values())
    values = set(re.findall(r"`(\w+)`", DOC.read_text(encoding="utf-8"))) - keys
    assert named - keys - values == set()
    assert {"results", "expected", "targets", "needed", "excluded"} <= named


def test_the_readme_exit_code_table_is_the_exit_code_contract() -> None:
    from carework.cli.boundary import ExitCode

    readme = (ROOT / "README.en.md").read_text(encoding="utf-8")  # the English reference; README.md is its Chinese guide
    section = readme[readme.index("## Exit codes"): readme.index("\n## ", readme.index("## Exit codes") + 1)]
    documented_codes = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert documented_codes == {int(code) for code in ExitCode}
