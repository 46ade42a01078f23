"""Read a CSV table as offices save it from Excel or WPS: UTF-8 with or without BOM, or the Chinese Windows default.

Excel's "CSV UTF-8" writes a BOM, its plain "CSV" writes GBK on a Chinese Windows: both are read (GBK through its
superset GB18030, with a warning that says how to save as UTF-8), anything else is refused with that advice. Each
row keeps the line it starts on, so a problem can say 第 5 行; cells are plain text, as typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from carework.core.problems import Location, Problem
from carework.reading.source import read_source

#: A roster of a whole province is a few hundred kilobytes; anything past this is not a roster.
MAX_TABLE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    file: str
    header: Row | None
    rows: tuple[Row, ...]


def read_table(path: Path, display: str) -> tuple[Table | None, list[Problem]]:
    """The table in the CSV file at `path`, or None and the problem that stopped it being read."""
    source = read_source(path, max_bytes=MAX_TABLE_BYTES, display=display, follow=True)
    if source.problem is not None:
        return None, [source.problem]
    return parse_table(source.data, display)


def parse_table(raw: bytes, display: str) -> tuple[Table | None, list[Problem]]:
    """The table in CSV bytes; blank rows are skipped, the first non-blank row is the header."""
    problems: list[Problem] = []
    if b"\x00" in raw[:8192]:
        return None, [_problem(display, "binary-file", "这是二进制文件（例如 .xlsx），不是 CSV 文本",
                               "this is a binary file (an .xlsx, say), not CSV text",
                               "在 Excel/WPS 中“另存为” CSV UTF-8（逗号分隔）", "save it from Excel/WPS as CSV UTF-8 (comma delimited)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            return None, [_problem(display, "not-utf8", "文件既不是 UTF-8 也不是 GBK 编码", "the file is neither UTF-8 nor GBK",
                                   "在 Excel/WPS 中“另存为” CSV UTF-8（逗号分隔）", "save it from Excel/WPS as CSV UTF-8 (comma delimited)")]
        problems.append(_problem(display, "gbk-table", "文件是 GBK 编码（Excel 中文版“CSV”的默认），已按 GBK 读取",
                                 "the file is GBK (Excel's plain \"CSV\" on Chinese Windows); it was read as GBK",
                                 "以后请“另存为” CSV UTF-8，避免生僻字丢失", "save it as CSV UTF-8 next time, so no rare character is lost",
                                 level="warning"))
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(Row(line, tuple(cells)))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(Location(display, reader.line_num or 1), "csv-syntax", f"CSV 格式错误：{exc}",
                                f"CSV syntax error: {exc}", "检查引号是否成对", "check that quotes are paired"))
        return None, problems
    header = rows[0] if rows else None
    return Table(display, header, tuple(rows[1:])), problems


def column_letter(index: int) -> str:
    """The spreadsheet name of a 1-based column: 1 → A, 27 → AA."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _problem(display: str, code: str, zh: str, en: str, fix_zh: str, fix_en: str, level: str = "error") -> Problem:
    return Problem(Location(display), code, zh, en, fix_zh, fix_en, level)  # type: ignore[arg-type]
