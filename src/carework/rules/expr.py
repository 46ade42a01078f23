"""A small, safe expression language for the plan's checks, compiled once into Python closures.

Expressions use Python's syntax but only a whitelisted part of it: literals, field names, `a.b`, comparisons,
`and`/`or`/`not`, arithmetic, list literals and calls of the functions in FUNCTIONS. Every name and attribute is
checked against the record's declared types when the plan loads, so a misspelt field, an unknown function, a
comparison with a value a choice does not have, or anything reaching for Python internals is a plan error before any
school is checked. Evaluation is null-safe: a missing value compares false and counts as nothing.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from carework.schema.fieldtypes import Boolean, Choice, Date, FieldType, Integer, ListOf, Number, Record, Text

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
    #: the item, then the fields; lets a chain compile to one closure instead of one per step.
    access: tuple[str, ...] | None = None
    #: The value is the same for every school (a literal, or a list of literals): comparisons can use it directly.
    constant: bool = False
    #: For `item.field == literal`, the field and the literal: a loop over a list makes that test itself.
    item_equals: tuple[str, Any] | None = None
    #: For `item in <list>` where the list does not depend on the item: the list, to compute once per list of items.
    item_in: Compiled | None = None


@dataclass(frozen=True)
class Env:
    """Names an expression may use: record fields, plan variables and plan definitions."""

    names: Mapping[str, Typed]

    def with_item(self, item: Typed) -> "Env":
        return Env({**self.names, "item": item})


def item_of(listed: Typed) -> Typed:
    """What `item` stands for in an expression evaluated once per element of `listed`."""
    return Typed(_identity, listed.type.item, frozenset(), listed.path, ("",))


def _identity(s: Scope, i: Any) -> Any:
    return i


# --- the functions ------------------------------------------------------------------------------------------

def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(xs: Any, pred: Compiled | None, scope: Scope) -> int:
    if pred is None:
        return len(_items(xs))
    return sum(1 for x in _items(xs) if pred(scope, x))


def _share(xs: Any, pred: Compiled, scope: Scope) -> float:
    items = _items(xs)
    return sum(1 for x in items if pred(scope, x)) / len(items) if items else 0.0


def _year(d: Any) -> int | None:
    return d.year if isinstance(d, dt.date) else None


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


# --- type checking and compiling ----------------------------------------------------------------------------

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ALIASES = {"true": True, "false": False, "null": None, "none": None}


def compile_expr(source: str, env: Env) -> Typed:
    """Parse, type-check and compile one expression; raises ExprError naming what is wrong and where."""
    text = source.strip() if isinstance(source, str) else source
    if not isinstance(text, str) or not text:
        raise ExprError("表达式为空", "the expression is empty")
    too_deep = ExprError("表达式嵌套过深", "the expression is nested too deeply")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"表达式语法错误：{exc.msg}", f"syntax error in expression: {exc.msg}", exc.offset or 1) from None
    except ValueError:  # a NUL character, on Pythons whose parser says so with ValueError
        raise ExprError("表达式中有不可见的控制字符", "the expression contains a control character") from None
    except RecursionError:  # `not not not … x` thousands deep: refused, not a crash
        raise too_deep from None
    try:
        return _Checker(env).visit(tree.body)
    except RecursionError:
        raise too_deep from None


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


def _is_number(t: Any) -> bool:
    return isinstance(t, (Number, Integer)) or t is ANY


def _same_kind(a: Any, b: Any) -> bool:
    if a is ANY or b is ANY:
        return True
    if _is_number(a) and _is_number(b):
        return True
    textual = (Text, Choice)
    if isinstance(a, textual) and isinstance(b, textual):
        return True
    return type(a) is type(b)


def _describe(t: Any) -> str:
    if isinstance(t, ListOf):
        return f"list of {_describe(t.item)}"
    return {Text: "text", Choice: "text", Integer: "number", Number: "number", Boolean: "boolean", Date: "date",
            Record: "record"}.get(type(t), "value")


class _Checker:
    def __init__(self, env: Env) -> None:
        self.env = env
        #: How many times `item` has been read (by this checker: a nested predicate's item is its own).
        self.item_reads = 0

    def visit(self, node: ast.AST) -> Typed:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise ExprError(f"表达式中不允许使用 {type(node).__name__}", f"{type(node).__name__} is not allowed in expressions",
                            _col(node))
        return method(node)  # type: ignore[no-any-return]

    # literals and names
    def visit_Constant(self, node: ast.Constant) -> Typed:
        value = node.value
        if value is None:
            return Typed(lambda s, i: None, ANY, constant=True)
        if isinstance(value, bool):
            return Typed(lambda s, i: value, BOOL, constant=True)
        if isinstance(value, (int, float)):
            return Typed(lambda s, i: value, NUMBER, constant=True)
        if isinstance(value, str):
            return Typed(lambda s, i: value, TEXT, constant=True)
        raise ExprError("不支持的常量", "unsupported constant", _col(node))

    def visit_List(self, node: ast.List) -> Typed:
        parts = [self.visit(e) for e in node.elts]
        item_type = parts[0].type if parts else ANY
        if len(parts) > 1 and all(isinstance(p.type, Choice) for p in parts):  # [post, status]: both labelled
            item_type = Choice(tuple(dict.fromkeys(o for p in parts for o in p.type.options)))
        for part in parts[1:]:
            if not _same_kind(part.type, item_type):
                raise ExprError("列表中的值类型不一致", "list items have different types", _col(node))
        fns = [p.fn for p in parts]
        # An element listed whole (`[committee.director]`) is read whole: every field under it counts as read.
        whole = frozenset(p.path + ("*",) for p in parts if p.path is not None)
        return Typed(lambda s, i: [f(s, i) for f in fns], ListOf(item_type), _union(parts) | whole,
                     constant=all(p.constant for p in parts))

    visit_Tuple = visit_List

    def visit_Name(self, node: ast.Name) -> Typed:
        if node.id in _ALIASES:
            return self.visit_Constant(ast.Constant(_ALIASES[node.id], col_offset=node.col_offset))
        if node.id.startswith("_"):
            raise ExprError(f"不允许以下划线开头的名称：{node.id}", f"names starting with _ are not allowed: {node.id}", _col(node))
        bound = self.env.names.get(node.id)
        if bound is None:
            import difflib

            guess = difflib.get_close_matches(node.id, list(self.env.names), n=1)
            if guess:
                raise ExprError(f"未知的名称 {node.id}，是不是 {guess[0]}？", f"unknown name {node.id}; did you mean {guess[0]}?",
                                _col(node))
            known = ", ".join(sorted(self.env.names))
            raise ExprError(f"未知的名称 {node.id}（可用：{known}）", f"unknown name {node.id} (known: {known})", _col(node))
        if node.id == "item":
            self.item_reads += 1
        return bound

    def visit_Attribute(self, node: ast.Attribute) -> Typed:
        if node.attr.startswith("_"):
            raise ExprError(f"不允许访问 {node.attr}", f"access to {node.attr} is not allowed", _col(node))
        base = self.visit(node.value)
        if not isinstance(base.type, Record):
            raise ExprError(f"{_describe(base.type)} 没有字段 {node.attr}", f"a {_describe(base.type)} has no field {node.attr}",
                            _col(node))
        declared = base.type.field(node.attr)
        if declared is None:
            import difflib

            names = [f.name for f in base.type.fields]
            guess = difflib.get_close_matches(node.attr, names, n=1)
            hint_zh = f"，是不是 {guess[0]}？" if guess else f"（可用：{', '.join(names)}）"
            hint_en = f"; did you mean {guess[0]}?" if guess else f" (fields: {', '.join(names)})"
            raise ExprError(f"记录中没有字段 {node.attr}{hint_zh}", f"the record has no field {node.attr}{hint_en}", _col(node))
        name, get = node.attr, base.fn
        path = base.path + (name,) if base.path is not None else None
        fields = base.fields | {path} if path is not None else base.fields
        if base.access is not None:
            access = base.access + (name,)
            return Typed(_reader(access), declared.type, frozenset(fields), path, access)

        def attribute(s: Scope, i: Any) -> Any:
            value = get(s, i)
            return value.get(name) if isinstance(value, dict) else None

        return Typed(attribute, declared.type, frozenset(fields), path)

    # operators
    def visit_BoolOp(self, node: ast.BoolOp) -> Typed:
        parts = [self.visit(v) for v in node.values]
        fns = [p.fn for p in parts]
        fn: Compiled
        if len(fns) == 2:  # the usual case, as one closure: Python's own `and`/`or` give the same value
            f, g = fns
            fn = (lambda s, i: f(s, i) and g(s, i)) if isinstance(node.op, ast.And) else (lambda s, i: f(s, i) or g(s, i))
        elif isinstance(node.op, ast.And):
            def both(s: Scope, i: Any) -> Any:
                value: Any = True
                for f in fns:
                    value = f(s, i)
                    if not value:
                        return value
                return value
            fn = both
        else:
            def either(s: Scope, i: Any) -> Any:
                value: Any = False
                for f in fns:
                    value = f(s, i)
                    if value:
                        return value
                return value
            fn = either
        kinds = {type(p.type) for p in parts}
        result_type = parts[0].type if len(kinds) == 1 else ANY
        return Typed(fn, result_type, _union(parts))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Typed:
        operand = self.visit(node.operand)
        f = operand.fn
        if isinstance(node.op, ast.Not):
            return Typed(lambda s, i: not f(s, i), BOOL, operand.fields)
        if isinstance(node.op, ast.USub) and _is_number(operand.type):
            def negate(s: Scope, i: Any) -> Any:
                v = f(s, i)
                return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

            return Typed(negate, NUMBER, operand.fields)
        raise ExprError("不允许的运算", "operator not allowed", _col(node))

    def visit_BinOp(self, node: ast.BinOp) -> Typed:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise ExprError("只允许 + - * / 运算", "only + - * / are allowed", _col(node))
        left, right = self.visit(node.left), self.visit(node.right)
        lf, rf = left.fn, right.fn
        if isinstance(left.type, ListOf) and isinstance(node.op, ast.Add):
            if not isinstance(right.type, ListOf) or not _same_kind(left.type.item, right.type.item):
                raise ExprError("只能把同类的列表相加", "only lists of the same kind can be added", _col(node))
            return Typed(lambda s, i: _items(lf(s, i)) + _items(rf(s, i)), left.type, _union([left, right]))
        if not (_is_number(left.type) and _is_number(right.type)):
            raise ExprError(f"不能对 {_describe(left.type)} 和 {_describe(right.type)} 做算术",
                            f"cannot do arithmetic on {_describe(left.type)} and {_describe(right.type)}", _col(node))

        def arith(s: Scope, i: Any) -> Any:
            a, b = lf(s, i), rf(s, i)
            if a is None or b is None or (op is operator.truediv and b == 0):
                return None
            try:  # `(0 or "a") + 1` type-checks as "unknown"; at run time it is nothing, not a crash
                return op(a, b)
            except (TypeError, OverflowError):
                return None

        return Typed(arith, NUMBER, _union([left, right]))

    def visit_Compare(self, node: ast.Compare) -> Typed:
        operands = [self.visit(node.left)]
        reads = self.item_reads
        operands += [self.visit(c) for c in node.comparators]
        steps: list[Callable[[Any, Any], bool]] = []
        for op_node, (left, right), raw in zip(node.ops, zip(operands, operands[1:]), node.comparators):
            steps.append(self.comparison(op_node, left, right, raw, node))
        if len(steps) == 1:
            left, right = operands
            equals = None
            if steps[0] is operator.eq and right.constant and not isinstance(right.type, ListOf) \
                    and left.access is not None and len(left.access) == 2 and left.access[0] == "":
                equals = (left.access[1], right.fn({}, None))
            # `item in <a list that does not depend on the item>`: the list is the same for every item.
            item_in = right.fn if steps[0] is member and left.access == ("",) and self.item_reads == reads else None
            return Typed(_compare_two(steps[0], left, right), BOOL, _union(operands), item_equals=equals,
                         item_in=item_in)
        fns = [o.fn for o in operands]

        def compare(s: Scope, i: Any) -> bool:
            values = [f(s, i) for f in fns]
            return all(step(a, b) for step, a, b in zip(steps, values, values[1:]))

        return Typed(compare, BOOL, _union(operands))

    def comparison(self, op_node: ast.cmpop, left: Typed, right: Typed, raw: ast.AST,
                   node: ast.AST) -> Callable[[Any, Any], bool]:
        if isinstance(op_node, (ast.Is, ast.IsNot)):
            raise ExprError("不允许使用 is / is not；请写 == None 或 != None", "is / is not are not allowed; write == None or != None",
                            _col(node))
        if isinstance(op_node, (ast.In, ast.NotIn)):
            if not isinstance(right.type, ListOf) and not isinstance(right.type, (Text, Choice)) and right.type is not ANY:
                raise ExprError("in 的右边必须是列表或文字", "the right side of in must be a list or text", _col(node))
            if isinstance(right.type, ListOf):
                self.check_choice_literal(right.type.item, left, node)
                self.check_choice_literal(left.type, right, node)
            negate = isinstance(op_node, ast.NotIn)

            if isinstance(right.type, (Text, Choice)) and not isinstance(left.type, (Text, Choice)) and left.type is not ANY:
                raise ExprError("in 的右边是文字时，左边也必须是文字", "when the right side of in is text, the left must be text too",
                                _col(node))
            if not negate:
                return member

            def not_member(a: Any, b: Any) -> bool:
                return not member(a, b)

            return not_member
        if not _same_kind(left.type, right.type):
            raise ExprError(f"不能比较 {_describe(left.type)} 和 {_describe(right.type)}",
                            f"cannot compare {_describe(left.type)} with {_describe(right.type)}", _col(node))
        self.check_choice_literal(left.type, right, node)
        self.check_choice_literal(right.type, left, node)
        op = _COMPARE[type(op_node)]
        if op in (operator.eq, operator.ne):
            return op  # type: ignore[return-value]

        def ordered(a: Any, b: Any) -> bool:
            if a is None or b is None:
                return False
            try:
                return bool(op(a, b))
            except TypeError:
                return False

        return ordered

    def check_choice_literal(self, declared: Any, other: Typed, node: ast.AST) -> None:
        """`item.kind == "walking_clas"` is a plan error, not a rule that silently never passes."""
        if not isinstance(declared, Choice):
            return
        probe = other.fn({}, None) if not other.fields and other.path is None else None
        values = probe if isinstance(probe, list) else [probe]
        for value in values:
            if isinstance(value, str) and value not in declared.values:
                raise ExprError(f"“{value}”不是可选值（{', '.join(declared.values)}）",
                                f"“{value}” is not one of {', '.join(declared.values)}", _col(node))

    def visit_IfExp(self, node: ast.IfExp) -> Typed:
        test, body, orelse = self.visit(node.test), self.visit(node.body), self.visit(node.orelse)
        t, b, o = test.fn, body.fn, orelse.fn
        return Typed(lambda s, i: b(s, i) if t(s, i) else o(s, i), body.type, _union([test, body, orelse]))

    # calls
    def visit_Call(self, node: ast.Call) -> Typed:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExprError(f"未知的函数 {name}（可用：{', '.join(FUNCTIONS)}）",
                            f"unknown function {name} (known: {', '.join(FUNCTIONS)})", _col(node))
        if node.keywords:
            raise ExprError("函数不接受命名参数", "functions take no keyword arguments", _col(node))
        name = node.func.id
        spec = FUNCTIONS[name]
        if len(node.args) not in spec.arity:
            raise ExprError(f"{name} 需要 {' 或 '.join(map(str, spec.arity))} 个参数",
                            f"{name} takes {' or '.join(map(str, spec.arity))} argument(s)", _col(node))
        first = self.visit(node.args[0])
        if spec.predicate:
            if not isinstance(first.type, ListOf):
                raise ExprError(f"{name} 的第一个参数必须是列表", f"the first argument of {name} must be a list", _col(node))
            second = _Checker(self.env.with_item(item_of(first))).visit(node.args[1]) if len(node.args) > 1 else None
            return self.predicate_call(name, first, second, node)
        rest = [self.visit(a) for a in node.args[1:]]
        return self.plain_call(name, first, rest, node)

    def predicate_call(self, name: str, xs: Typed, per_item: Typed | None, node: ast.AST) -> Typed:
        get = xs.fn
        fields = _union([xs] + ([per_item] if per_item else []))
        if per_item is None:
            return Typed(lambda s, i: _count(get(s, i), None, s), NUMBER, fields)
        p = per_item.fn
        # Loops written out rather than through `_items` and generators: these run for every item of every school.
        if per_item.item_equals is not None and name in ("count", "any", "where"):
            return self.field_test(name, xs, fields, *per_item.item_equals)
        if name == "count":
            def count(s: Scope, i: Any) -> int:
                xs = get(s, i)
                n = 0
                if isinstance(xs, list):
                    for x in xs:
                        if p(s, x):
                            n += 1
                return n

            return Typed(count, NUMBER, fields)
        if name == "any":
            def any_of(s: Scope, i: Any) -> bool:
                xs = get(s, i)
                if isinstance(xs, list):
                    for x in xs:
                        if p(s, x):
                            return True
                return False

            return Typed(any_of, BOOL, fields)
        if name == "all":
            def all_of(s: Scope, i: Any) -> bool:
                xs = get(s, i)
                if isinstance(xs, list):
                    for x in xs:
                        if not p(s, x):
                            return False
                return True

            return Typed(all_of, BOOL, fields)
        if name == "where":
            def where(s: Scope, i: Any) -> list[Any]:
                xs = get(s, i)
                return [x for x in xs if p(s, x)] if isinstance(xs, list) else []

            return Typed(where, xs.type, fields, xs.path)
        if name == "map" and per_item.access is not None and len(per_item.access) == 2 and per_item.access[0] == "":
            field_name = per_item.access[1]  # `map(leaders, item.name)`

            def map_field(s: Scope, i: Any) -> list[Any]:
                xs = get(s, i)
                return [x.get(field_name) if isinstance(x, dict) else None for x in xs] if isinstance(xs, list) else []

            return Typed(map_field, ListOf(per_item.type), fields)
        if name == "map":
            def map_(s: Scope, i: Any) -> list[Any]:
                xs = get(s, i)
                return [p(s, x) for x in xs] if isinstance(xs, list) else []

            return Typed(map_, ListOf(per_item.type), fields)
        if name == "share":
            return Typed(lambda s, i: _share(get(s, i), p, s), RATIO, fields)
        if not _is_number(per_item.type):
            raise ExprError("sum 的第二个参数必须是数字", "the second argument of sum must be a number", _col(node))
        return Typed(lambda s, i: sum(v for x in _items(get(s, i)) if isinstance(v := p(s, x), (int, float))), NUMBER, fields)

    @staticmethod
    def field_test(name: str, xs: Typed, fields: frozenset[tuple[str, ...]], field_name: str, literal: Any) -> Typed:
        """count, any or where with `item.field == literal`, the test made in the loop (the same values)."""
        get = xs.fn
        if name == "count":
            def count(s: Scope, i: Any) -> int:
                listed = get(s, i)
                n = 0
                if isinstance(listed, list):
                    for x in listed:
                        if (x.get(field_name) if isinstance(x, dict) else None) == literal:
                            n += 1
                return n

            return Typed(count, NUMBER, fields)
        if name == "any":
            def any_of(s: Scope, i: Any) -> bool:
                listed = get(s, i)
                if isinstance(listed, list):
                    for x in listed:
                        if (x.get(field_name) if isinstance(x, dict) else None) == literal:
                            return True
                return False

            return Typed(any_of, BOOL, fields)

        def where(s: Scope, i: Any) -> list[Any]:
            listed = get(s, i)
            if not isinstance(listed, list):
                return []
            return [x for x in listed if (x.get(field_name) if isinstance(x, dict) else None) == literal]

        return Typed(where, xs.type, fields, xs.path)

    def plain_call(self, name: str, first: Typed, rest: list[Typed], node: ast.AST) -> Typed:
        get = first.fn
        fields = _union([first] + rest)
        if name == "flatten":
            if not (isinstance(first.type, ListOf) and isinstance(first.type.item, ListOf)):
                raise ExprError("flatten 需要列表的列表", "flatten needs a list of lists", _col(node))
            return Typed(lambda s, i: [y for x in _items(get(s, i)) for y in _items(x)], first.type.item, fields)
        if name == "unique":
            if not isinstance(first.type, ListOf):
                raise ExprError("unique 需要列表", "unique needs a list", _col(node))
            return Typed(lambda s, i: _unique(_items(get(s, i))), first.type, fields)
        if name == "len":
            return Typed(lambda s, i: len(v) if isinstance(v := get(s, i), (list, str)) else 0, NUMBER, fields)
        if not isinstance(first.type, Date) and name in ("year", "in_year"):
            raise ExprError(f"{name} 需要日期", f"{name} needs a date", _col(node))
        if name == "year":
            return Typed(lambda s, i: _year(get(s, i)), NUMBER, fields)
        if name == "in_year" and first.access is not None and len(first.access) == 2 and first.access[0] == "":
            field_name = first.access[1]  # `in_year(item.date)`

            def in_year_field(s: Scope, i: Any) -> bool:
                d = i.get(field_name) if isinstance(i, dict) else None
                return isinstance(d, dt.date) and d.year == s["year"] and d <= s["as_of"]

            return Typed(in_year_field, BOOL, fields)
        if name == "in_year":
            def in_year(s: Scope, i: Any) -> bool:
                d = get(s, i)
                return isinstance(d, dt.date) and d.year == s["year"] and d <= s["as_of"]

            return Typed(in_year, BOOL, fields)
        options = rest[0]
        if not isinstance(options.type, ListOf):
            raise ExprError("rank 的第二个参数必须是列表", "the second argument of rank must be a list", _col(node))
        self.check_choice_literal(first.type, options, node)
        choices = options.fn

        def rank(s: Scope, i: Any) -> int:
            listed = _items(choices(s, i))
            value = get(s, i)
            return listed.index(value) if value in listed else len(listed)

        return Typed(rank, NUMBER, fields)


def member(a: Any, b: Any) -> bool:
    """`a in b`, false when either is missing or `b` is neither a list nor (for a text `a`) a text."""
    return (isinstance(b, list) or (isinstance(b, str) and isinstance(a, str))) and a is not None and a in b


def _compare_two(step: Callable[[Any, Any], bool], left: Typed, right: Typed) -> Compiled:
    """One comparison (most are), as one closure; against a literal, the literal is not evaluated each time.

    The values are those of `step`: `==` and `!=` of the values Python gives, `in` as `member`.
    """
    lf, rf = left.fn, right.fn
    if right.constant:
        c = rf({}, None)
        if step is operator.eq:
            if left.access is not None and len(left.access) == 2 and left.access[0] == "":
                name = left.access[1]
                return lambda s, i: (i.get(name) if isinstance(i, dict) else None) == c
            return lambda s, i: lf(s, i) == c
        if step is operator.ne:
            return lambda s, i: lf(s, i) != c
        if step is member and isinstance(c, list):
            return lambda s, i: (a := lf(s, i)) is not None and a in c
        if left.access is not None and len(left.access) == 2 and left.access[0] == "":
            name = left.access[1]  # `item.amount > 0`
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
    if left.access is not None and len(left.access) == 2 and left.access[0] == "" and right.access is not None \
            and len(right.access) == 1 and right.access[0]:
        name, other = left.access[1], right.access[0]  # `item.joined <= as_of`, `item.year == year`
        return lambda s, i: step(i.get(name) if isinstance(i, dict) else None, s.get(other))
    return lambda s, i: step(lf(s, i), rf(s, i))


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _union(parts: list[Typed]) -> frozenset[tuple[str, ...]]:
    out: frozenset[tuple[str, ...]] = frozenset()
    for p in parts:
        out |= p.fields
    return out


def record_env(schema: Record, variables: Mapping[str, FieldType]) -> Env:
    """The names every check can use: each top-level record field, plus the plan's variables."""
    names: dict[str, Typed] = {}
    for f in schema.fields:
        names[f.name] = Typed(_lookup(f.name), f.type, frozenset({(f.name,)}), (f.name,), (f.name,))
    for name, t in variables.items():
        names[name] = Typed(_lookup(name), t, frozenset(), None, (name,))
    return Env(names)


def _lookup(name: str) -> Compiled:
    return lambda s, i: s.get(name)


def _reader(access: tuple[str, ...]) -> Compiled:
    """One closure reading `access` (see Typed): each field of a record, nothing when the value is not a record."""
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

    def chain(s: Scope, i: Any) -> Any:
        v = s.get(root) if root else i
        for name in names:
            v = v.get(name) if isinstance(v, dict) else None
        return v

    return chain
