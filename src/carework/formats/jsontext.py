"""`json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte, in less than half the time.

With `indent`, the standard library gives up its C encoder for a pure-Python one, and a city's JSON document (forty
results a school, 11 MB for 1,000 schools) then costs a large share of a check: 0.74 s against 0.32 s here. This writes the same text with the C string
encoder and plain loops; anything beyond JSON's own types goes to `json.dumps`, which raises as it always did.
`json.dumps` is its reference twin, which `writer()` gives instead under `CAREWORK_REFERENCE=1`; `tests/test_jsontext.py` and
`tests/twins/` hold it to the standard library's output.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from carework.core.reference import reference_mode

#: Keys as written, with their ": " (a document repeats the same few keys many thousand times).
_KEYS: dict[str, str] = {}


class _Unusual(Exception):
    """A value `json.dumps` must handle itself (another type, or a key that is not text)."""


def writer() -> Callable[[Any], str]:
    """`dumps_indented`, or with `CAREWORK_REFERENCE=1` the `json.dumps` it stands for; read once per document or
    school, not once per value."""
    return _reference_dumps if reference_mode() else dumps_indented


def _reference_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def dumps_indented(value: Any, indent: int = 2) -> str:
    """The text `json.dumps(value, ensure_ascii=False, indent=indent)` gives."""
    parts: list[str] = []
    try:
        _encode(value, "\n", " " * indent, parts)
    except _Unusual:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(parts)


def _encode(value: Any, newline: str, pad: str, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        parts.append(_float(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + pad
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            label = _KEYS.get(key)
            if label is None:
                label = _KEYS[key] = encode_basestring(key) + ": "
            parts.append(separator)
            parts.append(label)
            item_kind = type(item)
            if item_kind is str:  # the common cases inline: a call per value costs as much as the value
                parts.append(encode_basestring(item))
            elif item_kind is int:
                parts.append(int.__repr__(item))
            elif item is None:
                parts.append("null")
            else:
                _encode(item, inner, pad, parts)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + pad
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _encode(item, inner, pad, parts)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        raise _Unusual


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)
