"""Masking people's names (王建国 → 王**) in what leaves the office: exports and reports with `--redact`.

Which values are people's names is declared in the record schema (`Text(person=True)`), so a school's names are
known exactly, and each school's texts are masked with its own names only. A run keeps only each school's identity,
so the names are read again from the school's record file; a record that cannot be read has its texts withheld
whole rather than risk showing a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.core.model import School
from carework.reading.loader import YamlError, load_file
from carework.schema.fieldtypes import FieldType, ListOf, Record, Text
from carework.schema.school import SCHOOL


def mask(name: str) -> str:
    """王建国 → 王**: the family name stays (so a reader can still tell people apart in a short list)."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def person_names(value: Any, t: FieldType = SCHOOL) -> Iterator[str]:
    """Every person's name in a record's `value` of type `t`."""
    if isinstance(t, Record) and isinstance(value, dict):
        for f in t.fields:
            yield from person_names(value.get(f.name), f.type)
    elif isinstance(t, ListOf) and isinstance(value, list):
        for item in value:
            yield from person_names(item, t.item)
    elif isinstance(t, Text) and t.person and isinstance(value, str) and value.strip():
        yield value.strip()


@dataclass(frozen=True)
class Redactor:
    """Masks names in texts, per school; `enabled` False leaves every text as it is."""

    enabled: bool = True

    def for_school(self, school: School | None) -> Callable[[str], str]:
        """A function that masks `school`'s people in a text."""
        if not self.enabled or school is None:
            return _same
        try:
            record = load_file(Path(school.file), school.file).value
        except YamlError:
            return _withheld
        names = sorted(set(person_names(record)), key=len, reverse=True)
        if not names:
            return _same
        pattern = re.compile("|".join(re.escape(n) for n in names))
        return lambda text: pattern.sub(lambda m: mask(m.group()), text) if text else text


def _same(text: str) -> str:
    return text


WITHHELD = "（含姓名，已隐去）"


def _withheld(text: str) -> str:
    return WITHHELD if text else text
