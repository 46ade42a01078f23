"""The interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from carework.model import CheckRun
from carework.problems import Lang


@dataclass(frozen=True)
class FormatOptions:
    lang: Lang = "zh"
    color: bool = False
    width: int = 100


class Format(ABC):
    """Turns a whole CheckRun into one document of text."""

    name: ClassVar[str]
    #: Machine-readable formats get no progress bar and no decoration.
    machine: ClassVar[bool] = True

    def __init__(self, options: FormatOptions) -> None:
        self.options = options

    @abstractmethod
    def render(self, run: CheckRun) -> str:
        """The whole output for `run`."""
