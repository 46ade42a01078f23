"""`--format junit`: valid against the Jenkins xUnit plugin's JUnit XSD, a suite per school, a case per rule.

xmlschema (pure Python, full XSD 1.0) validates against the copy in tests/schemas/ (see its README).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SCHEMAS, base_record, merge, write_record
from typer.testing import CliRunner

from carework.checking.run import CheckRun, SchoolResults
from carework.cli import app
from carework.core.problems import Location, Problem
from carework.formats.base import FormatOptions
from carework.formats.junit import JunitFormat
from carework.rules.model import Plan

runner = CliRunner()
XSD = SCHEMAS / "junit-10.xsd"


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two schools with gaps, one waived gap, a record with a data error and a file that is no school at all."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, merge(base_record(), {"party_hearings": [{"date": "2024-03-01"}], "name": "第一<中学>&\"校\""}))
    write_record(schools, merge(base_record(), {"code": "BASE-002", "office": {"dedicated": False},
                                                "committee": {"succession_plan": "yes please"}}))
    (schools / "BROKEN.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    (tmp_path / "data" / "waivers.yaml").write_text(
        "waivers:\n  - {rule: S2-12, school: BASE-002, reason: 装修中, approved_by: 市关工委, expires: 2025-03-31}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def junit(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "junit", *args])
    print(result.output)
    return result.exit_code, result.stdout


def test_validates_against_the_junit_xsd(city: Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD))
    for lang in ("zh", "en"):
        code, out = junit("--lang", lang)
        assert code == 3
        schema.validate(out)


def test_a_suite_per_school_a_case_per_rule(city: Path, plan: Plan) -> None:
    school_rules = sum(1 for r in plan.rules if r.scope == "school")
    _, out = junit()
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"第一<中学>&\"校\"（BASE-001）", "云溪市基准高级中学（BASE-002）", "data/schools/BROKEN.yaml", "总体目标"}
    first = suites["第一<中学>&\"校\"（BASE-001）"]
    cases = first.findall("testcase")
    assert len(cases) == school_rules and first.get("file") == "data/schools/BASE-001.yaml" and first.get("package") == "天宁区"
    [gap] = [c for c in cases if c.find("failure") is not None]
    failure = gap.find("failure")
    assert gap.get("name", "").startswith("S2-06 ") and failure is not None
    assert failure.get("type") == "error" and failure.get("message") == "2024 年党组织听取汇报 1 次，要求至少 2 次"
    assert "原文：“执行好党组织定期听取关工委工作汇报”" in (failure.text or "")
    assert "data/schools/BASE-001.yaml:" in (failure.text or "")
    assert first.get("tests") == str(school_rules) and first.get("failures") == "1" and first.get("errors") == "0"


def test_data_errors_are_errors_and_a_waiver_is_skipped(city: Path) -> None:
    _, out = junit()
    root = ET.fromstring(out)
    second = next(s for s in root.findall("testsuite") if "BASE-002" in (s.get("name") or ""))
    errors = [c for c in second.findall("testcase") if c.find("error") is not None]
    assert any((c.get("name") or "").startswith("数据 ") and "succession_plan" in (c.find("error").get("message") or "")  # type: ignore[union-attr]
               for c in errors)
    assert any((c.get("name") or "").startswith("S2-") for c in errors)  # the rule that reads the broken field
    waived = next(c for c in second.findall("testcase") if (c.get("name") or "").startswith("S2-12 "))
    skipped = waived.find("skipped")
    assert skipped is not None and "已豁免至 2025-03-31" in (skipped.get("message") or "")
    broken = next(s for s in root.findall("testsuite") if s.get("name") == "data/schools/BROKEN.yaml")
    assert broken.get("errors") == "1"
    assert int(root.get("tests") or 0) == sum(int(s.get("tests") or 0) for s in root.findall("testsuite"))


def test_targets_suite(city: Path) -> None:
    _, out = junit("--lang", "en")
    targets = next(s for s in ET.fromstring(out).findall("testsuite") if s.get("name") == "Targets")
    assert [c.get("classname") for c in targets.findall("testcase")][0] == "T4-01"


def test_characters_xml_cannot_hold_are_replaced(plan: Plan) -> None:
    """The loader refuses control characters today; the format does not rely on it, one odd message never breaks
    the whole file."""
    problem = Problem(Location("a.yaml", 2, 1), "odd", "铃\x07声\x1b", "bell")
    out = JunitFormat(FormatOptions()).render(CheckRun(plan, dt.date(2024, 12, 31), [], SchoolResults.of([]), [problem], [], []))
    assert "\x07" not in out and "\x1b" not in out and "铃\ufffd声\ufffd" in out
    ET.fromstring(out)


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "豁免：已豁免至 2025-03-31（市关工委：装修中）：关工委没有专门办公场所"),
    ("en", "waived: waived until 2025-03-31 (市关工委: 装修中): the committee has no dedicated office"),
])
def test_a_waived_rule_is_skipped_with_its_waiver_in_the_run_s_language(city: Path, lang: str, expected: str) -> None:
    root = ET.fromstring(runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "junit", "--lang", lang]).stdout)
    [skipped] = [s for case in root.iter("testcase") if case.get("name", "").startswith("S2-12")
                 and case.get("classname", "").endswith("BASE-002") for s in case.findall("skipped")]
    assert (skipped.get("type"), skipped.get("message")) == ("waived", expected)
