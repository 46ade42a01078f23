"""Choosing and writing formats: the registry is the CLI's choice list, `--format auto`, colour, and `--output`."""

from __future__ import annotations

import json
import os
import sys
import typing
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import base_record, merge, write_record
from typer.testing import CliRunner

from carework import cli
from carework.cli import app
from carework.formats import FORMATS

runner = CliRunner()


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    schools = tmp_path / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, base_record())
    write_record(schools, merge(base_record(), {"code": "BASE-002", "party_hearings": [{"date": "2024-03-01"}]}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--as-of", "2024-12-31", *args])
    print(result.output)
    return result.exit_code, result.stdout, result.stderr


def test_the_format_choices_are_the_registry_plus_auto() -> None:
    assert set(typing.get_args(cli.CheckFormat)) == set(FORMATS) | {"auto"}
    assert all(FORMATS[name].name == name for name in FORMATS)


def test_output_writes_the_format_and_the_terminal_gets_text(city: Path) -> None:
    code, out, _ = invoke("--format", "sarif", "--output", "reports/carework.sarif")
    assert code == 0
    doc = json.loads((city / "reports" / "carework.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    assert "云溪市基准高级中学（BASE-002）" in out and "检查学校 2 所" in out and not out.lstrip().startswith("{")
    assert [p.name for p in (city / "reports").iterdir()] == ["carework.sarif"]  # no temporary file left behind
    assert os.stat(city / "reports" / "carework.sarif").st_mode & 0o044  # readable by CI's uploader, not 0600


@pytest.mark.parametrize(("name", "root"), [("out.xml", "testsuites"), ("out.sarif", "sarif"), ("out.json", "json"),
                                            ("out.txt", "text")])
def test_auto_with_output_follows_the_suffix(city: Path, name: str, root: str) -> None:
    assert invoke("--output", name)[0] == 0
    text = (city / name).read_text(encoding="utf-8")
    if root == "testsuites":
        assert ET.fromstring(text).tag == "testsuites"
    elif root == "sarif":
        assert json.loads(text)["version"] == "2.1.0"
    elif root == "json":
        assert json.loads(text)["plan"] == "work-points-2024"
    else:
        assert "检查学校 2 所" in text


def test_output_replaces_an_existing_file_whole(city: Path) -> None:
    target = city / "out.json"
    target.write_text("x" * 1_000_000, encoding="utf-8")
    invoke("--format", "json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["schools"] == 2


def test_an_unwritable_output_is_a_usage_error(city: Path) -> None:
    (city / "blocker").write_text("a file, not a folder", encoding="utf-8")
    code, _, err = invoke("--format", "json", "--output", "blocker/out.json")
    assert code == 2 and "blocker/out.json" in err


def test_auto_is_plain_text_when_piped_and_github_under_actions(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = invoke()
    assert "\x1b[" not in out and "::error" not in out and "云溪市基准高级中学（BASE-002）" in out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = invoke()
    assert out.startswith("::error file=data/schools/BASE-002.yaml,")
    _, out, _ = invoke("--format", "text")
    assert "::error" not in out  # an explicit format wins
    _, out, _ = invoke("--output", "result.xml")
    assert out.startswith("::error ") and ET.parse(city / "result.xml").getroot().tag == "testsuites"


def test_colour_on_a_terminal_unless_no_color(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli._use_color()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._use_color()
    monkeypatch.setattr(cli, "_use_color", lambda: True)
    _, out, _ = invoke()
    assert "\x1b[" in out
