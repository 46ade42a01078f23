"""A validated record written as YAML the way the template lays it out: keys in the declaration's order, lists
indented under their key, empty fields left out, UTF-8 text as it is typed."""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]

from carework.schema.fieldtypes import FieldType, ListOf, Record


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # lists indented, as the template
        super().increase_indent(flow, False)


def record_yaml(value: dict[str, Any], schema: Record) -> str:
    """`value` (validated against `schema`) as YAML text."""
    return yaml.dump(_pruned(value, schema) or {}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=120)


def _pruned(value: Any, t: FieldType) -> Any:
    """The value without empty fields, its mappings in the declaration's order."""
    if isinstance(t, Record) and isinstance(value, dict):
        out = {}
        for f in t.fields:
            kept = _pruned(value.get(f.name), f.type)
            if kept is not None:
                out[f.name] = kept
        return out or None
    if isinstance(t, ListOf) and isinstance(value, list):
        items = [_pruned(v, t.item) for v in value]
        return [v if v is not None else ({} if isinstance(t.item, Record) else None) for v in items] or None
    return value
