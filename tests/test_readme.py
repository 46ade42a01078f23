"""The READMEs show what really happens: their excerpt of `carework check` is what it prints, CI runs the test command
they show, and every `carework …` line of their command blocks runs without a usage error or a crash."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from carework.cli import app

INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/carework check"
TESTS = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest && CAREWORK_REFERENCE=1 .venv/bin/python -m pytest -q -m 'not slow'"
#: Blocks in these languages hold commands; the others (text, yaml, markdown) hold output or file contents.
SHELLS = ("sh", "powershell")


def blocks(readme: str) -> list[tuple[str, list[str]]]:
    """The fenced blocks of a README: (language, lines)."""
    return [(lang, body.splitlines()) for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", readme, re.S | re.M)]


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "heading"), [("README.md", "## 运行效果"), ("README.en.md", "## What it looks like")])
def test_readme_check_excerpt_is_current(monkeypatch: pytest.MonkeyPatch, name: str, heading: str) -> None:
    section = read(name)[read(name).index(heading):]
    excerpt = re.search(r"```text\n(.*?)\n```", section, re.S)
    assert excerpt, "the README lost its excerpt"
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "--as-of", "2024-12-31", "--format", "text", "--no-cache"])
    printed = [line.rstrip() for line in result.output.splitlines()]
    missing = [line for line in excerpt.group(1).splitlines() if line != "…" and line not in printed]
    assert missing == [], "update the README excerpt from: carework check --as-of 2024-12-31"


def test_the_readme_shows_the_two_commands_ci_relies_on_and_ci_runs_the_second() -> None:
    commands = [line for lang, lines in blocks(read("README.md")) if lang == "sh" for line in lines]
    assert INSTALL in commands and TESTS in commands
    assert commands.index(INSTALL) < commands.index(TESTS)
    assert TESTS in read("README.en.md")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == TESTS


def carework_lines(readme: str) -> list[list[tuple[str, list[str]]]]:
    """Per command block, its steps: ("cd", [folder]) or ("carework", args), in order. Other commands (pip, venv,
    activation) are skipped; `a && b` and `a; b` are separate steps, `a | b` runs `a`. PowerShell paths are
    Windows paths: here their backslashes become slashes, as far as Linux can follow Windows."""
    out = []
    for lang, lines in blocks(readme):
        if lang not in SHELLS:
            continue
        steps = []
        for line in lines:
            for part in re.split(r"&&|;", line.split(" #")[0]):
                words = shlex.split(part.split(" | ")[0], posix=lang == "sh")
                if lang == "powershell":
                    words = [word.replace("\\", "/") for word in words]
                if not words:
                    continue
                program = words[0].replace("\\", "/")
                if program == "cd":
                    steps.append(("cd", words[1:]))
                elif program == "carework" or program.endswith("/carework"):
                    steps.append(("carework", words[1:]))
        out.append(steps)
    return out


@pytest.mark.parametrize(("name", "shown"), [("README.md", {"check", "init", "new", "report", "explain"}),
                                             ("README.en.md", {"check", "init", "new"}),
                                             ("docs/windows.md", {"check", "new", "template", "--show-completion"})])
def test_every_command_the_readme_shows_works(name: str, shown: set[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """In a copy of the repository, block after block as one terminal session (a `cd` holds for the blocks after it),
    every `carework` line runs to an ordinary end: no usage error (2), no crash (4), no traceback."""
    copy = tmp_path / "carework"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "bench-data",
                                                               "reports", ".*_cache", ".hypothesis"))
    monkeypatch.setenv("HOME", str(tmp_path))
    ran = []
    here = copy
    for steps in carework_lines(read(name)):
        for kind, args in steps:
            if kind == "cd":
                here = here / args[0]
                assert here.is_dir(), f"{name}: cd {args[0]}: no such folder at this point"
                continue
            monkeypatch.chdir(here)
            result = CliRunner().invoke(app, args)
            said = f"{name}: carework {' '.join(args)} (in {here.relative_to(tmp_path)})\n{result.output}"
            assert result.exit_code not in (2, 4), said
            assert result.exception is None or isinstance(result.exception, SystemExit), said
            assert "Traceback" not in result.output, said
            ran.append(args[0] if args else "")
    assert shown <= set(ran), ran
