"""A filled collection workbook read back as a record document: every value with the cell it came from.

The document is the one validation reads for a YAML record (`reading.loader.Document`), with cells for positions
(row, column) and the sheet of each value beside them, so a problem is reported as 学习培训!C5 with the very message and
fix the YAML reader gives. What only a workbook can get wrong (a sheet or column the form does not have) is reported
here in the same way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from carework.core.problems import Location, Problem
from carework.reading.loader import Document, Path_
from carework.reading.workbook import Workbook
from carework.schema.fieldtypes import Record
from carework.schema.form import CHOICES_SHEET, FIELD_HEADERS, Cell, Sheet, from_cell, layout, put, record_path


@dataclass
class FormDocument(Document):
    """A record read from a workbook; `sheets` says which sheet each position in `marks` is on."""

    sheets: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, path: Path_) -> str:
        """Where `path` (or its nearest ancestor with a cell) is: 学习培训!C5."""
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        row, column = self.marks.get(probe, (1, 1))
        return f"{self.sheets.get(probe, '')}!{column_letter(column)}{row}"

    def place(self, path: Path_, sheet: str, row: int, column: int) -> None:
        self.marks[path] = (row, column)
        self.sheets[path] = sheet

    def refuse(self, sheet: str, row: int, column: int, code: str, zh: str, en: str, fix_zh: str, fix_en: str) -> None:
        path: Path_ = (f"{sheet}!{column_letter(column)}{row}",)
        self.place(path, sheet, row, column)
        self.problems.append(Problem(Location(self.file, row, column, path), code, zh, en, fix_zh, fix_en))


def column_letter(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_form(book: Workbook, schema: Record) -> FormDocument:
    """The record a filled form holds, positioned by cell; problems of the workbook's shape in `problems`."""
    doc = FormDocument(book.file, {})
    doc.marks[()] = (1, 1)
    known = {sheet.title: sheet for sheet in layout(schema)}
    for name, grid in book.sheets.items():
        if name == CHOICES_SHEET:
            continue
        sheet = known.get(name.strip())
        if sheet is None:
            if _filled(grid):
                guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
                doc.refuse(name, 1, 1, "unknown-sheet", f"填报表没有名为“{name}”的工作表，其中的内容无法读入",
                           f"the form has no sheet named '{name}'; what it holds cannot be read",
                           (f"是不是“{guess[0]}”？" if guess else "") + "把内容移到对应的工作表，或删除这张表",
                           (f"did you mean '{guess[0]}'? " if guess else "") + "move its content to the right sheet, or delete it")
            continue
        if sheet.kind == "fields":
            _read_fields(doc, sheet, grid)
        else:
            _read_table(doc, sheet, grid)
    return doc


def _filled(grid: list[list[Any]]) -> bool:
    return any(v not in ("", None) for row in grid for v in row)


def _read_fields(doc: FormDocument, sheet: Sheet, grid: list[list[Any]]) -> None:
    by_label = {cell.header(): cell for cell in sheet.cells} | {cell.label: cell for cell in sheet.cells}
    for index, row in enumerate(grid[1:], start=2):
        label = str(row[0]).strip() if row else ""
        value = row[1] if len(row) > 1 else ""
        cell = by_label.get(label)
        if cell is None:
            if value not in ("", None):
                _unknown(doc, sheet, index, 1, label, list(by_label), "row")
            continue
        doc.place(cell.path, sheet.title, index, 2)
        _parent_marks(doc, cell.path[:-1], sheet.title, index)
        converted = from_cell(value, cell.type)
        if converted is not None:
            put(doc.value, cell.path, converted)


def _parent_marks(doc: FormDocument, path: tuple[str, ...], sheet: str, row: int) -> None:
    """A group's first row stands for the group (a problem with `committee` as a whole points there)."""
    while path and path not in doc.marks:
        doc.place(path, sheet, row, 2)
        path = path[:-1]


def _read_table(doc: FormDocument, sheet: Sheet, grid: list[list[Any]]) -> None:
    if not grid:
        return
    by_label = {cell.header(): cell for cell in sheet.cells} | {cell.label: cell for cell in sheet.cells}
    columns: list[tuple[int, Cell]] = []
    for index, header in enumerate(grid[0], start=1):
        label = str(header).strip()
        cell = by_label.get(label)
        if cell is not None:
            columns.append((index, cell))
        elif any(len(row) >= index and row[index - 1] not in ("", None) for row in grid[1:]):  # an empty extra column is harmless
            _unknown(doc, sheet, 1, index, label, [c.header() for c in sheet.cells], "column")
    if sheet.path[:-1]:
        _parent_marks(doc, sheet.path[:-1], sheet.title, 1)
    doc.place(sheet.path, sheet.title, 1, 1)
    items: list[Any] = []
    for number, row in enumerate(grid[1:], start=2):
        if not any(v not in ("", None) for v in row):
            continue  # blank rows between items are allowed
        at = len(items)
        item_path: Path_ = (*sheet.path, at)
        doc.place(item_path, sheet.title, number, 1)
        item: dict[str, Any] = {}
        plain: Any = None
        for index, cell in columns:
            doc.place(record_path(sheet, cell, at), sheet.title, number, index)  # type: ignore[arg-type]
            converted = from_cell(row[index - 1] if len(row) >= index else "", cell.type)
            if converted is None:
                continue
            if sheet.plain:
                plain = converted
            else:
                put(item, cell.path, converted)
        items.append(plain if sheet.plain else item)
    if items:
        put(doc.value, sheet.path, items)


def _unknown(doc: FormDocument, sheet: Sheet, row: int, column: int, label: str, allowed: list[str], what: str) -> None:
    guess = difflib.get_close_matches(label, allowed, n=1, cutoff=0.5)
    listing = "、".join(dict.fromkeys(allowed))
    zh_what, en_what = ("行", "row") if what == "row" else ("列", "column")
    doc.refuse(sheet.title, row, column, f"unknown-{what}", f"填报表的“{sheet.title}”中没有“{label}”这一{zh_what}，其中的内容无法读入",
               f"the form's sheet '{sheet.title}' has no {en_what} '{label}'; what it holds cannot be read",
               f"是不是“{guess[0]}”？" if guess else f"可用的{zh_what}：{listing}",
               f"did you mean '{guess[0]}'?" if guess else f"{en_what}s allowed: {', '.join(dict.fromkeys(allowed))}")


__all__ = ["FIELD_HEADERS", "FormDocument", "column_letter", "read_form"]
