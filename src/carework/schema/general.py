"""The general path of validation: one run's problems, and the plain check of every value, saying exactly what is wrong.

`Run.scalar` is the reference twin of the checks `compiled` makes per declared type: those prove a fine value fine
with the least test and hand anything else here, so the messages come from one place; with `CAREWORK_REFERENCE=1`
every value comes here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from carework.core.problems import Problem
from carework.reading.loader import INPUT_METHOD_SLIPS, Document, Path_
from carework.schema.fieldtypes import (
    Boolean,
    Choice,
    Date,
    Expression,
    Field,
    FieldType,
    Integer,
    ListOf,
    Number,
    Record,
    Text,
    type_name,
)


@dataclass(frozen=True)
class Context:
    """What validation needs to know beyond the record: the plan's vocabularies and the dates that make sense."""

    vocabularies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    today: dt.date = dt.date(2100, 1, 1)
    period: tuple[dt.date, dt.date] | None = None
    earliest: dt.date = dt.date(1949, 10, 1)


def empty_value(t: FieldType) -> Any:
    """The value a field has when it is left out."""
    if isinstance(t, ListOf):
        return []
    if isinstance(t, Record):
        return empty_record(t)
    return None


def empty_record(schema: Record) -> dict[str, Any]:
    return {f.name: empty_value(f.type) for f in schema.fields}


