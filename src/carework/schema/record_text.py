"""A validated record written as YAML the way the template lays it out: keys in the declaration's order, lists
indented under their key, empty fields left out, UTF-8 text as it is typed.

PyYAML's pure-Python emitter (the reference) takes most of an import's time; libyaml's is several times faster but
always writes a list flush with its key. The fast path lets libyaml write and then indents each such list by two
spaces, and keeps the result only when it reads back as the very same value; anything else (a scalar over several
lines, say) is written by the reference, which `CAREWORK_REFERENCE=1` also forces. tests/test_record_text.py holds the
two to the same text.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]

from carework.core.reference import reference_mode
from carework.schema.fieldtypes import FieldType, ListOf, Record

_OPTIONS = {"allow_unicode": True, "sort_keys": False, "default_flow_style": False, "width": 120}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # lists indented, as the template
        super().increase_indent(flow, False)


def record_yaml(value: dict[str, Any], schema: Record) -> str:
    """`value` (validated against `schema`) as YAML text."""
    pruned = _pruned(value, schema) or {}
    if not reference_mode() and hasattr(yaml, "CSafeDumper"):
        fast = _indented(yaml.dump(pruned, Dumper=yaml.CSafeDumper, **_OPTIONS))
        if fast is not None and yaml.load(fast, Loader=yaml.CSafeLoader) == pruned:
            return fast
    return reference_yaml(pruned)


def reference_yaml(pruned: dict[str, Any]) -> str:
    """The reference: PyYAML's own emitter, told to indent lists."""
    return yaml.dump(pruned, Dumper=_Dumper, **_OPTIONS)


def _indented(text: str) -> str | None:
    """libyaml's block YAML with every list moved two spaces in from its key; None for text this does not know."""
    out: list[str] = []
    open_lists: list[int] = []  # the indentation of each list being shifted, outermost first
    previous = ""
    for line in text.splitlines(keepends=True):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        item = content.startswith("- ") or content.rstrip("\n") == "-"
        while open_lists and (open_lists[-1] > indent or (open_lists[-1] == indent and not item)):
            open_lists.pop()
        if item and (not open_lists or open_lists[-1] != indent):
            key = previous.lstrip(" ").lstrip("- ")
            if not previous.rstrip("\n").endswith(":") or len(previous) - len(previous.lstrip(" ")) > indent or not key:
                return None  # a list not under a key of its own line: not a shape this knows
            open_lists.append(indent)
        out.append(" " * (2 * len(open_lists)) + line)
        previous = line
    return "".join(out)


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
