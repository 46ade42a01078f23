"""The command line, through typer's CliRunner: output, filters, languages and the exit-code contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from conftest import BASE_RECORD, PLAN_FILE, base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output if result.exception is None or isinstance(result.exception, SystemExit) else repr(result.exception)
    print(output)  # shown by pytest when a test fails
    return result.exit_code, output


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small data repository: two good schools and one with gaps, in two districts."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, base_record())
    write_record(schools, merge(base_record(), {"code": "BASE-002", "name": "云溪市第二中学", "district": "钟楼区",
                                                "party_hearings": [{"date": "2024-03-01"}]}))
    write_record(schools, merge(base_record(), {"code": "BASE-003", "name": "云溪市第三中学", "office": {"dedicated": False},
                                                "quality": {"status": "in_progress", "certified_on": None}}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_with_no_arguments_reads_data_schools(city: Path) -> None:
    code, out = invoke("check", "--as-of", "2024-12-31")
    assert code == 0
    assert "云溪市第二中学（BASE-002）" in out and "2024 年党组织听取汇报 1 次，要求至少 2 次" in out
    assert "data/schools/BASE-002.yaml" in out
    assert "检查学校 3 所" in out


def test_english_output(city: Path) -> None:
    code, out = invoke("check", "--as-of", "2024-12-31", "--lang", "en")
    assert code == 0 and "the Party organisation heard 1 report(s) in 2024; at least 2 required" in out


def test_json_contract(city: Path) -> None:
    code, out = invoke("check", "--as-of", "2024-12-31", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert {"plan", "as_of", "schools", "results", "errors", "targets"} <= set(doc)
    assert doc["as_of"] == "2024-12-31" and doc["schools"] == 3
    gap = next(r for r in doc["results"] if r["school"] == "BASE-002" and r["rule"] == "S2-06")
    assert gap["status"] == "fail" and gap["severity"] == "error" and gap["file"] == "data/schools/BASE-002.yaml"
    assert gap["line"] > 1
    city_target = next(t for t in doc["targets"] if t["id"] == "T4-01")
    assert (city_target["numerator"], city_target["denominator"]) == (2, 3) and city_target["status"] == "met"
    assert {t["id"] for t in doc["targets"]} == {"T4-01", "T4-01@天宁区", "T4-01@钟楼区"}


def test_filters(city: Path) -> None:
    _, out = invoke("check", "--as-of", "2024-12-31", "--format", "json", "--school", "BASE-003", "--section", "2")
    doc = json.loads(out)
    assert {r["school"] for r in doc["results"]} == {"BASE-003"}
    assert all(r["rule"].startswith("S2-") for r in doc["results"])
    _, out = invoke("check", "--as-of", "2024-12-31", "--format", "json", "--district", "钟楼区", "--rule", "S2-06")
    assert [(r["school"], r["rule"]) for r in json.loads(out)["results"]] == [("BASE-002", "S2-06")]


def test_unknown_filter_values_are_usage_errors(city: Path) -> None:
    assert invoke("check", "--school", "NOPE")[0] == 2
    assert invoke("check", "--rule", "S9-99")[0] == 2
    assert invoke("check", "--as-of", "yesterday")[0] == 2


@pytest.mark.parametrize("date", ["20241231", "2024-W01-1", "2024-12-31T00:00", "２０２４-12-31", "2024-12-31 "])
def test_as_of_takes_only_the_iso_date_the_help_promises(city: Path, date: str) -> None:
    """Python 3.11's date.fromisoformat accepts 20241231 and 2024-W01-1; the help says YYYY-MM-DD, and so does carework."""
    code, out = invoke("check", "--as-of", date)
    assert code == 2 and "YYYY-MM-DD" in out, out


def test_fail_on_raises_the_bar(city: Path) -> None:
    assert invoke("check", "--as-of", "2024-12-31", "--fail-on", "error")[0] == 1
    assert invoke("check", "--as-of", "2024-12-31", "--fail-on", "error", "--school", "BASE-001")[0] == 0


