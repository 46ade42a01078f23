"""Tables written as an .xlsx workbook with XlsxWriter: headers frozen, filters on, widths for Chinese text, severities
and statuses coloured, dates as dates and numbers as numbers, the same bytes for the same input.

XlsxWriter writes a 100,000-row sheet in about half openpyxl's time (benchmarks/spreadsheets.py) and stamps its zip
entries with a fixed date; with the document's created date fixed too, nothing in the file depends on the clock.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from carework.core.problems import Lang
from carework.export.tables import Column, Table

#: The created date every workbook carework writes carries (Excel shows it in the file's properties).
FIXED_DATE = dt.datetime(2000, 1, 1)
MAX_WIDTH = 60

#: Cell colours by the text of a severity or status cell: red for what must be fixed, amber for should, blue for advice,
#: green for met.
COLOURS = {
    "必须": "#F8CBAD", "must": "#F8CBAD", "错误": "#F8CBAD", "error": "#F8CBAD", "未达标": "#F8CBAD", "gap": "#F8CBAD",
    "无法判断": "#F8CBAD", "数据有误": "#F8CBAD", "invalid data": "#F8CBAD", "未报送": "#D9D9D9", "not reported": "#D9D9D9",
    "应当": "#FFE699", "should": "#FFE699", "警告": "#FFE699", "warning": "#FFE699", "有未达标项": "#FFE699", "has gaps": "#FFE699",
    "建议": "#BDD7EE", "advice": "#BDD7EE", "已豁免": "#BDD7EE", "waived": "#BDD7EE",
    "达标": "#C6E0B4", "met": "#C6E0B4", "全部达标": "#C6E0B4", "all met": "#C6E0B4", "不适用": "#EDEDED",
    "not applicable": "#EDEDED", "已达成": "#C6E0B4", "接近目标": "#FFE699", "close to target": "#FFE699",
    "差距较大": "#F8CBAD", "far from target": "#F8CBAD", "无数据": "#D9D9D9", "no data": "#D9D9D9",
}


def new_workbook(target: io.BytesIO, title: str) -> Any:
    """An XlsxWriter workbook writing into `target`, with fixed document properties."""
    import xlsxwriter  # type: ignore[import-untyped]

    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"title": title, "author": "carework", "created": FIXED_DATE})
    return book


def display_width(value: Any) -> int:
    """How many columns a value needs: a Chinese character is about two Latin ones wide."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in longest)


class Styles:
    """The formats of one workbook, made once."""

    def __init__(self, book: Any) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.coloured = {text: book.add_format({"bg_color": colour}) for text, colour in COLOURS.items()}


def write_table(book: Any, styles: Styles, table: Table, lang: Lang, name: str | None = None) -> int:
    """Write `table` as one sheet; returns the number of data rows."""
    sheet = book.add_worksheet(name or table.name(lang))
    widths = [display_width(c.header(lang)) for c in table.columns]
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.header(lang), styles.header)
    count = 0
    for count, row in enumerate(table.rows(), start=1):
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            write_value(sheet, styles, count, col, column, value)
            widths[col] = max(widths[col], display_width(value))
    for col, column in enumerate(table.columns):
        cap = MAX_WIDTH if column.kind == "wide" else 30
        sheet.set_column(col, col, min(cap, max(6, widths[col] + 2)), styles.wrap if column.kind == "wide" else None)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(table.columns) - 1)
    return count


def write_value(sheet: Any, styles: Styles, row: int, col: int, column: Column, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, str(value).lower())
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, styles.percent if column.kind == "percent" else None)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, moment, styles.date)
    else:
        text = str(value)
        colour = styles.coloured.get(text) if column.kind in ("severity", "status") else None
        sheet.write_string(row, col, text, colour)


def workbook_bytes(tables: Iterable[Table], lang: Lang, title: str) -> bytes:
    """The whole export as the bytes of an .xlsx file."""
    target = io.BytesIO()
    book = new_workbook(target, title)
    styles = Styles(book)
    for table in tables:
        write_table(book, styles, table, lang)
    book.close()
    return target.getvalue()
