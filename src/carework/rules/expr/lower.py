"""Lowering: each checked piece of an expression as a plain Python closure `(scope, item) -> value`.

These are the reference twin of `specialise`: one closure per node of the expression, each written the obvious way.
Evaluation is null-safe: a missing value compares false and counts as nothing.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from carework.rules.expr.language import Compiled, Scope, charge, member


def constant(value: Any) -> Compiled:
    return lambda s, i: value


def listed(fns: list[Compiled]) -> Compiled:
    return lambda s, i: [f(s, i) for f in fns]


def lookup(name: str) -> Compiled:
    """A name of the scope: a record field or a plan variable."""
    return lambda s, i: s.get(name)


def attribute(get: Compiled, name: str) -> Compiled:
    """A field of a record; nothing when the value is not a record."""
    def read(s: Scope, i: Any) -> Any:
        value = get(s, i)
        return value.get(name) if isinstance(value, dict) else None

    return read


def boolean(fns: list[Compiled], conjunction: bool) -> Compiled:
    """`a and b and …` (conjunction) or `a or b or …`: the first value that decides, else the last (Python's own)."""
    def decide(s: Scope, i: Any) -> Any:
        value: Any = conjunction
        for f in fns:
            value = f(s, i)
            if bool(value) is not conjunction:
                return value
        return value

    return decide


def negation(f: Compiled) -> Compiled:
    return lambda s, i: not f(s, i)


def minus(f: Compiled) -> Compiled:
    def negate(s: Scope, i: Any) -> Any:
        v = f(s, i)
        return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    return negate


def concatenation(lf: Compiled, rf: Compiled) -> Compiled:
    def concatenate(s: Scope, i: Any) -> list[Any]:
        joined = items(lf(s, i)) + items(rf(s, i))
        charge(s, joined)
        return joined

    return concatenate


def arithmetic(op: Callable[[Any, Any], Any], lf: Compiled, rf: Compiled) -> Compiled:
    def arith(s: Scope, i: Any) -> Any:
        a, b = lf(s, i), rf(s, i)
        if a is None or b is None or (op is operator.truediv and b == 0):
            return None
        try:  # `(0 or "a") + 1` type-checks as "unknown"; at run time it is nothing, not a crash
            value = op(a, b)
            # An integer past 2**63 becomes a float (1e+30), which a message can show; Python will not print an
            # integer of over 4,300 digits, and nothing a school records is counted that high.
            return float(value) if type(value) is int and abs(value) > _LARGEST_INTEGER else value
        except (TypeError, OverflowError):
            return None

    return arith


_LARGEST_INTEGER = 2**63


def not_member(a: Any, b: Any) -> bool:
    return not member(a, b)


def ordered(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    """`<`, `<=`, `>`, `>=`: false when either side is missing or the two cannot be ordered."""
    def compare(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return False
        try:
            return bool(op(a, b))
        except TypeError:
            return False

    return compare


def comparison(step: Callable[[Any, Any], bool], lf: Compiled, rf: Compiled) -> Compiled:
    return lambda s, i: step(lf(s, i), rf(s, i))


def comparisons(steps: list[Callable[[Any, Any], bool]], fns: list[Compiled]) -> Compiled:
    """A chain `a < b <= c`: every step holds."""
    def compare(s: Scope, i: Any) -> bool:
        values = [f(s, i) for f in fns]
        return all(step(a, b) for step, a, b in zip(steps, values, values[1:]))

    return compare


def condition(t: Compiled, b: Compiled, o: Compiled) -> Compiled:
    return lambda s, i: b(s, i) if t(s, i) else o(s, i)


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def count_all(get: Compiled) -> Compiled:
    return lambda s, i: len(items(get(s, i)))


def _share(xs: Any, pred: Compiled, scope: Scope) -> float:
    listed = items(xs)
    charge(scope, listed)
    return sum(1 for x in listed if pred(scope, x)) / len(listed) if listed else 0.0


def predicate(name: str, get: Compiled, p: Compiled) -> Compiled:
    """count, any, all, where, map, share or sum of `p` over the items of the list `get` reads."""
    if name == "share":
        return lambda s, i: _share(get(s, i), p, s)
    loop = _LOOPS[name]
    return lambda s, i: loop(p, s, charged(s, get(s, i)))


def charged(s: Scope, value: Any) -> list[Any]:
    """The items of `value`, counted against the school's budget (see `language.charge`)."""
    listed = items(value)
    charge(s, listed)
    return listed


_LOOPS: dict[str, Callable[[Compiled, Scope, list[Any]], Any]] = {
    "count": lambda p, s, xs: sum(1 for x in xs if p(s, x)),
    "any": lambda p, s, xs: any(p(s, x) for x in xs),
    "all": lambda p, s, xs: all(p(s, x) for x in xs),
    "where": lambda p, s, xs: [x for x in xs if p(s, x)],
    "map": lambda p, s, xs: [p(s, x) for x in xs],
    "sum": lambda p, s, xs: sum(v for x in xs if isinstance(v := p(s, x), (int, float))),
}


def flatten(get: Compiled) -> Compiled:
    def flat(s: Scope, i: Any) -> list[Any]:
        out = [y for x in charged(s, get(s, i)) for y in items(x)]
        charge(s, out)
        return out

    return flat


def unique(get: Compiled) -> Compiled:
    """The items without repeats, in order, in linear time: each item is looked up by a hashable stand-in that is
    equal exactly when the items are (`1`, `1.0` and `True` alike, as `==` has them)."""
    def distinct(s: Scope, i: Any) -> list[Any]:
        seen: set[Any] = set()
        out: list[Any] = []
        for value in charged(s, get(s, i)):
            key = frozen(value)
            if key not in seen:
                seen.add(key)
                out.append(value)
        return out

    return distinct


def frozen(value: Any) -> Any:
    """A hashable value equal to `frozen(other)` exactly when `value == other`, for the values a record holds."""
    if isinstance(value, dict):
        return (dict, frozenset((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (list, tuple(frozen(v) for v in value))
    return value


def length(get: Compiled) -> Compiled:
    return lambda s, i: len(v) if isinstance(v := get(s, i), (list, str)) else 0


def year(get: Compiled) -> Compiled:
    return lambda s, i: d.year if isinstance(d := get(s, i), dt.date) else None


def in_year(get: Compiled) -> Compiled:
    def within(s: Scope, i: Any) -> bool:
        d = get(s, i)
        return isinstance(d, dt.date) and d.year == s["year"] and d <= s["as_of"]

    return within


def rank(get: Compiled, choices: Compiled) -> Compiled:
    def position(s: Scope, i: Any) -> int:
        listed = items(choices(s, i))
        value = get(s, i)
        return listed.index(value) if value in listed else len(listed)

    return position
