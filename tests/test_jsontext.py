"""jsontext.dumps_indented writes exactly what json.dumps(..., ensure_ascii=False, indent=2) writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from carework.formats.jsontext import dumps_indented

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(alphabet=st.characters(codec="utf-8"), max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_tuples_keys_that_are_not_text_and_other_types_go_the_standard_way() -> None:
    for value in ({"a": (1, "二", [])}, {1: "x", None: 2, False: 3}, {"d": {}}, [{"k": [1.5, -0.0, 1e300]}]):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
    assert dumps_indented({"x": 1}, indent=4) == json.dumps({"x": 1}, ensure_ascii=False, indent=4)
