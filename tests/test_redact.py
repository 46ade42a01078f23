"""`--redact`: people's names masked (王建国 → 王**) in check formats, reports and exports, and nothing else changed."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from typer.testing import CliRunner

from carework.cli.app import app
from carework.reading.loader import load_file
from carework.schema.redact import Redactor, mask, person_names

SAMPLES = sorted((ROOT / "data" / "schools").glob("*.yaml"))
NAMES = {n for p in SAMPLES for n in person_names(load_file(p, p.name).value) if len(n) > 1}


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--as-of", "2024-12-31"])
    assert result.exit_code in (0, 3), result.output
    return result.output


def test_mask_keeps_the_family_name() -> None:
    assert mask("王建国") == "王**" and mask("艳") == "*" and mask(" 李明 ") == "李*"


def test_names_come_from_the_fields_the_schema_declares_as_people() -> None:
    record = {"committee": {"director": {"name": "王建国"}}, "elders": [{"name": "李明华"}],
              "trainings": [{"attendees": ["赵秀英"], "title": "王建国讲话学习"}], "name": "某某学校"}
    assert set(person_names(record)) == {"王建国", "李明华", "赵秀英"}


def test_check_json_without_and_with_redact(sample_city: Path) -> None:
    plain = _run("check", "--format", "json")
    hidden = _run("check", "--format", "json", "--redact")
    shown = {n for n in NAMES if n in plain}
    assert shown and not {n for n in NAMES if n in hidden}
    assert any(mask(n) in hidden for n in shown)
    counts = [(r["school"], r["rule"], r["status"]) for r in json.loads(hidden)["results"]]
    assert counts == [(r["school"], r["rule"], r["status"]) for r in json.loads(plain)["results"]]


def test_reports_with_redact_name_nobody(sample_city: Path) -> None:
    _run("report", "--out", "plain")
    _run("report", "--out", "hidden", "--redact")
    plain = "".join(p.read_text(encoding="utf-8") for p in sorted((sample_city / "plain").rglob("*.md")))
    hidden = "".join(p.read_text(encoding="utf-8") for p in sorted((sample_city / "hidden").rglob("*.md")))
    assert {n for n in NAMES if n in plain}
    assert not {n for n in NAMES if n in hidden}


def test_a_school_whose_record_cannot_be_read_has_its_texts_withheld(tmp_path: Path) -> None:
    from carework.core.model import School
    from carework.reading.loader import Document

    school = School("A-1", "甲校", "甲区", "primary", "public", str(tmp_path / "gone.yaml"), {}, Document("x", None),
                    [], [])
    hide = Redactor().for_school(school)
    assert "王建国" not in hide("缺少王建国") and hide("") == ""
