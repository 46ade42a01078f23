"""`carework report` and `check --format markdown`: valid Markdown whatever the data, determinism, templates, errors."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from conftest import base_record, merge, write_record
from support.reports import AS_OF, FIXTURE, check_markdown, fixture_repo, invoke, tree

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.report.context import ContextBuilder, counts, total
from carework.report.markdown import escape_md, mermaid_label

#: Everything the issue lists that could break a table or inject markup, in one name.
HOSTILE = "云溪|第一*中学* _x_ `code` <script>alert(1)</script> &amp; ~~del~~ $x$ [链接](http://e.com) # 第二行 | - 项"


# ---------------------------------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", r"a\|b"),
    ("line\nbreak", "line<br>break"),
    ("*b* _i_ `c`", r"\*b\* \_i\_ \`c\`"),
    ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
    ("&amp;", "&amp;amp;"),
    ("- item", r"\- item"),
    ("1. one", r"1\. one"),
    ("# heading", r"\# heading"),
    ("$x$ ~~s~~", r"\$x\$ \~\~s\~\~"),
    ("57.6% ZL-YE-002 2024-12-31", "57.6% ZL-YE-002 2024-12-31"),
    ("a\\|b", "a\\\\\\|b"),
    ("nul\x00 esc\x1b tab\tx  y", "nul esc tab x y"),
    (None, "—"),
])
def test_escape_md(raw: object, escaped: str) -> None:
    assert escape_md(raw) == escaped
    assert escape_md(escape_md(raw)) == escaped  # safe values pass through


def test_mermaid_labels_keep_only_plain_characters() -> None:
    assert mermaid_label('a"b]\n%%init%% `x`') == "a b %init% x"
    assert len(mermaid_label("长" * 100)) == 40


# ---------------------------------------------------------------------------------------------------- figures


def test_figures_in_one_pass_are_the_counts_of_the_results() -> None:
    data = FIXTURE / "data"
    run = run_check(Inputs((data / "schools",), data / "plans" / "2024.yaml", data / "waivers.yaml"),
                    dt.date.fromisoformat(AS_OF), dt.date.fromisoformat(AS_OF), jobs=1)
    builder = ContextBuilder(run, {s.code: "" for s in run.schools}, {})
    assert run.results and any(r.status.value == "fail" for r in run.results)
    for code, results in builder.results.items():
        overall, sections = builder.figures(code)
        assert overall == counts(results)
        mine = builder.by_section(results)
        assert sections == tuple(counts(mine[s.number]) for s in run.plan.sections)
    assert builder.all_counts() == counts(list(run.results))
    assert total([]) == counts([])


# ---------------------------------------------------------------------------------------------------- hostile data


@pytest.fixture
def hostile_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture repository plus a school whose name, district, people, waiver and a bad value are hostile."""
    repo = fixture_repo(tmp_path)
    record = merge(base_record(), {
        "code": "EV-001", "name": HOSTILE, "district": "钟楼|区 *x* <b>粗</b>",
        "committee": {"director": {"name": "王|*五*", "status": "in_service", "post": "party_secretary"}},
        "duty_reports": [],
        "budget": [{"year": 2024, "amount": "|<script>*x*</script>", "in_school_budget": True}],
        "office": {"dedicated": False},
    })
    write_record(repo / "data" / "schools", record)
    waivers = yaml.safe_load((repo / "data" / "waivers.yaml").read_text(encoding="utf-8"))
    waivers["waivers"].append({"rule": "S2-12", "school": "EV-001", "reason": "理由|*粗*\n<i>第二行</i> `x`",
                               "approved_by": "批准人 &amp; _我_", "expires": "2025-06-30"})
    (repo / "data" / "waivers.yaml").write_text(yaml.safe_dump(waivers, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(repo)
    return repo


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_values_neither_break_tables_nor_inject_markup(hostile_repo: Path, lang: str) -> None:
    code, out = invoke("report", "--as-of", AS_OF, "--lang", lang, "--out", "reports")
    assert code == 3, out
    files = {rel: data.decode("utf-8") for rel, data in tree(hostile_repo / "reports").items() if rel.endswith(".md")}
    cells: set[str] = set()
    for rel, text in files.items():
        tables = check_markdown(text, rel)  # column counts, no raw HTML, every table recognised
        cells |= {cell for table in tables for row in table.rows for cell in row}
        assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert HOSTILE in cells  # the name reads exactly as written: nothing lost, nothing turned into markup
    assert "钟楼|区 *x* <b>粗</b>" in cells
    assert "理由|*粗*\n<i>第二行</i> `x`" in cells and "批准人 &amp; _我_" in cells
    assert any("'|<script>*x*</script>'" in cell for cell in cells)  # a data problem quoting the bad value


def test_hostile_district_gets_a_safe_file_inside_the_output(hostile_repo: Path) -> None:
    code, _ = invoke("report", "--as-of", AS_OF, "--out", "reports")
    assert code == 3
    districts = sorted(p.name for p in (hostile_repo / "reports" / "districts").iterdir())
    assert len(districts) == 3 and all(name.endswith(".md") and "|" not in name and "<" not in name for name in districts)
    city = (hostile_repo / "reports" / "city.md").read_text(encoding="utf-8")
    for name in districts:  # every district file is linked from the city summary, percent-encoded
        assert f"(districts/{quote(name)})" in city


def test_check_markdown_format_survives_hostile_values(hostile_repo: Path) -> None:
    code, out = invoke("check", "--as-of", AS_OF, "--format", "markdown")
    assert code == 3
    tables = check_markdown(out, "check --format markdown")
    assert HOSTILE in {cell for table in tables for row in table.rows for cell in row}


def test_check_output_to_a_markdown_file_picks_the_markdown_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, _ = invoke("check", "--as-of", AS_OF, "--output", "summary.md", "--lang", "en")
    assert code == 3
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("## carework check: ") and check_markdown(text, "summary.md")


# ---------------------------------------------------------------------------------------------------- determinism


def test_two_runs_give_identical_bytes_even_with_different_hash_seeds(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-m", "carework", "report", "--as-of", AS_OF, "--out", f"out-{seed}"],
                                cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 3, result.stderr
        outputs.append(tree(repo / f"out-{seed}"))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 8  # 7 reports and the manifest


def test_a_second_run_rewrites_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    invoke("report", "--as-of", AS_OF)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "reports").rglob("*.md")}
    code, out = invoke("report", "--as-of", AS_OF, "--lang", "en")
    assert code == 3 and "7 report file(s)" in out
    code, out = invoke("report", "--as-of", AS_OF, "--lang", "en")
    assert "(0 updated, 7 unchanged, 0 stale removed)" in out
    assert set(before) == set((tmp_path / "reports").rglob("*.md"))


# ---------------------------------------------------------------------------------------------------- templates


def test_templates_override_by_name_and_keep_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "school.md.j2").write_text("# {{ school.name }} · {{ tr('缺', 'missing') }} {{ school.counts.failed }}\n",
                                         encoding="utf-8")
    code, _ = invoke("report", "--as-of", AS_OF, "--templates", str(custom), "--lang", "en")
    assert code == 3
    assert (tmp_path / "reports" / "schools" / "TN-YE-102.md").read_text(encoding="utf-8") == "# 天宁区红星幼儿园 · missing 3\n"
    assert "## Schools by how much they lack" in (tmp_path / "reports" / "city.md").read_text(encoding="utf-8")


