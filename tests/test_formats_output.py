"""Choosing and writing formats: the registry is the CLI's choice list, `--format auto`, colour, and `--output`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import base_record, merge, write_record
from typer.testing import CliRunner

from carework.cli import app, check, console
from carework.formats import FORMATS, format_for_file

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


def format_choices() -> list[str]:
    shown = re.search(r"--format <([a-z|]+)>", CliRunner().invoke(app, ["check", "--help"]).output)
    assert shown, "check --help lost its --format choices"
    return shown.group(1).split("|")


def test_the_format_choices_are_the_registry_plus_auto() -> None:
    assert format_choices() == ["auto", *FORMATS]
    assert all(FORMATS[name].load().name == name for name in FORMATS)


# A format declared in the registry and nowhere else: the CLI offers it, documents its suffix and writes it.
ADDED_FORMAT = """
import sys
from carework.formats import FORMATS, FormatSpec
FORMATS["plain"] = FormatSpec("plain", "text:TextFormat", (".plain",), whole_document=False, machine=False)
from carework.cli import main
sys.argv = ["carework", *sys.argv[1:]]
main()
"""


def test_a_format_added_to_the_registry_is_a_choice(city: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CAREWORK_CACHE_DIR": str(city / "cache"), "COLUMNS": "200"}
        return subprocess.run([sys.executable, "-c", ADDED_FORMAT, *args], cwd=city, env=env, capture_output=True,
                              text=True, encoding="utf-8", check=False)

    shown = run("check", "--help")
    assert "auto|text|json|github|junit|sarif|markdown|plain" in shown.stdout and ".plain" in shown.stdout
    chosen = run("check", "--as-of", "2024-12-31", "--format", "plain")
    assert chosen.returncode == 0 and "检查学校" in chosen.stdout, chosen.stderr
    refused = run("check", "--as-of", "2024-12-31", "--format", "nonesuch")
    assert refused.returncode == 2 and "plain" in refused.stderr


@pytest.mark.parametrize(("name", "chosen"), [
    ("carework.sarif", "sarif"), ("carework.sarif.json", "sarif"), ("result.JSON", "json"), ("result.xml", "junit"),
    ("summary.md", "markdown"), ("out.txt", "text"), ("no-suffix", "text"),
])
def test_an_output_file_s_suffix_chooses_its_format(name: str, chosen: str) -> None:
    assert format_for_file(Path(name)) == chosen


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
    assert console.use_color()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.use_color()
    monkeypatch.setattr(check, "use_color", lambda: True)
    _, out, _ = invoke()
    assert "\x1b[" in out
