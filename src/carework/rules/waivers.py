"""Waivers: an approved exemption of one school from one rule, until a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carework.core.model import Waiver
from carework.core.paths import display_path
from carework.core.problems import Problem
from carework.reading.loader import Document, YamlError, load_file
from carework.schema.fieldtypes import Date, Field, ListOf, Record, Text
from carework.schema.validate import Context, validate

WAIVER = Record((
    Field("rule", Text(), "规则编号", "rule id", required=True),
    Field("school", Text(), "学校代码", "school code", required=True),
    Field("reason", Text(), "豁免理由", "reason", required=True),
    Field("approved_by", Text(), "批准人", "approved by", required=True),
    Field("expires", Date(), "有效期至", "expires", required=True),
))
WAIVER_FILE = Record((Field("waivers", ListOf(WAIVER), "豁免", "waivers", required=True),))


def load_waivers(path: Path) -> tuple[list[Waiver], list[Problem]]:
    """Read a waiver file; malformed entries are problems, the well-formed ones still apply."""
    display = display_path(path)
    try:
        doc: Document = load_file(path, display)
    except YamlError as exc:
        return [], [exc.problem]
    checked = validate(doc, WAIVER_FILE, Context())
    waivers = []
    broken = {p[1] for p in checked.invalid if len(p) > 1 and p[0] == "waivers"}
    for i, raw in enumerate(checked.value["waivers"]):
        if i in broken or not all(raw[k] for k in ("rule", "school", "expires")):
            continue
        waivers.append(Waiver(raw["rule"], raw["school"], raw["reason"], raw["approved_by"], raw["expires"],
                              doc.locate(("waivers", i))))
    return waivers, list(checked.problems)


def active(waiver: Waiver, as_of: dt.date) -> bool:
    return as_of <= waiver.expires
