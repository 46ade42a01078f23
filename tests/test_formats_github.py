"""`--format github`: every annotation line obeys GitHub's workflow-command escaping, and reads back as meant.

The parser below follows the runner's own (actions/runner `ActionCommand.TryParseV2`): the text between the first
`::` and the next `::` is the command and its properties, split on `,` then on the first `=`; property values are
unescaped `%0D %0A %3A %2C %25`, the message `%0D %0A %25`. A line we emit must parse to exactly what we meant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import base_record, merge, write_record
from support.reports import REGENERATE, regenerated
from typer.testing import CliRunner

from carework.checking.run import CheckRun, SchoolResults
from carework.cli import app
from carework.core.model import Result, Status
from carework.core.problems import Location, Problem
from carework.formats.base import FormatOptions
from carework.formats.github import GithubFormat, command, escape_data, escape_property
from carework.rules.model import Plan

runner = CliRunner()
TRICKY = "云溪市,第一:中学 100% 完成\n第二行\r\n%0A 不是换行, a:b"
GOLDEN = Path(__file__).parent / "fixtures" / "ci" / "github.golden.txt"
LINE = re.compile(r"^::(error|warning|notice) ([^:]*)::([^\r\n]*)$")


def unescape_property(text: str) -> str:
    for token, code in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        text = text.replace(code, token)
    return text


def unescape_data(text: str) -> str:
    for token, code in (("\r", "%0D"), ("\n", "%0A"), ("%", "%25")):
        text = text.replace(code, token)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """(level, properties, message) as the runner reads the line; fails the test if the line breaks a rule."""
    m = LINE.match(line)
    assert m, f"not a single well-formed workflow command: {line!r}"
    level, props_text, data = m.groups()
    for key_value in props_text.split(","):
        key, _, value = key_value.partition("=")
        assert key in ("file", "line", "col", "title"), line
        assert not re.search(r"%(?!25|0D|0A|3A|2C)", value), f"stray % in property {key}: {value!r}"
    assert not re.search(r"%(?!25|0D|0A)", data), f"stray % in message: {data!r}"
    props = {k: unescape_property(v) for k, _, v in (kv.partition("=") for kv in props_text.split(","))}
    return level, props, unescape_data(data)


def annotations(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("::")]


@pytest.mark.parametrize("text", [TRICKY, "", "%", "%25", "::", ",,", "\r\n\n", "平安,喜乐:50%"])
def test_escaping_round_trips(text: str) -> None:
    assert unescape_data(escape_data(text)) == text
    assert unescape_property(escape_property(text)) == text
    assert not set(escape_property(text)) & set(",:\r\n")
    assert not set(escape_data(text)) & set("\r\n")


def test_escaping_is_exactly_githubs() -> None:
    assert escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"
    line = command("error", Location("数据/学校 1,2:3%.yaml", 7, 5), "S2-06 [必须] 标题,含:冒号", "消息 100%\n下一行")
    assert line == ("::error file=数据/学校 1%2C2%3A3%25.yaml,line=7,col=5,title=S2-06 [必须] 标题%2C含%3A冒号"
                    "::消息 100%25%0A下一行")


def test_every_line_of_a_tricky_run_parses_back(plan: Plan) -> None:
    where = Location("记录,目录:1%/BASE-001.yaml", 12, 3)
    run = CheckRun(plan, dt.date(2024, 12, 31), [], SchoolResults.of([
        Result("BASE-001", "S2-06", Status.FAIL, "error", TRICKY, "en " + TRICKY, where),
        Result("BASE-001", "S2-12", Status.PASS, "error", "", "", where),
        Result("BASE-001", "S3-07", Status.FAIL, "advice", "建议,加强:100%", "advice", where),
    ]), [Problem(where, "unknown-field", "未知的键 a:b,c", "unknown key a:b,c", "是不是 100%？", "did you mean?")],
        [], ["BASE-001"])
    lines = annotations(GithubFormat(FormatOptions()).render(run))
    assert len(lines) == 3  # two gaps and one data problem; a pass is no annotation
    parsed = [parse(line) for line in lines]
    assert [level for level, _, _ in parsed] == ["error", "error", "notice"]  # the most severe first
    for _, props, _ in parsed:
        assert props["file"] == where.file and props["line"] == "12" and props["col"] == "3"
    assert parsed[1][1]["title"].startswith("S2-06 [必须] ")
    assert parsed[1][2].startswith(f"BASE-001（BASE-001）：{TRICKY}\n整改：")
    assert parsed[0][2] == "未知的键 a:b,c\n是不是 100%？"


@pytest.fixture
def tricky_city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Records whose names, leaders and folder carry Chinese, commas, colons, percent signs and newlines."""
    folder = tmp_path / "记录,目录:100%"
    folder.mkdir()
    record = merge(base_record(), {"name": "云溪市,第一:中学 100%", "duty_reports": []})
    record["committee"]["director"]["name"] = "王,建:国 50%\n主任"
    write_record(folder, record)
    write_record(folder, merge(base_record(), {"code": "BASE-002", "office": {"dedicated": False}, "lecturers": [],
                                                "bogus,key:": 1}))
    monkeypatch.chdir(tmp_path)
    return folder


