"""`--format json`: one JSON document, the contract other tools build on (see README).

The document is written as it is made, school by school: a province's results (12 KB of JSON a school) never sit in
memory at once, and each result is written from one template instead of a dict walked by an encoder. The text is
exactly what `json.dumps(document, ensure_ascii=False, indent=2)` gives; `tests/test_formats_json.py` holds it to that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from typing import Any

from carework import __version__
from carework.checking.baseline import by_school
from carework.checking.comparison import Comparison
from carework.checking.run import CheckRun
from carework.core.model import Result, School, Status, TargetResult
from carework.core.problems import Problem
from carework.core.reference import reference_mode
from carework.formats.base import Format
from carework.formats.jsontext import writer
from carework.rules.checks import Label, Percent
from carework.rules.model import Plan
from carework.rules.rectify import LedgerItem, finding_severity

#: One result inside "results" (two levels deep); the values are JSON text already.
_RESULT = ('    {\n      "school": %s,\n      "rule": %s,\n      "status": "%s",\n      "severity": "%s",\n'
           '      "message": %s,\n      "file": %s,\n      "line": %d,\n      "column": %d,\n      "found": %s,\n'
           '      "expected": %s%s\n    }')


_STATUS_TEXT = {status: status.value for status in Status}


def _jsonable(value: Any, lang: str) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, Percent):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, lang) for v in value]
    return str(value)


def _nested(value: Any, depth: int, dumps: Callable[[Any], str]) -> str:
    """`value` as JSON text (written by `dumps`, see `jsontext.writer`) that starts `depth` levels deep."""
    return dumps(value).replace("\n", "\n" + "  " * depth)  # JSON text never holds a raw line break


class JsonFormat(Format):
    name = "json"

    def render(self, run: CheckRun) -> str:
        return "".join(self.chunks(run))

    def chunks(self, run: CheckRun) -> Iterator[str]:
        lang, dumps = self.options.lang, writer()
        head = {
            "carework": __version__,
            "plan": run.plan.id,
            "plan_title": run.plan.title.get(lang),
            "as_of": run.as_of.isoformat(),
            "lang": lang,
            "schools": len(run.selected),
            "schools_loaded": len(run.schools),
        }
        yield _nested(head, 0, dumps)[:-2] + ',\n  "results": ['  # the head without its closing "\n}"
        separator = "\n"
        for piece in run.results.pieces(self.piece_key(), lambda code, results: self.piece(run.plan, None, results)):
            if piece:
                yield separator + piece
                separator = ",\n"
        yield "]" if separator == "\n" else "\n  ]"
        tail = {
            "errors": [self.problem(p) for p in run.problems if p.level == "error" and not finding_severity(p)],
            "warnings": [self.problem(p) for p in run.problems if p.level == "warning" and not finding_severity(p)],
            "targets": [self.target(t) for t in run.targets],
            "roster": None if run.roster is None else {"file": run.roster.file, "schools": len(run.roster.schools)},
            "not_reported": [{"code": s.code, "name": s.name, "district": s.district} for s in run.not_reported],
            "stale": [{"code": s.code, "name": s.name, "district": s.district, "file": s.file,
                       "updated": None if s.updated is None else s.updated.isoformat(), "age_days": s.age_days}
                      for s in run.stale],
            "rectifications": [self.rectification(item) for item in run.rectifications],
            "rectification_findings": [self.problem(p) for p in run.problems if finding_severity(p)],
            **({} if run.baseline is None else {"baseline": self.baseline(run.baseline)}),
        }
        yield ",\n" + _nested(tail, 0, dumps)[2:] + "\n"  # the rest without its opening "{\n"

    def piece_key(self) -> str:
        return f"json:{self.options.lang}"

    def piece(self, plan: Plan, school: School | None, results: list[Result]) -> str:
        """The school's results as items of "results": the JSON text `result` describes, one template each (this
        runs for every result of a province, so the common values skip the general encoder)."""
        lang, dumps = self.options.lang, writer()
        if reference_mode():  # the plain twin: each result as the dict `result` describes, through json.dumps
            return ",\n".join("    " + _nested(self.result(r), 2, dumps) for r in results)
        english = lang != "zh"
        items = []
        for r in results:
            where = r.location
            waiver = ',\n      "waiver": ' + _nested(self.waiver(r), 3, dumps) if r.waiver else ""
            items.append(_RESULT % (
                encode_basestring(r.school), encode_basestring(r.rule), _STATUS_TEXT[r.status], r.severity,
                encode_basestring(r.message_en if english else r.message_zh), encode_basestring(where.file),
                where.line, where.column, _value(r.found, lang, dumps), _value(r.expected, lang, dumps), waiver))
        return ",\n".join(items)

    def rectification(self, item: LedgerItem) -> dict[str, Any]:
        """One item of the ledger (整改台账) with its state as of the run's date."""
        return {"school": item.school, "rule": item.rule, "state": item.state, "state_label": item.label(self.options.lang),
                "measure": item.measure, "person": item.person, "due": _date(item.due), "done": _date(item.done),
                "note": item.note, "file": item.file, "line": item.line}

    def result(self, r: Result) -> dict[str, Any]:
        lang = self.options.lang
        out: dict[str, Any] = {
            "school": r.school,
            "rule": r.rule,
            "status": r.status.value,
            "severity": r.severity,
            "message": r.message(lang),
            "file": r.location.file,
            "line": r.location.line,
            "column": r.location.column,
            "found": _jsonable(r.found, lang),
            "expected": _jsonable(r.expected, lang),
        }
        if r.waiver:
            out["waiver"] = self.waiver(r)
        return out

    @staticmethod
    def waiver(r: Result) -> dict[str, Any]:
        assert r.waiver is not None
        return {"reason": r.waiver.reason, "approved_by": r.waiver.approved_by, "expires": r.waiver.expires.isoformat()}

    def problem(self, p: Problem) -> dict[str, Any]:
        lang = self.options.lang
        return {
            "file": p.location.file,
            "line": p.location.line,
            "column": p.location.column,
            "path": p.location.dotted(),
            "code": p.code,
            "message": p.message(lang),
            "fix": p.fix(lang),
        }

    @staticmethod
    def baseline(comparison: Comparison) -> dict[str, Any]:
        """How this run compares with the `--baseline` result: the counts, and per school the rules of its new,
        known and resolved gaps (the results above list every gap, known ones included)."""
        return {"file": comparison.baseline.file, "plan": comparison.baseline.plan, "new": len(comparison.new),
                "known": len(comparison.known), "resolved": len(comparison.resolved), "schools": by_school(comparison)}

    def target(self, t: TargetResult) -> dict[str, Any]:
        return {
            "id": t.id,
            "target_id": t.target_id,
            "level": t.level,
            "district": t.district,
            "value": None if t.value is None else round(t.value, 4),
            "target": t.target,
            "status": t.status,
            "numerator": t.numerator,
            "denominator": t.denominator,
            "needed": t.needed,
            "closest": list(t.closest[:10]),
            "not_reported": t.not_reported,
            "excluded": [{"reason": reason, "count": count} for reason, count in t.excluded],
        }


def _value(value: Any, lang: str, dumps: Callable[[Any], str]) -> str:
    """`found` or `expected` as JSON text at a result's depth; the common cases without the general encoder."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return encode_basestring(value)
    return _nested(_jsonable(value, lang), 3, dumps)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
