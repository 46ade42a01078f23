"""The CLI's error boundary: each kind of failure a stage raises has its exit code (README "Exit codes") and one
message in the run's language; only an internal error with `--debug` shows a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLAN_FILE, base_record, write_record
from typer.testing import CliRunner

from carework.checking import pipeline
from carework.cli import app
from carework.core.errors import CareworkError, Failure

runner = CliRunner()
#: README "Exit codes", by the kind of failure.
README_EXIT_CODES = {Failure.USAGE: 2, Failure.PLAN: 2, Failure.DATA: 3, Failure.INTERNAL: 4}


@pytest.fixture
def repo(one_school: Path) -> Path:
    return one_school


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args[:1], "check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", *args[1:]]
                           if args[:1] == ("--debug",) else ["check", "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", *args])
    print(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def raising(exc: BaseException):  # type: ignore[no-untyped-def]
    def fail(*args: object, **kwargs: object) -> None:
        raise exc
    return fail


@pytest.mark.parametrize("kind", list(Failure))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_kind_of_failure_has_its_exit_code_and_one_line_in_the_run_s_language(
        repo: Path, monkeypatch: pytest.MonkeyPatch, kind: Failure, lang: str) -> None:
    monkeypatch.setattr(pipeline, "run_check", raising(CareworkError(kind, "中文的说明", "the English message")))
    code, out, err = check("--lang", lang)
    assert code == README_EXIT_CODES[kind]
    assert out == "" and err == ("中文的说明\n" if lang == "zh" else "the English message\n")


@pytest.mark.parametrize("kind", list(Failure))
def test_debug_shows_no_traceback_for_a_failure_carework_expected(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  kind: Failure) -> None:
    monkeypatch.setattr(pipeline, "run_check", raising(CareworkError(kind, "中文的说明", "the English message")))
    code, _, err = check("--debug")
    assert code == README_EXIT_CODES[kind] and err == "中文的说明\n"


def test_an_internal_error_is_one_line_and_with_debug_its_traceback(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "run_check", raising(ZeroDivisionError("division by zero")))
    code, _, err = check()
    assert code == 4 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("carework 内部错误：ZeroDivisionError: division by zero")
    code, _, err = check("--debug")
    assert code == 4 and "Traceback (most recent call last)" in err and err.endswith("ZeroDivisionError: division by zero\n")


def test_ctrl_c_is_one_line_in_the_run_s_language(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "run_check", raising(KeyboardInterrupt()))
    assert check("--lang", "en")[::2] == (130, "interrupted\n")


# The real failures behind each kind, end to end.

def test_an_unknown_filter_value_is_a_usage_error(repo: Path) -> None:
    assert check("--school", "NOPE")[::2] == (2, "没有代码为 NOPE 的学校记录\n")
    assert check("--school", "NOPE", "--lang", "en")[::2] == (2, "no school with code NOPE\n")


def test_an_invalid_plan_is_a_plan_error_with_its_problems(repo: Path) -> None:
    (repo / "plan.yaml").write_text("plan: [\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--plan", "plan.yaml", "--lang", "en"])
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and lines[0] == "The plan or configuration is invalid; no school was checked:"
    assert len(lines) == 2 and lines[1].startswith("  plan.yaml:")


def test_a_record_with_errors_is_a_data_failure(repo: Path) -> None:
    write_record(repo / "data" / "schools", {**base_record(), "code": "BAD-001", "founded": "not a year"})
    code, out, _ = check()
    assert code == 3 and "BAD-001" in out


def test_an_unwritable_output_is_a_usage_error_in_one_language(repo: Path) -> None:
    (repo / "taken").mkdir()
    code, _, err = check("--output", "taken", "--lang", "en")  # a folder: refused before the check (core.destination)
    assert code == 2 and err.startswith("--output 'taken' is a folder, not a regular file") and "无法" not in err
    (repo / "file").write_text("", encoding="utf-8")
    code, _, err = check("--output", "file/out.json", "--lang", "en")  # a path that cannot be reached
    assert code == 2 and err.startswith("--output 'file/out.json' cannot be reached") and "无法" not in err


def test_a_bad_option_is_a_usage_error(repo: Path) -> None:
    assert check("--no-such-option")[0] == 2
    assert check("--as-of", "2024-13-45")[0] == 2
