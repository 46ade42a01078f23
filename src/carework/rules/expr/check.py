"""Parse and type-check an expression, lowering each node to a closure as it is checked.

Expressions use Python's syntax but only a whitelisted part of it: literals, field names, `a.b`, comparisons,
`and`/`or`/`not`, arithmetic, list literals and calls of the functions in FUNCTIONS. Every name and attribute is
checked against the record's declared types when the plan loads, so a misspelt field, an unknown function, a
comparison with a value a choice does not have, or anything reaching for Python internals is a plan error before any
school is checked. Each checked node is lowered to a plain closure (`lower`) unless `specialise` has a faster one
for its shape; with `CAREWORK_REFERENCE=1` (read once per expression, when the plan compiles) nothing is specialised.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Mapping
from typing import Any

from carework.core.reference import reference_mode
from carework.rules.expr import lower, specialise
from carework.rules.expr.cost import MAX_ESTIMATE, estimate
from carework.rules.expr.language import (
    ANY,
    BOOL,
    FUNCTIONS,
    NUMBER,
    RATIO,
    TEXT,
    Env,
    ExprError,
    Typed,
    describe,
    is_number,
    item_of,
    member,
    same_kind,
    union,
)
from carework.schema.fieldtypes import Choice, Date, FieldType, ListOf, Record, Text

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
        typed = _Checker(env, not reference_mode()).visit(tree.body)
        cost = estimate(tree.body)
    except RecursionError:
        raise too_deep from None
    if cost > MAX_ESTIMATE:
        raise ExprError(f"表达式中的列表运算嵌套过深：估计每所学校要遍历约 {cost:,} 个列表项（上限 {MAX_ESTIMATE:,}）；"
                        "请减少嵌套，或先在 definitions 中算好内层的列表",
                        f"list functions nest too deeply: about {cost:,} list items per school (at most "
                        f"{MAX_ESTIMATE:,}); nest less, or compute the inner list once in definitions")
    return typed


def record_env(schema: Record, variables: Mapping[str, FieldType]) -> Env:
    """The names every check can use: each top-level record field, plus the plan's variables."""
    names: dict[str, Typed] = {}
    for f in schema.fields:
        names[f.name] = Typed(lower.lookup(f.name), f.type, frozenset({(f.name,)}), (f.name,), (f.name,))
    for name, t in variables.items():
        names[name] = Typed(lower.lookup(name), t, frozenset(), None, (name,))
    return Env(names)


#: The largest number a plan's expression may hold or compute from its own numbers (README: Limits).
MAX_NUMBER = 10**15


def _not_too_large(value: object, node: ast.AST) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not abs(value) <= MAX_NUMBER:
        raise ExprError("数字过大：计划中的数字（及其相乘等的结果）不能超过 10^15",
                        "number too large: a plan's numbers (and what they compute to) are at most 10^15", _col(node))


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


