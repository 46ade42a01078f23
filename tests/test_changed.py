"""`carework check FILE...` and `--changed-since REV`: report on some records, compute targets over all of them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import base_record, merge, write_record
from typer.testing import CliRunner

from carework.checking.changed import focus
from carework.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    print(result.output)
    return result.exit_code, result.stdout, result.stderr


def checked(*args: str) -> dict[str, Any]:
    code, out, _ = invoke("--format", "json", *args)
    assert code in (0, 3)
    return json.loads(out)


def schools_in(doc: dict[str, Any]) -> set[str]:
    return {r["school"] for r in doc["results"]}


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three schools; two are certified, so the city's quality target stands at 2 of 3."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, base_record())
    write_record(schools, merge(base_record(), {"code": "BASE-002", "party_hearings": []}))
    write_record(schools, merge(base_record(), {"code": "BASE-003", "quality": {"status": "in_progress", "certified_on": None}}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def city_target(doc: dict[str, Any]) -> tuple[int, int]:
    target = next(t for t in doc["targets"] if t["id"] == "T4-01")
    return target["numerator"], target["denominator"]


def test_named_files_are_reported_and_targets_use_the_whole_data_set(city: Path) -> None:
    doc = checked("data/schools/BASE-002.yaml")
    assert schools_in(doc) == {"BASE-002"} and doc["schools"] == 1 and doc["schools_loaded"] == 3
    assert city_target(doc) == (2, 3)
    code, out, _ = invoke("data/schools/BASE-003.yaml", "data/schools/BASE-002.yaml")
    assert code == 0 and "检查学校 2 所（共载入 3 所）" in out and "66.7% (2/3)" in out


def test_a_folder_around_the_data_set_loads_each_record_once(city: Path) -> None:
    doc = checked("data", "./data/schools/../schools/BASE-001.yaml")
    assert schools_in(doc) == {"BASE-001", "BASE-002", "BASE-003"}
    assert doc["errors"] == [] and city_target(doc) == (2, 3)


def test_a_record_outside_the_data_set_is_loaded_too(city: Path) -> None:
    elsewhere = city / "incoming"
    elsewhere.mkdir()
    write_record(elsewhere, merge(base_record(), {"code": "NEW-001"}))
    doc = checked("incoming/NEW-001.yaml")
    assert schools_in(doc) == {"NEW-001"} and city_target(doc) == (3, 4)


def test_a_missing_file_is_reported(city: Path) -> None:
    code, out, _ = invoke("data/schools/NOPE.yaml", "--format", "json")
    doc = json.loads(out)
    assert code == 3 and [e["file"] for e in doc["errors"]] == ["data/schools/NOPE.yaml"] and doc["results"] == []


def test_problems_of_other_files_are_not_shown(city: Path) -> None:
    (city / "data" / "schools" / "BROKEN.yaml").write_text("code: [\n", encoding="utf-8")
    code, out, _ = invoke("data/schools/BASE-001.yaml", "--format", "json")
    assert code == 0 and json.loads(out)["errors"] == []
    assert invoke("data/schools/BROKEN.yaml")[0] == 3


def test_focus_without_a_data_set_loads_what_is_named(tmp_path: Path) -> None:
    write_record(tmp_path, base_record())
    chosen = focus([tmp_path / "BASE-001.yaml"], (tmp_path / "data" / "schools",))
    assert chosen.roots == (tmp_path / "BASE-001.yaml",)


# --changed-since


@pytest.fixture(autouse=True)
def _own_git_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run git as in a fresh shell: inside a git hook (or a commit made with a private index) GIT_DIR, GIT_INDEX_FILE
    and friends would point these throw-away repositories at the real one."""
    for name in [n for n in os.environ if n.startswith("GIT_")]:
        monkeypatch.delenv(name)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=carework", "-c", "user.email=carework@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(city: Path) -> Path:
    git(city, "init", "-q")
    git(city, "add", ".")
    git(city, "commit", "-q", "-m", "records")
    return city


def test_changed_since_reports_changed_and_new_records(repo: Path) -> None:
    schools = repo / "data" / "schools"
    write_record(schools, merge(base_record(), {"code": "BASE-002", "party_hearings": [{"date": "2024-05-01"}]}))
    write_record(schools, merge(base_record(), {"code": "BASE-004"}))  # untracked
    (repo / "notes.txt").write_text("not a record", encoding="utf-8")
    doc = checked("--changed-since", "HEAD")
    assert schools_in(doc) == {"BASE-002", "BASE-004"} and city_target(doc) == (3, 4)


def test_a_deleted_record_checks_every_record_and_says_why(repo: Path) -> None:
    (repo / "data" / "schools" / "BASE-003.yaml").unlink()  # no longer counted: every school's share moves
    code, out, err = invoke("--format", "json", "--changed-since", "HEAD")
    assert code == 0 and schools_in(json.loads(out)) == {"BASE-001", "BASE-002"}
    assert "删除了记录 data/schools/BASE-003.yaml" in err and "检查全部记录" in err


def test_changed_since_counts_the_branch_only(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    write_record(repo / "data" / "schools", merge(base_record(), {"code": "BASE-002", "name": "改名"}))
    git(repo, "commit", "-q", "-am", "pr change")
    git(repo, "checkout", "-q", "main")
    write_record(repo / "data" / "schools", merge(base_record(), {"code": "BASE-001", "name": "主干上的改动"}))
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "pr")
    assert schools_in(checked("--changed-since", "main")) == {"BASE-002"}


def test_changed_since_with_paths_narrows_to_them(repo: Path) -> None:
    for code in ("BASE-001", "BASE-002"):
        write_record(repo / "data" / "schools", merge(base_record(), {"code": code, "name": "改动"}))
    assert schools_in(checked("--changed-since", "HEAD", "data/schools/BASE-001.yaml")) == {"BASE-001"}


def test_nothing_changed(repo: Path) -> None:
    code, out, err = invoke("--changed-since", "HEAD", "--lang", "en")
    assert code == 0 and "no school record changed since HEAD" in err and "0 school(s) checked (3 loaded)" in out


def test_not_a_repository_or_a_bad_revision_is_a_usage_error(city: Path, repo: Path) -> None:
    code, _, err = invoke("--changed-since", "no-such-branch")
    assert code == 2 and "no-such-branch" in err and "没有版本" in err
    (repo / ".git").rename(repo / "git-moved")
    code, _, err = invoke("--changed-since", "HEAD", "--lang", "en")
    assert code == 2 and "not in a git repository" in err
