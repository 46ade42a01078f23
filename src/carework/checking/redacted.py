"""A run with people's names masked (王建国 → 王**) in every text it carries, for `--redact`: the results' messages
and values and the problems' messages and fixes. Everything downstream (formats, reports, exports) then writes the
masked run as it would the plain one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from carework.checking.run import CheckRun
from carework.core.model import Result
from carework.schema.redact import Redactor


def redacted(run: CheckRun) -> CheckRun:
    """`run` with each school's people masked in its own results, problems and rectification ledger (see
    `schema.redact`)."""
    redactor = Redactor(True)
    schools = {s.code: s for s in run.schools}
    files = {s.file: s.code for s in run.schools}
    hiders: dict[str, Callable[[str], str]] = {}

    def hide(code: str | None) -> Callable[[str], str]:
        if code is None:
            return lambda text: text
        if code not in hiders:
            hiders[code] = redactor.for_school(schools.get(code))
        return hiders[code]

    def results(code: str, items: list[Result]) -> list[Result]:
        mask = hide(code)
        return [replace(r, message_zh=mask(r.message_zh), message_en=mask(r.message_en), found=_masked(r.found, mask),
                        expected=_masked(r.expected, mask)) for r in items]

    problems = []
    for p in run.problems:
        mask = hide(files.get(p.location.file))
        problems.append(replace(p, message_zh=mask(p.message_zh), message_en=mask(p.message_en), fix_zh=mask(p.fix_zh),
                                fix_en=mask(p.fix_en)))
    ledger = [replace(item, person=hide(item.school)(item.person), measure=hide(item.school)(item.measure),
                      note=hide(item.school)(item.note)) for item in run.rectifications]
    return replace(run, results=run.results.changed(results), problems=problems, rectifications=ledger,
                   listed=None if run.listed is None else run.listed.changed(results))


def _masked(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_masked(v, mask) for v in value)
    return value
