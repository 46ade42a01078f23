"""The rectification ledger (整改台账): each item a record lists, related to the gap it is about, as of a date.

A record's `rectifications:` say who fixes which rule's gap, how, and by when. Judged against the school's results:

- the rule still fails and the item is open, before its due date: 整改中 (`in_progress`); the gap is still a gap
  (counted as not met), its message says it is being fixed;
- the rule still fails and the due date has passed: 整改逾期 (`overdue`), an error-level finding;
- the item is marked done and the rule still fails: 整改未见效 (`ineffective`), a warning;
- the rule is met (or does not apply) and the item is done: 已整改 (`closed`);
- the rule is met (or does not apply) and the item is still open: 无需整改 (`not_needed`), a notice to close it.

A done date after the as-of date counts as not done yet, so a check as of an earlier day (a trend point) sees the
item as it stood then. Waivers are applied later and do not change the ledger: a waived gap still has its fixes.

The findings are Problems of the record (every format lists problems), with the codes of `FINDINGS`; they are not
data errors: an overdue rectification does not make a record invalid. `--fail-on` counts them at the severity
`FINDINGS` gives (see `finding_severity`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from carework.core.model import Result, School, Severity, Status
from carework.core.problems import Problem

State = Literal["in_progress", "overdue", "ineffective", "closed", "not_needed", "unknown_rule"]

#: Each state's label, in Chinese and English.
STATE_LABELS: dict[str, tuple[str, str]] = {
    "in_progress": ("整改中", "being fixed"),
    "overdue": ("整改逾期", "overdue"),
    "ineffective": ("整改未见效", "done, gap remains"),
    "closed": ("已整改", "fixed"),
    "not_needed": ("无需整改", "not needed"),
    "unknown_rule": ("规则不存在", "unknown rule"),
}

#: The finding each state gives, by problem code, and the severity `--fail-on` counts it at.
FINDINGS: dict[str, Severity] = {
    "rectification-overdue": "error",
    "rectification-ineffective": "warning",
    "rectification-not-needed": "advice",
    "rectification-unknown-rule": "advice",
}

_FAILING = (Status.FAIL, Status.ERROR)


@dataclass(frozen=True)
class LedgerItem:
    """One rectification of one school, with its state as of the run's date: plain data for reports and exports."""

    school: str
    rule: str
    measure: str
    person: str
    due: dt.date | None
    done: dt.date | None
    note: str
    state: State
    file: str
    line: int

    def plain(self) -> tuple[Any, ...]:
        """The item without its school and file (the outcome that holds it has both), for the cache."""
        return (self.rule, self.measure, self.person, self.due, self.done, self.note, self.state, self.line)

    @classmethod
    def from_plain(cls, school: str, file: str, value: Any) -> LedgerItem:
        """The item whose `plain` these are; raises ValueError for anything of another shape."""
        rule, measure, person, due, done, note, state, line = value
        if not (all(type(text) is str for text in (rule, measure, person, note)) and state in STATE_LABELS
                and type(line) is int and all(d is None or type(d) is dt.date for d in (due, done))):
            raise ValueError("not a ledger item")
        return cls(school, rule, measure, person, due, done, note, state, file, line)

    def label(self, lang: str) -> str:
        zh, en = STATE_LABELS[self.state]
        return zh if lang == "zh" else en

    @property
    def open(self) -> bool:
        """Still to be acted on: a gap being fixed, overdue, or marked done without effect."""
        return self.state in ("in_progress", "overdue", "ineffective")


def finding_severity(problem: Problem) -> Severity | None:
    """The severity `--fail-on` counts a rectification finding at; None for any other problem."""
    return FINDINGS.get(problem.code)


def is_data_error(problem: Problem) -> bool:
    """An error that makes a record (or another input) invalid: exit code 3. Rectification findings are not."""
    return problem.level == "error" and problem.code not in FINDINGS


def ledger(school: School, results: Sequence[Result], as_of: dt.date) -> tuple[list[LedgerItem], list[Problem]]:
    """The school's rectifications with their state as of `as_of`, and a finding for each that needs one.

    `results` are the school's results (judged without waivers); an item names a rule by its id."""
    status = {r.rule: r for r in results}
    items: list[LedgerItem] = []
    problems: list[Problem] = []
    for i, raw in enumerate(school.data.get("rectifications") or ()):
        if not isinstance(raw, dict) or not raw.get("rule"):
            continue  # validation has said what is wrong with it
        path = ("rectifications", i)
        where = school.locate(path)
        done = raw.get("done") if isinstance(raw.get("done"), dt.date) and raw["done"] <= as_of else None
        due = raw.get("due") if isinstance(raw.get("due"), dt.date) else None
        result = status.get(raw["rule"])
        state = _state(result, due, done, as_of)
        items.append(LedgerItem(school.code, raw["rule"], raw.get("measure") or "", raw.get("person") or "", due, done,
                                raw.get("note") or "", state, where.file, where.line))
        finding = _finding(state, raw["rule"], raw.get("person") or "", due, done)
        if finding:
            code, zh, en, fix_zh, fix_en = finding
            level: Literal["error", "warning"] = "error" if FINDINGS[code] == "error" else "warning"
            problems.append(Problem(where, code, zh, en, fix_zh, fix_en, level))
    return items, problems


def _state(result: Result | None, due: dt.date | None, done: dt.date | None, as_of: dt.date) -> State:
    if result is None:
        return "unknown_rule"
    if result.status in _FAILING:
        if done is not None:
            return "ineffective"
        return "overdue" if due is not None and due < as_of else "in_progress"
    return "closed" if done is not None else "not_needed"


def _finding(state: State, rule: str, person: str, due: dt.date | None,
             done: dt.date | None) -> tuple[str, str, str, str, str] | None:
    if state == "overdue":
        return ("rectification-overdue", f"整改逾期：{rule} 的整改时限 {due} 已过，仍未达标（责任人 {person}）",
                f"rectification overdue: {rule} was due by {due} and still fails (responsible: {person})",
                "抓紧整改并更新记录；确需延期的，报批后改写整改时限", "finish the fix and update the record; if it must take "
                "longer, have a new due date approved and write it")
    if state == "ineffective":
        return ("rectification-ineffective", f"整改未见效：{rule} 已于 {done} 登记整改完成，但仍未达标",
                f"rectification without effect: {rule} was marked done on {done} but still fails",
                "核对记录是否补全了整改结果；未改到位的继续整改，并清空完成日期 done",
                "check that the record shows what the fix achieved; if it is not fixed, carry on and clear the done date")
    if state == "not_needed":
        return ("rectification-not-needed", f"{rule} 已达标（或不适用），整改项仍未登记完成",
                f"{rule} is met (or does not apply) but its rectification is not marked done",
                "填写完成日期 done 和完成情况 note", "fill in the done date and a note")
    if state == "unknown_rule":
        return ("rectification-unknown-rule", f"整改台账中的规则 {rule} 不是计划中对学校检查的规则",
                f"the rectification's rule {rule} is not a school rule of the plan",
                "核对规则编号（carework rules）", "check the id (carework rules)")
    return None


def in_progress_note(item: LedgerItem, lang: str) -> str:
    """What a gap's message adds while it is being fixed: 整改中, the due date and who."""
    if lang == "zh":
        return f"（整改中：{item.person} 负责，时限 {item.due}）"
    return f" (being fixed by {item.person}, due {item.due})"
