"""The editor schema: `schema/school.schema.json` is current, and every sample record and the template validate
against it with the standard `jsonschema` validator, read the way yaml-language-server reads YAML (dates as text).
It also refuses what the validator refuses, where a JSON Schema can say so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT, base_record
from typer.testing import CliRunner

from carework.cli import app
from carework.rules.model import Plan
from carework.schema.json_schema import schema_text

runner = CliRunner()
SCHEMA_FILE = ROOT / "schema" / "school.schema.json"
TEMPLATE = ROOT / "templates" / "record-template.yaml"
SAMPLES = sorted((ROOT / "data" / "schools").glob("*.yaml"))


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: an unquoted 2024-03-15 is text, not a date (YAML 1.2)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)  # noqa: S506 - a SafeLoader subclass


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def problems(validator: jsonschema.Draft7Validator, record: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]


def test_the_committed_schema_is_current(plan: Plan) -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(plan.vocabularies), \
        "regenerate it: carework schema (from the repository's root)"


def test_carework_schema_writes_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["schema", "--output", str(tmp_path / "out" / "school.schema.json")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "school.schema.json").read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    result = runner.invoke(app, ["schema", "--output", "-"])
    assert json.loads(result.stdout)["title"].startswith("学校关工委工作记录")


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_record_validates(validator: jsonschema.Draft7Validator, path: Path) -> None:
    assert problems(validator, load(path)) == []


def test_there_are_samples_and_a_template() -> None:
    assert len(SAMPLES) >= 30 and TEMPLATE.is_file()


def test_the_template_validates_and_points_at_the_schema(validator: jsonschema.Draft7Validator) -> None:
    assert problems(validator, load(TEMPLATE)) == []
    first = TEMPLATE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/school.schema.json"
    assert (TEMPLATE.parent / "../schema/school.schema.json").resolve() == SCHEMA_FILE.resolve()


def test_chinese_descriptions_and_enums() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    kind = schema["properties"]["kind"]
    assert kind["title"] == "学校类型" and {"primary", "小学"} <= set(kind["enum"])
    assert "可选：kindergarten（幼儿园）" in kind["description"]
    elders = schema["properties"]["elders"]["items"]
    assert elders["properties"]["tier"]["title"] == "队伍" and elders["additionalProperties"] is False
    assert schema["required"] == ["code", "name", "district", "kind"]


@pytest.mark.parametrize(("patch", "accepted"), [
    ({"kind": "小学"}, True),  # a choice's Chinese label is accepted, as the validator accepts it
    ({"ownership": None, "office": None, "elders": None}, True),  # blank means unknown
    ({"updated": "2024-02-30"}, False),  # no such day
    ({"updated": "2024年3月1日"}, False),
    ({"kind": "university"}, False),
    ({"commitee": {}}, False),  # unknown key (the validator says "did you mean committee")
    ({"name": "  "}, False),
    ({"code": "坏 代码"}, False),
    ({"budget": [{"year": 2024, "amount": -1}]}, False),
    ({"office": {"dedicated": "yes please"}}, False),
    ({"kind": None}, False),  # required
])
def test_the_schema_agrees_with_the_validator(validator: jsonschema.Draft7Validator, tmp_path: Path, plan: Plan,
                                              patch: dict[str, Any], accepted: bool) -> None:
    from carework.reading.source import read_source
    from carework.schema.records import load_school
    from carework.schema.validate import Context

    record = {**base_record(), **patch}
    path = tmp_path / "BASE-001.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, found = load_school(read_source(path, [tmp_path]), Context(vocabularies=plan.vocabularies, period=plan.period))
    assert (not [p for p in found if p.level == "error"]) is accepted, found
    assert (not problems(validator, load(path))) is accepted


def test_the_editor_accepts_the_chinese_spellings_the_checker_accepts(validator: jsonschema.Draft7Validator) -> None:
    record = load(SAMPLES[0])
    record["office"] = {"dedicated": "是", "sign": "否", "archives": True}
    record["committee"]["director"]["post"] = "校长"
    assert problems(validator, record) == []
    record["office"]["dedicated"] = "有一间"
    assert problems(validator, record) != []
