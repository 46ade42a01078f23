"""The cache's encoding: plain values written as tagged JSON and read back exactly; anything else is refused."""

from __future__ import annotations

import datetime as dt
import math
import pickle
from typing import Any

import pytest

from carework.checking import plain
from carework.rules.checks import Label, Percent

VALUES: list[Any] = [
    None, True, 0, -7, 10**30, 1.5, -0.0, "文字 and text", "", [], (), {},
    [1, (2, 3), [4]], ((1,), [2]), {"a": 1, 2: "b", (3, 4): [dt.date(2024, 2, 29)]},
    dt.date(2024, 12, 31), dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    b"\x00\xffbytes", Label("党组织书记", "Party secretary"), Percent(0.25), [Label("甲", "A"), None, Percent(1)],
    {"t": [1]},  # a mapping that looks like a tag stays a mapping
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_comes_back_as_it_was(value: Any) -> None:
    back = plain.loads(plain.dumps(value))
    assert back == value and type(back) is type(value)
    assert repr(back) == repr(value)  # tuples stay tuples, lists lists, all the way down


def test_special_floats_come_back() -> None:
    assert math.isnan(plain.loads(plain.dumps(float("nan"))))
    assert plain.loads(plain.dumps([float("inf"), float("-inf")])) == [float("inf"), float("-inf")]


@pytest.mark.parametrize("value", [{1, 2}, object(), dt.time(8), 1j])
def test_anything_else_is_refused_when_writing(value: Any) -> None:
    with pytest.raises(TypeError):
        plain.dumps(value)


@pytest.mark.parametrize("data", [b"", b"{", b'{"x": 1}', b'{"t": 1}', b'{"d": "2024-13-01"}', b'{"b": "#"}',
                                  b'{"L": ["a"]}', b'{"P": "1"}', b'{"t": [1], "d": "x"}', b"\xff",
                                  pickle.dumps([1, 2]), b"[" * 100_000])
def test_anything_it_did_not_write_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        plain.loads(data)
