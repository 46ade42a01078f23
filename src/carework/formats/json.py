"""`--format json`: one JSON document, the contract other tools build on (see README)."""

from __future__ import annotations

from typing import Any

from carework import __version__
from carework.checks import Label, Percent
from carework.formats.base import Format
from carework.jsontext import dumps_indented
from carework.model import CheckRun, Result, TargetResult
from carework.problems import Problem


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


class JsonFormat(Format):
    name = "json"

    def render(self, run: CheckRun) -> str:
        lang = self.options.lang
        doc = {
            "carework": __version__,
            "plan": run.plan.id,
            "plan_title": run.plan.title.get(lang),
            "as_of": run.as_of.isoformat(),
            "lang": lang,
            "schools": len(run.selected),
            "schools_loaded": len(run.schools),
            "results": [self.result(r) for r in run.results],
            "errors": [self.problem(p) for p in run.problems if p.level == "error"],
            "warnings": [self.problem(p) for p in run.problems if p.level == "warning"],
            "targets": [self.target(t) for t in run.targets],
        }
        return dumps_indented(doc) + "\n"  # what json.dumps(doc, ensure_ascii=False, indent=2) gives, faster

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
            out["waiver"] = {"reason": r.waiver.reason, "approved_by": r.waiver.approved_by,
                             "expires": r.waiver.expires.isoformat()}
        return out

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
        }
