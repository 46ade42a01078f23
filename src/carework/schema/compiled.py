"""The schema compiled into one small check per declared type, each proving a fine value fine with the least test.

A record has a few hundred values and nearly all of them are fine, so each type gets a check whose fast path is the
least test that proves a value valid; anything else goes to `general.Run.scalar`, which reports exactly what it
always has (and is the reference twin: with `CAREWORK_REFERENCE=1`, read when a schema is compiled, every scalar
goes there). A check is given its parent's path and its key, and joins them only on the way to that general code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from carework.core.reference import reference_mode
from carework.reading.loader import Path_
from carework.schema.fieldtypes import Boolean, Choice, Date, FieldType, Integer, ListOf, Number, Record, Text
from carework.schema.general import SEPARATORS, Run, empty_record

#: Checks a value that is not None: `(run, value, parent path, key)` → the value to keep, or None to drop it.
_Check = Callable[[Run, Any, Path_, "str | int"], Any]
#: Checks the fields of a mapping at `path` and returns the record with every declared field present.
_Fields = Callable[[Run, dict[Any, Any], Path_], dict[str, Any]]

#: Compiled schemas by identity (hashing a schema walks all of it) and whether the reference switch was on; the
#: schema is kept so its id stays its own.
_COMPILED: dict[tuple[int, bool], tuple[Record, _Fields]] = {}


def compiled(schema: Record) -> _Fields:
    """The check of a whole record of `schema` (made once per schema and setting of the reference switch)."""
    key = (id(schema), reference_mode())
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not schema:
        entry = _COMPILED[key] = (schema, _compile_fields(schema, key[1]))
    return entry[1]


def _empty_maker(t: FieldType) -> Callable[[], Any] | None:
    """What makes a left-out value fresh each time (a list or a record of empties), or None when it is just None."""
    if isinstance(t, ListOf):
        return list
    if isinstance(t, Record):
        return lambda: empty_record(t)
    return None


def _compile_fields(schema: Record, reference: bool) -> _Fields:
    names = frozenset(f.name for f in schema.fields)
    steps = tuple((f.name, _compile(f.type, reference), _empty_maker(f.type), f if f.required else None) for f in schema.fields)

    def fields(run: Run, value: dict[Any, Any], path: Path_) -> dict[str, Any]:
        if not names.issuperset(value):
            for key in value:
                if key not in names:
                    run.unknown_key(key, schema, path)
        out: dict[str, Any] = {}
        for name, check, empty, required in steps:
            item = value.get(name)
            if item is None:
                if required is not None:
                    run.missing(required, path)
            else:
                item = check(run, item, path, name)
            out[name] = empty() if item is None and empty is not None else item
        return out

    return fields


def _compile(t: FieldType, reference: bool) -> _Check:
    if isinstance(t, Record):
        return _compile_record(t, reference)
    if isinstance(t, ListOf):
        return _compile_list(t, reference)
    if reference:  # the reference twin: every scalar through the general path
        return _compile_other(t)
    if isinstance(t, Text):
        return _compile_text(t)
    if isinstance(t, Choice):
        return _compile_choice(t)
    if isinstance(t, Date):
        return _compile_date(t)
    if isinstance(t, Boolean):
        return _compile_boolean(t)
    if isinstance(t, (Integer, Number)):
        return _compile_number(t)
    return _compile_other(t)


def _compile_record(t: Record, reference: bool) -> _Check:
    fields = _compile_fields(t, reference)

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        if isinstance(value, dict):
            return fields(run, value, parent + (key,))
        return run.wrong(value, t, parent + (key,))

    return check


def _compile_list(t: ListOf, reference: bool) -> _Check:
    item_check = _compile(t.item, reference)
    item_empty = _empty_maker(t.item)

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        path = parent + (key,)
        if not isinstance(value, list):
            return run.wrong(value, t, path)
        out = []
        for i, item in enumerate(value):
            if item is None:  # an empty item (`- `) is the item's empty value: dropped, or an empty list or record
                if item_empty is not None:
                    out.append(item_empty())
                continue
            item = item_check(run, item, path, i)
            if item is not None:
                out.append(item)
        return out

    return check


def _compile_text(t: Text) -> _Check:
    if t.pattern is None and t.vocabulary is None and not t.person:
        def plain(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
            if value.__class__ is str and value.strip():
                return value
            return run.scalar(value, t, parent + (key,))

        return plain
    pattern = re.compile(t.pattern) if t.pattern else None
    person, vocabulary = t.person, t.vocabulary

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        if (value.__class__ is str and value.strip()
                and not (person and SEPARATORS.search(value))
                and (pattern is None or pattern.fullmatch(value))
                and (vocabulary is None or vocabulary not in run.vocabularies or value in run.vocabularies[vocabulary])):
            return value
        return run.scalar(value, t, parent + (key,))

    return check


def _compile_choice(t: Choice) -> _Check:
    values = frozenset(t.values)

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        if value.__class__ is str and value in values:
            return value
        return run.scalar(value, t, parent + (key,))

    return check


def _compile_date(t: Date) -> _Check:
    event, latest = t.event, (dt.date.max if t.future else None)

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        # a datetime (a subclass) or a quoted date takes the general path, as does any date with something to say
        if (value.__class__ is dt.date and run.earliest <= value <= (latest or run.today)
                and (not event or run.first <= value <= run.last)):
            return value
        return run.scalar(value, t, parent + (key,))

    return check


def _compile_boolean(t: Boolean) -> _Check:
    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        if value is True or value is False:
            return value
        return run.scalar(value, t, parent + (key,))

    return check


def _compile_number(t: Integer | Number) -> _Check:
    minimum = t.minimum
    maximum = t.maximum
    number = isinstance(t, Number)

    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        kind = value.__class__
        if ((kind is int or (number and kind is float and math.isfinite(value)))
                and (minimum is None or value >= minimum) and (maximum is None or value <= maximum)):
            return value
        return run.scalar(value, t, parent + (key,))

    return check


def _compile_other(t: FieldType) -> _Check:
    def check(run: Run, value: Any, parent: Path_, key: str | int) -> Any:
        return run.scalar(value, t, parent + (key,))

    return check


