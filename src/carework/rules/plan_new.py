"""Next year's plan from this year's: the files of a scaffold, and the crosswalk that says what became of each rule.

`scaffold` is pure: it returns the files to write (the command writes them, atomically, and never over an existing
plan). The new plan is the old one with its year, period and every date moved on by the years between them; the rule
cases and their base record move the same way (and "2024 年" in their expected messages becomes "2025 年"), so they
still pass before anything is edited. The crosswalk lists every rule and target as `carried`; the author marks each
`changed` or `retired` (or adds `new` ones) as the new text requires. The new source text and its clauses are the
author's to add: they cannot be derived from last year's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from carework.core.model import Bilingual
from carework.rules.companion import BASE_RECORD, CASES, Companion
from carework.rules.model import Plan
from carework.rules.uses import items
from carework.schema.fieldtypes import Choice, Field, ListOf, Option, Record, Text
from carework.schema.validate import load_valid

STATUSES = Choice((
    Option("carried", "照搬", "carried over unchanged"),
    Option("changed", "已修改", "changed"),
    Option("retired", "已取消", "retired"),
    Option("new", "新增", "new"),
))
CROSSWALK_FORMAT = Record((
    Field("from", Text(), "上一年的计划文件", "last year's plan file", required=True),
    Field("rules", ListOf(Record((
        Field("id", Text(), "新计划中的编号（取消的可不写）", "id in the new plan (none when retired)"),
        Field("from", Text(), "上一年计划中的编号（新增的可不写）", "id in last year's plan (none when new)"),
        Field("status", STATUSES, "去向", "status", required=True),
        Field("note", Text(), "说明", "note"),
    ))), "规则和目标", "rules and targets", required=True),
))
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR_FIELD = re.compile(r"(\byear:\s*)(\d{4})\b")


@dataclass(frozen=True)
class CrosswalkEntry:
    id: str | None
    previous: str | None
    status: str
    note: str
    line: int


def shift_dates(text: str, years: int) -> str:
    """Every YYYY-MM-DD date in `text` moved by `years` (29 February becomes the 28th in a common year)."""
    def moved(match: re.Match[str]) -> str:
        y, m, d = int(match.group(1)) + years, int(match.group(2)), int(match.group(3))
        try:
            return dt.date(y, m, d).isoformat()
        except ValueError:
            return dt.date(y, m, 28).isoformat() if m == 2 and d == 29 else match.group(0)
    return _DATE.sub(moved, text)


def new_plan_text(old_text: str, old_year: int, year: int) -> str:
    """The plan file for `year`: the head (everything before `settings:`) names the new year, and every date moves."""
    text = shift_dates(old_text, year - old_year)
    cut = text.find("\nsettings:")
    head, rest = (text[:cut], text[cut:]) if cut >= 0 else (text, "")
    # The year as a word (an id, a title), not as part of a date, which has moved already.
    head = re.sub(rf"(?<!\d){old_year}(?![\d-])", str(year), head)
    return head + rest


def _case_text(text: str, old_year: int, year: int) -> str:
    """A case file or base record for `year`: dates, `year:` fields (budgets, allowances) and "2024 年" in messages."""
    moved = shift_dates(text, year - old_year)
    moved = _YEAR_FIELD.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + year - old_year}", moved)
    return moved.replace(f"{old_year} 年", f"{year} 年")


def crosswalk_text(old: Plan, old_file: str, year: int) -> str:
    lines = [
        f"# {year} 年计划与 {old.year} 年计划的对照：每条规则和目标的去向。新计划照搬时为 carried；修改后改为 changed",
        "# （note 写明为何修改），取消的改为 retired，新增的写 new。`carework plan diff` 读取此文件。",
        f"# How each rule and target of the {old.year} plan fares in {year}: carried, changed (say why in note),",
        "# retired, or new. `carework plan diff` reads it.",
        f"from: {old_file}",
        "rules:",
    ]
    lines += [f"  - {{id: {item.id}, from: {item.id}, status: carried}}" for item in items(old)]
    return "\n".join(lines) + "\n"


def scaffold(old_path: Path, old: Plan, year: int) -> dict[Path, str]:
    """The files of the `year` plan made from the plan at `old_path`, by path; the plan itself first."""
    new_path = old_path.with_name(f"{year}.yaml")
    old_companion, new_companion = Companion(old_path), Companion(new_path)
    files = {new_path: new_plan_text(old_path.read_text(encoding="utf-8-sig"), old.year, year),
             new_companion.crosswalk: crosswalk_text(old, old_path.name, year)}
    if old_companion.base_record.is_file():
        files[new_companion.folder / BASE_RECORD] = _case_text(old_companion.base_record.read_text(encoding="utf-8"), old.year, year)
    for case in sorted(old_companion.cases.glob("*.yaml")) if old_companion.cases.is_dir() else ():
        files[new_companion.folder / CASES / case.name] = _case_text(case.read_text(encoding="utf-8"), old.year, year)
    return files


def load_crosswalk(path: Path, display: str) -> tuple[str, tuple[CrosswalkEntry, ...]]:
    """The crosswalk: last year's plan file and the entries; raises InvalidFile when it is malformed."""
    doc, value = load_valid(path, display, CROSSWALK_FORMAT)
    entries = tuple(CrosswalkEntry(e["id"], e["from"], e["status"], e["note"] or "", doc.locate(("rules", i)).line)
                    for i, e in enumerate(value["rules"]))
    return value["from"], entries


def renamed(entries: tuple[CrosswalkEntry, ...]) -> dict[str, str]:
    """New id → old id, for the rules the crosswalk says continue an old one under another id."""
    return {e.id: e.previous for e in entries if e.id and e.previous and e.id != e.previous and e.status != "retired"}


def status_label(status: str, lang: str) -> str:
    return STATUSES.label(status, lang)


NEXT_STEPS = Bilingual(
    "接下来：1. 把新一年的原文放在 {folder}/source.zh.md；2. 逐句写入 {folder}/clauses.yaml（可参照上一年的）；"
    "3. 按新原文修改规则，并在 crosswalk.yaml 中标注 changed / retired / new；"
    "4. 运行 carework plan test、plan lint、coverage 和 plan diff 检查。",
    "Next: 1. put the new year's text in {folder}/source.zh.md; 2. cut it into clauses in {folder}/clauses.yaml "
    "(last year's shows how); 3. change the rules as the new text requires and mark them changed / retired / new in "
    "crosswalk.yaml; 4. run carework plan test, plan lint, coverage and plan diff.",
)