def test_annotations_from_the_cli_match_the_json_results(tricky_city: Path) -> None:
    args = ["check", str(tricky_city.name), "--as-of", "2024-12-31"]
    result = runner.invoke(app, [*args, "--format", "github"])
    print(result.output)
    assert result.exit_code == 3  # BASE-002 has an unknown key
    doc = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
    lines = [line for line in annotations(result.output) if " file=" in line]
    gaps = [r for r in doc["results"] if r["status"] == "fail"]
    assert len(lines) == len(gaps) + len(doc["errors"]) + len(doc["warnings"])
    assert [line for line in annotations(result.output) if " file=" not in line] == [
        line for line in annotations(result.output) if line.startswith("::notice title=总体目标::")]
    parsed = [parse(line) for line in lines]
    for gap in gaps:
        match = [p for p in parsed if p[1]["title"].startswith(gap["rule"] + " ") and gap["message"] in p[2]]
        assert len(match) == 1, gap
        level, props, message = match[0]
        assert (props["file"], props["line"], props["col"]) == (gap["file"], str(gap["line"]), str(gap["column"]))
        assert level == {"error": "error", "warning": "warning", "advice": "notice"}[gap["severity"]]
    duty = next(p for p in parsed if p[1]["title"].startswith("S2-07 "))
    assert "王,建:国 50%\n主任" in duty[2] and duty[2].startswith("云溪市,第一:中学 100%（BASE-001）：")
    assert duty[1]["file"] == "记录,目录:100%/BASE-001.yaml"
    bad = next(p for p in parsed if "bogus,key:" in p[2])
    assert bad[0] == "error" and bad[1]["title"].startswith("数据错误")
    assert "检查学校 2 所" in result.output  # the summary follows the annotations


def test_auto_is_github_under_github_actions(tricky_city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["check", str(tricky_city.name), "--as-of", "2024-12-31", "--lang", "en"]
    assert not annotations(runner.invoke(app, args).output)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    output = runner.invoke(app, args).output
    assert annotations(output) and all(parse(line) for line in annotations(output))
    assert "data error" in output and "2 school(s) checked" in output


def test_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole output for a small city, exactly. Regenerate on purpose: CAREWORK_REGENERATE=1 pytest -k golden."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, merge(base_record(), {"party_hearings": [{"date": "2024-03-01", "topic": "汇报,一:次"}]}))
    write_record(schools, merge(base_record(), {"code": "BASE-002", "name": "第二,中学", "office": {"dedicated": False}}))
    monkeypatch.chdir(tmp_path)
    output = runner.invoke(app, ["check", "--as-of", "2024-12-31", "--format", "github", "--rule", "S2-06",
                                 "--rule", "S2-12", "--rule", "S2-13"]).output
    if REGENERATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8")
        regenerated(GOLDEN)
    assert output == GOLDEN.read_text(encoding="utf-8")


def test_annotations_stay_within_what_github_shows_most_severe_first(plan: Plan) -> None:
    """GitHub keeps 10 annotations of each type a step writes: carework writes no more, errors first, then a notice
    that counts them all and says where the rest is."""
    where = Location("data/schools/BASE-001.yaml", 3, 1)
    results = [Result(f"S{i:03}", rule, Status.FAIL, severity, "缺", "gap", where)
               for severity, rule, count in (("advice", "S3-07", 12), ("warning", "S5-03", 12), ("error", "S2-06", 15))
               for i in range(count)]
    run = CheckRun(plan, dt.date(2024, 12, 31), [], SchoolResults.of(results), [], [], sorted({r.school for r in results}))
    text = GithubFormat(FormatOptions(document="carework.sarif", step_summary=True)).render(run)
    lines = text.splitlines()
    assert all(line.startswith("::") for line in lines)  # beside --output: workflow commands only
    levels = [parse(line)[0] for line in lines]
    assert levels == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 9  # 8 gaps, and the summary
    level, props, message = parse(lines[-1])
    assert props == {"title": "carework"}
    assert message.startswith("共 39 条") and "最严重的 28 条" in message
    assert "作业摘要" in message and "carework.sarif" in message


def test_no_summary_notice_when_every_annotation_is_shown(plan: Plan) -> None:
    where = Location("data/schools/BASE-001.yaml", 3, 1)
    run = CheckRun(plan, dt.date(2024, 12, 31), [], SchoolResults.of([
        Result("BASE-001", "S2-06", Status.FAIL, "error", "缺", "gap", where)]), [], [], ["BASE-001"])
    lines = annotations(GithubFormat(FormatOptions(lang="en")).render(run))
    assert len(lines) == 1 and "Summary" in GithubFormat(FormatOptions(lang="en")).render(run)