def test_a_bad_record_exits_3_and_the_others_are_still_checked(city: Path) -> None:
    bad = city / "data" / "schools" / "BAD-001.yaml"
    bad.write_text("code: BAD-001\nname: 坏记录小学\ndistrict: 天宁区\nkind: primary\ncommitee: {}\n", encoding="utf-8")
    code, out = invoke("check", "--as-of", "2024-12-31")
    assert code == 3
    assert "data/schools/BAD-001.yaml:5:1" in out and "commitee" in out and "committee" in out
    assert "云溪市第二中学（BASE-002）" in out


def test_broken_yaml_gets_file_line_column(city: Path) -> None:
    (city / "data" / "schools" / "BAD-002.yaml").write_text("code: BAD-002\nname: [oops\n", encoding="utf-8")
    code, out = invoke("check", "--as-of", "2024-12-31", "--format", "json")
    doc = json.loads(out)
    assert code == 3
    [error] = [e for e in doc["errors"] if e["file"] == "data/schools/BAD-002.yaml"]
    assert error["line"] >= 2 and error["column"] >= 1 and "YAML" in error["message"]
    assert doc["schools"] == 3


def test_an_invalid_plan_exits_2_naming_the_rule(city: Path) -> None:
    plan = city / "plan.yaml"
    plan.write_text(PLAN_FILE.read_text(encoding="utf-8").replace("count(party_hearings, in_year", "count(party_hearing, in_year"),
                    encoding="utf-8")
    code, out = invoke("check", "--plan", str(plan))
    assert code == 2 and "S2-06" in out and "party_hearing" in out


def test_no_data_folder_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke("check")
    assert code == 2 and "data/schools" in out


def test_the_shipped_plan_is_used_when_the_repository_has_none(city: Path) -> None:
    assert not (city / "data" / "plans").exists()
    code, out = invoke("check", "--as-of", "2024-12-31", "--format", "json")
    assert code == 0 and json.loads(out)["plan"] == "work-points-2024"


