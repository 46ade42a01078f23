"""One table as CSV: UTF-8 with a byte-order mark, so Excel on Windows opens Chinese text correctly; CRLF line ends."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from carework.core.problems import Lang
from carework.export.tables import Table


def csv_chunks(table: Table, lang: Lang) -> Iterator[bytes]:
    """The table's CSV, a row at a time (a province's gap list never sits in memory whole)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in table.columns])
    yield "\ufeff".encode() + _take(buffer)
    for row in table.rows():
        writer.writerow([_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "percent" and isinstance(value, float):
        return f"{value * 100:.1f}%"
    return str(value)
