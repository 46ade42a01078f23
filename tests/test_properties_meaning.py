"""Properties that check meaning, not only that nothing crashes.

Records are valid most of the time: the base record (tests/rules/base.yaml) with a random handful of the patches the
rule and boundary cases already use (each one a realistic variant a secretary writes), so most examples reach every
rule instead of stopping at a data error. Properties:

- an event dated after the as-of day changes nothing;
- a waiver never turns a pass (or anything but a gap) into anything else, and turns a gap into `waived` exactly while
  it is valid (through its expiry day);
- the JSON and text formats report the same counts for the same city;
- a generated count expression gives what a plain Python reading of it gives.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, base_record, generated_city, merge, school_from
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carework.cli import app
from carework.core.model import Status, Waiver
from carework.core.problems import Location
from carework.rules.engine import evaluate_school
from carework.rules.expr import DATE, compile_expr, record_env
from carework.rules.model import Plan
from carework.schema.fieldtypes import Integer
from carework.schema.school import SCHOOL

TESTS = Path(__file__).resolve().parent
FEW = settings(max_examples=30, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _patches() -> list[dict[str, Any]]:
    """Every patch of a rule or boundary case whose record is valid."""
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((TESTS / "rules" / "cases").glob("*.yaml"))]
    cases = [c for d in docs for c in d["cases"]] + yaml.safe_load(
        (TESTS / "boundaries" / "rules.yaml").read_text(encoding="utf-8"))["cases"]
    return [c["patch"] for c in cases if c.get("patch") and c["expect"] != "error" and not c.get("data_errors")]


PATCHES = _patches()
records = st.lists(st.sampled_from(PATCHES), max_size=4).map(
    lambda chosen: merge(base_record(), _merge_all(chosen)))
as_of_days = st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _merge_all(patches: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for patch in patches:
        out = merge(out, patch)
    return out


def _judged(plan: Plan, folder: Path, data: dict[str, Any], as_of: dt.date,
            waivers: dict[tuple[str, str], Waiver] | None = None) -> dict[str, tuple[Status, str, str]]:
    school = school_from(plan, folder, data, allow_errors=True)
    return {r.rule: (r.status, r.message_zh, repr(r.found)) for r in evaluate_school(plan, school, as_of, waivers or {})}


#: Dated lists and an item to add to each, dated later.
LATER_EVENTS = {
    "party_hearings": {"topic": "后来的听取汇报", "minutes": True},
    "office_meetings": {"topic": "后来的会议", "minutes": True},
    "duty_reports": {"name": "王建国"},
    "research": {"title": "后来的论文", "kind": "paper"},
    "publicity": {"title": "后来的宣传", "kind": "model"},
    "activities": {"title": "后来的宣讲", "kind": "lecture", "campaign": "读懂中国", "students": 10, "elders": 1},
    "trainings": {"title": "后来的培训", "organiser": "city", "topics": ["xi_thought", "congress20", "instructions", "deployments"],
                  "attendees": ["王建国"]},
}


@FEW
@given(data=records, as_of=as_of_days, later=st.integers(1, 400),
       lists=st.lists(st.sampled_from(sorted(LATER_EVENTS)), min_size=1, max_size=4, unique=True),
       elder=st.booleans())
def test_an_event_dated_after_the_as_of_day_changes_nothing(
        plan: Plan, tmp_path: Path, data: dict[str, Any], as_of: dt.date, later: int, lists: list[str],
        elder: bool) -> None:
    before = _judged(plan, tmp_path, data, as_of)
    when = as_of + dt.timedelta(days=later)
    added = {name: list(data.get(name) or []) + [{**LATER_EVENTS[name], "date": when}] for name in lists}
    if elder:
        added["elders"] = list(data.get("elders") or []) + [
            {"name": "后来者", "category": "teacher", "tier": "leader", "joined": when}]
        added["care_platforms"] = list(data.get("care_platforms") or []) + [{"name": "后来的平台", "established": when}]
    assert _judged(plan, tmp_path, {**data, **added}, as_of) == before


@FEW
@given(data=records, as_of=as_of_days, expiry=st.integers(-3, 3),
       waived=st.lists(st.sampled_from(["S1-01", "S2-03", "S2-06", "S2-11", "S2-12", "S2-13", "S3-01", "S3-02", "S4-01",
                                        "S4-02", "S5-01"]), min_size=1, unique=True))
def test_a_waiver_only_ever_turns_a_gap_into_waived_while_it_is_valid(
        plan: Plan, tmp_path: Path, data: dict[str, Any], as_of: dt.date, expiry: int, waived: list[str]) -> None:
    plain = _judged(plan, tmp_path, data, as_of)
    expires = as_of + dt.timedelta(days=expiry)
    waivers = {(rule, data["code"]): Waiver(rule, data["code"], "整改中", "市教育局", expires, Location("waivers.yaml"))
               for rule in waived}
    with_waivers = _judged(plan, tmp_path, data, as_of, waivers)
    for rule, (status, message, found) in plain.items():
        if rule in waived and status == Status.FAIL and expires >= as_of:
            assert with_waivers[rule] == (Status.WAIVED, message, found)
        else:
            assert with_waivers[rule] == (status, message, found), f"{rule} was {status.value}"


runner = CliRunner()
SUMMARY_ROW = re.compile(r"^合计\s+\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)


@settings(FEW, max_examples=6)
@given(seed=st.integers(0, 10_000), waived=st.integers(0, 8))
def test_json_and_text_report_the_same_counts(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                                              seed: int, waived: int) -> None:
    folder = tmp_path_factory.mktemp("city")
    inputs = generated_city(folder, 12, seed, waived=waived)
    monkeypatch.chdir(folder)
    base = ["check", "--as-of", AS_OF.isoformat(), "--waivers", str(inputs.waivers), "--plan", str(inputs.plan),
            str(folder / "schools")]
    doc = json.loads(runner.invoke(app, [*base, "--format", "json"]).stdout)
    text = runner.invoke(app, [*base, "--format", "text"]).stdout
    row = SUMMARY_ROW.search(text)
    assert row, text
    counts = {s: sum(r["status"] == s for r in doc["results"]) for s in ("pass", "fail", "waived", "not_applicable", "error")}
    assert [int(n) for n in row.groups()] == list(counts.values())
    assert f"检查学校 {doc['schools']} 所" in text
    for target in doc["targets"]:
        assert f"({target['numerator']}/{target['denominator']})" in text


ENV = record_env(SCHOOL, {"year": Integer(), "as_of": DATE, "period_start": DATE, "period_end": DATE})
LISTS = ["party_hearings", "office_meetings", "research", "publicity"]
CONDITIONS = {
    "in_year(item.date)": lambda d, as_of: d.year == 2024 and d <= as_of,
    "item.date <= as_of": lambda d, as_of: d <= as_of,
    "item.date < as_of": lambda d, as_of: d < as_of,
    "item.date > as_of": lambda d, as_of: d > as_of,
    "item.date == as_of": lambda d, as_of: d == as_of,
    "item.date >= period_start": lambda d, as_of: d >= dt.date(2024, 1, 1),
}
OPERATORS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "==": lambda a, b: a == b, "<": lambda a, b: a < b}


@settings(FEW, max_examples=120)
@given(name=st.sampled_from(LISTS), condition=st.sampled_from(sorted(CONDITIONS)), op=st.sampled_from(sorted(OPERATORS)),
       bound=st.integers(0, 4), as_of=as_of_days,
       dates=st.lists(st.dates(dt.date(2023, 11, 1), dt.date(2025, 2, 1)), max_size=6))
def test_a_count_expression_means_what_it_says(name: str, condition: str, op: str, bound: int, as_of: dt.date,
                                               dates: list[dt.date]) -> None:
    typed = compile_expr(f"count({name}, {condition}) {op} {bound}", ENV)
    scope = {f.name: None for f in SCHOOL.fields}
    scope.update({name: [{"date": d} for d in dates], "year": 2024, "as_of": as_of,
                  "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)})
    expected = OPERATORS[op](sum(CONDITIONS[condition](d, as_of) for d in dates), bound)
    assert typed.fn(scope, None) is expected
