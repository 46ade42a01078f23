"""The collection workbook (`carework form`), derived from the record declaration: which sheets, rows and columns it
has, and how a record's values become cells and cells become a record again.

Nothing here is written by hand per field: a field added to `schema/school.py` appears in the form, and is read back
from it, without touching this module. Two shapes of sheet follow from the declaration:

* a **sheet of fields** (项目 | 填写 | 说明), one row a field: the record's top-level values (基本信息) and each
  top-level group of fields (关工委组织, 党建带关建, …), nested groups flattened into it (主任·姓名);
* a **table**, one row an item, one column a field: every list of items (学习培训, 活动, …), and lists of items
  inside a group (关工委组织·常务副主任).

A list of plain values in a cell holds one value a line (Alt+Enter); names and choices may also be separated by 、
or a comma, as people type them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from carework.schema.fieldtypes import Boolean, Choice, Date, Field, FieldType, Integer, ListOf, Number, Record, Text

Path_ = tuple[str | int, ...]

#: Excel allows at most 31 characters in a sheet name and none of these.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BASIC_SHEET = ("基本信息", "basic information")
#: The hidden sheet the form's dropdowns read their choices from (a list typed into a validation rule is capped at
#: 255 characters); the import skips it.
CHOICES_SHEET = "选项"
#: The headers of a sheet of fields.
FIELD_HEADERS = (("项目", "item"), ("填写", "value"), ("说明", "notes"))
YES, NO = "是", "否"
_SEPARATORS = re.compile(r"[、，,；;]")


@dataclass(frozen=True)
class Cell:
    """One field as the form shows it: where its value goes in the record, and how it is labelled."""

    #: The path from the record's root (fields of a sheet of fields) or from the item (columns of a table).
    path: tuple[str, ...]
    field: Field
    label: str
    label_en: str

    @property
    def type(self) -> FieldType:
        return self.field.type

    def header(self) -> str:
        """The label as the form prints it: required fields end in *."""
        return self.label + ("*" if self.field.required else "")


@dataclass(frozen=True)
class Sheet:
    """One sheet of the form."""

    title: str
    title_en: str
    kind: Literal["fields", "table"]
    #: Where the sheet's list lives in the record (a table), or () for a sheet of fields.
    path: tuple[str, ...]
    cells: tuple[Cell, ...]
    #: A table of plain values (e.g. readers): one column, each row a value, not a mapping.
    plain: bool = False


def layout(schema: Record) -> tuple[Sheet, ...]:
    """The form's sheets for `schema`, in the declaration's order (the basic sheet first)."""
    sheets: list[Sheet] = []
    basic: list[Cell] = []
    for f in schema.fields:
        if isinstance(f.type, Record):
            group: list[Cell] = []
            tables: list[Sheet] = []
            _flatten(f.type, (f.name,), "", "", group, tables, f)
            sheets.append(Sheet(sheet_name(f.zh), f.en, "fields", (), tuple(group)))
            sheets.extend(tables)
        elif _is_table(f.type):
            sheets.append(_table(f, (f.name,), sheet_name(f.zh), f.en))
        else:
            basic.append(Cell((f.name,), f, f.zh, f.en))
    return (Sheet(BASIC_SHEET[0], BASIC_SHEET[1], "fields", (), tuple(basic)), *sheets)


def _is_table(t: FieldType) -> bool:
    return isinstance(t, ListOf) and (isinstance(t.item, Record) or not isinstance(t.item, ListOf))


def _flatten(record: Record, path: tuple[str, ...], prefix: str, prefix_en: str, into: list[Cell],
             tables: list[Sheet], group: Field) -> None:
    for f in record.fields:
        here = path + (f.name,)
        if isinstance(f.type, Record):
            _flatten(f.type, here, f"{prefix}{f.zh}·", f"{prefix_en}{f.en} · ", into, tables, group)
        elif isinstance(f.type, ListOf) and isinstance(f.type.item, Record):
            tables.append(_table(f, here, sheet_name(f"{group.zh}·{prefix}{f.zh}"), f"{group.en} · {prefix_en}{f.en}"))
        else:
            into.append(Cell(here, f, prefix + f.zh, prefix_en + f.en))


def _table(f: Field, path: tuple[str, ...], title: str, title_en: str) -> Sheet:
    assert isinstance(f.type, ListOf)
    item = f.type.item
    if not isinstance(item, Record):  # a list of plain values: one column
        column = Field(f.name, item, f.zh, f.en, required=True, note_zh=f.note_zh, note_en=f.note_en)
        return Sheet(title, title_en, "table", path, (Cell((), column, f.zh, f.en),), plain=True)
    cells: list[Cell] = []
    nested: list[Sheet] = []
    _flatten(item, (), "", "", cells, nested, f)
    if nested:  # a list of items inside an item has no place in one row; no field is declared so today
        raise ValueError(f"{f.name}: a list of items inside a list of items cannot be a table")
    return Sheet(title, title_en, "table", path, tuple(cells))


def sheet_name(label: str) -> str:
    """A label made a valid sheet name (Excel: at most 31 characters, none of []:*?/\\)."""
    return _SHEET_FORBIDDEN.sub("_", label)[:31]


def hint(cell: Cell, lang: str = "zh") -> str:
    """What to type in a cell: its kind, its choices, the field's note."""
    t = cell.type
    item = t.item if isinstance(t, ListOf) else t
    zh, en = _KIND_HINTS.get(type(item), ("", ""))
    if isinstance(item, Choice):
        zh, en = "从下拉列表中选择", "choose from the list"
    if isinstance(t, ListOf):
        zh, en = f"{zh}；多项时每项一行（Alt+Enter）", f"{en}; several values one a line (Alt+Enter)"
    if isinstance(item, (Integer, Number)) and item.minimum is not None:
        zh, en = f"{zh}，不小于 {item.minimum:g}", f"{en}, at least {item.minimum:g}"
    if isinstance(item, Integer) and item.maximum is not None:
        zh, en = f"{zh}，不大于 {item.maximum}", f"{en}, at most {item.maximum}"
    if cell.field.required:
        zh, en = f"必填。{zh}", f"required. {en}"
    note = cell.field.note_zh if lang == "zh" else cell.field.note_en
    if lang != "zh":
        return f"{en}. {note}" if note else en
    return f"{zh}。{note}" if note else zh


