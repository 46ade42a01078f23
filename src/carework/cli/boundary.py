"""The one place a failure becomes what a person sees: a message in the run's language and a documented exit code.

Stages raise `CareworkError` and never print or exit; each command hands its work to `finish`, which maps the
error's kind to the exit code of README "Exit codes". Any other exception is a bug in carework: one line, exit 4,
and the traceback only with `carework --debug`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import NoReturn, TypeVar

import typer

from carework.core.errors import CareworkError, Failure
from carework.core.problems import Lang

T = TypeVar("T")


class ExitCode(IntEnum):
    """The exit-code contract (README: "Exit codes")."""

    OK = 0  # no gaps at or above --fail-on, every record valid
    GAPS = 1  # gaps at or above --fail-on
    USAGE = 2  # bad command line, configuration or plan
    INVALID_DATA = 3  # at least one record (or the waiver file) has errors
    INTERNAL = 4  # a bug in carework
    INTERRUPTED = 130  # Ctrl-C, as SIGINT would say
    BROKEN_PIPE = 141  # the reader of standard output went away (`carework check | head`), as SIGPIPE would say


EXIT_CODES: dict[Failure, ExitCode] = {
    Failure.USAGE: ExitCode.USAGE,
    Failure.PLAN: ExitCode.USAGE,
    Failure.DATA: ExitCode.INVALID_DATA,
    Failure.INTERNAL: ExitCode.INTERNAL,
}


def finish(ctx: typer.Context, lang: Lang, work: Callable[[T], ExitCode], options: T) -> NoReturn:
    """Run a command's `work` on its `options` and end with the exit code it returns, or the one its failure has."""
    try:
        code = work(options)
    except CareworkError as exc:
        typer.echo(describe(exc, lang), err=True)
        code = EXIT_CODES[exc.kind]
    except (typer.Exit, typer.Abort, typer.TyperException):  # the command line's own endings and usage errors
        raise
    except KeyboardInterrupt:
        code = interrupted(lang)
    except Exception as exc:
        code = crashed(exc, lang, debug=bool(ctx.find_root().params.get("debug")))
    raise typer.Exit(int(code))


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a CI job cancelled, `kill`) like Ctrl-C in the block: the writing code's clean-up runs — no
    temporary file holding a whole report is left — and the run ends with "interrupted". Main thread only."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def describe(exc: CareworkError, lang: Lang) -> str:
    """The error's message and, one per line, the problems it carries."""
    if not exc.problems:
        return exc.message(lang)
    from carework.formats.text import problem_line

    heading = exc.message(lang) + ("：" if lang == "zh" else ":")
    return "\n".join([heading] + [problem_line(p, lang).plain for p in exc.problems])


def interrupted(lang: Lang) -> ExitCode:
    typer.echo("已中断" if lang == "zh" else "interrupted", err=True)
    return ExitCode.INTERRUPTED


def crashed(exc: BaseException, lang: Lang, debug: bool) -> ExitCode:
    """A bug in carework: the traceback with --debug, else one line saying what failed and what to do."""
    if debug:
        traceback.print_exception(exc)
        return ExitCode.INTERNAL
    what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]  # one line, whatever the exception says
    if lang == "zh":
        typer.echo(f"carework 内部错误：{what} — 这是 carework 的缺陷，不是您的数据的问题：请带上 --debug 重新运行，"
                   "把输出附在问题报告中", err=True)
    else:
        typer.echo(f"carework internal error: {what} — a bug in carework, not in your data: re-run with --debug and "
                   "attach the output to a bug report", err=True)
    return ExitCode.INTERNAL
