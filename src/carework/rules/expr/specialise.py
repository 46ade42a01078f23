"""Specialisation: the shapes of expression plans use most, each as one closure instead of a closure per node.

The rules run for every school, many of them for every item of a list, so a few shapes are worth their own code:
reading a chain of fields at once (`committee.director.post`), a test against a literal made without evaluating the
literal, `item.field == literal` made inside the loop of `count`, `any` or `where`, loops written out rather than
through generators. Each gives exactly the value of the plain closures in `lower` (its reference twin, which
`CAREWORK_REFERENCE=1` runs instead); `tests/twins/` compares them on every expression of the plan. A function here
returns None for a shape it does not know, and the caller lowers it plainly.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from carework.rules.expr.language import Compiled, Scope, Typed, charge, member
from carework.schema.fieldtypes import ListOf


def _item_field(t: Typed) -> str | None:
    """The field name when `t` is `item.field`."""
    access = t.access
    return access[1] if access is not None and len(access) == 2 and access[0] == "" else None


def reader(access: tuple[str, ...]) -> Compiled | None:
    """One closure reading `access` (see Typed): a field or two of the item or of a name."""
    root, names = access[0], access[1:]
    if root == "" and len(names) == 1:
        a = names[0]
        return lambda s, i: i.get(a) if isinstance(i, dict) else None
    if root and len(names) == 1:
        a = names[0]
        return lambda s, i: v.get(a) if isinstance(v := s.get(root), dict) else None
    if root and len(names) == 2:
        a, b = names

        def two(s: Scope, i: Any) -> Any:
            v = s.get(root)
            v = v.get(a) if isinstance(v, dict) else None
            return v.get(b) if isinstance(v, dict) else None

        return two
    return None


def both_or_either(conjunction: bool, fns: list[Compiled]) -> Compiled | None:
    """`a and b` or `a or b` (the usual case) as one closure: Python's own operators give the same value."""
    if len(fns) != 2:
        return None
    f, g = fns
    return (lambda s, i: f(s, i) and g(s, i)) if conjunction else (lambda s, i: f(s, i) or g(s, i))


def comparison(step: Callable[[Any, Any], bool], left: Typed, right: Typed) -> Compiled | None:
    """One comparison; against a literal, the literal is not evaluated each time."""
    lf, rf = left.fn, right.fn
    name = _item_field(left)
    if right.constant:
        c = rf({}, None)
        if step is operator.eq:
            if name is not None:
                return lambda s, i: (i.get(name) if isinstance(i, dict) else None) == c
            return lambda s, i: lf(s, i) == c
        if step is operator.ne:
            return lambda s, i: lf(s, i) != c
        if step is member and isinstance(c, list):
            return lambda s, i: (a := lf(s, i)) is not None and a in c
        if name is not None:  # `item.amount > 0`
            return lambda s, i: step(i.get(name) if isinstance(i, dict) else None, c)
        return lambda s, i: step(lf(s, i), c)
    if left.constant and step is member:
        c = lf({}, None)
        if isinstance(c, str):
            return lambda s, i: isinstance(b := rf(s, i), (list, str)) and c in b
    if step is member and left.access == ("",) and right.access is not None and len(right.access) == 1:
        root = right.access[0]  # `item in trained`

        def item_in(s: Scope, i: Any) -> bool:
            b = s.get(root)
            return (isinstance(b, list) or (isinstance(b, str) and isinstance(i, str))) and i is not None and i in b

        return item_in
    if name is not None and right.access is not None and len(right.access) == 1 and right.access[0]:
        other = right.access[0]  # `item.joined <= as_of`, `item.year == year`
        return lambda s, i: step(i.get(name) if isinstance(i, dict) else None, s.get(other))
    return None


def item_equals(step: Callable[[Any, Any], bool], left: Typed, right: Typed) -> tuple[str, Any] | None:
    """For `item.field == literal`, the field and the literal (what `field_test` loops on)."""
    name = _item_field(left)
    if step is operator.eq and right.constant and not isinstance(right.type, ListOf) and name is not None:
        return name, right.fn({}, None)
    return None


def predicate(name: str, xs: Typed, per_item: Typed) -> Compiled | None:
    """count, any, all, where or map over a list, as a loop written out (these run for every item of every school)."""
    get, p = xs.fn, per_item.fn
    if per_item.item_equals is not None and name in ("count", "any", "where"):
        return field_test(name, get, *per_item.item_equals)
    if name == "count":
        def count(s: Scope, i: Any) -> int:
            xs = get(s, i)
            charge(s, xs)
            n = 0
            if isinstance(xs, list):
                for x in xs:
                    if p(s, x):
                        n += 1
            return n

        return count
    if name == "any":
        def any_of(s: Scope, i: Any) -> bool:
            xs = get(s, i)
            charge(s, xs)
            if isinstance(xs, list):
                for x in xs:
                    if p(s, x):
                        return True
            return False

        return any_of
    if name == "all":
        def all_of(s: Scope, i: Any) -> bool:
            xs = get(s, i)
            charge(s, xs)
            if isinstance(xs, list):
                for x in xs:
                    if not p(s, x):
                        return False
            return True

        return all_of
    if name == "where":
        def where(s: Scope, i: Any) -> list[Any]:
            xs = get(s, i)
            charge(s, xs)
            return [x for x in xs if p(s, x)] if isinstance(xs, list) else []

        return where
    field_name = _item_field(per_item)
    if name == "map" and field_name is not None:  # `map(leaders, item.name)`
        def map_field(s: Scope, i: Any) -> list[Any]:
            xs = get(s, i)
            charge(s, xs)
            return [x.get(field_name) if isinstance(x, dict) else None for x in xs] if isinstance(xs, list) else []

        return map_field
    if name == "map":
        def map_(s: Scope, i: Any) -> list[Any]:
            xs = get(s, i)
            charge(s, xs)
            return [p(s, x) for x in xs] if isinstance(xs, list) else []

        return map_
    return None


def field_test(name: str, get: Compiled, field_name: str, literal: Any) -> Compiled:
    """count, any or where with `item.field == literal`, the test made in the loop (the same values)."""
    if name == "count":
        def count(s: Scope, i: Any) -> int:
            listed = get(s, i)
            charge(s, listed)
            n = 0
            if isinstance(listed, list):
                for x in listed:
                    if (x.get(field_name) if isinstance(x, dict) else None) == literal:
                        n += 1
            return n

        return count
    if name == "any":
        def any_of(s: Scope, i: Any) -> bool:
            listed = get(s, i)
            charge(s, listed)
            if isinstance(listed, list):
                for x in listed:
                    if (x.get(field_name) if isinstance(x, dict) else None) == literal:
                        return True
            return False

        return any_of

    def where(s: Scope, i: Any) -> list[Any]:
        listed = get(s, i)
        charge(s, listed)
        if not isinstance(listed, list):
            return []
        return [x for x in listed if (x.get(field_name) if isinstance(x, dict) else None) == literal]

    return where


def in_year(first: Typed) -> Compiled | None:
    """`in_year(item.date)`: the item's field read in the same closure."""
    field_name = _item_field(first)
    if field_name is None:
        return None

    def in_year_field(s: Scope, i: Any) -> bool:
        d = i.get(field_name) if isinstance(i, dict) else None
        return isinstance(d, dt.date) and d.year == s["year"] and d <= s["as_of"]

    return in_year_field
