"""Where an expression's error is in the plan file: the plan's YAML marks say where an expression's key (or list item)
starts, `ExprError.col` where in the expression's text; this joins the two, as well as the file's text allows.

It follows the forms a plan writes expressions in: `key: text` on one line, quoted or not, a plain scalar continued
on more-indented lines, and `key: >-` or `key: |` blocks. Escapes inside quotes are not unfolded, so a column after
one is off by the escape's length; the line is always right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from carework.core.problems import Location

#: A mapping key and its colon: plain, or quoted.
_KEY = re.compile(r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:#][^:]*?)\s*:(?:[ \t]+|$)""")


def expression_location(lines: Sequence[str], where: Location, col: int, keyed: bool) -> Location:
    """Column `col` (1-based) of the expression whose key (`keyed`) or list item starts at `where`, in `lines` (the
    plan file's text); `where` itself when the text there is not what the marks say."""
    if not 1 <= where.line <= len(lines):
        return where
    text = lines[where.line - 1]
    start = where.column - 1
    if keyed:
        key = _KEY.match(text, start)
        if key is None:
            return where
        start = key.end()
    rest = text[start:].rstrip()
    block = rest[:1] in ("|", ">")
    if rest[:1] in ("'", '"'):
        start, rest = start + 1, rest[1:]
    # The text of the expression, piece by piece: (line, 0-based column, text); pieces are joined by one character.
    pieces = [] if block or not rest else [(where.line, start, rest)]
    for number in range(where.line + 1, len(lines) + 1):
        line = lines[number - 1]
        body = line.strip()
        if not body:
            continue
        indent = len(line) - len(line.lstrip())
        if indent < where.column:  # no longer inside the value: a sibling key, or the next list item
            break
        pieces.append((number, indent, body))
    offset = col - 1
    for number, column, piece in pieces:
        if offset <= len(piece):
            return replace(where, line=number, column=column + offset + 1)
        offset -= len(piece) + 1
    return where