SEPARATORS = re.compile(r"[，、,；;／/]")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_HINT = re.compile(r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*$")


class Run:
    """One validation: its problems, the paths found wrong, and the slow paths that report them."""

    def __init__(self, doc: Document, ctx: Context, schema: Record | None = None) -> None:
        self.doc = doc
        self.ctx = ctx
        #: The record type being checked, which names every field in Chinese for messages.
        self.schema = schema
        self.problems: list[Problem] = []
        self.invalid: list[Path_] = []
        # What the compiled checks' fast paths compare against, read once per record rather than once per value.
        self.vocabularies = ctx.vocabularies
        self.today = ctx.today
        self.earliest = ctx.earliest
        self.first, self.last = ctx.period if ctx.period else (dt.date.min, dt.date.max)

    def error(self, path: Path_, code: str, zh: str, en: str, fix_zh: str = "", fix_en: str = "",
              level: str = "error", named: Path_ | None = None) -> None:
        """A problem with the value at `path`, its message led by the field's words (those of `named` if given: the
        level an unknown or missing key belongs to, since the message names the key itself)."""
        where = self.doc.locate(path)
        label_zh, label_en = field_words(self.schema, path if named is None else named)
        prefix_zh = f"{label_zh}：" if label_zh else ""
        prefix_en = f"{label_en}: " if label_en else ""
        self.problems.append(Problem(where, code, prefix_zh + zh, prefix_en + en, fix_zh, fix_en, level))  # type: ignore[arg-type]
        if level == "error":
            self.invalid.append(path)

    def missing(self, f: Field, path: Path_) -> None:
        options_zh = "（可选：" + "、".join(f"{o.zh}（{o.value}）" for o in f.type.options) + "）" if isinstance(f.type, Choice) else ""
        self.error(path + (f.name,), "missing-field", f"缺少必填项“{f.zh}”（{f.name}）",
                   f"required field {f.name} ({f.en}) is missing",
                   f"在这一层加上一行 {f.name}: {example(f.type)}{options_zh}",
                   f"add {f.name}: {example(f.type)} at this level", named=path)

    def unknown_key(self, key: Any, schema: Record, path: Path_) -> None:
        key_text = str(key)
        found = slip(key_text)
        if found:  # `{dedicated： true}` or a key indented with full-width spaces
            needle, zh_what, en_what, fix_zh, fix_en, ascii_ = found
            meant = key_text.split(needle)[0].strip(" \u3000\t") if needle == "：" else key_text.strip(" \u3000\t")
            if meant in [f.name for f in schema.fields] and needle == "：":
                rest = key_text.split(needle, 1)[1].strip()
                fix_zh, fix_en = f"{fix_zh}：{meant}: {rest}", f"{fix_en}: {meant}: {rest}"
            self.error(path + (key_text,), "input-method", f"未知的键「{key_text}」：键里有{zh_what}",
                       f"unknown key '{key_text}': it contains {en_what}", fix_zh, fix_en, named=path)
            return
        by_label = {f.zh: f.name for f in schema.fields}
        guess = difflib.get_close_matches(key_text, [f.name for f in schema.fields], n=1, cutoff=0.6)
        suggestion = guess[0] if guess else by_label.get(key_text)
        if suggestion is None:
            labels = difflib.get_close_matches(key_text, list(by_label), n=1, cutoff=0.5)
            suggestion = by_label[labels[0]] if labels else None
        allowed = "、".join(f"{f.name}（{f.zh}）" for f in schema.fields)
        if suggestion:
            label = schema.field(suggestion).zh  # type: ignore[union-attr]
            fix_zh, fix_en = f"是不是要写 {suggestion}（{label}）？", f"did you mean {suggestion}?"
        else:
            fix_zh, fix_en = f"这一层可用的键：{allowed}", f"keys allowed here: {', '.join(f.name for f in schema.fields)}"
        self.error(path + (key_text,), "unknown-field", f"未知的键 {key_text}", f"unknown key {key_text}", fix_zh, fix_en,
                   named=path)

    def wrong(self, value: Any, t: FieldType, path: Path_) -> None:
        zh_hint = en_hint = ""
        if isinstance(value, bool) and isinstance(t, (Text, Choice)):
            zh_hint = "（YAML 把 yes/no/on/off/true/false 读成是/否；作文字用时请加引号，如 \"no\"）"
            en_hint = " (YAML reads yes/no/on/off/true/false as booleans; quote it to mean text, e.g. \"no\")"
        elif isinstance(value, (int, float)) and isinstance(t, Text):
            zh_hint = "（数字请加引号当作文字，如 \"0012\"）"
            en_hint = " (quote numbers meant as text, e.g. \"0012\")"
        fix_zh, fix_en = right_form(value, t, path)
        self.error(path, "wrong-type", f"应为{type_name(t, 'zh')}，实际是{kind(value, 'zh')} {_show(value)}{zh_hint}",
                   f"expected {type_name(t)}, got {kind(value, 'en')} {_show(value)}{en_hint}", fix_zh, fix_en)
        return None

    def scalar(self, value: Any, t: FieldType, path: Path_) -> Any:
        if isinstance(t, Boolean):
            if isinstance(value, str) and value.strip() in YES_NO:  # 是/否 as a secretary writes it
                return YES_NO[value.strip()]
            return value if isinstance(value, bool) else self.wrong(value, t, path)
        if isinstance(t, (Integer, Number)):
            ok = isinstance(value, int) if isinstance(t, Integer) else isinstance(value, (int, float))
            if isinstance(value, bool) or not ok:
                return self.wrong(value, t, path)
            if isinstance(value, float) and not math.isfinite(value):  # YAML's .nan and .inf, or 1e999
                return self.error(path, "bad-number", f"{value} 不是有效的数字", f"{value} is not a usable number",
                                  "写一个普通的数字，如 2000", "write an ordinary number, e.g. 2000")
            if t.minimum is not None and value < t.minimum:
                return self.error(path, "out-of-range", f"{value} 小于最小值 {t.minimum}", f"{value} is below the minimum {t.minimum}")
            if t.maximum is not None and value > t.maximum:
                return self.error(path, "out-of-range", f"{value} 大于最大值 {t.maximum}", f"{value} is above the maximum {t.maximum}")
            return value
        if isinstance(t, Date):
            return self.date(value, t, path)
        if isinstance(t, Expression):
            if isinstance(value, bool):
                return str(value).lower()
            return str(value) if isinstance(value, (str, int, float)) else self.wrong(value, t, path)
        if not isinstance(value, str):
            return self.wrong(value, t, path)
        if isinstance(t, Choice):
            return self.choice(value, t, path)
        assert isinstance(t, Text)
        if not value.strip():
            return self.error(path, "empty-text", "不能是空文字", "must not be blank")
        if t.person and SEPARATORS.search(value):
            self.error(path, "joined-names", f"一项里像是写了几个人的姓名：{value}",
                       f"this item looks like several names in one: {value}",
                       "每人单独一项，用英文逗号分开，如 [王建国, 李明华]，或每行一个“- 姓名”",
                       "one name per item: [王建国, 李明华] with ASCII commas, or one '- name' per line", level="warning")
        if t.pattern and not re.fullmatch(t.pattern, value):
            return self.error(path, "bad-format", f"格式不对：{value}", f"bad format: {value}",
                              "只用字母、数字、- 和 _，2 到 32 个字符", "letters, digits, - and _ only, 2 to 32 characters")
        if t.vocabulary is not None and t.vocabulary in self.ctx.vocabularies:
            allowed = self.ctx.vocabularies[t.vocabulary]
            if value not in allowed:
                normal = {normalise(a): a for a in allowed}
                if normalise(value) in normal:
                    return normal[normalise(value)]
                guess = difflib.get_close_matches(value, allowed, n=1, cutoff=0.4)
                fix_zh = f"是不是“{guess[0]}”？" if guess else "可选：" + "；".join(allowed)
                fix_en = f"did you mean “{guess[0]}”?" if guess else "one of: " + "; ".join(allowed)
                parts = [p.strip() for p in SEPARATORS.split(value) if p.strip()]
                if len(parts) > 1 and all(normalise(p) in normal for p in parts):  # [红色云溪，逐梦云溪]: one item
                    return self.joined_items(path, value, [normal[normalise(p)] for p in parts])
                return self.error(path, "unknown-value", f"不在计划列出的名称中：{value}",
                                  f"not one of the names the plan lists: {value}", fix_zh, fix_en)
        return value

    def choice(self, value: str, t: Choice, path: Path_) -> Any:
        if value in t.values:
            return value
        spellings = choice_spellings(t)
        meant = spellings.get(value.strip())
        if meant:  # a Chinese label, or its short form (校长 for 校长（园长）), as a secretary would write it
            return meant
        parts = [p.strip() for p in SEPARATORS.split(value) if p.strip()]
        if len(parts) > 1 and all(p in t.values or p in spellings for p in parts):
            return self.joined_items(path, value, [p if p in t.values else spellings[p] for p in parts])
        guess = difflib.get_close_matches(value, list(t.values), n=1, cutoff=0.6)
        listing = "、".join(f"{o.zh}（{o.value}）" for o in t.options)
        fix_zh = (f"是不是 {guess[0]}？" if guess else "") + f"可选：{listing}"
        fix_en = (f"did you mean {guess[0]}? " if guess else "") + "one of: " + ", ".join(t.values)
        return self.error(path, "unknown-value", f"未知的选项 {value}", f"unknown value {value}", fix_zh, fix_en)

    def joined_items(self, path: Path_, value: str, items: list[str]) -> None:
        """Several list items written as one, joined by a full-width comma or 、: say to put one item per line."""
        lines_zh = " ".join(f"“- {item}”" for item in items)
        self.error(path, "joined-items", f"一项里写了 {len(items)} 项：{value}",
                   f"{len(items)} items written as one: {value}",
                   f"每项单独一行，以“- ”开头：{lines_zh}（或写在一行 [{', '.join(items)}]，用英文半角逗号）",
                   f"one item per line, each starting with '- ': {' '.join('- ' + i for i in items)} "
                   f"(or on one line [{', '.join(items)}] with ASCII commas)")

    def date(self, value: Any, t: Date, path: Path_) -> Any:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str) and _ISO.match(value):  # a quoted ISO date means the same date
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return self.error(path, "impossible-date", f"不存在的日期：{value}", f"impossible date: {value}",
                                  "核对年月日", "check year, month and day")
        if isinstance(value, str):
            m = _ISO_HINT.match(value)
            if m:
                try:
                    iso = dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
                    fix_zh, fix_en = f"写成 {iso}（不加引号）", f"write {iso} (without quotes)"
                except ValueError:
                    fix_zh, fix_en = "这个日期不存在，请核对年月日", "that date does not exist; check it"
                return self.error(path, "bad-date", f"日期格式不对：{value}", f"bad date format: {value}", fix_zh, fix_en)
        if not isinstance(value, dt.date):
            return self.wrong(value, t, path)
        if value > self.ctx.today and not t.future:
            return self.error(path, "future-date", f"日期 {value} 在今天（{self.ctx.today}）之后",
                              f"date {value} is after today ({self.ctx.today})", "只记录已经发生的事", "record only what has happened")
        if value < self.ctx.earliest:
            return self.error(path, "impossible-date", f"日期 {value} 太早，不可能", f"date {value} is implausibly early",
                              "核对年份", "check the year")
        if t.event and self.ctx.period and not (self.ctx.period[0] <= value <= self.ctx.period[1]):
            start, end = self.ctx.period
            self.error(path, "out-of-period", f"日期 {value} 不在计划期 {start} 至 {end} 内，不计入本年度",
                       f"date {value} is outside the plan period {start} to {end} and is not counted",
                       "如果是往年的记录可以保留；如是笔误请改正", "keep it if it is an earlier year's record; otherwise correct it",
                       level="warning")
        return value