def test_undefined_variable_names_the_template_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "city.md.j2").write_text("# {{ plan.title }}\n\n{{ school_count }}\n{{ no_such_thing }}\n", encoding="utf-8")
    code, out = invoke("report", "--as-of", AS_OF, "--templates", str(custom))
    assert code == 2
    assert out.strip().splitlines() == ["模板出错：mine/city.md.j2:4: 'no_such_thing' is undefined"]
    assert not (tmp_path / "reports").exists()  # everything renders before anything is written


def test_template_syntax_error_names_the_template_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "index.md.j2").write_text("# x\n{% for a in b %}\n", encoding="utf-8")
    code, out = invoke("report", "--as-of", AS_OF, "--templates", str(custom))
    assert code == 2 and out.startswith("模板出错：mine/index.md.j2:2") and "Traceback" not in out


def test_templates_are_sandboxed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "school.md.j2").write_text("{{ school.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    code, out = invoke("report", "--as-of", AS_OF, "--templates", str(custom))
    assert code == 2 and "mine/school.md.j2:1" in out and "unsafe" in out


def test_missing_template_folder_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, out = invoke("report", "--as-of", AS_OF, "--templates", "nowhere")
    assert code == 2 and "nowhere" in out


# ---------------------------------------------------------------------------------------------------- filters, CLI


def test_school_filter_writes_only_that_report_and_removes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    invoke("report", "--as-of", AS_OF)
    before = tree(tmp_path / "reports")
    code, _ = invoke("report", "--as-of", AS_OF, "--school", "TN-YE-102", "--lang", "en")
    after = tree(tmp_path / "reports")
    assert code == 0 and set(after) == set(before)
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert changed == {"schools/TN-YE-102.md", ".carework-manifest"}


def test_district_filter_writes_the_district_and_its_schools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, _ = invoke("report", "--as-of", AS_OF, "--district", "天宁区")
    assert code == 0
    assert set(tree(tmp_path / "reports")) == {".carework-manifest", "districts/天宁区.md", "schools/TN-GZ-101.md",
                                               "schools/TN-YE-102.md"}


def test_unknown_school_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, out = invoke("report", "--as-of", AS_OF, "--school", "NOPE-1")
    assert code == 2 and "NOPE-1" in out and not (tmp_path / "reports").exists()


def test_report_without_data_folder_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke("report", "--as-of", AS_OF)
    assert code == 2 and "data/schools" in out


def test_clean_data_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    for broken in ("ZL-CZ-202", "ZL-XX-201"):
        (tmp_path / "data" / "schools" / f"{broken}.yaml").unlink()
    code, out = invoke("report", "--as-of", AS_OF, "--lang", "en")
    assert code == 0 and "5 report file(s)" in out
