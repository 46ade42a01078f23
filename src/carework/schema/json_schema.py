"""The school record as a JSON Schema, for editors: yaml-language-server (VS Code's YAML extension and others) uses it
to complete keys and choices, show the Chinese descriptions on hover, and underline mistakes while a secretary types.

Generated from `record_schema.py`, the same declaration the validator reads, so the two cannot drift; a test checks
that the committed `schema/school.schema.json` is current. It accepts what the validator accepts — a choice's value
or its Chinese label, null for anything left blank — and no more, except what only the validator can judge (dates in
the future, names from the plan's lists, which are offered for completion but not enforced here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carework.schema.fieldtypes import (
    Boolean,
    Choice,
    Date,
    Expression,
    Field,
    FieldType,
    Integer,
    ListOf,
    Number,
    Record,
    Text,
)
from carework.schema.general import YES_NO, choice_spellings

DRAFT = "http://json-schema.org/draft-07/schema#"


def school_schema(vocabularies: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The JSON Schema of a school record; `vocabularies` (the plan's lists) feed completion of listed names."""
    from carework.schema.school import SCHOOL

    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": "学校关工委工作记录 / School care-committee record",
        "description": "carework 的学校记录：每所学校一个 YAML 文件，文件名为 代码.yaml。由 carework schema 生成，请勿手改。",
    }
    schema.update(_record(SCHOOL, vocabularies or {}))
    return schema


def _record(record: Record, vocabularies: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field(f, vocabularies) for f in record.fields},
        "required": [f.name for f in record.fields if f.required],
        "additionalProperties": False,
    }


def _field(f: Field, vocabularies: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    out = _type(f.type, vocabularies)
    description = f"{f.zh}（{f.en}）"
    if f.note_zh:
        description += f"。{f.note_zh}"
    if isinstance(f.type, Choice):
        description += "。可选：" + "、".join(f"{o.value}（{o.zh}）" for o in f.type.options)
    out = {"title": f.zh, "description": description, **out}
    return out if f.required else _nullable(out)


def _type(t: FieldType, vocabularies: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    if isinstance(t, Record):
        return _record(t, vocabularies)
    if isinstance(t, ListOf):
        return {"type": "array", "items": _nullable(_type(t.item, vocabularies))}  # a blank item is skipped
    if isinstance(t, Choice):
        return {"enum": list(dict.fromkeys([*(v for o in t.options for v in (o.value, o.zh, o.en)), *choice_spellings(t)]))}
    if isinstance(t, Boolean):  # 是/否 as the validator accepts them
        return {"anyOf": [{"type": "boolean"}, {"enum": list(YES_NO)}]}
    if isinstance(t, Integer):
        return {"type": "integer", **_bounds(t.minimum, t.maximum)}
    if isinstance(t, Number):
        return {"type": "number", **_bounds(t.minimum, t.maximum)}
    if isinstance(t, Date):
        # yaml-language-server reads an unquoted 2024-03-15 as text (YAML 1.2), so a date is a string here.
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if isinstance(t, Expression):
        return {"type": ["string", "number", "boolean"]}
    assert isinstance(t, Text)
    out: dict[str, Any] = {"type": "string", "pattern": t.pattern or r"\S"}
    names = vocabularies.get(t.vocabulary or "", ())
    if names:  # offered for completion; the validator judges them, forgiving quotes and spaces
        out = {"anyOf": [{"enum": list(names)}, out]}
    return out


def _bounds(minimum: float | None, maximum: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Blank (`key:` with nothing after it) means unknown, and is allowed wherever a field is not required."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def schema_text(vocabularies: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """The schema as the committed file holds it: Chinese kept readable, stable key order."""
    import json

    return json.dumps(school_schema(vocabularies), ensure_ascii=False, indent=2) + "\n"