#: Yes and no as a Chinese record writes them: unambiguous for a true/false field.
YES_NO = {"是": True, "否": False, "有": True, "无": False, "没有": False}

_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


def choice_spellings(t: Choice) -> dict[str, str]:
    """Every Chinese or English way of writing an option that names only it: its label (校长（园长）), the label
    without its bracket (校长) and the bracket's alternative (园长), its English label."""
    seen: dict[str, list[str]] = {}  # in declaration order, so the JSON Schema that lists them is stable
    for option in t.options:
        forms = [option.zh, option.en, _BRACKETS.sub("", option.zh).strip()]
        forms += [inner.strip() for inner in _BRACKETS.findall(option.zh) if not inner.startswith("如")]
        for form in dict.fromkeys(forms):
            if form and option.value not in seen.setdefault(form, []):
                seen[form].append(option.value)
    return {form: values[0] for form, values in seen.items() if len(values) == 1}


def field_words(schema: Record | None, path: Path_) -> tuple[str, str]:
    """Where a value is, for a message: `成员部门 第 1 条 › 职责是否成文（committee.member_offices.duties_written）` in
    Chinese (field labels first, item positions counted from 1, the YAML keys second) and
    `committee.member_offices (item 1).duties_written` in English."""
    if not path:
        return "", ""
    groups: list[str] = []
    keys: list[str] = []
    english = ""
    t: FieldType | None = schema
    for part in path:
        if isinstance(part, int):
            if groups:
                groups[-1] += f" 第 {part + 1} 条"
            english += f" (item {part + 1})"
            t = t.item if isinstance(t, ListOf) else None
            continue
        while isinstance(t, ListOf):  # a path without positions (`trainings.topics`) steps into the items
            t = t.item
        f = t.field(part) if isinstance(t, Record) else None
        groups.append(f.zh if f else part)
        keys.append(part)
        english += f".{part}" if english else part
        t = f.type if f else None
    return f"{' › '.join(groups[-2:])}（{'.'.join(keys)}）", english


