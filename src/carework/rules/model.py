"""The plan as the rules wing holds it: sections, settings, rules with their compiled checks, and targets."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from carework.core.model import Bilingual, Scope, Severity

if TYPE_CHECKING:
    from carework.rules.checks import Check
    from carework.rules.expr import Typed


@dataclass(frozen=True)
class Section:
    number: int
    title: Bilingual
    short: Bilingual



@dataclass(frozen=True)
class Setting:
    """A threshold borrowed from practice or read from the text, kept in the plan so a bureau can change it."""

    name: str
    value: float | int
    title: Bilingual
    basis: Literal["text", "practice", "reading"]
    #: The line of the plan file where the setting is written (0 when not from a file).
    line: int = 0



@dataclass(frozen=True)
class Definition:
    """A shared definition as written: a name later expressions use for a value computed once per school."""

    name: str
    expr: str
    title: Bilingual | None
    line: int = 0



@dataclass(frozen=True)
class Applicability:
    """Which schools a rule or target is about; None means no restriction."""

    kinds: tuple[str, ...] | None = None
    ownership: tuple[str, ...] | None = None
    batches: tuple[int, ...] | None = None
    when: "Typed | None" = None
    when_text: str = ""



@dataclass(frozen=True)
class Rule:
    id: str
    section: int
    title: Bilingual
    source: str
    scope: Scope
    severity: Severity
    applies: Applicability
    check: "Check | None"
    message: Bilingual
    remedy: Bilingual
    reading: Bilingual | None
    line: int
    #: The record field a finding points at (its line in the school's file).
    anchor: tuple[str, ...] = ()
    #: Every record field the rule reads, to tell a gap from a broken record.
    fields: frozenset[tuple[str, ...]] = frozenset()
    check_text: dict[str, Any] = field(default_factory=dict)



@dataclass(frozen=True)
class Band:
    status: str
    at_least: float
    title: Bilingual



@dataclass(frozen=True)
class Target:
    """An aggregate target over all schools, e.g. close to 60% certified by year end."""

    id: str
    section: int
    title: Bilingual
    source: str
    population: Applicability
    counts: "Typed"
    counts_text: str
    target: float
    bands: tuple[Band, ...]
    levels: tuple[str, ...]
    due: dt.date
    progress: tuple["Typed", ...]
    line: int



@dataclass(frozen=True)
class Plan:
    id: str
    title: Bilingual
    issuer: Bilingual
    year: int
    period: tuple[dt.date, dt.date]
    sections: tuple[Section, ...]
    settings: dict[str, Setting]
    vocabularies: dict[str, tuple[str, ...]]
    definitions: tuple[tuple[str, "Typed"], ...]
    rules: tuple[Rule, ...]
    targets: tuple[Target, ...]
    file: str
    digest: str
    #: The line of the plan file where the period is written.
    period_line: int = 1
    #: The definitions as written, in plan order (`definitions` holds them compiled).
    definition_texts: tuple[Definition, ...] = ()
    #: The line of the plan file where each vocabulary is written.
    vocabulary_lines: dict[str, int] = field(default_factory=dict)
    #: Where the plan's text comes from, as the plan says (`plan.source`), with what is known to be wrong with it.
    source: str = ""

    def source_note(self, text: str) -> Bilingual | None:
        """What a reader of a source sentence must know about the copy it was taken from: that it breaks off there
        (the plan's source says where: `止于“…”`), or that `*` marks a place name blanked out in that copy."""
        notes: list[tuple[str, str]] = []
        cut = re.search(r"止于“([^”]+)”", self.source)
        if cut and text and cut[1].endswith(text):
            notes.append((f"所据原文不完整，在“{cut[1]}”处中断，其后内容不可知", f"the copy of the plan breaks off at “{cut[1]}”; "
                          "what followed is unknown"))
        if "*" in text:
            notes.append(("“*”是所据原文中被隐去的地名，非本工具所加", "“*” marks a place name blanked out in the copy of the plan"))
        if not notes:
            return None
        return Bilingual("；".join(zh for zh, _ in notes), "; ".join(en for _, en in notes))

    def rule(self, rule_id: str) -> Rule | None:
        """The rule of this id, written in any case (`s2-06` is S2-06, as people type it)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return next((rule for rule in self.rules if rule.id.casefold() == rule_id.casefold()), None)

    def section(self, number: int) -> Section | None:
        for section in self.sections:
            if section.number == number:
                return section
        return None

