"""Rules tested as data: each rule's cases beside the plan, run the way `carework check` judges a record.

A plan's cases live in its companion folder (`rules.companion`): `base-record.yaml` is a school that meets every
rule, and `cases/<RULE>.yaml` patch it and say the outcome (docs/plans.md describes the format):

    rule: S2-06
    cases:
      - name: 只听取一次汇报
        expect: fail              # pass | fail | not_applicable | waived | error
        message: "2024 年党组织听取汇报 1 次，要求至少 2 次"     # optional: the exact Chinese message
        patch:                    # merged onto the base record: mappings key by key, lists replace, null clears
          party_hearings: [{date: 2024-03-01}]

Optional per case: `as_of` (default: the plan period's last day), `waived_until: DATE` (a waiver of the rule for the
school), `data_errors: true` (the patched record has data errors, and the rule is still judged), `xfail_reason` (the
case states the right outcome of a known defect: it is expected to fail, and reported once it passes).
Nothing here prints: `run_cases` returns a `CaseReport` the command turns into output and an exit code.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml  # type: ignore[import-untyped]  # the same PyYAML the reader uses; no stubs installed

from carework.core.model import Waiver
from carework.core.problems import Location, Problem
from carework.reading.loader import Document, YamlError, load_file
from carework.reading.source import Source
from carework.rules.companion import Companion
from carework.rules.engine import evaluate_school
from carework.rules.model import Plan
from carework.schema.general import Context
from carework.schema.records import load_school

EXPECTS = ("pass", "fail", "not_applicable", "waived", "error")
CASE_KEYS = ("name", "expect", "patch", "message", "as_of", "data_errors", "waived_until", "xfail_reason")
Verdict = Literal["ok", "failed", "xfail", "xpass"]
#: Reports a problem at a path of the case file: (path, zh, en[, fix_zh, fix_en]).
Report = Callable[..., None]


@dataclass(frozen=True)
class Case:
    """One case of one rule, as written in `cases/<RULE>.yaml`."""

    rule: str
    index: int
    name: str
    expect: str
    patch: Mapping[str, Any]
    location: Location
    message: str | None = None
    as_of: dt.date | None = None
    data_errors: bool | None = None
    waived_until: dt.date | None = None
    xfail_reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.rule}[{self.index}] {self.name}"


@dataclass(frozen=True)
class CaseOutcome:
    """What one case came to: `ok`, `failed` (with why), `xfail` (a known defect still there) or `xpass` (fixed:
    remove its `xfail_reason`)."""

    case: Case
    verdict: Verdict
    got: str = ""
    got_message: str = ""
    why_zh: str = ""
    why_en: str = ""


@dataclass(frozen=True)
class CaseReport:
    """Every case run; the school rules lacking a passing or a failing case; problems with the case files."""

    outcomes: tuple[CaseOutcome, ...]
    #: (rule id, the expectations it has no case for), for school rules without a `pass` and a `fail` case.
    uncovered: tuple[tuple[str, tuple[str, ...]], ...]
    problems: tuple[Problem, ...]

    @property
    def failed(self) -> tuple[CaseOutcome, ...]:
        return tuple(o for o in self.outcomes if o.verdict in ("failed", "xpass"))

    @property
    def ok(self) -> bool:
        return not self.failed and not self.uncovered and not self.problems


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge `patch` onto `base`: mappings merge key by key, anything else (lists included) replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for key, value in patch.items():
            out[key] = merge(out.get(key), value) if key in out else copy.deepcopy(value)
        return out
    return copy.deepcopy(patch)


def run_cases(plan: Plan, plan_path: Path, display: str = "") -> CaseReport:
    """Run every case in the companion folder of the plan at `plan_path` against `plan`."""
    companion = Companion(plan_path)
    problems: list[Problem] = []
    base = _base_record(companion, problems)
    cases = load_cases(companion.cases, plan, problems)
    outcomes = tuple(run_case(plan, base, case) for case in cases) if base is not None else ()
    covered: dict[str, set[str]] = {}
    for case in cases:
        if not case.xfail_reason:
            covered.setdefault(case.rule, set()).add(case.expect)
    uncovered = tuple((r.id, tuple(e for e in ("pass", "fail") if e not in covered.get(r.id, set())))
                      for r in plan.rules if r.scope == "school" and not {"pass", "fail"} <= covered.get(r.id, set()))
    return CaseReport(outcomes, uncovered, tuple(problems))


def _base_record(companion: Companion, problems: list[Problem]) -> dict[str, Any] | None:
    path = companion.base_record
    if not path.is_file():
        problems.append(Problem(Location(str(path)), "no-base-record", f"没有用例的基准记录 {path}",
                                f"no base record for the cases at {path}",
                                "放一份全部达标的学校记录在这里（carework plan new 会从上一年复制）",
                                "put a school record that meets every rule there (carework plan new copies last year's)"))
        return None
    try:
        doc = load_file(path, str(path))
    except YamlError as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(doc.value, dict):
        problems.append(Problem(doc.locate(()), "case-format", "基准记录应是一份学校记录（键值映射）",
                                "the base record must be a school record (a mapping)"))
        return None
    return doc.value


def load_cases(folder: Path, plan: Plan, problems: list[Problem]) -> list[Case]:
    """Every well-formed case in `folder`; what is wrong with the others goes to `problems`, with file and line."""
    rule_ids = [r.id for r in plan.rules]
    cases: list[Case] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        try:
            doc = load_file(path, str(path))
        except YamlError as exc:
            problems.append(exc.problem)
            continue
        cases.extend(_file_cases(doc, path.stem, rule_ids, problems))
    return cases


def _file_cases(doc: Document, stem: str, rule_ids: list[str], problems: list[Problem]) -> list[Case]:
    def bad(where: tuple[str | int, ...], zh: str, en: str, fix_zh: str = "", fix_en: str = "") -> None:
        problems.append(Problem(doc.locate(where), "case-format", zh, en, fix_zh, fix_en))

    value = doc.value
    if not isinstance(value, dict) or not isinstance(value.get("cases"), list):
        bad((), "用例文件应有 rule 和 cases 两项（cases 是列表）", "a case file has `rule` and a list `cases`")
        return []
    for key in value:
        if key not in ("rule", "cases"):
            bad((key,), f"用例文件中没有 {key} 这一项", f"a case file has no key {key}", "只写 rule 和 cases", "write only rule and cases")
    rule = value.get("rule")
    if rule not in rule_ids:
        hint = difflib.get_close_matches(str(rule), rule_ids, n=1)
        bad(("rule",), f"计划中没有规则 {rule}", f"the plan has no rule {rule}",
            f"是不是 {hint[0]}？" if hint else "", f"did you mean {hint[0]}?" if hint else "")
        return []
    if rule != stem:
        bad(("rule",), f"用例文件名应与规则编号一致：{stem}.yaml 写的是 {rule}",
            f"a case file is named after its rule: {stem}.yaml is about {rule}", f"改名为 {rule}.yaml", f"rename it {rule}.yaml")
    out = []
    for i, raw in enumerate(value["cases"]):
        case = _case(doc, rule, i, raw, bad)
        if case is not None:
            out.append(case)
    return out


def _case(doc: Document, rule: str, i: int, raw: Any, bad: Report) -> Case | None:
    where: tuple[str | int, ...] = ("cases", i)
    if not isinstance(raw, dict):
        bad(where, "每个用例应是键值映射（name、expect、patch …）", "each case is a mapping (name, expect, patch, …)")
        return None
    ok = True
    for key in raw:
        if key not in CASE_KEYS:
            hint = difflib.get_close_matches(str(key), CASE_KEYS, n=1)
            bad(where + (key,), f"用例中没有 {key} 这一项", f"a case has no key {key}",
                f"是不是 {hint[0]}？" if hint else f"可用：{', '.join(CASE_KEYS)}",
                f"did you mean {hint[0]}?" if hint else f"allowed: {', '.join(CASE_KEYS)}")
            ok = False
    if raw.get("expect") not in EXPECTS:
        bad(where + ("expect",), f"expect 应是 {' / '.join(EXPECTS)} 之一", f"expect is one of {', '.join(EXPECTS)}")
        ok = False
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        bad(where + ("name",), "每个用例要有名称（name）", "each case needs a name")
        ok = False
    if not isinstance(raw.get("patch", {}) or {}, dict):
        bad(where + ("patch",), "patch 应是键值映射（要改的字段）", "patch is a mapping of the fields to change")
        ok = False
    dates = {}
    for key in ("as_of", "waived_until"):
        found = raw.get(key)
        if isinstance(found, str):
            try:
                found = dt.date.fromisoformat(found)
            except ValueError:
                found = None
                bad(where + (key,), f"{key} 应是 YYYY-MM-DD 格式的日期", f"{key} is a date, YYYY-MM-DD")
                ok = False
        elif found is not None and not isinstance(found, dt.date):
            bad(where + (key,), f"{key} 应是 YYYY-MM-DD 格式的日期", f"{key} is a date, YYYY-MM-DD")
            ok = False
            found = None
        dates[key] = found
    if not ok:
        return None
    return Case(rule, i, raw["name"].strip(), raw["expect"], raw.get("patch") or {}, doc.locate(where),
                message=raw.get("message"), as_of=dates["as_of"], data_errors=raw.get("data_errors"),
                waived_until=dates["waived_until"], xfail_reason=raw.get("xfail_reason") or "")


def run_case(plan: Plan, base: Mapping[str, Any], case: Case) -> CaseOutcome:
    """Judge the patched record as `carework check` would, and compare with what the case expects."""
    verdict, got, message, why_zh, why_en = _judge(plan, base, case)
    if case.xfail_reason:
        if verdict == "ok":
            return CaseOutcome(case, "xpass", got, message, f"已按预期通过：请删去 xfail_reason（{case.xfail_reason}）",
                               f"it now passes: remove its xfail_reason ({case.xfail_reason})")
        return CaseOutcome(case, "xfail", got, message, why_zh, why_en)
    return CaseOutcome(case, "ok" if verdict == "ok" else "failed", got, message, why_zh, why_en)


def case_today(plan: Plan) -> dt.date:
    """The "today" cases are validated on: a year after the plan's period ends, fixed so a case reads the same on any
    day, and late enough that a case may show a date just past the period (counted in no year) without it being a
    date in the future."""
    end = plan.period[1]
    return end + (dt.date(end.year + 1, 3, 1) - dt.date(end.year, 3, 1))


def _judge(plan: Plan, base: Mapping[str, Any], case: Case) -> tuple[Verdict, str, str, str, str]:
    data = merge(dict(base), dict(case.patch))
    code = str(data.get("code") or "CASE-001")
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    display = f"{case.rule}[{case.index}]"
    source = Source(Path(f"{code}.yaml"), display, raw, hashlib.blake2b(raw, digest_size=20).hexdigest())
    ctx = Context(vocabularies=plan.vocabularies, today=case_today(plan), period=plan.period)
    school, problems = load_school(source, ctx)
    errors = [p for p in problems if p.level == "error"]
    if school is None:
        first = errors[0].message_zh if errors else ""
        return "failed", "", "", f"改过的记录无法读取：{first}", f"the patched record cannot be read: {errors[0].message_en if errors else ''}"
    data_errors = case.data_errors if case.data_errors is not None else case.expect == "error"
    if data_errors and not errors:
        return "failed", "", "", "用例说记录有数据错误，实际没有", "the case says the record has data errors; it has none"
    if errors and not data_errors:
        return ("failed", "", "", f"改过的记录有数据错误（第 {errors[0].location.line} 行）：{errors[0].message_zh}",
                f"the patched record has data errors (line {errors[0].location.line}): {errors[0].message_en}")
    waivers = {}
    if case.waived_until is not None:
        waivers[(case.rule, school.code)] = Waiver(case.rule, school.code, "用例", "plan test", case.waived_until,
                                                   Location("waivers.yaml"))
    as_of = case.as_of or plan.period[1]
    result = next(r for r in evaluate_school(plan, school, as_of, waivers) if r.rule == case.rule)
    got = result.status.value
    if got != case.expect:
        return ("failed", got, result.message_zh, f"期望 {case.expect}，实际 {got}：{result.message_zh}",
                f"expected {case.expect}, got {got}: {result.message_en}")
    if case.message is not None and result.message_zh != case.message:
        return ("failed", got, result.message_zh, f"说明不同：期望“{case.message}”，实际“{result.message_zh}”",
                f"the message differs: expected “{case.message}”, got “{result.message_zh}”")
    return "ok", got, result.message_zh, "", ""
