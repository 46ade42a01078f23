"""`--format sarif`: SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning, GitLab, IDE viewers).

The plan's school rules are the tool's rules — id, title in both languages, the Chinese source sentence, the remedy
as help — plus one `DATA` rule for problems with the records themselves. Each gap is a result located by
repository-relative URI, line and column; a waived gap is a result with an accepted external suppression, so the
dashboard shows it as dismissed with the waiver's reason. Passing and not-applicable rules are left out: SARIF
consumers list what needs attention. Validated against the OASIS 2.1.0 schema in the tests.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from carework import __version__
from carework.checking.run import CheckRun
from carework.core.i18n import target_figures
from carework.core.model import Result, Status, TargetResult
from carework.core.problems import Location, Problem
from carework.formats.base import Format
from carework.rules.model import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "advice": "note"}
DATA_RULE = "DATA"
#: SARIF's word for what `--lang` chooses (RFC 5646, as the schema's pattern asks).
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


def artifact_location(file: str) -> dict[str, str]:
    """A URI for a path as carework shows it: relative to the checkout root (`%SRCROOT%`), or absolute."""
    path = PurePosixPath(file)
    if path.is_absolute():
        return {"uri": "file://" + quote(file, safe="/")}
    return {"uri": quote(file, safe="/"), "uriBaseId": "%SRCROOT%"}


def physical(location: Location) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": artifact_location(location.file),
                                 "region": {"startLine": location.line, "startColumn": location.column}}}


class SarifFormat(Format):
    name = "sarif"

    def render(self, run: CheckRun) -> str:
        rules = [r for r in run.plan.rules if r.scope == "school"]
        index = {rule.id: i for i, rule in enumerate(rules)}
        index[DATA_RULE] = len(rules)
        names = {s.code: s.name for s in run.schools}
        results = [self.gap(r, index, names) for r in run.listing if r.status in (Status.FAIL, Status.WAIVED)]
        results += [self.problem(p, index) for p in run.problems]
        doc = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "carework",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "language": LANGUAGES[self.options.lang],
                    "rules": [self.descriptor(r) for r in rules] + [self.data_descriptor()],
                }},
                "language": LANGUAGES[self.options.lang],
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True,
                                 "toolExecutionNotifications": [self.target_note(t, run) for t in run.targets]}],
                "results": results,
                "properties": {
                    "plan": run.plan.id,
                    "planTitle": run.plan.title.get(self.options.lang),
                    "asOf": run.as_of.isoformat(),
                    "schools": len(run.selected),
                    "targets": [{"id": t.id, "target_id": t.target_id, "level": t.level, "district": t.district,
                                 "status": t.status, "value": None if t.value is None else round(t.value, 4),
                                 "numerator": t.numerator, "denominator": t.denominator, "target": t.target,
                                 "needed": t.needed, "not_reported": t.not_reported,
                                 "excluded": dict(t.excluded)} for t in run.targets],
                },
            }],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def target_note(self, result: TargetResult, run: CheckRun) -> dict[str, Any]:
        """A target as a notification of the run: the same figures as the text summary, a warning while not met."""
        title = next(t.title.get(self.options.lang) for t in run.plan.targets if t.id == result.target_id)
        return {"message": {"text": target_figures(result, title, self.options.lang)},
                "level": "note" if result.status == "met" else "warning",
                "descriptor": {"id": result.target_id}, "properties": {"target": result.id, "status": result.status}}

    def both(self, zh: str, en: str) -> str:
        """Both languages, the chosen one first: a rule's text serves the whole bureau, whatever `--lang` says."""
        first, second = (zh, en) if self.options.lang == "zh" else (en, zh)
        return f"{first} / {second}" if second and second != first else first

    def descriptor(self, rule: Rule) -> dict[str, Any]:
        source = f"原文 Source: “{rule.source}”"
        help_text = self.both(f"整改：{rule.remedy.zh}", f"To fix: {rule.remedy.en}") if rule.remedy.zh else ""
        markdown = [f"> {rule.source}", "", f"**整改** {rule.remedy.zh}", "", f"**To fix** {rule.remedy.en}"]
        if rule.reading:
            markdown += ["", f"**解读** {rule.reading.zh}", "", f"**Reading** {rule.reading.en}"]
        return {
            "id": rule.id,
            "shortDescription": {"text": self.both(rule.title.zh, rule.title.en)},
            "fullDescription": {"text": f"{self.both(rule.title.zh, rule.title.en)}. {source}"},
            "help": {"text": help_text or source, "markdown": "\n".join(markdown)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {
                "section": rule.section,
                "severity": rule.severity,
                "source": rule.source,
                "title": {"zh": rule.title.zh, "en": rule.title.en},
                "remedy": {"zh": rule.remedy.zh, "en": rule.remedy.en},
                "tags": ["carework", f"section-{rule.section}"],
            },
        }

    def data_descriptor(self) -> dict[str, Any]:
        return {
            "id": DATA_RULE,
            "shortDescription": {"text": self.both("记录数据有误", "A record's data is invalid")},
            "fullDescription": {"text": self.both("记录无法完整读取或校验不通过；依赖这些字段的要求无法判断",
                                                  "A record could not be fully read or validated; the requirements "
                                                  "that read those fields cannot be judged")},
            "help": {"text": self.both("按提示改正记录，参照 templates/record-template.yaml",
                                       "correct the record as the message says; see templates/record-template.yaml")},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["carework", "data"]},
        }

    def gap(self, result: Result, index: dict[str, int], names: dict[str, str]) -> dict[str, Any]:
        lang = self.options.lang
        school = names.get(result.school, result.school)
        text = f"{school}（{result.school}）：{result.message(lang)}" if lang == "zh" else \
            f"{school} ({result.school}): {result.message(lang)}"
        out: dict[str, Any] = {
            "ruleId": result.rule,
            "ruleIndex": index[result.rule],
            "kind": "fail",
            "level": LEVELS[result.severity],
            "message": {"text": text},
            "locations": [physical(result.location)],
            # The same gap keeps its identity when lines move: a dashboard then tracks it across commits.
            "partialFingerprints": {"careworkGap/v1": f"{result.school}/{result.rule}"},
            "properties": {"school": result.school, "severity": result.severity, "status": result.status.value},
        }
        if result.status == Status.WAIVED and result.waiver:
            w = result.waiver
            out["suppressions"] = [{"kind": "external", "status": "accepted",
                                    "justification": f"{w.reason}（{w.approved_by}，有效至 {w.expires}）" if lang == "zh"
                                    else f"{w.reason} ({w.approved_by}, until {w.expires})"}]
        return out

    def problem(self, problem: Problem, index: dict[str, int]) -> dict[str, Any]:
        lang = self.options.lang
        text = problem.message(lang) + (f" — {problem.fix(lang)}" if problem.fix(lang) else "")
        return {
            "ruleId": DATA_RULE,
            "ruleIndex": index[DATA_RULE],
            "kind": "fail",
            "level": "error" if problem.level == "error" else "warning",
            "message": {"text": text},
            "locations": [physical(problem.location)],
            "partialFingerprints": {"careworkData/v1": f"{problem.location.file}/{problem.code}/{problem.location.dotted()}"},
            "properties": {"code": problem.code, "path": problem.location.dotted()},
        }
