"""No traceback reaches a user: a bug in carework is one line on stderr and exit 4; `--debug` shows the traceback.

`carework.cli.main` is the console entry point; these tests make the pipeline fail on purpose and look at exactly
what a person would see, in-process and (for the traceback) in a real subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLAN_FILE

from carework import cli
from carework.checking import pipeline


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the engine fell over\nwith a second line")


@pytest.fixture
def repo(one_school: Path) -> Path:
    return one_school


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["carework", *args])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    code = caught.value.code
    return code if isinstance(code, int) else 0


def test_an_internal_error_is_one_line_and_exit_4(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pipeline, "run_check", boom)
    code = run_main(monkeypatch, "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31")
    out, err = capsys.readouterr()
    assert code == 4
    assert err.count("\n") == 1 and "Traceback" not in err + out
    assert "RuntimeError: the engine fell over with a second line" in err
    assert "--debug" in err and "carework 内部错误" in err and "internal error" not in err  # one language per run


def test_the_internal_error_line_follows_lang(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pipeline, "run_check", boom)
    code = run_main(monkeypatch, "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", "--lang", "en")
    _, err = capsys.readouterr()
    assert code == 4 and err.startswith("carework internal error: RuntimeError: the engine fell over")
    assert "内部错误" not in err and "--debug" in err


def test_debug_shows_the_traceback_and_keeps_exit_4(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pipeline, "run_check", boom)
    code = run_main(monkeypatch, "--debug", "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31")
    _, err = capsys.readouterr()
    assert code == 4
    assert "Traceback (most recent call last)" in err and "RuntimeError: the engine fell over" in err


def test_ctrl_c_is_one_line_and_exit_130(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run_check", interrupted)
    code = run_main(monkeypatch, "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31")
    _, err = capsys.readouterr()
    assert code == 130 and err == "已中断\n"


def test_usage_errors_are_not_internal_errors(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(monkeypatch, "check", "--as-of", "2024-13-45") == 2
    assert run_main(monkeypatch, "check", "--no-such-option") == 2
    assert "Traceback" not in "".join(capsys.readouterr())


# The same, as a person at a terminal sees it: a real process whose pipeline is broken on purpose.
FAILING_CARWORK = (
    "import sys\n"
    "import carework.checking.pipeline\n"
    "def boom(*a, **k): raise RuntimeError('the engine fell over')\n"
    "carework.checking.pipeline.run_check = boom\n"
    "from carework.cli import main\n"
    "sys.argv = ['carework', *sys.argv[1:]]\n"
    "main()\n"
)


def run_process(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CAREWORK_CACHE_DIR": str(repo / "cache")}
    return subprocess.run([sys.executable, "-c", FAILING_CARWORK, *args], cwd=repo, env=env, capture_output=True,
                          text=True, encoding="utf-8", check=False)


def test_a_real_process_prints_one_line_and_with_debug_the_traceback(repo: Path) -> None:
    plain = run_process(repo, "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31")
    assert plain.returncode == 4
    assert plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr + plain.stdout
    debug = run_process(repo, "--debug", "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31")
    assert debug.returncode == 4
    assert "Traceback (most recent call last)" in debug.stderr and "RuntimeError: the engine fell over" in debug.stderr
