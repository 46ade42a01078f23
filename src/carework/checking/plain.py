"""Plain values as bytes and back: JSON with a small tagged form, so what is stored is data and never code.

The cache's entries and the packed rule results of a `FileOutcome` use it. JSON has no tuples, dates or non-text keys,
so each is written as a one-key object (the only objects written): `{"t": [...]}` a tuple, `{"d": "2024-05-01"}` a
date, `{"s": "2024-05-01T08:00:00"}` a date and time, `{"m": [[key, value], ...]}` a mapping, `{"b": "base64"}` bytes,
and the two values rule results show: `{"L": [zh, en]}` a `checks.Label`, `{"P": 0.25}` a `checks.Percent`.
Lists, text, numbers (including NaN and infinities), booleans and None are JSON's own. Any other type is refused when
writing (`TypeError`), and anything else when reading — a torn file, another tag, a value of the wrong shape — is a
`ValueError`: callers treat that as "not there", never run it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from carework.rules.checks import Label, Percent

_DECODER = json.JSONDecoder(object_hook=lambda obj: _untag(obj))


def dumps(value: Any) -> bytes:
    """`value` (plain values, tuples, dates, mappings and bytes, nested) as UTF-8 JSON."""
    return json.dumps(_tag(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(data: bytes) -> Any:
    """The value `dumps` wrote; raises ValueError for anything it did not write."""
    try:
        return _DECODER.decode(data.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, RecursionError, TypeError, KeyError, binascii.Error) as exc:
        raise ValueError(f"not an encoded value: {exc}") from None


def _tag(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple:
        return {"t": [_tag(v) for v in value]}
    if kind is list:
        return [_tag(v) for v in value]
    if kind is dict:
        return {"m": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if kind is dt.date:
        return {"d": value.isoformat()}
    if kind is dt.datetime:
        return {"s": value.isoformat()}
    if kind is bytes:
        return {"b": base64.b64encode(value).decode("ascii")}
    if kind is Label:
        return {"L": [value.zh, value.en]}
    if kind is Percent:
        return {"P": _tag(value.value)}
    raise TypeError(f"not a plain value: {kind.__name__}")


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        (tag, body), = obj.items()
        if tag == "t" and type(body) is list:
            return tuple(body)
        if tag == "m" and type(body) is list:
            return dict(body)
        if tag == "d" and type(body) is str:
            return dt.date.fromisoformat(body)
        if tag == "s" and type(body) is str:
            return dt.datetime.fromisoformat(body)
        if tag == "b" and type(body) is str:
            return base64.b64decode(body, validate=True)
        if tag == "L" and type(body) is list and len(body) == 2 and all(type(text) is str for text in body):
            return Label(*body)
        if tag == "P" and type(body) in (int, float):
            return Percent(body)
    raise ValueError("an unknown tag")
