"""Views that fit the question: one school, one district, the summary only, the city's schools and districts; ids in
any case; a bad value's blocked rules under it; the progress bar whenever standard error is a terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT, base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app, progress

runner = CliRunner()
AS_OF = "2024-12-31"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    print(result.output)  # shown by pytest when a test fails
    return result.exit_code, result.output


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped sample city: 36 records, a roster of 39 schools in five districts."""
    monkeypatch.chdir(ROOT)
    return ROOT


def test_one_school_shows_its_list_and_status_without_the_city(sample: Path) -> None:
    code, out = invoke("check", "--as-of", AS_OF, "--school", "ZL-YE-002")
    assert code == 0 and "钟楼区广化幼儿园（ZL-YE-002）" in out and "合计" in out
    assert "总体目标" not in out and "T4-01" not in out and "未报送" not in out and "天宁区" not in out


def test_one_district_shows_that_district_s_rows_only(sample: Path) -> None:
    code, out = invoke("check", "--as-of", AS_OF, "--district", "天宁区")
    assert code == 0 and "T4-01   天宁区" in out
    for other in ("全市", "新北区", "武进区", "金坛区", "钟楼区"):
        assert other not in out


def test_summary_only_lists_no_school(sample: Path) -> None:
    code, out = invoke("check", "--as-of", AS_OF, "--summary-only")
    assert code == 0 and "合计" in out and "T4-01   全市" in out and "未报送 3 所" in out
    assert "✗" not in out and "ZL-YE-002.yaml:172" not in out


def test_ids_are_case_insensitive(sample: Path) -> None:
    code, out = invoke("check", "--as-of", AS_OF, "--school", "tn-xx-002", "--rule", "s2-06")
    assert code == 0 and "天宁区青龙实验小学（TN-XX-002）" in out and "S2-06" in out
    code, out = invoke("explain", "s2-06")
    assert code == 0 and out.startswith("S2-06")
    code, out = invoke("explain", "t4-01")
    assert code == 0 and out.startswith("T4-01")


def test_schools_lists_every_school_on_the_roster(sample: Path) -> None:
    code, out = invoke("schools", "--as-of", AS_OF, "--district", "金坛区")
    lines = [line for line in out.splitlines() if line.startswith("金坛区")]
    assert code == 0 and len(lines) == 5
    assert any("JT-XX-002" in line and "未报送" in line for line in lines)
    code, out = invoke("schools", "--as-of", AS_OF, "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 39 and sum(r["state"] == "not_reported" for r in rows) == 3


def test_districts_counts_each_district(sample: Path) -> None:
    code, out = invoke("districts", "--as-of", AS_OF, "--format", "json")
    rows = {r["district"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == {"天宁区", "新北区", "武进区", "金坛区", "钟楼区"}
    assert rows["金坛区"]["on_roster"] == 5 and rows["金坛区"]["reported"] == 4 and rows["金坛区"]["not_reported"] == 1
    code, out = invoke("districts", "--as-of", AS_OF)
    assert code == 0 and "名册学校" in out and "未报送" in out


def test_a_bad_value_is_one_error_with_the_rules_it_blocks_under_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    record = base_record()
    record["trainings"][0]["topics"] = ["xi_thought，instructions"]
    write_record(schools, merge(record, {}))
    monkeypatch.chdir(tmp_path)
    code, out = invoke("check", "--as-of", AS_OF)
    assert code == 3
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "一项里写了 2 项" in line)
    assert "第 1 条" in lines[at] and "因此以下" in lines[at + 1] and "条规则无法判断：S1-01" in lines[at + 1]
    assert not any("无法判断：记录中" in line for line in lines)  # not scattered above it
    assert "原因见“数据问题”" in out


def test_the_progress_bar_follows_standard_error_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "GITHUB_ACTIONS", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.wanted()  # stdout to a file, stderr on a terminal
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.wanted()


def test_a_report_for_one_school_in_a_new_folder_links_to_no_missing_index(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "新文件夹"
    code, _ = invoke("report", "--as-of", AS_OF, "--school", "zl-ye-002", "--out", str(out))
    page = (out / "schools" / "ZL-YE-002.md").read_text(encoding="utf-8")
    assert code == 0 and not (out / "index.md").exists() and "index.md" not in page and "返回索引" not in page
    code, _ = invoke("report", "--as-of", AS_OF, "--out", str(out))  # the whole city: now there is an index
    code, _ = invoke("report", "--as-of", AS_OF, "--school", "ZL-YE-002", "--out", str(out))
    assert "](../index.md)" in (out / "schools" / "ZL-YE-002.md").read_text(encoding="utf-8")


def test_the_index_counts_each_school_s_must_gaps(sample: Path, tmp_path: Path) -> None:
    invoke("report", "--as-of", AS_OF, "--out", str(tmp_path))
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "| 未达标 | 其中必须项 | 无法判断 | 达标率 |" in index
    assert "| ZL-YE-002 | 5 | 2 | 0 | 86.5% |" in index


def test_source_text_notes_say_where_the_copy_breaks_off_or_was_blanked(sample: Path, tmp_path: Path) -> None:
    _, out = invoke("explain", "S5-04")
    assert "原文在“加强生命教育、挫折教”处中断" in out.replace("所据原文不完整，在", "原文在")
    _, out = invoke("explain", "S3-07", "--lang", "en")
    assert "place name blanked out" in out
    _, out = invoke("explain", "S2-06")
    assert "注：" not in out
    invoke("report", "--as-of", AS_OF, "--out", str(tmp_path))
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "schools").glob("*.md")]
    assert any("| 挫折教（注：所据原文不完整" in page for page in pages)
    assert any("挖掘\\*本地优秀历史文化资源（注：“\\*”是所据原文中被隐去的地名" in page for page in pages)  # Markdown-escaped


def test_english_words_are_one_to_one_with_the_chinese() -> None:
    from carework.core.i18n import WORDS
    from carework.core.model import STATUS_LABELS

    english: dict[str, str] = {}
    for zh, en in [*WORDS.values(), *STATUS_LABELS.values()]:
        assert english.setdefault(en.casefold(), zh) == zh, f"{en!r} stands for both {english[en.casefold()]} and {zh}"


def test_the_markdown_summary_follows_the_same_view(sample: Path) -> None:
    _, out = invoke("check", "--as-of", AS_OF, "--district", "天宁区", "--format", "markdown")
    assert "| T4-01 | 天宁区 |" in out and "| T4-01 | 全市 |" not in out and "| T4-01 | 钟楼区 |" not in out
    _, out = invoke("check", "--as-of", AS_OF, "--school", "ZL-YE-002", "--format", "markdown")
    assert "T4-01" not in out
