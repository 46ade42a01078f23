"""`--baseline`: on a pair of data snapshots, only the gaps a change introduced are reported and fail the run.

tests/fixtures/ci/baseline/before and after are the same three schools before and after a pull request:
BASE-001 loses a requirement (a new gap), BASE-002 gets its office (a resolved gap), and BASE-003 records its old
gap differently (same school and rule, another message: still known).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()
SNAPSHOTS = Path(__file__).parent / "fixtures" / "ci" / "baseline"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    print(result.output)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data repository at `before`, with the baseline JSON written from it; then moved to `after`."""
    shutil.copytree(SNAPSHOTS / "before", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("--format", "json")
    assert code == 0
    (tmp_path / "baseline.json").write_text(out, encoding="utf-8")
    shutil.rmtree(tmp_path / "data")
    shutil.copytree(SNAPSHOTS / "after", tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_the_snapshots_differ_as_described(repo: Path) -> None:
    before = {(r["school"], r["rule"]) for r in json.loads((repo / "baseline.json").read_text())["results"] if r["status"] == "fail"}
    _, out, _ = invoke("--format", "json")
    after = {(r["school"], r["rule"]) for r in json.loads(out)["results"] if r["status"] == "fail"}
    assert before == {("BASE-002", "S2-12"), ("BASE-003", "S2-06")}
    assert after == {("BASE-001", "S2-06"), ("BASE-003", "S2-06")}


def test_only_new_gaps_are_reported_and_resolved_ones_listed(repo: Path) -> None:
    code, out, _ = invoke("--format", "json", "--baseline", "baseline.json", "--fail-on", "error")
    assert code == 1  # BASE-001's new must-level gap
    document = json.loads(out)
    gaps = [(r["school"], r["rule"]) for r in document["results"] if r["status"] == "fail"]
    assert gaps == [("BASE-001", "S2-06"), ("BASE-003", "S2-06")], "the JSON keeps every gap; the baseline says which are new"
    assert document["baseline"] == {
        "file": "baseline.json", "plan": "work-points-2024", "new": 1, "known": 1, "resolved": 1,
        "schools": {"BASE-001": {"new": ["S2-06"], "known": [], "resolved": []},
                    "BASE-002": {"new": [], "known": [], "resolved": ["S2-12"]},
                    "BASE-003": {"new": [], "known": ["S2-06"], "resolved": []}},
    }
    code, out, err = invoke("--baseline", "baseline.json", "--lang", "en")
    assert code == 0
    assert "云溪市第一中学 (BASE-001)" in out and "云溪市第三中学 (BASE-003)" not in out
    assert "1 new gap(s), 1 known gap(s) (not listed), 1 resolved" in out
    assert "✓ BASE-002 S2-12 关工委没有专门办公场所" in out


def test_machine_formats_keep_stdout_parseable(repo: Path) -> None:
    code, out, err = invoke("--format", "sarif", "--baseline", "baseline.json")
    assert code == 0 and json.loads(out)["version"] == "2.1.0"
    assert "与基线 baseline.json 相比：新增未达标 1 项，原有未达标 1 项（未列出），已解决 1 项" in err


def test_a_change_that_only_records_old_gaps_passes(repo: Path) -> None:
    shutil.copy(SNAPSHOTS / "before" / "data" / "schools" / "BASE-001.yaml", repo / "data" / "schools" / "BASE-001.yaml")
    code, out, _ = invoke("--baseline", "baseline.json", "--fail-on", "advice")
    assert code == 0, "BASE-003's gap was already in the baseline"
    assert "新增未达标 0 项，原有未达标 1 项" in out
    assert invoke("--fail-on", "advice")[0] == 1, "without the baseline the old gap fails the run"


def test_baseline_with_changed_files_judges_only_those(repo: Path) -> None:
    code, out, _ = invoke("data/schools/BASE-003.yaml", "--baseline", "baseline.json", "--fail-on", "error")
    assert code == 0
    assert "新增未达标 0 项，原有未达标 1 项（未列出），已解决 0 项" in out  # BASE-002 was not asked about


@pytest.mark.parametrize(("content", "words"), [
    (None, "找不到基线文件"),
    ("{not json", "不是有效的 JSON"),
    ("[1, 2]", "缺少 results"),
    ('{"results": [{"school": "A"}]}', "results[0]"),
    ("[" * 200_000 + "]" * 200_000, "嵌套过深"),
])
def test_an_unusable_baseline_is_a_usage_error(repo: Path, content: str | None, words: str) -> None:
    if content is not None:
        (repo / "bad.json").write_text(content, encoding="utf-8")
    code, _, err = invoke("--baseline", "bad.json")
    assert code == 2 and words in err and "bad.json" in err


def test_a_baseline_that_is_not_a_file_or_too_big_is_refused_unread(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`/dev/zero` (or a FIFO) is never read; a file over the limit is refused after at most limit + 1 bytes."""
    import os

    from carework.checking import baseline

    os.mkfifo(repo / "pipe.json")
    code, _, err = invoke("--baseline", "pipe.json")
    assert code == 2 and "不是普通文件" in err
    monkeypatch.setattr(baseline, "MAX_BASELINE_BYTES", 100)
    (repo / "big.json").write_text(" " * 101 + "{}", encoding="utf-8")
    code, _, err = invoke("--baseline", "big.json")
    assert code == 2 and "文件过大" in err and "big.json" in err


def test_a_baseline_from_another_plan_is_noted(repo: Path) -> None:
    doc = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    doc["plan"] = "work-points-2023"
    (repo / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    _, out, _ = invoke("--baseline", "old.json")
    assert "基线来自计划 work-points-2023" in out


def test_counts_and_verdicts_describe_every_gap_only_the_listing_is_narrowed(repo: Path) -> None:
    """A baseline never hides a gap: the summary, the rates and 全部达标 count the known gaps too."""
    shutil.copy(SNAPSHOTS / "before" / "data" / "schools" / "BASE-001.yaml", repo / "data" / "schools" / "BASE-001.yaml")
    code, with_baseline, _ = invoke("--baseline", "baseline.json")
    code, without, _ = invoke()
    summary = lambda out: out[out.index("汇总"):]  # noqa: E731
    assert summary(with_baseline).startswith(summary(without)[:400])
    assert "合计" in with_baseline and "100.0%" not in with_baseline.split("合计")[1].splitlines()[0]
    assert "云溪市第三中学（BASE-003）" not in with_baseline, "the known gap is not listed"
    code, markdown, _ = invoke("--format", "markdown", "--baseline", "baseline.json")
    assert "全部达标" not in markdown and "未达标 1 项" in markdown
