"""The shipped sample city is the default data: it must load cleanly and span the city it claims to."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, PLAN_FILE, ROOT, TODAY

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.core.model import Status
from carework.rules.model import Plan
from carework.rules.rectify import FINDINGS, STATE_LABELS, finding_severity
from carework.schema.school import SCHOOL_KINDS

SCHOOLS = ROOT / "data" / "schools"
TEMPLATE = ROOT / "templates" / "record-template.yaml"


def sample_run(paths: tuple[Path, ...] = (SCHOOLS,)):  # type: ignore[no-untyped-def]
    return run_check(Inputs(paths, PLAN_FILE, None), AS_OF, TODAY)


def test_sample_records_load_with_no_problems_at_all() -> None:
    run = sample_run()
    assert [(p.location.file, p.location.line, p.message_en) for p in run.problems if not finding_severity(p)] == []
    assert not [r for r in run.results if r.status == Status.ERROR]


def test_the_sample_ledger_shows_every_state_of_a_rectification() -> None:
    """The README and the reports show the ledger: the sample city has items in each state but an unknown rule."""
    run = sample_run()
    assert {item.state for item in run.rectifications} == set(STATE_LABELS) - {"unknown_rule"}
    assert {p.code for p in run.problems} == set(FINDINGS) - {"rectification-unknown-rule"}


def test_the_sample_city_is_big_and_varied_enough() -> None:
    run = sample_run()
    assert len(run.schools) >= 30
    assert len({s.district for s in run.schools}) >= 4
    assert {s.kind for s in run.schools} == set(SCHOOL_KINDS.values)
    gaps = {s.code: sum(r.status == Status.FAIL for r in run.results if r.school == s.code) for s in run.schools}
    assert min(gaps.values()) == 0, "an exemplary school"
    assert max(gaps.values()) >= 10, "a school badly behind"


def test_the_commented_template_is_valid_but_for_its_placeholder_code(plan: Plan) -> None:
    run = sample_run((TEMPLATE,))
    assert [(p.code, p.level) for p in run.problems] == [("template-code", "error")]
    assert "写上本校的学校代码" in run.problems[0].fix_zh
    assert run.schools == [], "a copy of the template not yet filled in is no school: it never counts in a target"


def test_the_template_is_commented_in_chinese_on_every_field() -> None:
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    keyed = [line for line in lines if ":" in line and not line.lstrip().startswith("#")]
    uncommented = [line for line in keyed if "#" not in line and not any(
        "#" in above for above in lines[max(0, lines.index(line) - 2):lines.index(line)])]
    assert uncommented == []
