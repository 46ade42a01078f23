"""Milliseconds of CPU per record for each stage of checking one record, in one process, on the same files.

    python benchmarks/phases.py bench-data/1000          # after bench.py has generated the records

Stages: reading the bytes; yaml-rs alone (the fastest parse possible); carework's reader (values and positions);
validation; loading (reader + validation); the rules; and `check_file`, everything one worker does for a record.
Not a test: use it to see where a change moves the time (see benchmarks/README.md).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
from pathlib import Path

import yaml_rs

from carework.checking.record_check import Job, check_file
from carework.core.paths import display_path
from carework.core.resources import default_plan
from carework.reading.discover import discover
from carework.reading.fastload import load_record
from carework.reading.source import read_source
from carework.rules.engine import evaluate_school, school_scope
from carework.rules.plan import load_plan
from carework.schema.records import load_school
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate

AS_OF = dt.date(2024, 12, 31)


def main() -> None:
    folder = Path(sys.argv[1])
    plan_path = default_plan()
    plan = load_plan(plan_path, display_path(plan_path))
    ctx = Context(vocabularies=plan.vocabularies, today=AS_OF, period=plan.period)
    files, _ = discover([folder])
    gc.disable()
    stages: list[tuple[str, float]] = []

    def stage(name: str, work):  # type: ignore[no-untyped-def]
        start = time.process_time()
        value = work()
        stages.append((name, time.process_time() - start))
        return value

    raw = stage("read bytes", lambda: [p.read_bytes() for p in files])
    stage("yaml-rs alone", lambda: [yaml_rs.loads(r.decode()) for r in raw])
    docs = stage("reader (values + positions)", lambda: [load_record(read_source(p)) for p in files])
    stage("validation", lambda: [validate(d, SCHOOL, ctx) for d in docs])
    schools = stage("reader + validation", lambda: [load_school(read_source(p, [folder]), ctx)[0] for p in files])

    def rules() -> None:
        for school in schools:
            if school is not None:
                list(evaluate_school(plan, school, AS_OF, {}, school_scope(plan, school, AS_OF)))

    stage("rules", rules)
    job = Job(plan, ctx, AS_OF, (folder,))
    stage("check_file (all of it)", lambda: [check_file(read_source(p, [folder]), job) for p in files])
    print(f"{len(files)} records from {folder}, CPU ms per record:")
    for name, seconds in stages:
        print(f"  {name:28s} {seconds * 1000 / len(files):7.3f}")


if __name__ == "__main__":
    main()
