"""`carework diff` over a real git history (records added, removed, fixed, renamed), over two JSON results, and
`carework report --since`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from carework.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
KEPT = ("ZL-YE-002", "JT-CZ-001", "WJ-XX-002", "TN-XX-001", "XB-YE-002")


@pytest.fixture(autouse=True)
def _own_git_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("GIT_")]:
        monkeypatch.delenv(name)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=carework", "-c", "user.email=carework@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=repo, capture_output=True, text=True, check=True).stdout


def edit(path: Path, **changes: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository with two commits: `before`, then `after` which fixes a gap, makes one, adds a school,
    removes one and renames (moves) a record file."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "plans", tmp_path / "data" / "plans")
    for code in KEPT:
        shutil.copy(ROOT / "data" / "schools" / f"{code}.yaml", schools / f"{code}.yaml")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "before")
    git(tmp_path, "tag", "before")
    zl = schools / "ZL-YE-002.yaml"
    data = yaml.safe_load(zl.read_text(encoding="utf-8"))
    data["lecturers"] = [*data["lecturers"], {"name": "新讲师", "elder": True}]  # S3-01 fixed
    data["office"] = {**data["office"], "dedicated": True}  # S2-12 fixed
    zl.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edit(schools / "TN-XX-001.yaml", readers=[])  # a new gap (S3-?)
    shutil.copy(ROOT / "data" / "schools" / "ZL-XX-001.yaml", schools / "ZL-XX-001.yaml")  # added
    git(tmp_path, "rm", "-q", "data/schools/XB-YE-002.yaml")  # gone
    (schools / "金坛区").mkdir()
    git(tmp_path, "add", ".")
    git(tmp_path, "mv", "data/schools/JT-CZ-001.yaml", "data/schools/金坛区/JT-CZ-001.yaml")  # renamed: same school
    git(tmp_path, "commit", "-q", "-m", "after")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def diff_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["diff", *args, "--as-of", "2024-12-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_diff_between_two_revisions(history: Path) -> None:
    document = diff_json("before", "HEAD")
    by_code = {s["code"]: s for s in document["schools"]}
    assert by_code["ZL-YE-002"]["resolved"] == ["S2-12", "S3-01"] and by_code["ZL-YE-002"]["new"] == []
    assert "S2-13" in by_code["ZL-YE-002"]["still_open"]
    assert by_code["TN-XX-001"]["new"] and by_code["TN-XX-001"]["resolved"] == []
    assert by_code["JT-CZ-001"]["new"] == [] and by_code["JT-CZ-001"]["resolved"] == []  # renamed, not added/gone
    assert [s["code"] for s in document["schools_added"]] == ["ZL-XX-001"]
    assert [s["code"] for s in document["schools_gone"]] == ["XB-YE-002"]
    assert document["counts"]["schools_added"] == 1 and document["counts"]["schools_gone"] == 1
    assert document["before"]["schools"] == 5 and document["after"]["schools"] == 5
    city = next(t for t in document["targets"] if t["district"] is None)
    assert city["before"]["denominator"] == 5 and city["after"]["denominator"] == 5


def test_the_working_tree_is_the_default_other_side_and_the_text_says_what_moved(history: Path) -> None:
    edit(history / "data" / "schools" / "WJ-XX-002.yaml", care_platforms=[])
    out = runner.invoke(app, ["diff", "HEAD", "--as-of", "2024-12-31"])
    assert out.exit_code == 0, out.output
    assert "从 HEAD 到 ." in out.stdout and "武进区洛阳中心小学（WJ-XX-002）" in out.stdout and "新增未达标" in out.stdout
    assert "ZL-YE-002" not in out.stdout  # nothing moved there
    same = runner.invoke(app, ["diff", "HEAD", "HEAD", "--as-of", "2024-12-31", "--format", "markdown"])
    assert "# 自上次报告以来" in same.stdout and "新增未达标 0 项，已解决 0 项" in same.stdout


def test_a_diff_between_two_json_results(history: Path) -> None:
    before = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "json", "--no-cache"]).stdout
    (history / "before.json").write_text(before, encoding="utf-8")
    edit(history / "data" / "schools" / "WJ-XX-002.yaml", care_platforms=[])
    after = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "json", "--no-cache"]).stdout
    (history / "after.json").write_text(after, encoding="utf-8")
    document = diff_json("before.json", "after.json")
    assert [(s["code"], s["new"]) for s in document["schools"] if s["new"]] == [("WJ-XX-002", ["S5-01"])]


@pytest.mark.parametrize("bad", ["--output=x", "no-such-rev", "before..HEAD"])
def test_a_bad_revision_is_refused_clearly(history: Path, bad: str) -> None:
    result = runner.invoke(app, ["diff", "--", bad, "--as-of", "2024-12-31"])
    assert result.exit_code == 2, result.output
    assert not (history / "x").exists()


def test_a_json_that_is_not_a_result_is_refused(history: Path) -> None:
    (history / "odd.json").write_text('{"results": [{"school": 1}]}', encoding="utf-8")
    result = runner.invoke(app, ["diff", "odd.json", "HEAD", "--as-of", "2024-12-31"])
    assert result.exit_code == 2 and "results[0]" in result.output


def test_report_since_writes_the_changes_page(history: Path) -> None:
    result = runner.invoke(app, ["report", "--as-of", "2024-12-31", "--since", "before", "--no-cache", "--out", "reports"])
    assert result.exit_code == 0, result.output
    page = (history / "reports" / "changes.md").read_text(encoding="utf-8")
    assert page.startswith("# 自上次报告以来") and "ZL-YE-002" in page and "XB-YE-002" in page
