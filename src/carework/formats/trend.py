"""A trend (checking.trend) written out: a text table, JSON, or Markdown with a line chart per target.

Every form says what a trend over dates can and cannot tell (`CAVEAT`): it is computed from the records as they are
now, judged as of each date, not from what was reported on that date.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from carework import __version__
from carework.checking.trend import Trend, TrendPoint
from carework.core.model import SEVERITIES, SEVERITY_LABELS, TargetResult
from carework.core.problems import Lang
from carework.rules.rectify import STATE_LABELS, is_data_error

CAVEAT = (
    "趋势是用现在的记录、按每个日期推算的：记录中写了日期的事项（活动、培训、认定日期、整改完成日期等）从其日期起计入；"
    "没有日期的事实（如办公场所、成文制度）在每个时间点都计入；事后补录的事项按其日期计入过去的时间点。"
    "因此它反映记录所载事项的时间分布，不是各时间点当时报送的情况；要比较两次报送之间的变化，请用 carework diff。",
    "A trend is worked out from the records as they are now, judged as of each date: what a record dates (activities, "
    "trainings, certification, a rectification's done date) counts from its date on; a fact without a date (an office, "
    "written rules) counts at every point; something recorded afterwards counts at the past points its date covers. "
    "So it shows how the recorded facts fall over time, not what had been reported by each date; to compare two "
    "submissions, use carework diff.",
)

FORMATS = ("text", "json", "markdown")


def render(trend: Trend, fmt: str, lang: Lang) -> str:
    if fmt == "json":
        return json.dumps(as_json(trend, lang), ensure_ascii=False, indent=2) + "\n"
    return markdown(trend, lang) if fmt == "markdown" else text(trend, lang)


def as_json(trend: Trend, lang: Lang) -> dict[str, Any]:
    return {
        "carework": __version__,
        "plan": trend.plan.id,
        "lang": lang,
        "caveat": _pick(CAVEAT, lang),
        "not_reported": trend.not_reported,
        "points": [{
            "as_of": p.as_of.isoformat(),
            "schools": p.schools,
            "schools_met": p.schools_met,
            "gaps": {severity: p.gap_total(severity) for severity in SEVERITIES},
            "gaps_by_section": {str(s.number): {sev: p.gaps.get((s.number, sev), 0) for sev in SEVERITIES}
                                for s in trend.plan.sections},
            "targets": [{"id": t.id, "target_id": t.target_id, "level": t.level, "district": t.district,
                         "numerator": t.numerator, "denominator": t.denominator, "value": t.value, "target": t.target,
                         "status": t.status} for t in p.targets],
            "rectifications": dict(sorted(p.rectifications.items())),
        } for p in trend.points],
        "problems": [{"file": x.location.file, "line": x.location.line, "code": x.code, "level": x.level,
                      "message": x.message(lang)} for x in trend.problems],
    }


def text(trend: Trend, lang: Lang) -> str:
    zh = lang == "zh"
    lines = [f"{'趋势' if zh else 'Trend'} — {trend.plan.title.get(lang)}", ""]
    head = ["日期", "全部达标", *(f"未达标·{SEVERITY_LABELS[s][0]}" for s in SEVERITIES), "整改逾期"] if zh else \
        ["date", "all met", *(f"gaps {SEVERITY_LABELS[s][1]}" for s in SEVERITIES), "overdue"]
    rows = [[p.as_of.isoformat(), f"{p.schools_met}/{p.schools}", *(str(p.gap_total(s)) for s in SEVERITIES),
             str(p.rectifications.get("overdue", 0))] for p in trend.points]
    lines += _table(head, rows)
    for target_id, districts in _targets(trend):
        goal, due = _percent(_goal(trend, target_id)), _due(trend, target_id)
        lines += ["", f"{target_id}（目标 {goal}，截止 {due}）" if zh else f"{target_id} (target {goal}, due {due})"]
        head = ["日期" if zh else "date", *(d or ("全市" if zh else "city") for d in districts)]
        rows = [[p.as_of.isoformat(), *(_share(_find(p, target_id, d)) for d in districts)] for p in trend.points]
        lines += _table(head, rows)
    lines += ["", _pick(CAVEAT, lang)]
    bad = len({x.location.file for x in trend.problems if is_data_error(x)})
    if bad:
        lines.append(f"数据有误的文件 {bad} 个（carework check 可列出）" if zh else f"{bad} file(s) with data errors (carework check lists them)")
    return "\n".join(lines) + "\n"


def markdown(trend: Trend, lang: Lang) -> str:
    zh = lang == "zh"
    out = [f"# {'进展趋势' if zh else 'Progress over time'}：{trend.plan.title.get(lang)}" if zh
           else f"# Progress over time: {trend.plan.title.get(lang)}", "", f"> {_pick(CAVEAT, lang)}", ""]
    for target_id, districts in _targets(trend):
        out += [f"## {target_id}", "", line_chart(trend.points, target_id, _goal(trend, target_id), _due(trend, target_id), lang), ""]
        out += _md_table(["日期" if zh else "Date", *(d or ("全市" if zh else "City") for d in districts)],
                         [[p.as_of.isoformat(), *(_share(_find(p, target_id, d)) for d in districts)] for p in trend.points])
        out.append("")
    out += [f"## {'各日期的差距' if zh else 'Gaps by date'}", ""]
    head = ["日期", "全部达标的学校", *(f"未达标（{SEVERITY_LABELS[s][0]}）" for s in SEVERITIES),
            *(STATE_LABELS[s][0] for s in ("in_progress", "overdue", "ineffective"))] if zh else \
        ["Date", "Schools meeting everything", *(f"Gaps ({SEVERITY_LABELS[s][1]})" for s in SEVERITIES),
         *(STATE_LABELS[s][1].capitalize() for s in ("in_progress", "overdue", "ineffective"))]
    out += _md_table(head, [[p.as_of.isoformat(), f"{p.schools_met}/{p.schools}", *(str(p.gap_total(s)) for s in SEVERITIES),
                             *(str(p.rectifications.get(s, 0)) for s in ("in_progress", "overdue", "ineffective"))]
                            for p in trend.points])
    return "\n".join(out) + "\n"


def line_chart(points: list[TrendPoint], target_id: str, goal: float, due: dt.date | None, lang: Lang,
               district: str | None = None) -> str:
    """A Mermaid line chart of one target over the points, with the target as a second, flat line and the deadline
    in the title (Mermaid's charts have no vertical marker)."""
    zh = lang == "zh"
    title = (f"{target_id}{'（' + district + '）' if district else ''} 进度（%），目标 {_percent(goal)}，截止 {due}" if zh
             else f"{target_id}{' (' + district + ')' if district else ''} progress (%), target {_percent(goal)}, due {due}")
    values = []
    for p in points:
        found = _find(p, target_id, district)
        values.append(0.0 if found is None or found.value is None else round(found.value * 100, 1))
    labels = ", ".join(f'"{p.as_of.strftime("%m-%d")}"' for p in points)
    return "\n".join([
        "```mermaid", "xychart-beta", f'    title "{title}"', f"    x-axis [{labels}]", '    y-axis "%" 0 --> 100',
        f"    line [{', '.join(f'{v:g}' for v in values)}]",
        f"    line [{', '.join(f'{goal * 100:g}' for _ in points)}]", "```"])


def _targets(trend: Trend) -> list[tuple[str, list[str | None]]]:
    """Each target of the plan, with the city (None) and then its districts as they appear in any point."""
    out = []
    for target in trend.plan.targets:
        districts: list[str | None] = []
        for p in trend.points:
            for t in p.targets:
                if t.target_id == target.id and t.district not in districts:
                    districts.append(t.district)
        out.append((target.id, sorted(districts, key=lambda d: (d is not None, d or ""))))
    return out


def _find(point: TrendPoint, target_id: str, district: str | None) -> TargetResult | None:
    return next((t for t in point.targets if t.target_id == target_id and t.district == district), None)


def _goal(trend: Trend, target_id: str) -> float:
    return next(t.target for t in trend.plan.targets if t.id == target_id)


def _due(trend: Trend, target_id: str) -> dt.date | None:
    return next((t.due for t in trend.plan.targets if t.id == target_id), None)


def _share(t: TargetResult | None) -> str:
    if t is None or t.value is None:
        return "—"
    return f"{_percent(t.value)} ({t.numerator}/{t.denominator})"


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded by display width (a Chinese character takes two)."""
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    return ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [head, *rows]]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head), *("| " + " | ".join(row) + " |" for row in rows)]
