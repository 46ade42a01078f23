"""The interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from carework.checking.run import CheckRun
from carework.core.model import Result, School
from carework.core.problems import Lang
from carework.rules.model import Plan


@dataclass(frozen=True)
class FormatOptions:
    lang: Lang = "zh"
    color: bool = False
    width: int = 100
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
