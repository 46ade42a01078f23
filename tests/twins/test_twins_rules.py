"""The plan's expressions, specialised or lowered plainly, judge every school alike; so do new_result and Result."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, PLAN_FILE, TODAY
from twin_support import both, record_files, reference

from carework.core.model import Result
from carework.reading.source import read_source
from carework.rules.engine import evaluate_school
from carework.rules.plan import load_plan
from carework.schema.records import load_school
from carework.schema.validate import Context


def full(result: Result) -> tuple[object, ...]:
    """Every field, found and expected included (Result's own equality leaves them out)."""
    return (type(result), result.school, result.rule, result.status, result.severity, result.message_zh,
            result.message_en, result.location, repr(result.found), repr(result.expected), result.waiver)


def test_every_school_is_judged_the_same(tmp_path: Path) -> None:
    fast_plan, plain_plan = both(lambda: load_plan(PLAN_FILE))  # expressions are specialised when the plan compiles
    ctx = Context(vocabularies=fast_plan.vocabularies, today=TODAY, period=fast_plan.period)
    judged = 0
    for path in record_files(tmp_path):
        school, _ = load_school(read_source(path, [path.parent]), ctx)
        if school is None:
            continue
        with reference(False):
            fast = [full(r) for r in evaluate_school(fast_plan, school, AS_OF, {})]
        with reference(True):
            plain = [full(r) for r in evaluate_school(plain_plan, school, AS_OF, {})]
        assert fast == plain, path
        judged += 1
    assert judged > 90
