"""The collection workbook a school secretary fills in (`carework form`), laid out by `schema.form` from the record
declaration and prefilled from the school's record when there is one.

Dropdowns offer the Chinese labels of every choice (and 是/否), date cells are dates, each cell's hint (from the
field's declaration) shows when it is selected, and lists of items are tables with a row an item.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from carework.export.tables import Column
from carework.export.xlsx import Styles, display_width, new_workbook, write_value
from carework.schema.fieldtypes import Date, Integer, ListOf, Number, Record, Text
from carework.schema.form import CHOICES_SHEET, FIELD_HEADERS, Cell, Sheet, choices, hint, layout, rows
from carework.schema.form_read import column_letter

#: How many rows below the last item of a table carry the dropdowns and hints, ready to be filled.
SPARE_ROWS = 100
_TEXT = Column("", "", "text")
_LIMITS = {"input_title": 32, "input_message": 255}


def form_bytes(schema: Record, record: Mapping[str, Any], vocabularies: Mapping[str, tuple[str, ...]],
               title: str) -> bytes:
    """The form as the bytes of an .xlsx file, prefilled with `record` (an empty mapping for a blank form)."""
    target = io.BytesIO()
    book = new_workbook(target, title)
    styles = Styles(book)
    form = _Form(book, styles, vocabularies)
    for sheet in layout(schema):
        if sheet.kind == "fields":
            form.fields(sheet, dict(record))
        else:
            form.table(sheet, dict(record))
    form.finish()
    book.close()
    return target.getvalue()


class _Form:
    def __init__(self, book: Any, styles: Styles, vocabularies: Mapping[str, tuple[str, ...]]) -> None:
        self.book = book
        self.styles = styles
        self.vocabularies = vocabularies
        self.lists: dict[tuple[str, ...], str] = {}
        self.locked = book.add_format({"bg_color": "#F2F2F2", "text_wrap": True, "valign": "top"})
        self.note = book.add_format({"font_color": "#595959", "text_wrap": True, "valign": "top"})

    def fields(self, sheet: Sheet, record: dict[str, Any]) -> None:
        ws = self.book.add_worksheet(sheet.title)
        for col, (zh, _) in enumerate(FIELD_HEADERS):
            ws.write_string(0, col, zh, self.styles.header)
        width = display_width(FIELD_HEADERS[0][0])
        for row, (cell, values) in enumerate(zip(sheet.cells, rows(sheet, record), strict=True), start=1):
            ws.write_string(row, 0, cell.header(), self.locked)
            write_value(ws, self.styles, row, 1, _TEXT, values[0])
            ws.write_string(row, 2, hint(cell), self.note)
            self.validate(ws, row, 1, row, cell)
            width = max(width, display_width(cell.header()))
        ws.set_column(0, 0, min(40, width + 2))
        ws.set_column(1, 1, 36, self.styles.wrap)
        ws.set_column(2, 2, 60)
        ws.freeze_panes(1, 1)

    def table(self, sheet: Sheet, record: dict[str, Any]) -> None:
        ws = self.book.add_worksheet(sheet.title)
        widths = [display_width(cell.header()) for cell in sheet.cells]
        count = 0
        for count, values in enumerate(rows(sheet, record), start=1):
            for col, value in enumerate(values):
                write_value(ws, self.styles, count, col, _TEXT, value)
                widths[col] = max(widths[col], display_width(value))
        for col, cell in enumerate(sheet.cells):
            ws.write_string(0, col, cell.header(), self.styles.header)
            self.validate(ws, 1, col, count + SPARE_ROWS, cell)
            fmt = self.styles.date if isinstance(cell.type, Date) else self.styles.wrap
            ws.set_column(col, col, min(40, max(10, widths[col] + 2)), fmt)
        ws.freeze_panes(1, 0)

    def validate(self, ws: Any, first: int, col: int, last: int, cell: Cell) -> None:
        """The dropdown, date or number check of a cell, with its hint shown when the cell is selected."""
        rule: dict[str, Any] = {"input_title": cell.label, "input_message": hint(cell), "error_type": "warning"}
        options = choices(cell.type) or self.vocabulary(cell)
        t = cell.type
        if options:
            rule |= {"validate": "list", "source": self.choice_range(cell, options)}
        elif isinstance(t, Date):
            rule |= {"validate": "date", "criteria": "between", "minimum": dt.date(1949, 10, 1),
                     "maximum": dt.date(2100, 12, 31)}
        elif isinstance(t, (Integer, Number)) and not isinstance(t, ListOf):
            rule |= {"validate": "integer" if isinstance(t, Integer) else "decimal", "criteria": ">=",
                     "value": t.minimum if t.minimum is not None else -1e12}
        else:
            rule |= {"validate": "any"}
        for key, limit in _LIMITS.items():
            rule[key] = rule[key][:limit]
        ws.data_validation(first, col, last, col, rule)

    def vocabulary(self, cell: Cell) -> tuple[str, ...] | None:
        t = cell.type
        if isinstance(t, Text) and t.vocabulary is not None:
            return self.vocabularies.get(t.vocabulary) or None
        return None

    def choice_range(self, cell: Cell, options: tuple[str, ...]) -> str:
        """A reference to `options` in the hidden choices sheet, written there the first time they are asked for."""
        if options not in self.lists:
            letter = column_letter(len(self.lists) + 1)
            self.lists[options] = f"={CHOICES_SHEET}!${letter}$1:${letter}${len(options)}"
        return self.lists[options]

    def finish(self) -> None:
        """The hidden choices sheet, last, so the form opens on its first sheet."""
        if not self.lists:
            return
        ws = self.book.add_worksheet(CHOICES_SHEET)
        for col, options in enumerate(self.lists):
            for row, option in enumerate(options):
                ws.write_string(row, col, option)
        ws.hide()
