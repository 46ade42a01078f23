"""Check a loaded document against a declared record type, collecting every problem with its position.

The result is the record with every declared field present (missing ones as None or []), so rules can read any
field without guarding; fields that were wrong are dropped and remembered, so rules that need them report an error
instead of a misleading gap. The values are checked by the schema's compiled checks (`compiled`), whose plain
reference is `general.Run.scalar`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carework.core.problems import Problem
from carework.reading.loader import DEFAULT_LIMITS, Document, Path_, YamlError, parse, source_text
from carework.reading.source import Source, read_source
from carework.schema.compiled import compiled
from carework.schema.fieldtypes import Record
from carework.schema.general import Context, Run, empty_record, empty_value, kind, slip

__all__ = ["Context", "InvalidFile", "Validated", "empty_value", "load_valid", "validate"]


@dataclass
class Validated:
    value: dict[str, Any]
    problems: list[Problem]
    #: Paths whose values were wrong and dropped.
    invalid: list[Path_]


def validate(doc: Document, schema: Record, ctx: Context) -> Validated:
    """Validate a whole document (which must be a mapping) against `schema`."""
    run = Run(doc, ctx, schema)
    if not isinstance(doc.value, dict):
        got = "空文件" if doc.value is None else kind(doc.value, "zh")
        got_en = "an empty file" if doc.value is None else kind(doc.value, "en")
        found = slip(doc.value, "：") if isinstance(doc.value, str) else None
        if found:  # `code：A` on every line reads as one long text, not as keys
            _, zh_what, en_what, fix_zh, fix_en, _ = found
            run.error((), "input-method", f"记录应是键值映射，整个文件却被读成了一段文字：文中有{zh_what}",
                      f"a record must be a mapping, but the whole file reads as one text: it has {en_what}", fix_zh, fix_en)
            return Validated(empty_record(schema), run.problems, [()])
        run.error((), "not-a-mapping", f"记录应是键值映射（如 code: ...），实际是{got}",
                  f"a record must be a mapping (code: ... and so on), this is {got_en}",
                  "从记录模板复制一份重新填写", "start again from a copy of the record template")
        return Validated(empty_record(schema), run.problems, [()])
    value = compiled(schema)(run, doc.value, ())
    return Validated(value, run.problems, run.invalid)


class InvalidFile(Exception):
    """A file (the plan, carework.yaml) that must be valid as a whole, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


#: The context of a file outside the plan's year (the plan itself, carework.yaml): no vocabularies, no period.
_PLAIN_CONTEXT = Context()


def load_valid(path: Path, display: str, schema: Record, ctx: Context = _PLAIN_CONTEXT,
               source: Source | None = None) -> tuple[Document, dict[str, Any]]:
    """Load and validate a file that is no use unless valid; raises InvalidFile with every error (warnings pass).
    `source`: the file already read (bounded, once), for a caller that needs its bytes too."""
    if source is None:
        source = read_source(path, max_bytes=DEFAULT_LIMITS.max_bytes, display=display, follow=True)
    try:
        doc = parse(source_text(source), display)
    except YamlError as exc:
        raise InvalidFile([exc.problem]) from None
    checked = validate(doc, schema, ctx)
    errors = [p for p in checked.problems if p.level == "error"]
    if errors:
        raise InvalidFile(errors)
    return doc, checked.value
