"""The terminal and the files a command writes: colour, width, standard output that may close early, atomic files."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import typer

from carework.cli.boundary import ExitCode
from carework.core.errors import CareworkError, refused
from carework.core.problems import Lang


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def width() -> int:
    if sys.stdout.isatty():
        try:
            return max(60, os.get_terminal_size().columns)
        except OSError:
            pass
    return 100


def emit(text: str | Iterable[str]) -> None:
    """Print to standard output; a reader that went away (`| head`) ends the run quietly with 141, as SIGPIPE would."""
    try:
        sys.stdout.writelines([text] if isinstance(text, str) else text)
        sys.stdout.flush()
    except BrokenPipeError:
        try:  # so the interpreter's own final flush does not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None


def write_file(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` to `path` atomically; raises CareworkError (usage) when it cannot be written there."""
    from carework.core.atomic import atomic_write

    try:
        atomic_write(path, text.encode("utf-8") if isinstance(text, str) else (piece.encode("utf-8") for piece in text))
    except OSError as exc:
        raise cannot_write(path, exc) from None


def cannot_write(path: Path, exc: OSError) -> CareworkError:
    reason = exc.strerror or exc
    return refused(f"无法写入 {path}：{reason}", f"cannot write {path}: {reason}")


def say(zh: str, en: str, lang: Lang, err: bool = False) -> None:
    """One line in the run's language."""
    typer.echo(zh if lang == "zh" else en, err=err)