def example(t: FieldType) -> str:
    """A value of type `t`, written as it would be in a record."""
    examples: dict[type, str] = {Boolean: "true", Date: "2024-03-15", Integer: "3", Number: "2000", Text: "……"}
    if isinstance(t, Choice):
        return t.values[0]
    if isinstance(t, ListOf):
        return f"[{example(t.item)}]"
    if isinstance(t, Record):
        return "{" + (f"{t.fields[0].name}: {example(t.fields[0].type)}" if t.fields else "") + "}"
    return examples.get(type(t), "……")


def right_form(value: Any, t: FieldType, path: Path_) -> tuple[str, str]:
    """What to write instead of a value of the wrong type, with an example of the right form."""
    key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    if isinstance(t, Boolean):
        return (f"写 true（是）或 false（否），如 {key}: true", f"write true or false, e.g. {key}: true")
    if isinstance(t, Date):
        return ("写成“年-月-日”，如 2024-03-15（不加引号）", "write year-month-day, e.g. 2024-03-15 (without quotes)")
    if isinstance(t, Integer):
        return ("写一个整数，如 3", "write a whole number, e.g. 3")
    if isinstance(t, Number):
        return ("写一个数字，如 2000（不加单位）", "write a number, e.g. 2000 (no unit)")
    if isinstance(t, ListOf):
        items = [p.strip() for p in SEPARATORS.split(value) if p.strip()] if isinstance(value, str) else []
        items = items or [example(t.item)]
        shown = " ".join(f"“- {item}”" for item in items)
        return (f"写成列表：{key}: 下面每项一行，以“- ”开头，如 {shown}；或写在一行 [{', '.join(items)}]（英文半角逗号）",
                f"write a list: under {key}:, one item per line starting with '- ', e.g. "
                f"{' '.join('- ' + i for i in items)}; or on one line [{', '.join(items)}] (ASCII commas)")
    if isinstance(t, Record):
        first = t.fields[0] if t.fields else None
        inner = f"{first.name}: {example(first.type)}" if first else "……"
        return (f"{key}: 下面换行、缩进两格写各项，如 {inner}", f"under {key}:, indent each field by two spaces, e.g. {inner}")
    if isinstance(t, Choice):
        return ("可选：" + "、".join(f"{o.zh}（{o.value}）" for o in t.options), "one of: " + ", ".join(t.values))
    return (f"改成{type_name(t, 'zh')}", f"write {type_name(t)}")


def slip(text: str, needles: str = "：\u3000") -> tuple[str, str, str, str, str, str] | None:
    """The input-method slip (a full-width colon or space) in `text`, if it has one."""
    return next((found for found in INPUT_METHOD_SLIPS if found[0] in needles and found[0] in text), None)


def normalise(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’《》「」，,、·]", "", text)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else ""
    return text[:40]


_KINDS: tuple[tuple[type | tuple[type, ...], str, str], ...] = (
    (bool, "是/否", "a boolean"),  # before int: a bool is an int to Python
    ((int, float), "数字", "a number"),
    (str, "文字", "text"),
    (list, "列表", "a list"),
    (dict, "键值映射", "a mapping"),
    (dt.date, "日期", "a date"),
)


def kind(value: Any, lang: str) -> str:
    """What a YAML value is, in words, for messages."""
    for types, zh, en in _KINDS:
        if isinstance(value, types):
            return zh if lang == "zh" else en
    return "空值" if lang == "zh" else "nothing"