class _Checker:
    """Type-checks one expression node by node; `fast` lets `specialise` replace the plain closures."""

    def __init__(self, env: Env, fast: bool) -> None:
        self.env = env
        self.fast = fast
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
            return Typed(lower.constant(None), ANY, constant=True)
        if isinstance(value, bool):
            return Typed(lower.constant(value), BOOL, constant=True)
        if isinstance(value, (int, float)):
            _not_too_large(value, node)
            return Typed(lower.constant(value), NUMBER, constant=True)
        if isinstance(value, str):
            return Typed(lower.constant(value), TEXT, constant=True)
        raise ExprError("不支持的常量", "unsupported constant", _col(node))

    def visit_List(self, node: ast.List) -> Typed:
        parts = [self.visit(e) for e in node.elts]
        item_type = parts[0].type if parts else ANY
        if len(parts) > 1 and all(isinstance(p.type, Choice) for p in parts):  # [post, status]: both labelled
            item_type = Choice(tuple(dict.fromkeys(o for p in parts for o in p.type.options)))
        for part in parts[1:]:
            if not same_kind(part.type, item_type):
                raise ExprError("列表中的值类型不一致", "list items have different types", _col(node))
        # An element listed whole (`[committee.director]`) is read whole: every field under it counts as read.
        whole = frozenset(p.path + ("*",) for p in parts if p.path is not None)
        return Typed(lower.listed([p.fn for p in parts]), ListOf(item_type), union(parts) | whole,
                     constant=all(p.constant for p in parts))

    visit_Tuple = visit_List

    def visit_Name(self, node: ast.Name) -> Typed:
        if node.id in _ALIASES:
            return self.visit_Constant(ast.Constant(_ALIASES[node.id], col_offset=node.col_offset))
        if node.id.startswith("_"):
            raise ExprError(f"不允许以下划线开头的名称：{node.id}", f"names starting with _ are not allowed: {node.id}", _col(node))
        bound = self.env.names.get(node.id)
        if bound is None:
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
            raise ExprError(f"{describe(base.type)} 没有字段 {node.attr}", f"a {describe(base.type)} has no field {node.attr}",
                            _col(node))
        declared = base.type.field(node.attr)
        if declared is None:
            names = [f.name for f in base.type.fields]
            guess = difflib.get_close_matches(node.attr, names, n=1)
            hint_zh = f"，是不是 {guess[0]}？" if guess else f"（可用：{', '.join(names)}）"
            hint_en = f"; did you mean {guess[0]}?" if guess else f" (fields: {', '.join(names)})"
            raise ExprError(f"记录中没有字段 {node.attr}{hint_zh}", f"the record has no field {node.attr}{hint_en}", _col(node))
        name = node.attr
        path = base.path + (name,) if base.path is not None else None
        fields = base.fields | {path} if path is not None else base.fields
        access = base.access + (name,) if base.access is not None else None
        fn = (self.fast and access is not None and specialise.reader(access)) or lower.attribute(base.fn, name)
        return Typed(fn, declared.type, frozenset(fields), path, access)

    # operators
    def visit_BoolOp(self, node: ast.BoolOp) -> Typed:
        parts = [self.visit(v) for v in node.values]
        fns = [p.fn for p in parts]
        conjunction = isinstance(node.op, ast.And)
        fn = (self.fast and specialise.both_or_either(conjunction, fns)) or lower.boolean(fns, conjunction)
        kinds = {type(p.type) for p in parts}
        result_type = parts[0].type if len(kinds) == 1 else ANY
        return Typed(fn, result_type, union(parts))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Typed:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return Typed(lower.negation(operand.fn), BOOL, operand.fields)
        if isinstance(node.op, ast.USub) and is_number(operand.type):
            return Typed(lower.minus(operand.fn), NUMBER, operand.fields)
        raise ExprError("不允许的运算", "operator not allowed", _col(node))

    def visit_BinOp(self, node: ast.BinOp) -> Typed:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise ExprError("只允许 + - * / 运算", "only + - * / are allowed", _col(node))
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(left.type, ListOf) and isinstance(node.op, ast.Add):
            if not isinstance(right.type, ListOf) or not same_kind(left.type.item, right.type.item):
                raise ExprError("只能把同类的列表相加", "only lists of the same kind can be added", _col(node))
            return Typed(lower.concatenation(left.fn, right.fn), left.type, union([left, right]))
        if not (is_number(left.type) and is_number(right.type)):
            raise ExprError(f"不能对 {describe(left.type)} 和 {describe(right.type)} 做算术",
                            f"cannot do arithmetic on {describe(left.type)} and {describe(right.type)}", _col(node))
        fn = lower.arithmetic(op, left.fn, right.fn)
        if left.constant and right.constant:  # `99999 * 99999 * …`: the plan's own numbers, judged now
            _not_too_large(fn({}, None), node)
            return Typed(fn, NUMBER, union([left, right]), constant=True)
        return Typed(fn, NUMBER, union([left, right]))

    def visit_Compare(self, node: ast.Compare) -> Typed:
        operands = [self.visit(node.left)]
        reads = self.item_reads
        operands += [self.visit(c) for c in node.comparators]
        steps: list[Callable[[Any, Any], bool]] = []
        for op_node, (left, right) in zip(node.ops, zip(operands, operands[1:])):
            steps.append(self.comparison(op_node, left, right, node))
        if len(steps) > 1:
            return Typed(lower.comparisons(steps, [o.fn for o in operands]), BOOL, union(operands))
        left, right = operands
        step = steps[0]
        if not self.fast:
            return Typed(lower.comparison(step, left.fn, right.fn), BOOL, union(operands))
        # `item in <a list that does not depend on the item>`: the list is the same for every item.
        item_in = right.fn if step is member and left.access == ("",) and self.item_reads == reads else None
        fn = specialise.comparison(step, left, right) or lower.comparison(step, left.fn, right.fn)
        return Typed(fn, BOOL, union(operands), item_equals=specialise.item_equals(step, left, right), item_in=item_in)

    def comparison(self, op_node: ast.cmpop, left: Typed, right: Typed, node: ast.AST) -> Callable[[Any, Any], bool]:
        if isinstance(op_node, (ast.Is, ast.IsNot)):
            raise ExprError("不允许使用 is / is not；请写 == None 或 != None", "is / is not are not allowed; write == None or != None",
                            _col(node))
        if isinstance(op_node, (ast.In, ast.NotIn)):
            if not isinstance(right.type, ListOf) and not isinstance(right.type, (Text, Choice)) and right.type is not ANY:
                raise ExprError("in 的右边必须是列表或文字", "the right side of in must be a list or text", _col(node))
            if isinstance(right.type, ListOf):
                self.check_choice_literal(right.type.item, left, node)
                self.check_choice_literal(left.type, right, node)
            if isinstance(right.type, (Text, Choice)) and not isinstance(left.type, (Text, Choice)) and left.type is not ANY:
                raise ExprError("in 的右边是文字时，左边也必须是文字", "when the right side of in is text, the left must be text too",
                                _col(node))
            return lower.not_member if isinstance(op_node, ast.NotIn) else member
        if not same_kind(left.type, right.type):
            raise ExprError(f"不能比较 {describe(left.type)} 和 {describe(right.type)}",
                            f"cannot compare {describe(left.type)} with {describe(right.type)}", _col(node))
        self.check_choice_literal(left.type, right, node)
        self.check_choice_literal(right.type, left, node)
        op = _COMPARE[type(op_node)]
        if op in (operator.eq, operator.ne):
            return op  # type: ignore[return-value]
        return lower.ordered(op)

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
        return Typed(lower.condition(test.fn, body.fn, orelse.fn), body.type, union([test, body, orelse]))

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
            second = (_Checker(self.env.with_item(item_of(first)), self.fast).visit(node.args[1])
                      if len(node.args) > 1 else None)
            return self.predicate_call(name, first, second, node)
        rest = [self.visit(a) for a in node.args[1:]]
        return self.plain_call(name, first, rest, node)

    def predicate_call(self, name: str, xs: Typed, per_item: Typed | None, node: ast.AST) -> Typed:
        fields = union([xs] + ([per_item] if per_item else []))
        if per_item is None:
            return Typed(lower.count_all(xs.fn), NUMBER, fields)
        if name == "sum" and not is_number(per_item.type):
            raise ExprError("sum 的第二个参数必须是数字", "the second argument of sum must be a number", _col(node))
        fn = (self.fast and specialise.predicate(name, xs, per_item)) or lower.predicate(name, xs.fn, per_item.fn)
        if name in ("count", "sum"):
            return Typed(fn, NUMBER, fields)
        if name in ("any", "all"):
            return Typed(fn, BOOL, fields)
        if name == "where":
            return Typed(fn, xs.type, fields, xs.path)
        if name == "map":
            return Typed(fn, ListOf(per_item.type), fields)
        return Typed(fn, RATIO, fields)

    def plain_call(self, name: str, first: Typed, rest: list[Typed], node: ast.AST) -> Typed:
        get = first.fn
        fields = union([first] + rest)
        if name == "flatten":
            if not (isinstance(first.type, ListOf) and isinstance(first.type.item, ListOf)):
                raise ExprError("flatten 需要列表的列表", "flatten needs a list of lists", _col(node))
            return Typed(lower.flatten(get), first.type.item, fields)
        if name == "unique":
            if not isinstance(first.type, ListOf):
                raise ExprError("unique 需要列表", "unique needs a list", _col(node))
            return Typed(lower.unique(get), first.type, fields)
        if name == "len":
            return Typed(lower.length(get), NUMBER, fields)
        if not isinstance(first.type, Date) and name in ("year", "in_year"):
            raise ExprError(f"{name} 需要日期", f"{name} needs a date", _col(node))
        if name == "year":
            return Typed(lower.year(get), NUMBER, fields)
        if name == "in_year":
            return Typed((self.fast and specialise.in_year(first)) or lower.in_year(get), BOOL, fields)
        options = rest[0]
        if not isinstance(options.type, ListOf):
            raise ExprError("rank 的第二个参数必须是列表", "the second argument of rank must be a list", _col(node))
        self.check_choice_literal(first.type, options, node)
        return Typed(lower.rank(get, options.fn), NUMBER, fields)
