"""Validation's compiled per-type checks give what the general `Run.scalar` gives: values, problems, dropped paths."""

from __future__ import annotations

from pathlib import Path

from conftest import PLAN_FILE, TODAY
from twin_support import both, record_files

from carework.reading.fastload import load_record
from carework.reading.loader import YamlError
from carework.reading.source import read_source
from carework.rules.plan import load_plan
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate


def test_every_record_validates_the_same(tmp_path: Path) -> None:
    plan = load_plan(PLAN_FILE)
    ctx = Context(vocabularies=plan.vocabularies, today=TODAY, period=plan.period)
    checked = 0
    for path in record_files(tmp_path):
        try:
            load_record(read_source(path, display=path.name))
        except (YamlError, OSError):
            continue

        def run(path: Path = path) -> tuple[str, list[object], list[object]]:
            result = validate(load_record(read_source(path, display=path.name)), SCHOOL, ctx)
            return repr(result.value), result.problems, result.invalid

        fast, plain = both(run)
        assert fast == plain, path
        checked += 1
    assert checked > 100
