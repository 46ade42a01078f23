"""Checking in a pool of processes, and from per-record outcomes, gives exactly what checking one by one gives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, PLAN_FILE, TODAY
from support.generate import generate

import carework.checking.pool as parallel
from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.checking.run import CheckRun
from carework.core.model import Status
from carework.reading.source import read_source
from carework.rules.engine import evaluate_school, waiver_index
from carework.rules.model import Plan
from carework.rules.targets import evaluate_targets
from carework.schema.records import load_school, unique_codes
from carework.schema.validate import Context

RECORDS = 150


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated city big enough for several pool tasks, with data errors, warnings and every kind of result."""
    folder = tmp_path_factory.mktemp("city") / "schools"
    generate(RECORDS, folder, seed=7)
    return folder


@pytest.fixture(scope="module")
def waivers(tmp_path_factory: pytest.TempPathFactory, city: Path) -> Path:
    path = tmp_path_factory.mktemp("waivers") / "waivers.yaml"
    codes = sorted(p.stem for p in city.rglob("*.yaml"))[:40]
    entries = "".join(f"  - {{rule: {rule}, school: {code}, reason: 整改中, approved_by: 市教育局, expires: {expires}}}\n"
                      for code in codes for rule, expires in (("S2-13", "2025-06-30"), ("S1-04", "2024-06-30")))
    path.write_text("waivers:\n" + entries, encoding="utf-8")
    return path


def flat(run: CheckRun) -> dict[str, Any]:
    """Everything a format or report reads from a run, in comparable form (Location.path included)."""
    return {
        "schools": [(s.code, s.name, s.district, s.kind, s.ownership, s.file, s.data.get("quality")) for s in run.schools],
        "results": [(r, r.location.path, r.found, r.expected, r.waiver) for r in run.results],
        "problems": [(p, p.location.path) for p in run.problems],
        "targets": run.targets,
        "selected": run.selected,
    }


def test_two_processes_give_what_one_gives(city: Path, waivers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_CHUNK", 30)
    pooled: list[int] = []
    in_pool = parallel._in_pool

    def spy(*args: Any, **kwargs: Any) -> Any:
        pooled.append(len(args[1]))  # the indexes of the files to check
        return in_pool(*args, **kwargs)

    monkeypatch.setattr(parallel, "_in_pool", spy)
    inputs = Inputs((city,), PLAN_FILE, waivers)
    one = run_check(inputs, AS_OF, TODAY, jobs=1)
    assert pooled == []
    two = run_check(inputs, AS_OF, TODAY, jobs=2)
    assert pooled == [RECORDS], "the second run must really use the pool"
    assert flat(two) == flat(one)


def test_outcomes_give_what_the_engine_gives_on_whole_records(city: Path, waivers: Path, plan: Plan) -> None:
    """The compact outcomes, the waivers applied afterwards and the target facts change nothing."""
    run = run_check(Inputs((city,), PLAN_FILE, waivers), AS_OF, TODAY, jobs=1)
    ctx = Context(vocabularies=plan.vocabularies, today=TODAY, period=plan.period)
    loaded = [s for p in sorted(city.rglob("*.yaml")) if (s := load_school(read_source(p, [city]), ctx)[0]) is not None]
    schools, _ = unique_codes(loaded)
    schools.sort(key=lambda s: (s.district, s.code))
    from carework.rules.waivers import load_waivers

    index, _ = waiver_index(plan, load_waivers(waivers)[0], {s.code for s in schools}, AS_OF)
    expected = [r for s in schools for r in evaluate_school(plan, s, AS_OF, index)]
    assert [(r, r.location.path, r.found, r.expected, r.waiver) for r in run.results] == \
           [(r, r.location.path, r.found, r.expected, r.waiver) for r in expected]
    assert run.targets == evaluate_targets(plan, schools, AS_OF)
    statuses = {r.status for r in run.results}
    assert statuses == set(Status), "the generated city exercises every status"
    assert any(p.level == "error" for p in run.problems) and any(p.level == "warning" for p in run.problems)


def test_the_pool_is_not_started_for_a_few_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "schools"
    generate(20, folder)
    monkeypatch.setattr(parallel, "_in_pool", lambda *a, **k: pytest.fail("a pool for 20 files"))
    run = run_check(Inputs((folder,), PLAN_FILE, None), AS_OF, TODAY, jobs=2)
    assert len(run.schools) == 20


def test_progress_reaches_the_total(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_CHUNK", 30)
    seen: list[tuple[int, int]] = []
    run_check(Inputs((city,), PLAN_FILE, None), AS_OF, TODAY, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (RECORDS, RECORDS)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_jobs_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREWORK_JOBS", "3")
    assert parallel.default_jobs() == 3
    monkeypatch.setenv("CAREWORK_JOBS", "zero")
    assert parallel.default_jobs() == len(os.sched_getaffinity(0))


def test_generated_records_are_deterministic(tmp_path: Path) -> None:
    first = generate(5, tmp_path / "a", seed=3)
    second = generate(5, tmp_path / "b", seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
