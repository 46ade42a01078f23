"""What the differential tests share: the inputs every twin runs on, and a way to run a function both ways.

The inputs are the sample city (data/schools), every record of the bad-input corpus (tests/bad_input) and records
made by tests/support/generate.py (every kind of result, YAML 1.1 booleans included).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from carework.core.reference import SWITCH

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "schools"
BAD_INPUT = ROOT / "tests" / "bad_input"
#: Files of the bad-input corpus that are not records.
NOT_RECORDS = {"expect.yaml", "plan.yaml", "carework.yaml", "waivers.yaml"}

T = TypeVar("T")


@contextmanager
def reference(on: bool) -> Iterator[None]:
    """The reference switch on or off for the duration (restored after)."""
    before = os.environ.get(SWITCH)
    if on:
        os.environ[SWITCH] = "1"
    else:
        os.environ.pop(SWITCH, None)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SWITCH, None)
        else:
            os.environ[SWITCH] = before


def both(fn: Callable[[], T]) -> tuple[T, T]:
    """`fn()` with the fast paths, then with the reference twins."""
    with reference(False):
        fast = fn()
    with reference(True):
        plain = fn()
    return fast, plain


def outcome(fn: Callable[[], Any]) -> Any:
    """What `fn()` returns, or the exception it raises as (type, text, problem if any): equal both ways too."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the twins must fail alike
        return type(exc).__name__, str(exc), getattr(exc, "problem", None)


def generated(folder: Path, count: int = 60, seed: int = 11) -> list[Path]:
    from support.generate import generate

    return sorted(generate(count, folder, seed=seed))


def record_files(folder: Path) -> list[Path]:
    """Every record of the sample city and the bad-input corpus, and generated ones written into `folder`."""
    bad = [p for p in sorted(BAD_INPUT.rglob("*.yaml")) if p.name not in NOT_RECORDS and p.is_file()]
    return sorted(SAMPLE.glob("*.yaml")) + bad + generated(folder)
