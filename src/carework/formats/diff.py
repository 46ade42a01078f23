"""A diff (checking.diff) written out: text, JSON, or Markdown ("自上次报告以来", since the last report)."""

from __future__ import annotations

import json
from typing import Any

from carework import __version__
from carework.checking.diff import Diff, SchoolChange, TargetState
from carework.core.problems import Lang

FORMATS = ("text", "json", "markdown")

_KINDS = (("new", "新增未达标", "new gaps"), ("resolved", "已解决", "resolved"), ("still_open", "仍未解决", "still open"))


def render(diff: Diff, fmt: str, lang: Lang) -> str:
    if fmt == "json":
        return json.dumps(as_json(diff), ensure_ascii=False, indent=2) + "\n"
    return markdown(diff, lang) if fmt == "markdown" else text(diff, lang)


def as_json(diff: Diff) -> dict[str, Any]:
    def side(state: Any) -> dict[str, Any]:
        return {"label": state.label, "plan": state.plan, "as_of": state.as_of, "schools": len(state.schools)}

    def school(change: SchoolChange) -> dict[str, Any]:
        return {"code": change.code, "name": change.name, "district": change.district, "new": list(change.new),
                "resolved": list(change.resolved), "still_open": list(change.still_open)}

    def target(t: TargetState | None) -> dict[str, Any] | None:
        return None if t is None else {"numerator": t.numerator, "denominator": t.denominator, "value": t.value}

    return {
        "carework": __version__,
        "before": side(diff.before),
        "after": side(diff.after),
        "counts": diff.counts(),
        "schools": [school(c) for c in diff.changes],
        "schools_added": [school(c) for c in diff.added],
        "schools_gone": [school(c) for c in diff.gone],
        "targets": [{"id": (a or b).id, "district": (a or b).district, "target": (a or b).target,  # type: ignore[union-attr]
                     "before": target(a), "after": target(b)} for a, b in diff.targets],
    }


def text(diff: Diff, lang: Lang) -> str:
    zh = lang == "zh"
    c = diff.counts()
    lines = [_heading(diff, lang), _summary(c, lang), ""]
    for change in moved(diff):
        lines.append(_school(change, lang))
        for key, label_zh, label_en in _KINDS:
            rules = getattr(change, key)
            if rules:
                lines.append(f"  {label_zh}：{'、'.join(rules)}" if zh else f"  {label_en}: {', '.join(rules)}")
    unchanged = len(diff.changes) - len(moved(diff))
    if unchanged:
        lines.append(f"另有 {unchanged} 所学校的未达标项没有变化" if zh else f"{unchanged} more school(s) whose gaps did not change")
    for title, changes in ((("新增的学校", "Schools added"), diff.added), (("不再有记录的学校", "Schools gone"), diff.gone)):
        if changes:
            lines += ["", title[0] if zh else title[1]]
        for change in changes:
            gaps = change.still_open or change.resolved
            lines.append(_school(change, lang) + (f"  未达标 {len(gaps)} 项" if zh else f"  {len(gaps)} gap(s)"))
    if diff.targets:
        lines += ["", "总体目标" if zh else "Targets"]
        for before, after in diff.targets:
            lines.append("  " + _target_line(before, after, lang))
    return "\n".join(lines).rstrip() + "\n"


def markdown(diff: Diff, lang: Lang) -> str:
    zh = lang == "zh"
    out = [f"# {'自上次报告以来' if zh else 'Since the last report'}", "", _heading(diff, lang), "", _summary(diff.counts(), lang), ""]
    if diff.targets:
        out += [f"## {'总体目标' if zh else 'Targets'}", "",
                "| " + " | ".join(["目标", "范围", "之前", "现在", "变化"] if zh else ["Target", "Scope", "Before", "After", "Change"]) + " |",
                "| --- | --- | ---: | ---: | ---: |"]
        for before, after in diff.targets:
            either = after or before
            assert either is not None
            out.append(f"| {either.id.split('@')[0]} | {either.district or ('全市' if zh else 'City')} | {_share(before)} | "
                       f"{_share(after)} | {_movement(before, after)} |")
        out.append("")
    for title, changes, added in ((("各校变化", "Changes by school"), moved(diff), False),
                                  (("新增的学校", "Schools added"), diff.added, True),
                                  (("不再有记录的学校", "Schools gone"), diff.gone, False)):
        if not changes:
            continue
        out += [f"## {title[0] if zh else title[1]}", "",
                "| " + " | ".join(["学校", "代码", "区", "新增未达标", "已解决", "仍未解决"] if zh
                                  else ["School", "Code", "District", "New gaps", "Resolved", "Still open"]) + " |",
                "| --- | --- | --- | --- | --- | --- |"]
        for c in changes:
            still = c.still_open if not added else ()
            new = c.still_open if added else c.new
            out.append(f"| {c.name} | {c.code} | {c.district} | {_rules(new)} | {_rules(c.resolved)} | {_rules(still)} |")
        out.append("")
    unchanged = len(diff.changes) - len(moved(diff))
    if unchanged:
        out += [f"另有 {unchanged} 所学校的未达标项没有变化。" if zh else f"{unchanged} more school(s) whose gaps did not change.", ""]
    if not (moved(diff) or diff.added or diff.gone):
        out += ["没有学校的达标情况发生变化。" if zh else "No school's standing changed.", ""]
    return "\n".join(out).rstrip() + "\n"


def moved(diff: Diff) -> list[SchoolChange]:
    """The schools in both states with a gap new or resolved (the JSON also has those whose gaps stayed the same)."""
    return [c for c in diff.changes if c.new or c.resolved]


def _school(change: SchoolChange, lang: Lang) -> str:
    if lang == "zh":
        return f"{change.name}（{change.code}）· {change.district}"
    return f"{change.name} ({change.code}) · {change.district}"


def _heading(diff: Diff, lang: Lang) -> str:
    a, b = diff.before, diff.after
    if lang == "zh":
        return f"从 {a.label} 到 {b.label}（检查日期 {b.as_of}；学校 {len(a.schools)} → {len(b.schools)} 所）"
    return f"From {a.label} to {b.label} (as of {b.as_of}; schools {len(a.schools)} → {len(b.schools)})"


def _summary(c: dict[str, int], lang: Lang) -> str:
    if lang == "zh":
        return (f"新增未达标 {c['new']} 项，已解决 {c['resolved']} 项，仍未解决 {c['still_open']} 项；"
                f"新增学校 {c['schools_added']} 所，不再有记录 {c['schools_gone']} 所")
    return (f"{c['new']} new gap(s), {c['resolved']} resolved, {c['still_open']} still open; "
            f"{c['schools_added']} school(s) added, {c['schools_gone']} gone")


def _target_line(before: TargetState | None, after: TargetState | None, lang: Lang) -> str:
    either = after or before
    assert either is not None
    scope = either.district or ("全市" if lang == "zh" else "city")
    return f"{either.id.split('@')[0]} {scope}: {_share(before)} → {_share(after)} ({_movement(before, after)})"


def _share(t: TargetState | None) -> str:
    if t is None or t.value is None:
        return "—"
    return f"{t.value:.1%} ({t.numerator}/{t.denominator})"


def _movement(before: TargetState | None, after: TargetState | None) -> str:
    if before is None or after is None or before.value is None or after.value is None:
        return "—"
    points = (after.value - before.value) * 100
    return f"{points:+.1f} pt"


def _rules(rules: tuple[str, ...]) -> str:
    return "、".join(rules) if rules else "—"
