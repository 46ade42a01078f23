"""Outputs of the small commands that had no test pinning them: `rules` as text, and `schema` at its default path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from carework.cli import app
from carework.core.model import SEVERITY_LABELS
from carework.rules.model import Plan

runner = CliRunner()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_text_lists_every_rule_with_its_severity(plan: Plan, lang: str) -> None:
    result = runner.invoke(app, ["rules", "--lang", lang], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.split()}
    for rule in plan.rules:
        assert rule.id in lines, rule.id
        if rule.scope == "school":
            assert SEVERITY_LABELS[rule.severity][0 if lang == "zh" else 1] in lines[rule.id], rule.id
        assert rule.title.get(lang)[:10] in lines[rule.id], rule.id


def test_schema_writes_its_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "schema" / "school.schema.json"
    assert "schema/school.schema.json" in result.output
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(
        (ROOT / "schema" / "school.schema.json").read_text(encoding="utf-8"))
