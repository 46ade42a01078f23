"""Where something is, and what is wrong with a file: the records every stage reports in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a file, with the path of keys and indexes inside the document."""

    file: str
    line: int = 1
    column: int = 1
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def dotted(self) -> str:
        """The path as `committee.director.name` / `activities[3].date`."""
        return dotted(self.path)


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with an input file (a record, the plan, the waivers): it could not be fully read."""

    location: Location
    code: str
    message_zh: str
    message_en: str
    fix_zh: str = ""
    fix_en: str = ""
    level: Literal["error", "warning"] = "error"

    def message(self, lang: Lang) -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def fix(self, lang: Lang) -> str:
        return self.fix_zh if lang == "zh" else self.fix_en
