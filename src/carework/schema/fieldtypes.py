"""The small type language in which the school record is declared.

One declaration serves the validator, the rule-expression type checker, the JSON Schema for editors and the
field-by-field documentation, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Text:
    pattern: str | None = None
    #: Name of a plan vocabulary (e.g. "campaigns") whose entries are the only values allowed.
    vocabulary: str | None = None
    #: One person's name: rules match people by name, so several names in one item would go unmatched.
    person: bool = False


@dataclass(frozen=True)
class Expression:
    """A rule expression in the plan: text, though a bare number or true/false is accepted as written."""


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Number:
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Boolean:
    pass


@dataclass(frozen=True)
class Date:
    #: Events are counted for the plan year; a date outside the plan period earns a warning.
    event: bool = False
    #: A date that may lie ahead (a deadline), so one after today is no error.
    future: bool = False


@dataclass(frozen=True)
class Option:
    value: str
    zh: str
    en: str


@dataclass(frozen=True)
class Choice:
    options: tuple[Option, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def label(self, value: str, lang: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.zh if lang == "zh" else option.en
        return value


@dataclass(frozen=True)
class ListOf:
    item: "FieldType"


@dataclass(frozen=True)
class Field:
    name: str
    type: "FieldType"
    zh: str
    en: str
    required: bool = False
    #: A longer explanation for the documentation and the commented template.
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Record:
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


Scalar = Union[Text, Expression, Integer, Number, Boolean, Date, Choice]
FieldType = Union[Scalar, ListOf, Record]


def type_name(t: FieldType, lang: str = "en") -> str:
    """A short human name for a type, used in messages and docs."""
    names = {
        Text: ("文字", "text"),
        Expression: ("表达式", "expression"),
        Integer: ("整数", "integer"),
        Number: ("数字", "number"),
        Boolean: ("是/否（true/false）", "true/false"),
        Date: ("日期（YYYY-MM-DD）", "date (YYYY-MM-DD)"),
        Choice: ("选项", "choice"),
        ListOf: ("列表", "list"),
        Record: ("键值映射", "mapping"),
    }
    zh, en = names[type(t)]
    return zh if lang == "zh" else en
