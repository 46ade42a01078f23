"""Mutation testing of the code that decides outcomes: does the test suite notice when it changes?

Each mutant is one small, realistic slip in one function — a comparison off by one (`<=` → `<`), a condition
negated or its `and` turned into `or`, a number off by one, a severity's level renamed, a tuple of severities
reversed — written into a private copy of `src/` and run against the fast tests that pin that code. A mutant the tests
fail on is *killed*; one they pass is a *survivor*: a behaviour no test pins (or an equivalent mutant, listed with
its reason in EQUIVALENT below).

    .venv/bin/python scripts/mutation.py                  # every target: about 8 minutes on two cores
    .venv/bin/python scripts/mutation.py waivers targets  # some targets, by name
    .venv/bin/python scripts/mutation.py --list           # the mutants, without running them

It prints each survivor (file, line, the mutated line) and the score; it exits 1 when the score is below --goal
(default 90%). It never touches the working tree: the copy lives in a temporary folder.

Why our own: mutmut 3 rewrites every function of a module behind a trampoline and runs each mutant in a forked copy
of one pytest process; on these modules (forked pools, module-level tables read at import, Literal-typed tuples) it
could not be limited to the functions that decide outcomes, and a pass over two modules did not finish within the
five minutes we allow. Mutating the source text of named functions only and running a named subset of tests in a
fork of one prepared process is predictable, and needs no dependency.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "carework"


@dataclass(frozen=True)
class Target:
    """Named functions (or module-level names) of one module, and the fast tests that pin them; with `lines`, only
    the lines of those scopes that hold one of these words (the decisions in a function that also writes text)."""

    name: str
    module: str
    scopes: tuple[str, ...]
    tests: tuple[str, ...]
    lines: tuple[str, ...] = ()


RULE_TESTS = ("tests/test_boundaries.py", "tests/test_rule_cases.py")
TARGETS = (
    Target("engine", "rules/engine.py",
           ("evaluate_school", "_evaluate_rule", "not_applicable", "_broken_fields", "waive", "waiver_of", "waiver_index"),
           ("tests/test_engine.py", *RULE_TESTS)),
    Target("checks", "rules/checks.py", ("_build_at_least", "_build_true", "_build_each"), ("tests/test_engine.py", *RULE_TESTS)),
    Target("dates", "rules/expr/lower.py", ("in_year",), ("tests/test_boundaries.py",)),
    Target("dates-fast", "rules/expr/specialise.py", ("in_year",), ("tests/test_boundaries.py",)),
    Target("waivers", "rules/waivers.py", ("active",), ("tests/test_boundaries.py",)),
    Target("targets", "rules/targets.py", ("target_facts", "absent_fact", "aggregate_targets", "_target_result", "_sortable"),
           ("tests/test_targets.py", "tests/test_boundaries.py")),
    Target("severities", "core/model.py", ("SEVERITIES",), ("tests/test_severity_matrix.py",)),
    Target("levels-sarif", "formats/sarif.py", ("LEVELS",), ("tests/test_severity_matrix.py",)),
    Target("levels-github", "formats/github.py", ("LEVELS",), ("tests/test_severity_matrix.py",)),
    Target("levels-junit", "formats/junit.py", ("rule_case",), ("tests/test_severity_matrix.py", "tests/test_formats_junit.py"),
           ("Status.", "SubElement")),
    Target("exit-codes", "cli/boundary.py", ("ExitCode", "EXIT_CODES"),
           ("tests/test_contract.py", "tests/test_boundary.py", "tests/test_severity_matrix.py")),
    Target("fail-on", "cli/check.py", ("run_check",), ("tests/test_severity_matrix.py",),
           ("problems", "fail_on", "SEVERITIES", "Status.FAIL")),
)

#: Mutants that cannot change behaviour, by (module, line, mutated text): each with why.
EQUIVALENT: dict[tuple[str, str], str] = {
    ("rules/targets.py", "status = next((b.status for b in target.bands if value > b.at_least - 1e-12), target.bands[-1].status)"):
        "a share is a ratio of two integers: it never lies within 1e-12 of a band's edge without equalling it, so > and "
        ">= on the tolerance-shifted edge agree",
    ("rules/targets.py", "status = next((b.status for b in target.bands if value >= b.at_least - 0.0), target.bands[-1].status)"):
        "a share num/den that equals a band's edge is the same float as the edge (both correctly rounded), so the "
        "tolerance never decides",
    ("rules/targets.py", "status = next((b.status for b in target.bands if value >= b.at_least - 1e-12), target.bands[-2].status)"):
        "the plan's last band starts at 0, so every share finds a band and the fallback is never read",
    ("rules/targets.py", "return (1, 1) if value is None else (0, value)"):
        "any key after every (0, value) sorts a missing value last; all missing values share it",
    ("rules/targets.py", "return (2, 0) if value is None else (0, value)"):
        "any key after every (0, value) sorts a missing value last; all missing values share it",
    ("formats/junit.py", "if result.status == Status.WAIVED or result.waiver:"):
        "only a waived result carries a waiver, so `or` and `and` pick the same results",
    ("rules/checks.py", "value = shown(found(scope, None)) if found or shown else ok"):
        "`found` and `shown` are both set exactly when the check declares `found:`, so `and` and `or` agree",
}


@dataclass(frozen=True)
class Mutant:
    target: Target
    line: int
    start: int  # offsets of the replaced text in the module's source
    end: int
    text: str

    def source(self, original: str) -> str:
        return original[: self.start] + self.text + original[self.end:]

    def shown(self, original: str) -> str:
        mutated = self.source(original).splitlines()
        return mutated[self.line - 1].strip()


COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div}


def _variants(node: ast.AST) -> Iterator[ast.AST]:
    """The mutated versions of one node (each replaces the node's source text)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAPS:
                ops = list(node.ops)
                ops[i] = COMPARE_SWAPS[type(op)]()
                yield ast.Compare(node.left, ops, node.comparators)
    elif isinstance(node, ast.BoolOp):
        yield ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node.operand
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS and not _is_text(node.left):
        yield ast.BinOp(node.left, BINOP_SWAPS[type(node.op)](), node.right)
    elif isinstance(node, ast.Constant) and not isinstance(node.value, str):
        value = node.value
        if isinstance(value, bool):
            yield ast.Constant(not value)
        elif isinstance(value, int):
            yield ast.Constant(value + 1)
        elif isinstance(value, float):
            yield ast.Constant(0.0 if value else 1.0)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        yield ast.Constant("X" + node.value)  # a table's entry renamed (only tables: see `_is_text`)
    elif isinstance(node, ast.Tuple) and len(node.elts) > 1 and all(isinstance(e, ast.Constant) for e in node.elts):
        yield ast.Tuple(node.elts[::-1], ast.Load())
    elif isinstance(node, ast.If):
        yield ast.If(ast.UnaryOp(ast.Not(), node.test), node.body, node.orelse)  # the branch taken the other way


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)) or (
        isinstance(node, ast.IfExp) and _is_text(node.body))


