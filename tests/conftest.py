"""Shared fixtures: the repository's plan, a school record built from the rule-case base, the CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from carework.checking.config import Inputs
from carework.checking.plan_cases import merge  # noqa: F401  (tests import it from here)
from carework.core.model import School
from carework.reading.source import read_source
from carework.rules.model import Plan
from carework.rules.plan import load_plan
from carework.schema.records import load_school
from carework.schema.validate import Context

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "data" / "plans" / "2024.yaml"
BASE_RECORD = ROOT / "data" / "plans" / "2024" / "base-record.yaml"
SHARED = ROOT.parent / "shared"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
AS_OF = dt.date(2024, 12, 31)
TODAY = dt.date(2026, 11, 29)


def not_checked(reason: str) -> NoReturn:
    """Skip a check that cannot be made here (something outside the repository is missing, or golden files were just
    regenerated); under CI (`CI=true`) fail instead, so a CI run is never green for checks it did not make."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a CI run must not skip this check)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_plan(PLAN_FILE)


def base_record() -> dict[str, Any]:
    return yaml.safe_load(BASE_RECORD.read_text(encoding="utf-8"))


def generated_city(folder: Path, count: int, seed: int, waived: int = 20) -> Inputs:
    """`count` generated schools in `folder`/schools (tests/support/generate.py: every kind of result), and a waiver
    file covering rule S2-13 for the first `waived` of them."""
    from support.generate import generate

    schools = folder / "schools"
    generate(count, schools, seed=seed)
    waivers = folder / "waivers.yaml"
    codes = sorted(p.stem for p in schools.rglob("*.yaml"))[:waived]
    waivers.write_text("waivers:\n" + "".join(
        f"  - {{rule: S2-13, school: {code}, reason: 整改中, approved_by: 市教育局, expires: 2025-06-30}}\n" for code in codes),
        encoding="utf-8")
    return Inputs((schools,), PLAN_FILE, waivers)


def write_record(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / f"{data['code']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def school_from(plan: Plan, folder: Path, data: dict[str, Any], allow_errors: bool = False) -> School:
    """Load `data` as a record; with `allow_errors` the record may have data errors (its school must still load)."""
    path = write_record(folder, data)
    ctx = Context(vocabularies=plan.vocabularies, today=TODAY, period=plan.period)
    school, problems = load_school(read_source(path, [folder]), ctx)
    errors = [p for p in problems if p.level == "error"]
    assert school is not None, [f"{p.location.line}: {p.message_en}" for p in problems]
    assert allow_errors or not errors, [f"{p.location.line}: {p.message_en}" for p in problems]
    return school


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--format auto` gives annotations under GitHub Actions; tests expect what a plain run prints wherever they run."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def _output_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """CAREWORK_LANG chooses the default language of the output; tests expect the default, Chinese."""
    monkeypatch.delenv("CAREWORK_LANG", raising=False)


@pytest.fixture(autouse=True)
def _cache_in_a_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`carework check` caches per-record results by default; tests keep that cache out of the user's cache folder."""
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "carework-cache"))


@pytest.fixture
def sample_city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's data (plan, roster, 36 sample schools) as the current folder."""

    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def one_school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository with one good record (`data/schools/BASE-001.yaml`), as the current folder."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    (schools / "BASE-001.yaml").write_text(BASE_RECORD.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path

