"""What the expression language is made of: its types, its functions, the typed result of checking, its one error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from carework.core.errors import CareworkError, Failure
from carework.schema.fieldtypes import Boolean, Choice, Date, Integer, ListOf, Number, Record, Text

Scope = Mapping[str, Any]
Compiled = Callable[[Scope, Any], Any]


@dataclass(frozen=True)
class Ratio(Number):
    """A number from 0 to 1 (what `share` returns): messages show it as a percentage."""


NUMBER = Number()
RATIO = Ratio()
BOOL = Boolean()
TEXT = Text()
DATE = Date()


class ExprError(Exception):
    """An expression that is not allowed or does not fit the record; `col` is 1-based within the expression."""

    def __init__(self, message_zh: str, message_en: str, col: int = 1) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.col = col


class _Any:
    """The type of `None` and of values whose type is not known statically."""


ANY: Any = _Any()


@dataclass(frozen=True)
class Typed:
    """A checked expression: its compiled form, its type and the record fields it reads."""

    fn: Compiled
    type: Any
    fields: frozenset[tuple[str, ...]] = field(default=frozenset())
    #: Path of the schema field this value is, when it is one (for `item` bindings).
    path: tuple[str, ...] | None = None
    #: How the value is read, when it is a name followed by fields (`committee.director.post`): the name, "" for
    #: the item, then the fields; lets the specialisation read a chain in one closure instead of one per step.
    access: tuple[str, ...] | None = None
    #: The value is the same for every school (a literal, or a list of literals): comparisons can use it directly.
    constant: bool = False
    #: For `item.field == literal`, the field and the literal: a loop over a list makes that test itself
    #: (set by the specialisation only).
    item_equals: tuple[str, Any] | None = None
    #: For `item in <list>` where the list does not depend on the item: the list, to compute once per list of items
    #: (set by the specialisation only).
    item_in: Compiled | None = None


@dataclass(frozen=True)
class Env:
    """Names an expression may use: record fields, plan variables and plan definitions."""

    names: Mapping[str, Typed]

    def with_item(self, item: Typed) -> Env:
        return Env({**self.names, "item": item})


def item_of(listed: Typed) -> Typed:
    """What `item` stands for in an expression evaluated once per element of `listed`."""
    return Typed(_identity, listed.type.item, frozenset(), listed.path, ("",))


def _identity(s: Scope, i: Any) -> Any:
    return i


@dataclass(frozen=True)
class Function:
    """A function rules may call. `predicate` functions evaluate their second argument once per list item."""

    zh: str
    en: str
    arity: tuple[int, ...]
    predicate: bool = False


FUNCTIONS: dict[str, Function] = {
    "count": Function("列表的项数；给出条件时只数满足条件的项", "how many items (that satisfy the condition)", (1, 2), True),
    "any": Function("是否有一项满足条件", "whether any item satisfies the condition", (2,), True),
    "all": Function("是否每一项都满足条件（空列表为真）", "whether every item satisfies it (true when empty)", (2,), True),
    "where": Function("满足条件的项组成的列表", "the items that satisfy the condition", (2,), True),
    "map": Function("每一项算出的值组成的列表", "the list of a value computed for each item", (2,), True),
    "share": Function("满足条件的项所占比例（0 到 1）", "the share of items that satisfy it (0 to 1)", (2,), True),
    "sum": Function("每一项算出的数之和", "the sum of a number computed for each item", (2,), True),
    "flatten": Function("把列表的列表展平", "flatten a list of lists", (1,)),
    "unique": Function("去掉重复项（保持原顺序）", "the list without repeats, in order", (1,)),
    "len": Function("文字或列表的长度", "length of a text or list", (1,)),
    "year": Function("日期的年份", "the year of a date", (1,)),
    "in_year": Function("日期在计划年度内且不晚于检查日期", "the date is in the plan year and not after the as-of date", (1,)),
    "rank": Function("值在列表中的位置（从 0 起，不在列表中为列表长度）", "position of a value in a list (its length if absent)", (2,)),
}


def is_number(t: Any) -> bool:
    return isinstance(t, (Number, Integer)) or t is ANY


def same_kind(a: Any, b: Any) -> bool:
    """Whether values of the two types may be compared (numbers with numbers, text with choices, …)."""
    if a is ANY or b is ANY:
        return True
    if is_number(a) and is_number(b):
        return True
    textual = (Text, Choice)
    if isinstance(a, textual) and isinstance(b, textual):
        return True
    return type(a) is type(b)


def describe(t: Any) -> str:
    """A type in words, for messages."""
    if isinstance(t, ListOf):
        return f"list of {describe(t.item)}"
    return {Text: "text", Choice: "text", Integer: "number", Number: "number", Boolean: "boolean", Date: "date",
            Record: "record"}.get(type(t), "value")


def union(parts: list[Typed]) -> frozenset[tuple[str, ...]]:
    """Every field any of `parts` reads."""
    out: frozenset[tuple[str, ...]] = frozenset()
    for p in parts:
        out |= p.fields
    return out


#: The most list items one school's checks may visit, all rules together (README: Limits). A plan's rules visit each
#: list a few times; a rule that loops inside a loop inside a loop over a large record would run for hours.
MAX_STEPS = 20_000_000
#: Where a school's scope keeps its budget: names starting with `_` are refused in expressions, so no rule reads it.
BUDGET = "_budget"


class Budget:
    """The list items a school's checks may still visit; charged by every loop over a list, in both twins alike.
    `school` and `rule` (the one being evaluated) name the culprit when it runs out."""

    __slots__ = ("left", "school", "rule")

    def __init__(self, school: str, steps: int | None = None) -> None:
        self.left = MAX_STEPS if steps is None else steps
        self.school = school
        self.rule = ""


def charge(s: Scope, listed: Any) -> None:
    """Count a loop over `listed` against the scope's budget (nothing when the scope has none, or for a non-list);
    raises CareworkError (a plan failure) when the budget runs out."""
    budget = s.get(BUDGET)
    if budget is not None and type(listed) is list:
        budget.left -= len(listed)
        if budget.left < 0:
            raise over_budget(budget)


def over_budget(budget: Budget) -> CareworkError:
    where = f"{budget.rule}（{budget.school}）"
    return CareworkError(
        Failure.PLAN,
        f"计划中的 {where} 要遍历的列表项超过上限 {MAX_STEPS:,} 个，已停止：请简化这条规则（不要在 count、any、where 等里面再套列表运算，"
        "可先用 definitions 算好）",
        f"{budget.rule} ({budget.school}) would visit over {MAX_STEPS:,} list items; stopped: simplify the rule (no list "
        "functions inside count, any, where…; compute the inner list once in definitions)")


def member(a: Any, b: Any) -> bool:
    """`a in b`, false when either is missing or `b` is neither a list nor (for a text `a`) a text."""
    return (isinstance(b, list) or (isinstance(b, str) and isinstance(a, str))) and a is not None and a in b
