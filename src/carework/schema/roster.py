"""The city's roster: the bureau's list of every school it tracks (code, name, district, kind, ownership).

With a roster, carework knows the whole city: a school on it without a record is 未报送 and counts in a target's
denominator as not meeting it, a record whose code is not on it is a data error, and the roster's districts are the
city's districts. The roster is a CSV file (as offices keep it in Excel), headers in Chinese or English:

    学校代码,学校名称,区,类型,办学性质
    TN-XX-001,云溪市实验小学,天宁区,小学,公办

类型 takes the record's kinds (幼儿园 小学 初中 普通高中 九年一贯制学校 中等职业学校, or their English keys); 办学性质 is
公办 or 民办 (public/private) and may be left out as a column, meaning 公办. Other columns (备注 …) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from carework.core.problems import Location, Problem
from carework.reading.table import Row, Table, column_letter, read_table
from carework.schema.fieldtypes import Choice
from carework.schema.identity import did_you_mean, invisible_character, normalise
from carework.schema.school import CODE_PATTERN, OWNERSHIP, SCHOOL_KINDS

#: Column → the headers it may have (compared without case and surrounding spaces).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("学校代码", "代码", "code"),
    "name": ("学校名称", "名称", "name"),
    "district": ("区", "所属区", "所属区（县、市）", "district"),
    "kind": ("类型", "学校类型", "kind"),
    "ownership": ("办学性质", "性质", "ownership"),
}
REQUIRED = ("code", "name", "district", "kind")
_LABELS = {"code": ("学校代码", "code"), "name": ("学校名称", "name"), "district": ("区", "district"),
           "kind": ("类型", "kind"), "ownership": ("办学性质", "ownership")}


@dataclass(frozen=True)
class RosterSchool:
    code: str
    name: str
    district: str
    kind: str
    ownership: str
    line: int


@dataclass(frozen=True)
class Roster:
    file: str
    schools: tuple[RosterSchool, ...]
    by_code: dict[str, RosterSchool] = field(compare=False, repr=False)

    @classmethod
    def of(cls, file: str, schools: list[RosterSchool]) -> Roster:
        return cls(file, tuple(schools), {s.code: s for s in schools})

    @property
    def districts(self) -> tuple[str, ...]:
        """The city's districts, sorted."""
        return tuple(sorted({s.district for s in self.schools}))


def load_roster(path: Path, display: str) -> tuple[Roster | None, list[Problem]]:
    """The roster in the CSV file at `path` and every problem with it; None when no row could be used."""
    table, problems = read_table(path, display)
    if table is None:
        return None, problems
    roster, more = roster_of(table)
    return roster, problems + more


def roster_of(table: Table) -> tuple[Roster | None, list[Problem]]:
    """Validate a table as a roster: columns found by header, every row checked; bad rows are left out."""
    if table.header is None:
        return None, [_problem(Location(table.file), "roster-empty", "名册是空的", "the roster is empty",
                               "第一行写表头：学校代码,学校名称,区,类型,办学性质，以下每行一所学校",
                               "write the header row 学校代码,学校名称,区,类型,办学性质 (or code,name,district,kind,ownership), then one school a row")]
    columns, problems = _columns(table)
    if columns is None:
        return None, problems
    schools: list[RosterSchool] = []
    seen: dict[str, RosterSchool] = {}
    for row in table.rows:
        school = _school(table.file, row, columns, problems)
        if school is None:
            continue
        if school.code in seen:
            problems.append(_problem(_at(table.file, row, columns["code"]), "roster-duplicate-code",
                                     f"学校代码 {school.code} 重复（第 {seen[school.code].line} 行已有）",
                                     f"school code {school.code} is repeated (already on line {seen[school.code].line})",
                                     "每所学校只占一行；删除或改正重复的一行", "one row per school; delete or correct the repeated row"))
            continue
        seen[school.code] = school
        schools.append(school)
    if not schools and not problems:  # a roster still to fill (`carework init` writes one): as if there were none
        return None, [Problem(Location(table.file, table.header.line), "roster-not-filled",
                              "名册只有表头，还没有填学校：总体目标暂时只统计已报送的记录",
                              "the roster has a header but no school yet: targets count only the records submitted",
                              "在表头下每行写一所学校（学校代码,学校名称,区,类型,办学性质），用 Excel/WPS 另存为“CSV UTF-8”",
                              "add one school a row under the header, and save it from Excel/WPS as CSV UTF-8",
                              level="warning")]
    return Roster.of(table.file, schools), problems


