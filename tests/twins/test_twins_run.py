"""A whole check and report, every fast path on or every reference twin: the same results, outputs and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, PLAN_FILE, TODAY, generated_city
from twin_support import BAD_INPUT, NOT_RECORDS, ROOT, SAMPLE, both
from typer.testing import CliRunner

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.cli import app
from carework.core.reference import SWITCH
from carework.formats import FORMATS
from carework.formats.jsontext import writer


@pytest.fixture(autouse=True)
def _one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREWORK_JOBS", "1")  # the CLI's own runs: in this process, where the switch is set


def bad_input_city(folder: Path) -> Path:
    """Every record of the bad-input corpus in one data folder (each under its case's name, so codes may repeat)."""
    for path in sorted(BAD_INPUT.rglob("*.yaml")):
        if path.name not in NOT_RECORDS and path.is_file():
            target = folder / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return folder


def everything(inputs: Inputs) -> tuple[object, ...]:
    run = run_check(inputs, AS_OF, TODAY, jobs=1)
    results = [(r.school, r.rule, r.status, r.message_zh, r.message_en, r.location, repr(r.found), repr(r.expected),
                r.waiver) for r in run.results]
    return results, run.problems, run.targets, [(s.code, s.data) for s in run.schools]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return generated_city(tmp_path_factory.mktemp("city"), 80, seed=7)


def test_the_sample_city_the_generated_city_and_the_bad_input_check_the_same(city: Inputs,
                                                                          tmp_path: Path) -> None:
    for inputs in (Inputs((SAMPLE,), PLAN_FILE, None), city,
                   Inputs((bad_input_city(tmp_path),), PLAN_FILE, None)):
        fast, plain = both(lambda inputs=inputs: everything(inputs))
        assert fast == plain, inputs.schools


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_writes_the_same(city: Inputs, fmt: str) -> None:
    args = ["check", *map(str, city.schools), "--plan", str(PLAN_FILE), "--waivers", str(city.waivers),
            "--as-of", AS_OF.isoformat(), "--format", fmt, "--no-cache"]

    def check(lang: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, [*args, "--lang", lang])
        return result.exit_code, result.stdout

    for lang in ("zh", "en"):
        fast, plain = both(lambda lang=lang: check(lang))
        assert fast[0] in (0, 1, 3) and fast[1], fast
        assert fast == plain, lang


def test_the_reports_render_the_same(city: Inputs, tmp_path: Path) -> None:
    def report(out: Path) -> dict[str, str]:
        result = CliRunner().invoke(app, ["report", *map(str, city.schools), "--plan", str(PLAN_FILE), "--waivers",
                                          str(city.waivers), "--as-of", AS_OF.isoformat(), "--out", str(out),
                                          "--no-cache"])
        assert result.exit_code in (0, 1, 3), result.output
        return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md"))}

    fast, plain = both(lambda: report(tmp_path / f"reports-{os.environ.get(SWITCH, '0')}"))
    assert fast and fast == plain


def test_jsontext_writes_what_json_dumps_writes(city: Inputs) -> None:
    result = CliRunner().invoke(app, ["check", *map(str, city.schools), "--plan", str(PLAN_FILE), "--as-of",
                                      AS_OF.isoformat(), "--format", "json", "--no-cache"])
    document = json.loads(result.stdout)
    for value in (document, document["results"][:50], {"nan": float("nan"), "big": 10**30, "t": (1, "二")}):
        fast, plain = both(lambda value=value: writer()(value))
        assert fast == plain == json.dumps(value, ensure_ascii=False, indent=2)


def test_the_reference_switch_on_the_command_line_checks_the_sample_city_the_same(tmp_path: Path) -> None:
    """`CAREWORK_REFERENCE=1 carework check --format json` on the sample data equals the default run."""
    def check(reference: bool) -> tuple[int, str]:
        env = {k: v for k, v in os.environ.items() if k != SWITCH} | ({SWITCH: "1"} if reference else {})
        env["CAREWORK_CACHE_DIR"] = str(tmp_path / "cache")  # both runs use the cache: its context keeps them apart
        done = subprocess.run([sys.executable, "-m", "carework", "check", str(SAMPLE), "--plan", str(PLAN_FILE),
                               "--as-of", AS_OF.isoformat(), "--format", "json"], capture_output=True, text=True,
                              env=env, cwd=ROOT, check=False)
        return done.returncode, done.stdout

    default, reference = check(False), check(True)
    assert default[1] and default == reference
