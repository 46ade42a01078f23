"""Where a run's plan and waivers come from, and what a waiver file that names the wrong thing says.

Precedence (README "Where the inputs come from"): `--plan` / `--waivers` on the command line, else `carework.yaml`'s
`plan:` / `waivers:`, else the repository's own plan and `data/waivers.yaml`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_RECORD, PLAN_FILE
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()


def waiver(rule: str, school: str, expires: str = "2025-06-30") -> str:
    return f"  - {{rule: {rule}, school: {school}, reason: 装修中, approved_by: 市关工委, expires: {expires}}}\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One school with a gap in S2-12 and S2-13, and three waiver files each waiving a different one of them."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    record = BASE_RECORD.read_text(encoding="utf-8").replace("office: {dedicated: true, sign: true",
                                                             "office: {dedicated: false, sign: false")
    (schools / "BASE-001.yaml").write_text(record, encoding="utf-8")
    (tmp_path / "data" / "waivers.yaml").write_text("waivers:\n" + waiver("S2-12", "BASE-001"), encoding="utf-8")
    (tmp_path / "config-waivers.yaml").write_text("waivers:\n" + waiver("S2-13", "BASE-001"), encoding="utf-8")
    (tmp_path / "cli-waivers.yaml").write_text("waivers:\n" + waiver("S2-12", "BASE-001") + waiver("S2-13", "BASE-001"),
                                               encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLAN_FILE, plans / "ours.yaml")
    text = PLAN_FILE.read_text(encoding="utf-8")
    (plans / "other.yaml").write_text(text.replace("id: work-points-2024", "id: other-plan", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "json", *args])
    print(result.output)
    assert result.exit_code in (0, 3), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def waived(doc: dict[str, Any]) -> list[str]:
    return sorted(r["rule"] for r in doc["results"] if r["status"] == "waived")


def test_data_waivers_yaml_is_the_default(repo: Path) -> None:
    assert waived(check()) == ["S2-12"]


def test_carework_yaml_names_the_plan_and_the_waivers(repo: Path) -> None:
    (repo / "carework.yaml").write_text("plan: plans/other.yaml\nwaivers: config-waivers.yaml\n", encoding="utf-8")
    doc = check()
    assert doc["plan"] == "other-plan" and waived(doc) == ["S2-13"]


def test_the_command_line_wins_over_carework_yaml(repo: Path) -> None:
    (repo / "carework.yaml").write_text("plan: plans/other.yaml\nwaivers: config-waivers.yaml\n", encoding="utf-8")
    doc = check("--plan", "plans/ours.yaml", "--waivers", "cli-waivers.yaml")
    assert doc["plan"] == "work-points-2024" and waived(doc) == ["S2-12", "S2-13"]


@pytest.mark.parametrize(("entry", "code", "words"), [
    (waiver("S9-99", "BASE-001"), "waiver-unknown-rule", "S9-99"),
    (waiver("S2-12", "NOPE-001"), "waiver-unknown-school", "NOPE-001"),
    (waiver("S2-12", "BASE-001", "2024-12-30"), "waiver-expired", "2024-12-30"),
])
def test_a_waiver_naming_the_wrong_thing_is_a_located_warning(repo: Path, entry: str, code: str, words: str) -> None:
    (repo / "data" / "waivers.yaml").write_text("waivers:\n" + entry, encoding="utf-8")
    doc = check()
    assert [(w["code"], w["file"], w["line"]) for w in doc["warnings"]] == [(code, "data/waivers.yaml", 2)]
    assert words in doc["warnings"][0]["message"]
    assert waived(doc) == [] and not doc["errors"]