def test_carework_yaml_points_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(BASE_RECORD, records / "BASE-001.yaml")
    (tmp_path / "carework.yaml").write_text("schools: [records]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = invoke("check", "--as-of", "2024-12-31", "--format", "json")
    assert code == 0 and json.loads(out)["schools"] == 1
    (tmp_path / "carework.yaml").write_text("schols: [records]\n", encoding="utf-8")
    code, out = invoke("check")
    assert code == 2 and "schools" in out


def test_waivers_apply_until_they_expire(city: Path) -> None:
    (city / "data" / "waivers.yaml").write_text(
        "waivers:\n"
        "  - {rule: S2-12, school: BASE-003, reason: 新办公室装修中, approved_by: 市关工委办公室, expires: 2025-03-31}\n",
        encoding="utf-8")
    _, out = invoke("check", "--as-of", "2024-12-31", "--format", "json", "--rule", "S2-12", "--school", "BASE-003")
    [result] = json.loads(out)["results"]
    assert result["status"] == "waived" and result["waiver"]["expires"] == "2025-03-31"
    _, out = invoke("check", "--as-of", "2025-04-01", "--format", "json", "--rule", "S2-12", "--school", "BASE-003")
    doc = json.loads(out)
    assert doc["results"][0]["status"] == "fail"
    assert any("expired" in w["message"] or "到期" in w["message"] for w in doc["warnings"])


def test_rules_and_explain() -> None:
    code, out = invoke("rules", "--format", "json", "--plan", str(PLAN_FILE))
    rules = json.loads(out)
    assert code == 0
    assert {"id", "section", "title", "source", "severity", "scope"} <= set(rules[0])
    assert {r["scope"] for r in rules} == {"school", "bureau", "aggregate"}
    code, out = invoke("explain", "S2-06", "--plan", str(PLAN_FILE))
    assert code == 0 and "执行好党组织定期听取关工委工作汇报" in out and "settings.party_hearings_per_year = 2" in out
    assert invoke("explain", "S9-99", "--plan", str(PLAN_FILE))[0] == 2


def test_version() -> None:
    code, out = invoke("--version")
    assert code == 0 and out.startswith("carework ")


def test_template_prints_the_commented_record_template() -> None:
    code, out = invoke("template")
    assert code == 0 and out.startswith("# yaml-language-server:") and "学校代码" in out


def test_report_on_one_file_writes_that_school_and_keeps_the_city_targets(city: Path) -> None:
    code, out = invoke("report", "data/schools/BASE-002.yaml", "--out", "reports", "--as-of", "2024-12-31")
    written = sorted(p.relative_to(city / "reports").as_posix() for p in (city / "reports").rglob("*.md"))
    assert code == 0 and written == ["schools/BASE-002.md"]
    assert "BASE-002" in (city / "reports" / "schools" / "BASE-002.md").read_text(encoding="utf-8")


def test_a_reader_that_goes_away_ends_the_run_quietly_with_141(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from carework.cli.console import emit

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    with pytest.raises(typer.Exit) as ended:
        emit("报告")
    assert ended.value.exit_code == 141


STARTUP = """
import sys
from carework.cli import main
sys.argv = ["carework", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["--version"]])
def test_help_starts_fast_without_the_checking_stage_or_jinja(args: list[str]) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STARTUP, *args], capture_output=True, text=True, check=True)
    loaded = done.stderr.split()
    heavy = [m for m in loaded if m.split(".")[0] == "jinja2" or m.startswith(("carework.checking", "carework.report",
                                                                              "carework.rules", "carework.reading"))]
    assert "carework.cli.app" in loaded and heavy == []


def test_a_path_that_is_no_file_or_folder_is_reported_not_skipped(city: Path) -> None:
    """`carework check /dev/zero` (or a FIFO) used to check nothing and exit 0."""
    import os

    os.mkfifo(city / "pipe.yaml")
    for path in ("pipe.yaml", *(["/dev/zero"] if os.path.exists("/dev/zero") else [])):
        code, out = invoke("check", path, "--as-of", "2024-12-31")
        assert code == 3 and "不是普通文件" in out, path


def test_problems_printed_per_file_are_capped_with_a_count_of_the_rest(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 broken items print 50 problems and one line for the rest; the JSON document keeps them all."""
    from carework.formats.base import MAX_PROBLEMS_PER_FILE

    record = merge(base_record(), {"code": "MANY-001", "elders": [{"name": f"老人{i}", "category": "nobody"} for i in range(300)]})
    write_record(city / "data" / "schools", record)
    code, out = invoke("check", "--as-of", "2024-12-31", "--format", "json", "data/schools/MANY-001.yaml")
    doc = json.loads(out)
    total = len(doc["errors"]) + len(doc["warnings"])
    assert total >= 300
    code, out = invoke("check", "--as-of", "2024-12-31", "data/schools/MANY-001.yaml")
    assert code == 3
    assert f"另有 {total - MAX_PROBLEMS_PER_FILE} 个问题未列出" in out
    assert out.count("老人") <= MAX_PROBLEMS_PER_FILE
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out = invoke("check", "--as-of", "2024-12-31", "--lang", "en", "data/schools/MANY-001.yaml")
    assert out.count("::error file=data/schools/MANY-001.yaml") + out.count("::warning file=data/schools/MANY-001.yaml") \
        <= MAX_PROBLEMS_PER_FILE + 10  # the gaps of the school are annotated too
    assert f"{total - MAX_PROBLEMS_PER_FILE} more problem(s) not listed" in out


@pytest.mark.parametrize("where", ["option", "config"])
def test_a_plan_that_is_a_device_a_fifo_or_too_big_is_refused_unread(city: Path, where: str) -> None:
    """`--plan /dev/zero` (or carework.yaml's `plan:`) used to be read without limit; now at most the limit + 1 bytes,
    and only from a regular file."""
    import os

    os.mkfifo(city / "pipe.yaml")
    (city / "big.yaml").write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    for plan, words in (("pipe.yaml", "不是普通文件"), ("big.yaml", "文件过大"),
                        *([("/dev/zero", "不是普通文件")] if os.path.exists("/dev/zero") else [])):
        if where == "config":
            (city / "carework.yaml").write_text(f"plan: {plan}\n", encoding="utf-8")
            code, out = invoke("check", "--as-of", "2024-12-31")
        else:
            code, out = invoke("check", "--as-of", "2024-12-31", "--plan", plan)
        assert code == 2 and words in out and plan in out, (plan, out)