def _columns(table: Table) -> tuple[dict[str, int] | None, list[Problem]]:
    assert table.header is not None
    found: dict[str, int] = {}
    wanted = {alias.casefold(): key for key, aliases in HEADERS.items() for alias in aliases}
    for index, cell in enumerate(table.header.cells):
        key = wanted.get(normalise(cell).casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [key for key in REQUIRED if key not in found]
    if not missing:
        return found, []
    zh = "、".join(_LABELS[k][0] for k in missing)
    en = ", ".join(_LABELS[k][1] for k in missing)
    return None, [_problem(Location(table.file, table.header.line), "roster-missing-column",
                           f"名册第一行（表头）缺少列：{zh}", f"the roster's header row lacks the column(s): {en}",
                           "表头写成：学校代码,学校名称,区,类型,办学性质", "write the header as: code,name,district,kind,ownership")]


def _school(file: str, row: Row, columns: dict[str, int], problems: list[Problem]) -> RosterSchool | None:
    values: dict[str, str] = {}
    ok = True
    for key, index in columns.items():
        raw = row.cells[index] if index < len(row.cells) else ""
        value = normalise(raw)
        where = _at(file, row, index)
        column = f"{column_letter(index + 1)} 列（{_LABELS[key][0]}）"
        column_en = f"column {column_letter(index + 1)} ({_LABELS[key][1]})"
        hidden = invisible_character(value)
        if not value:
            problems.append(_problem(where, "roster-empty-cell", f"第 {row.line} 行 {column}是空的",
                                     f"line {row.line}, {column_en} is empty", f"填写{_LABELS[key][0]}", f"fill in the {_LABELS[key][1]}"))
            ok = False
        elif hidden:
            problems.append(_problem(where, "roster-invisible-character", f"第 {row.line} 行 {column}含有看不见的字符 {hidden}",
                                     f"line {row.line}, {column_en} holds an invisible character {hidden}",
                                     "删除这个单元格后重新输入", "clear the cell and type the value again"))
            ok = False
        values[key] = value
    if not ok:
        return None
    if not re.fullmatch(CODE_PATTERN, values["code"]):
        problems.append(_problem(_at(file, row, columns["code"]), "roster-bad-code",
                                 f"学校代码 {values['code']!r} 格式不对", f"school code {values['code']!r} is malformed",
                                 "学校代码由字母、数字、-、_ 组成，2 到 32 个字符，如 TN-XX-001",
                                 "a code is 2–32 letters, digits, - or _, like TN-XX-001"))
        return None
    kind = _choice(values["kind"], SCHOOL_KINDS)
    if kind is None:
        problems.append(_unknown(file, row, columns["kind"], values["kind"], SCHOOL_KINDS, "类型", "kind"))
        return None
    ownership = "public"
    if "ownership" in columns:
        found = _choice(values["ownership"], OWNERSHIP)
        if found is None:
            problems.append(_unknown(file, row, columns["ownership"], values["ownership"], OWNERSHIP, "办学性质", "ownership"))
            return None
        ownership = found
    return RosterSchool(values["code"], values["name"], values["district"], kind, ownership, row.line)


def _choice(value: str, choice: Choice) -> str | None:
    """The option a cell names, by its key or its Chinese or English label (case-insensitive)."""
    folded = value.casefold()
    for option in choice.options:
        if folded in (option.value.casefold(), option.zh.casefold(), option.en.casefold()):
            return option.value
    return None


def _unknown(file: str, row: Row, index: int, value: str, choice: Choice, zh: str, en: str) -> Problem:
    labels = [o.zh for o in choice.options]
    guess = did_you_mean(value, labels)
    hint_zh = f"是不是“{guess}”？" if guess else ""
    hint_en = f"did you mean {guess}? " if guess else ""
    return _problem(_at(file, row, index), f"roster-unknown-{en}", f"第 {row.line} 行的{zh}“{value}”不认识",
                    f"line {row.line}: unknown {en} {value!r}",
                    f"{hint_zh}可填：{'、'.join(labels)}", f"{hint_en}use one of: {', '.join(o.value for o in choice.options)}")


def _at(file: str, row: Row, index: int) -> Location:
    """A cell's place: its row's line, and its column counted as a spreadsheet counts (A = 1)."""
    return Location(file, row.line, index + 1)


def _problem(location: Location, code: str, zh: str, en: str, fix_zh: str, fix_en: str) -> Problem:
    return Problem(location, code, zh, en, fix_zh, fix_en)
