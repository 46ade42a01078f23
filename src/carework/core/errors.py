"""The one error a stage raises when it cannot go on: what kind of failure, a message in both languages, the problems.

Stages raise `CareworkError` and never print or exit; the command line alone turns its `kind` into an exit code
(README "Exit codes") and prints `message` in the run's language, followed by the problems it carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

from carework.core.problems import Lang, Problem


class Failure(Enum):
    """What kind of failure ended a run; each kind has one exit code (carework.cli.boundary)."""

    #: The command line asks for what cannot be done: an unknown filter value, an unusable --baseline or
    #: --changed-since, a destination that cannot be written.
    USAGE = "usage"
    #: The plan, carework.yaml or a report template is invalid: nothing was checked.
    PLAN = "plan"
    #: A record or the waiver file has errors.
    DATA = "data"
    #: A bug in carework.
    INTERNAL = "internal"


class CareworkError(Exception):
    """A failure leaving a stage, with its kind, a one-line message in Chinese and English and, for a file that must
    be valid as a whole (the plan, carework.yaml), every problem found in it."""

    def __init__(self, kind: Failure, zh: str, en: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(en)
        self.kind = kind
        self.zh = zh
        self.en = en
        self.problems = tuple(problems)

    def message(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in a forked worker and sent back to the parent (report rendering) like any other result.
        return (type(self), (self.kind, self.zh, self.en, self.problems))


def invalid_plan(problems: Iterable[Problem]) -> CareworkError:
    """The plan or carework.yaml refused whole, with every problem found in it."""
    return CareworkError(Failure.PLAN, "计划或配置有误，未检查任何学校", "The plan or configuration is invalid; no school was checked",
                         problems)


def refused(zh: str, en: str) -> CareworkError:
    """A usage failure: what the command line asks for cannot be done (an unusable baseline, a git that cannot say
    what changed, reports that cannot be written where asked); nothing that existed was changed."""
    return CareworkError(Failure.USAGE, zh, en)
