"""`carework init`, `carework new` and `carework template --output`: a data repository and a record from nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carework.cli import app
from carework.cli.start import yaml_scalar
from carework.reading.loader import parse

NEW = ["new", "TN-XX-009", "--name", "云溪市第九小学", "--district", "天宁区", "--kind", "小学"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def recipes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A templates/ci/ folder as the CI issue lays it out: one folder per recipe, files where they land."""
    folder = tmp_path / "shipped-ci"
    (folder / "github" / ".github" / "workflows").mkdir(parents=True)
    (folder / "github" / ".github" / "workflows" / "carework.yml").write_text("name: carework\n", encoding="utf-8")
    (folder / "gitlab").mkdir()
    (folder / "gitlab" / ".gitlab-ci.yml").write_text("carework: {}\n", encoding="utf-8")
    monkeypatch.setattr("carework.core.resources.recipes_dir", lambda: folder)
    return folder


def test_init_makes_a_repository_that_checks_clean_at_once(here: Path, recipes: Path) -> None:
    code, out = run("init", "我的数据")
    assert code == 0, out
    root = here / "我的数据"
    for name in ("carework.yaml", "data/roster.csv", "data/waivers.yaml", "data/schools/.gitkeep", ".gitignore",
                 "schema/school.schema.json", ".github/workflows/carework.yml", ".gitlab-ci.yml"):
        assert (root / name).is_file(), name
    assert (root / ".github/workflows/carework.yml").read_bytes() == b"name: carework\n"
    assert (root / "data/roster.csv").read_bytes().startswith("\ufeff学校代码,学校名称,区,类型,办学性质".encode())
    assert "cd 我的数据" in out and "carework new" in out
    os.chdir(root)
    code, out = run("check", "--as-of", "2024-12-31", "--no-cache")
    assert code == 0, out
    assert "名册只有表头" in out and "检查学校 0 所" in out


def test_init_never_changes_a_file_that_is_there(here: Path, recipes: Path) -> None:
    (here / "carework.yaml").write_text("schools: [学校]\n", encoding="utf-8")
    code, out = run("init")
    assert code == 0 and "carework.yaml" in out.split("保持原样")[1]
    assert (here / "carework.yaml").read_text(encoding="utf-8") == "schools: [学校]\n"
    before = {p: p.read_bytes() for p in here.rglob("*") if p.is_file()}
    code, out = run("init", "--lang", "en")
    assert code == 0 and "0 file(s) written" in out
    assert {p: p.read_bytes() for p in here.rglob("*") if p.is_file()} == before


def test_init_refuses_a_file_in_the_way(here: Path) -> None:
    (here / "data").write_text("", encoding="utf-8")
    code, out = run("init", "data")
    assert code == 2 and "是一个文件，不是文件夹" in out


def test_new_writes_a_prefilled_record_that_has_no_data_errors(here: Path) -> None:
    assert run("init")[0] == 0
    code, out = run(*NEW)
    assert code == 0 and "已写出 data/schools/TN-XX-009.yaml" in out, out
    text = (here / "data/schools/TN-XX-009.yaml").read_bytes().decode("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/school.schema.json\n")
    record = parse(text, "x").value
    assert (record["code"], record["name"], record["district"], record["kind"], record["ownership"]) == (
        "TN-XX-009", "云溪市第九小学", "天宁区", "primary", "public")
    assert "\nname: 云溪市第九小学           # 学校全称（必填）\n" in text  # comments stay in their column
    code, out = run("check", "data/schools/TN-XX-009.yaml", "--as-of", "2024-12-31", "--no-cache")
    assert code == 0 and "数据有误的文件 0 个" in out, out


def test_new_never_overwrites_a_record(here: Path) -> None:
    (here / "data" / "schools").mkdir(parents=True)
    (here / "data/schools/TN-XX-009.yaml").write_text("code: TN-XX-009\n", encoding="utf-8")
    code, out = run(*NEW)
    assert code == 2 and "已存在：carework 不会覆盖已有的记录" in out
    assert (here / "data/schools/TN-XX-009.yaml").read_text(encoding="utf-8") == "code: TN-XX-009\n"


@pytest.mark.parametrize(("args", "message"), [
    (["new", "TN-XX-009"], "缺少 --name --district --kind：例如 carework new TN-XX-009 --name"),
    ([*NEW[:-1], "大学"], "--kind 不能是 '大学'：可选 幼儿园（kindergarten）、小学（primary）"),
    (["new", "TN XX 9", *NEW[2:]], "学校代码 'TN XX 9' 不合要求"),
    (["new", "record-template", *NEW[2:]], "学校代码 'record-template' 不合要求"),
    ([*NEW, "--ownership", "私立"], "--ownership 不能是 '私立'"),
    (["new", "TN-XX-009", "--name", "云溪\u200b小学", *NEW[4:]], "不能含看不见的字符（U+200B ZERO WIDTH SPACE）"),
])
def test_new_says_what_to_write(here: Path, args: list[str], message: str) -> None:
    code, out = run(*args)
    assert code == 2 and message in out, out
    assert not (here / "data").exists()


def test_new_takes_what_the_roster_knows(here: Path) -> None:
    run("init")
    (here / "data/roster.csv").write_text("学校代码,学校名称,区,类型,办学性质\nTN-YE-009,天宁区蓝天幼儿园,天宁区,幼儿园,民办\n",
                                          encoding="utf-8")
    code, out = run("new", "TN-YE-009")
    assert code == 0, out
    record = parse((here / "data/schools/TN-YE-009.yaml").read_text(encoding="utf-8"), "x").value
    assert (record["name"], record["district"], record["kind"], record["ownership"]) == (
        "天宁区蓝天幼儿园", "天宁区", "kindergarten", "private")


def test_template_output_links_the_schema_from_where_it_lands(here: Path) -> None:
    run("init")
    (here / "records" / "2024").mkdir(parents=True)
    code, out = run("template", "--code", "TN-XX-009", "--output", "records/2024/TN-XX-009.yaml")
    assert code == 0, out
    first = (here / "records/2024/TN-XX-009.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/school.schema.json"
    assert (here / first.split("=")[1].replace("../../", "")).is_file()
    run("template", "--output", "TN-XX-010.yaml")
    assert (here / "TN-XX-010.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=schema/school.schema.json\n")


def test_template_printed_is_linked_for_data_schools_and_keeps_its_placeholder(here: Path) -> None:
    code, out = run("template")
    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=../../schema/school.schema.json\n")
    assert "\ncode: record-template " in out


def test_the_record_is_utf8_whatever_the_console_encoding(here: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "CAREWORK_CACHE_DIR": str(here)}
    done = subprocess.run([sys.executable, "-m", "carework", *NEW], cwd=here, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    assert "云溪市第九小学" in (here / "data/schools/TN-XX-009.yaml").read_bytes().decode("utf-8")
    assert "已写出".encode("gbk") in done.stdout


@pytest.mark.parametrize(("value", "written"), [
    ("云溪市实验小学", "云溪市实验小学"), ("2024", '"2024"'), ("yes", '"yes"'), ("A: B", '"A: B"'), ("校 #1", '"校 #1"'),
    ("'引号'", "\"'引号'\""), ("- 列表", '"- 列表"'),
])
def test_values_are_written_as_yaml_reads_them_back(value: str, written: str) -> None:
    assert yaml_scalar(value) == written
    assert parse(f"v: {written}", "x").value == {"v": value}
