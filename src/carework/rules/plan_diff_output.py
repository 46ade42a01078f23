"""`carework plan diff` output: the changes between two plans, weakenings flagged, checked against the crosswalk."""

from __future__ import annotations

import json
from typing import Any

from carework.core.problems import Lang
from carework.rules.plan_diff import Change, PlanDiff
from carework.rules.plan_new import CrosswalkEntry

SUBJECTS = {"plan": ("计划", "plan"), "setting": ("参数", "setting"), "definition": ("定义", "definition"),
            "vocabulary": ("名称表", "vocabulary"), "rule": ("规则", "rule"), "target": ("目标", "target")}
DIRECTIONS = {"weaker": ("⚠ 放宽", "⚠ weaker"), "stronger": ("↑ 从严", "↑ stronger"), "review": ("? 待核", "? review"),
              "neutral": ("  ", "  ")}


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "—" if value is None else str(value)


def crosswalk_notes(diff: PlanDiff, entries: tuple[CrosswalkEntry, ...], lang: Lang) -> list[str]:
    """Where the crosswalk and the plans disagree: a rule marked carried that changed, retired but still there, or
    gone without being marked retired."""
    if not entries:
        return []
    zh = lang == "zh"
    by_id = {e.id: e for e in entries if e.id}
    retired = {e.previous for e in entries if e.status == "retired"}
    changed_rules: dict[str, list[str]] = {}
    for c in diff.changes:
        if c.subject in ("rule", "target") and c.aspect not in ("added", "removed", "due", "period"):
            changed_rules.setdefault(c.id, []).append(c.aspect)
    notes = []
    for rid, aspects in changed_rules.items():
        entry = by_id.get(rid)
        if entry and entry.status == "carried":
            notes.append(f"对照表第 {entry.line} 行：{rid} 标为“照搬”，但有修改（{', '.join(aspects)}）" if zh else
                         f"crosswalk line {entry.line}: {rid} is marked carried but changed ({', '.join(aspects)})")
    for c in diff.changes:
        if c.aspect == "removed" and c.subject in ("rule", "target") and c.id not in retired:
            notes.append(f"对照表：{c.id} 已从计划中删除，但没有标为“已取消”" if zh else
                         f"crosswalk: {c.id} was removed from the plan but is not marked retired")
        if c.aspect == "added" and c.subject in ("rule", "target") and (c.id not in by_id or by_id[c.id].status != "new"):
            notes.append(f"对照表：{c.id} 是新增的，但没有标为“新增”" if zh else f"crosswalk: {c.id} is new but not marked new")
    return notes


def diff_text(diff: PlanDiff, entries: tuple[CrosswalkEntry, ...], lang: Lang) -> str:
    zh = lang == "zh"
    i = 0 if zh else 1
    lines = [f"计划比较：{diff.old_id} → {diff.new_id}" if zh else f"Plans compared: {diff.old_id} → {diff.new_id}"]
    for c in diff.changes:
        lines.append(_line(c, i))
    lines += crosswalk_notes(diff, entries, lang)
    n, weak, review = len(diff.changes), len(diff.weakenings), len(diff.to_review)
    lines.append(f"共 {n} 处不同，其中放宽 {weak} 处、需人工核对 {review} 处" if zh else
                 f"{n} differences: {weak} weaker, {review} to review")
    return "\n".join(lines) + "\n"


def change_line(c: Change, lang: Lang) -> str:
    """One change as a line of text: its direction, subject and what became what."""
    return _line(c, 0 if lang == "zh" else 1)


def _line(c: Change, i: int) -> str:
    mark = DIRECTIONS[c.direction][i]
    what = f"{SUBJECTS[c.subject][i]} {c.id}"
    if c.aspect == "added":
        return f"{mark} + {what}" + (f"（{_value(c.new)}）" if i == 0 else f" ({_value(c.new)})")
    if c.aspect == "removed":
        return f"{mark} - {what}" + (f"（{_value(c.old)}）" if i == 0 else f" ({_value(c.old)})")
    return f"{mark} ~ {what} {c.aspect}: {_value(c.old)} → {_value(c.new)}"


def diff_json(diff: PlanDiff, entries: tuple[CrosswalkEntry, ...], lang: Lang) -> str:
    """The contract: `changes` (subject, id, aspect, old, new, direction), `weaker` and `review` counts, and the
    crosswalk `notes`."""
    data = {
        "old": diff.old_id, "new": diff.new_id,
        "changes": [{"subject": c.subject, "id": c.id, "aspect": c.aspect, "old": c.old, "new": c.new,
                     "direction": c.direction} for c in diff.changes],
        "weaker": len(diff.weakenings), "review": len(diff.to_review),
        "notes": crosswalk_notes(diff, entries, lang),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


DIFF_FORMATS = {"text": diff_text, "json": diff_json}
