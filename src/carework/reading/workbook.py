"""Read the cells of a workbook (.xlsx, as Excel, WPS or LibreOffice save it): each sheet a grid of values.

python-calamine reads a one-school form in milliseconds and a 100,000-row sheet in about a second (openpyxl: eight
to nine, benchmarks/spreadsheets.py); it gives dates as dates, numbers as floats, text as text and '' for a blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.core.problems import Location, Problem
from carework.reading.source import MAX_BYTES

#: The most rows and columns read from one sheet: a form has a few hundred filled cells.
MAX_ROWS = 10_000
MAX_COLUMNS = 100


@dataclass(frozen=True)
class Workbook:
    """A workbook's sheets by name, each a list of rows (row 1 first), each row a list of values (column A first)."""

    file: str
    sheets: dict[str, list[list[Any]]]


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; carries one problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def read_workbook(path: Path, display: str) -> Workbook:
    """Every sheet's cells; raises WorkbookError for a missing, oversized or unreadable file."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise WorkbookError(_problem(display, "too-large", f"文件过大（{size // 1_000_000} MB）", f"the file is too large ({size // 1_000_000} MB)",
                                         "一所学校的填报表只有几十 KB；请确认选对了文件", "a school's form is a few dozen KB; check that this is the right file"))
        book = CalamineWorkbook.from_path(str(path))
        sheets = {}
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
            sheets[name] = [list(row[:MAX_COLUMNS]) for row in rows]
    except WorkbookError:
        raise
    except FileNotFoundError:
        raise WorkbookError(_problem(display, "no-file", "文件不存在", "no such file", "检查文件名和路径", "check the name and folder")) from None
    except (CalamineError, OSError, ValueError) as exc:  # not a zip, a damaged zip, an .xls or .et saved under .xlsx
        raise WorkbookError(_problem(
            display, "not-a-workbook", f"无法作为 .xlsx 工作簿读取（{type(exc).__name__}）",
            f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})",
            "在 Excel 或 WPS 中打开后“另存为” Excel 工作簿（*.xlsx）", "open it in Excel or WPS and save it as an Excel workbook (*.xlsx)")) from None
    return Workbook(display, sheets)


def _problem(file: str, code: str, zh: str, en: str, fix_zh: str, fix_en: str) -> Problem:
    return Problem(Location(file, 1, 1, ()), code, zh, en, fix_zh, fix_en)
