"""A plan-load estimate of what an expression costs per school, so that a rule whose loops nest too deeply is a plan
error when the plan loads, not a run that never ends.

Every list is assumed to hold ESTIMATE_ITEMS items; a loop (`count`, `any`, `where`, …) costs its list's items times
what its condition costs. Two loops nested (`count(a, item in map(b, …))`) stay far below the limit; three do not.
The evaluation budget (`language.MAX_STEPS`) still bounds what a school's records make of an accepted rule.
"""

from __future__ import annotations

import ast

from carework.rules.expr.language import FUNCTIONS, MAX_STEPS

#: The items assumed in every list: more than a school records in any list, fewer than a hostile record holds.
ESTIMATE_ITEMS = 1_000
#: The most an expression may be estimated to cost, in list items visited per school.
MAX_ESTIMATE = MAX_STEPS
_LISTING = frozenset({"flatten", "unique"})


def estimate(node: ast.AST) -> int:
    """The estimated list items `node` visits for one school."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        args = node.args
        spec = FUNCTIONS[node.func.id]
        if spec.predicate and len(args) == 2:
            return estimate(args[0]) + ESTIMATE_ITEMS * (1 + estimate(args[1]))
        inner = sum(estimate(a) for a in args)
        return inner + (ESTIMATE_ITEMS if node.func.id in _LISTING else 1)
    return 1 + sum(estimate(child) for child in ast.iter_child_nodes(node))
