"""A small, safe expression language for the plan's checks, compiled once into Python closures.

`language` holds its types, functions and error; `check` parses and type-checks an expression, lowering each node to
a plain closure (`lower`, the reference) or, for the shapes plans use most, a faster one (`specialise`, off with
`CAREWORK_REFERENCE=1`). Evaluation is null-safe: a missing value compares false and counts as nothing.
"""

from __future__ import annotations

from carework.rules.expr.check import compile_expr, record_env
from carework.rules.expr.language import (
    ANY,
    BOOL,
    DATE,
    FUNCTIONS,
    NUMBER,
    RATIO,
    TEXT,
    Compiled,
    Env,
    ExprError,
    Function,
    Ratio,
    Scope,
    Typed,
    item_of,
    member,
)
from carework.rules.expr.lower import lookup as _lookup  # the plan binds its definitions' names with it

__all__ = ["ANY", "BOOL", "DATE", "FUNCTIONS", "NUMBER", "RATIO", "TEXT", "Compiled", "Env", "ExprError", "Function",
           "Ratio", "Scope", "Typed", "_lookup", "compile_expr", "item_of", "member", "record_env"]