def _skipped(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Text is not a decision: docstrings, messages and f-strings are left alone; a string is mutated only as an entry
    of a table (a dict or a tuple) or as what a value is compared with."""
    parent = parents.get(node)
    if isinstance(parent, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return not isinstance(parent, (ast.Dict, ast.Tuple, ast.Compare))
    return False


def _scopes(tree: ast.Module, names: tuple[str, ...]) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            yield node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in names for t in targets):
                yield node


def mutants(target: Target) -> list[Mutant]:
    path = PACKAGE / target.module
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    raw = source.encode("utf-8")

    def offset(line: int, col: int) -> int:  # ast columns are UTF-8 byte offsets
        return len(raw[: offsets[line - 1] + col].decode("utf-8"))

    out: list[Mutant] = []
    seen: set[tuple[int, int, str]] = set()
    for scope in _scopes(tree, target.scopes):
        for node in ast.walk(scope):
            if node is scope or _skipped(node, parents):
                continue
            if not hasattr(node, "lineno") or node.end_lineno is None or node.end_col_offset is None:
                continue
            if target.lines and not any(word in lines[node.lineno - 1] for word in target.lines):
                continue
            start, end = offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)
            for variant in _variants(node):
                if isinstance(node, ast.If):  # only the condition is rewritten
                    test = node.test
                    assert test.end_lineno is not None and test.end_col_offset is not None
                    start, end = offset(test.lineno, test.col_offset), offset(test.end_lineno, test.end_col_offset)
                    text = f"not ({source[start:end]})"
                else:
                    text = ast.unparse(variant)
                    if isinstance(variant, (ast.Compare, ast.BoolOp, ast.BinOp)) and node.lineno != node.end_lineno:
                        text = f"({text})"
                key = (start, end, text)
                if key not in seen and text != source[start:end]:
                    seen.add(key)
                    out.append(Mutant(target, node.lineno, start, end, text))
    return out


def preload() -> None:
    """Import what every test run needs but the mutants cannot change, once, before forking a run per mutant (not
    pytest plugins such as hypothesis: pytest must import those itself, to rewrite their asserts)."""
    import jinja2  # noqa: F401
    import pytest  # noqa: F401
    import rich.console  # noqa: F401
    import typer.testing  # noqa: F401
    import yaml  # noqa: F401


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> bool:
    """True when the tests pass on the code in `copy` (the mutant survives). Each run is a fork of this process, so
    the interpreter and the libraries above start once; carework itself is imported afresh, from `copy`, in the child."""
    existing = [t for t in tests if (ROOT / t).exists()]
    pid = os.fork()
    if pid == 0:  # the child: quiet, carework from the copy, pytest in-process
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.chdir(ROOT)
            sys.path.insert(0, str(copy))
            os.environ.pop("CAREWORK_REFERENCE", None)
            import pytest

            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=", *existing])
            os._exit(int(code))
        except BaseException:
            os._exit(99)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) == 0
        if time.monotonic() > deadline:  # a mutant that hangs is noticed too
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return False
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help=f"targets to mutate (default: all): {', '.join(t.name for t in TARGETS)}")
    parser.add_argument("--list", action="store_true", help="list the mutants without running them")
    parser.add_argument("--goal", type=float, default=90.0, help="the score (percent killed) below which to exit 1")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a mutant's tests may take")
    args = parser.parse_args()
    unknown = set(args.targets) - {t.name for t in TARGETS}
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    chosen = [t for t in TARGETS if not args.targets or t.name in args.targets]
    everything = [m for t in chosen for m in mutants(t)]
    originals = {t.module: (PACKAGE / t.module).read_text(encoding="utf-8") for t in chosen}
    if args.list:
        for m in everything:
            print(f"{m.target.module}:{m.line}: {m.shown(originals[m.target.module])}")
        print(f"{len(everything)} mutants")
        return 0
    sys.dont_write_bytecode = True  # the copy changes under the same names; never let a stale .pyc stand in for it
    os.environ["PYTHONHASHSEED"] = "0"
    preload()
    with tempfile.TemporaryDirectory(prefix="carework-mutation-") as temp:
        copy = Path(temp) / "src"
        shutil.copytree(PACKAGE, copy / "carework", ignore=shutil.ignore_patterns("__pycache__"))
        for shipped in ("data", "templates", "schema"):  # what the package finds beside it in a checkout
            (copy.parent / shipped).symlink_to(ROOT / shipped)
        for tests in dict.fromkeys(t.tests for t in chosen):  # unmutated, they must pass, or no mutant means anything
            if not run_tests(copy, tests, args.timeout * 3):
                print(f"{' '.join(tests)} fail on the unmutated code; fix that first", file=sys.stderr)
                return 2
        killed, survivors, equivalent, started = 0, [], [], time.monotonic()
        for n, m in enumerate(everything, 1):
            original = originals[m.target.module]
            module = copy / "carework" / m.target.module
            module.write_text(m.source(original), encoding="utf-8")
            try:
                survived = run_tests(copy, m.target.tests, args.timeout)
            finally:
                module.write_text(original, encoding="utf-8")
            line = m.shown(original)
            if not survived:
                killed += 1
            elif (m.target.module, line) in EQUIVALENT:
                equivalent.append((m, line))
            else:
                survivors.append((m, line))
                print(f"\rSURVIVED {m.target.module}:{m.line}: {line}", file=sys.stderr, flush=True)
            print(f"\r{n}/{len(everything)} mutants, {killed} killed", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    for m, line in survivors:
        print(f"SURVIVED {m.target.module}:{m.line}: {line}")
    for m, line in equivalent:
        print(f"equivalent {m.target.module}:{m.line}: {line} — {EQUIVALENT[(m.target.module, line)]}")
    scored = len(everything) - len(equivalent)
    score = 100.0 * killed / scored if scored else 100.0
    print(f"mutation score: {killed}/{scored} killed ({score:.1f}%), {len(equivalent)} equivalent, "
          f"{len(survivors)} survived, {time.monotonic() - started:.0f} s")
    return 0 if score >= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
