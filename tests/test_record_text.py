"""The YAML an import writes: the fast path (libyaml, lists indented after) gives the reference emitter's very text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT

from carework.reading.loader import load_file, parse
from carework.schema.record_text import _indented, _pruned, record_yaml, reference_yaml
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate

CTX = Context(today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("record", sorted((ROOT / "data" / "schools").glob("*.yaml")), ids=lambda p: p.stem)
def test_fast_and_reference_write_the_same_text_and_it_reads_back(record: Path) -> None:
    value = validate(load_file(record, record.name), SCHOOL, CTX).value
    text = record_yaml(value, SCHOOL)
    assert text == reference_yaml(_pruned(value, SCHOOL))
    assert text.startswith("code: ") and "\n  - " in text  # lists indented under their key, as in the template
    assert validate(parse(text, "again"), SCHOOL, CTX).value == value


def test_a_multiline_text_is_left_to_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"code": "A-1", "name": "甲校", "district": "甲区", "kind": "primary",
             "activities": [{"date": dt.date(2024, 3, 5), "title": "第一行\n- 第二行: 像一个列表项", "kind": "other"}]}
    text = record_yaml(value, SCHOOL)
    assert text == reference_yaml(_pruned(value, SCHOOL))
    assert validate(parse(text, "t"), SCHOOL, CTX).value["activities"][0]["title"] == "第一行\n- 第二行: 像一个列表项"


def test_reference_mode_uses_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREWORK_REFERENCE", "1")
    value = validate(load_file(ROOT / "data" / "schools" / "JT-CZ-001.yaml", "x"), SCHOOL, CTX).value
    assert record_yaml(value, SCHOOL) == reference_yaml(_pruned(value, SCHOOL))


def test_indenting_refuses_a_list_it_cannot_place() -> None:
    assert _indented("- a\n- b\n") is None
    assert _indented("a:\n- 1\nb:\n  c:\n  - 2\n") == "a:\n  - 1\nb:\n  c:\n    - 2\n"
