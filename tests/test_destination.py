"""Where carework writes: only regular files or `-`, never an input, never inside the data (carework.core.destination).

Each refusal is checked twice: the exit code and message, and that the file or folder named is exactly as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import BASE_RECORD, PLAN_FILE
from typer.testing import CliRunner

from carework.cli import app

runner = CliRunner()
AS_OF = "2024-12-31"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository with every kind of input: a record, a plan, waivers, a roster, carework.yaml, a baseline."""
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    (schools / "BASE-001.yaml").write_text(BASE_RECORD.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "data" / "plans").mkdir()
    (tmp_path / "data" / "plans" / "2024.yaml").write_bytes(PLAN_FILE.read_bytes())
    (tmp_path / "data" / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (tmp_path / "carework.yaml").write_text("schools: [data/schools]\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    result = runner.invoke(app, ["check", "--as-of", AS_OF, "--output", "baseline.json"])
    assert result.exit_code == 0, result.output
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "cache" not in p.parts}


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(("target", "words"), [
    ("data/schools/BASE-001.yaml", "数据文件夹 data/schools"),
    ("data/plans/2024.yaml", "输入文件"),
    ("data/waivers.yaml", "数据文件夹 data"),
    ("elsewhere/waivers.yaml", "输入文件"),
    ("carework.yaml", "输入文件"),
    ("baseline.json", "输入文件"),
    ("data/result.json", "数据文件夹 data"),
    ("data/schools/new.json", "数据文件夹 data/schools"),
    ("", "是文件夹"),
    ("elsewhere", "是文件夹"),
])
def test_check_never_writes_over_an_input_or_into_the_data(repo: Path, target: str, words: str) -> None:
    before = snapshot(repo)
    err = refused("check", "--as-of", AS_OF, "--waivers", "elsewhere/waivers.yaml", "--baseline", "baseline.json",
                  "--output", target)
    assert words in err and "已拒绝写入" in err
    assert snapshot(repo) == before


def test_the_refusal_is_in_english_too(repo: Path) -> None:
    err = refused("check", "--as-of", AS_OF, "--lang", "en", "--output", "data/plans/2024.yaml")
    assert "input files; carework never writes over its input" in err


def test_a_record_named_on_the_command_line_is_an_input_wherever_it_is(repo: Path) -> None:
    outside = repo / "elsewhere" / "X-001.yaml"
    outside.write_text(BASE_RECORD.read_text(encoding="utf-8").replace("BASE-001", "X-001"), encoding="utf-8")
    refused("check", str(outside), "--as-of", AS_OF, "--output", str(outside))
    assert "X-001" in outside.read_text(encoding="utf-8")


def test_a_link_to_an_input_is_refused_not_followed_or_replaced(repo: Path) -> None:
    (repo / "out.json").symlink_to(repo / "data" / "plans" / "2024.yaml")
    err = refused("check", "--as-of", AS_OF, "--output", "out.json")
    assert "符号链接" in err
    assert (repo / "out.json").is_symlink()
    assert (repo / "data" / "plans" / "2024.yaml").read_bytes() == PLAN_FILE.read_bytes()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="a POSIX device")
def test_a_device_is_never_replaced(repo: Path) -> None:
    """As root, os.replace would turn /dev/null into a regular file."""
    assert "是设备" in refused("check", "--as-of", AS_OF, "--output", "/dev/null")
    assert "是设备" in refused("schema", "--output", "/dev/null")


def test_a_fifo_is_never_written(repo: Path) -> None:
    os.mkfifo(repo / "pipe.json")
    assert "管道" in refused("check", "--as-of", AS_OF, "--output", "pipe.json")


def test_dash_is_standard_output(repo: Path) -> None:
    result = runner.invoke(app, ["check", "--as-of", AS_OF, "--format", "json", "--output", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schools"] == 1
    assert not (repo / "-").exists()


def test_schema_never_writes_over_the_plan(repo: Path) -> None:
    before = snapshot(repo)
    assert "输入文件" in refused("schema", "--output", "data/plans/2024.yaml")
    assert "数据文件夹" in refused("schema", "--output", "data/schools/school.schema.json")
    assert snapshot(repo) == before
    assert runner.invoke(app, ["schema", "--output", "schema/school.schema.json"]).exit_code == 0


@pytest.mark.parametrize(("out", "words"), [
    ("", "是空的"), ("  ", "是空的"), ("data", "数据文件夹 data"), ("data/schools/reports", "数据文件夹 data/schools"),
    ("templates", "数据文件夹 templates"),
])
def test_report_out_is_a_folder_outside_the_data(repo: Path, out: str, words: str) -> None:
    (repo / "templates").mkdir()
    before = snapshot(repo)
    err = refused("report", "--as-of", AS_OF, "--templates", "templates", "--out", out)
    assert words in err
    assert snapshot(repo) == before
    assert not list(repo.glob("*.md"))
