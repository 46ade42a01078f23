"""The interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from carework.checking.run import CheckRun
from carework.core.model import Result, School
from carework.core.problems import Lang, Problem
from carework.rules.model import Plan

#: The most data problems a format for people prints per file (README: Limits); the JSON and SARIF documents keep all.
MAX_PROBLEMS_PER_FILE = 50


def capped(problems: list[Problem]) -> list[Problem | tuple[str, int]]:
    """`problems` with at most MAX_PROBLEMS_PER_FILE per file; after a file's last one shown, `(file, how many more)`.
    200,000 broken items in one record print 51 lines, not 200,000."""
    seen: dict[str, int] = {}
    for p in problems:
        seen[p.location.file] = seen.get(p.location.file, 0) + 1
    out: list[Problem | tuple[str, int]] = []
    shown: dict[str, int] = {}
    for p in problems:
        file = p.location.file
        count = shown[file] = shown.get(file, 0) + 1
        if count <= MAX_PROBLEMS_PER_FILE:
            out.append(p)
        if count == MAX_PROBLEMS_PER_FILE and seen[file] > count:
            out.append((file, seen[file] - count))
    return out


def more_problems(file: str, more: int, lang: Lang) -> str:
    """The line that stands for a file's problems left out."""
    if lang == "zh":
        return f"{file}: 另有 {more} 个问题未列出（每个文件最多列出 {MAX_PROBLEMS_PER_FILE} 个；--format json 列出全部）"
    return f"{file}: {more} more problem(s) not listed (at most {MAX_PROBLEMS_PER_FILE} per file; --format json lists all)"


@dataclass(frozen=True)
class FormatOptions:
    lang: Lang = "zh"
    color: bool = False
    width: int = 100
    #: The file the run also writes (`--output`), as shown to users; "" for none. A streaming format beside it
    #: writes only what its consumer reads (GitHub: workflow commands) and points to the file.
    document: str = ""
    #: The run's Markdown summary also goes to the CI's job summary (GitHub's `$GITHUB_STEP_SUMMARY`).
    step_summary: bool = False
    #: Only the figures, no school's list (`--summary-only`): what a city of thousands of schools needs first.
    summary_only: bool = False


class Format(ABC):
    """Turns a whole CheckRun into one document of text, written in pieces where the format can (`chunks`)."""

    #: Its key in carework.formats.FORMATS, where its suffixes and kind are declared.
    name: ClassVar[str]

    def __init__(self, options: FormatOptions) -> None:
        self.options = options

    @abstractmethod
    def render(self, run: CheckRun) -> str:
        """The whole output for `run`."""

    def chunks(self, run: CheckRun) -> Iterator[str]:
        """The same text as `render`, in pieces to write as they come; a format whose output grows with the number of
        schools yields it school by school, so a province's output is never held in memory at once."""
        yield self.render(run)

    def piece_key(self) -> str | None:
        """For a format whose output holds each school's results as one piece of text that depends on nothing else
        (`piece`): the key that piece is kept under, naming everything it depends on besides the results (format,
        language). None for every other format."""
        return None

    def piece(self, plan: Plan, school: School, results: list[Result]) -> str:
        """One school's results as this format writes them (only for a format with a `piece_key`); `school` has at
        least the school's identity (code, name, district, kind, ownership).

        The worker process that checks a record writes its piece there, in parallel, and the cache keeps it; the
        parent only joins the pieces. A school whose results a waiver or a filter changes gets its piece written
        again in the parent."""
        raise NotImplementedError(f"{self.name} writes no per-school pieces")