_KIND_HINTS: dict[type, tuple[str, str]] = {
    Text: ("文字", "text"),
    Integer: ("整数", "a whole number"),
    Number: ("数字", "a number"),
    Boolean: ("选择 是 或 否", "choose 是 (yes) or 否 (no)"),
    Date: ("日期，如 2024-03-05", "a date, e.g. 2024-03-05"),
}


def choices(t: FieldType) -> tuple[str, ...] | None:
    """The dropdown of a cell (Chinese labels), or None for a cell typed freely."""
    item = t.item if isinstance(t, ListOf) else t
    if isinstance(item, Boolean):
        return (YES, NO)
    if isinstance(item, Choice) and not isinstance(t, ListOf):
        return tuple(o.zh for o in item.options)
    return None


# --- record → cells ---------------------------------------------------------------------------------------------------


def get(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def to_cell(value: Any, t: FieldType) -> Any:
    """A record's value as a cell holds it: labels for choices, 是/否, dates as dates, lists one value a line."""
    if value is None or value == []:
        return None
    if isinstance(t, ListOf):
        if not isinstance(value, list):
            return str(value)
        return "\n".join(str(to_cell(v, t.item)) for v in value if v is not None)
    if isinstance(t, Boolean) and isinstance(value, bool):
        return YES if value else NO
    if isinstance(t, Choice) and isinstance(value, str):
        return t.label(value, "zh")
    if isinstance(value, (int, float, dt.date, str)):
        return value
    return str(value)


def rows(sheet: Sheet, record: dict[str, Any]) -> Iterator[list[Any]]:
    """The values a sheet shows for `record`: one row per field (a sheet of fields) or per item (a table)."""
    if sheet.kind == "fields":
        for cell in sheet.cells:
            yield [to_cell(get(record, cell.path), cell.type)]
        return
    items = get(record, sheet.path)
    for item in items if isinstance(items, list) else []:
        if sheet.plain:
            yield [to_cell(item, sheet.cells[0].type)]
        else:
            yield [to_cell(get(item, cell.path), cell.type) for cell in sheet.cells]


# --- cells → record -----------------------------------------------------------------------------------------------------


def from_cell(value: Any, t: FieldType) -> Any:
    """A cell's value as the YAML reader would have given it, so validation says the same as for a YAML record:
    text trimmed, numbers typed as text read as numbers, text typed as a number read as text, 是/否 as true/false.
    Values that are wrong stay as they are, for validation to report."""
    if isinstance(value, str):
        value = value.strip(" \t\r\n\u3000\u00a0")
        if not value:
            return None
    if value is None:
        return None
    if isinstance(t, ListOf):
        return [from_cell(v, t.item) for v in split(value, t.item)] or None
    if isinstance(t, Text):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return value
    if isinstance(t, Boolean):
        if isinstance(value, str):
            return _BOOLEANS.get(value.lower(), value)
        return value
    if isinstance(t, (Integer, Number)):
        return _number(value)
    if isinstance(t, Date):
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    return value


_BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False, "有": True, "无": False,
             "√": True, "×": False}


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
        try:
            number = float(text)
        except ValueError:
            return value
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        return number
    return value


def split(value: Any, item: FieldType) -> list[Any]:
    """The values of a list cell: one a line; without line breaks, names and choices also split at 、 or a comma."""
    if not isinstance(value, str):
        return [value]
    if "\n" in value:
        return [part for part in (p.strip() for p in value.split("\n")) if part]
    if isinstance(item, Choice):
        return _choice_items(value, item)
    if isinstance(item, Text) and item.person:
        return [part for part in (p.strip() for p in _SEPARATORS.split(value)) if part]
    return [value]


def _choice_items(text: str, t: Choice) -> list[str]:
    """Choices written one after another: labels may themselves hold 、 (国家、省、市最新部署和要求), so known labels are
    taken whole, and only what is left is split at the separators."""
    names = sorted({n for o in t.options for n in (o.zh, o.en, o.value)}, key=len, reverse=True)
    out: list[str] = []
    rest = text
    while rest:
        rest = rest.lstrip("、，,；; \u3000")
        if not rest:
            break
        known = next((n for n in names if rest.startswith(n)), None)
        if known is None:
            match = _SEPARATORS.search(rest)
            known = rest[: match.start()] if match else rest
        out.append(known.strip())
        rest = rest[len(known):]
    return out


def put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set `value` at `path` in nested mappings, making the mappings on the way."""
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def record_path(sheet: Sheet, cell: Cell, row: int | None) -> Path_:
    """Where a cell's value lives in the record: the field's path, or the list's path, the item and the field."""
    if sheet.kind == "fields" or row is None:
        return cell.path
    return (*sheet.path, row, *cell.path)
