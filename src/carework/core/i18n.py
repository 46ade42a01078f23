"""Interface words in Chinese and English: one table shared by the terminal, the formats and the report templates."""

from __future__ import annotations

from carework.core.model import TargetResult
from carework.core.problems import Lang

WORDS: dict[str, tuple[str, str]] = {
    "school": ("学校", "School"),
    "schools": ("学校", "Schools"),
    "code": ("代码", "Code"),
    "district": ("区", "District"),
    "kind": ("类型", "Kind"),
    "batch": ("优质化创建批次", "Quality-construction batch"),
    "section": ("部分", "Section"),
    "rule": ("规则", "Rule"),
    "requirement": ("要求", "Requirement"),
    "severity": ("程度", "Severity"),
    "status": ("状态", "Status"),
    "found": ("现状", "Found"),
    "expected": ("应达到", "Expected"),
    "remedy": ("整改办法", "How to fix"),
    "source": ("原文", "Source text"),
    "reading": ("解读", "Reading"),
    "rate": ("达标率", "Share met"),
    "passed": ("达标", "Met"),
    "failed": ("未达标", "Gaps"),
    "waived": ("豁免", "Waived"),
    "not_applicable": ("不适用", "N/A"),
    "errors": ("无法判断", "Not judged"),
    "target": ("目标", "Target"),
    "current": ("当前", "Current"),
    "level": ("范围", "Scope"),
    "needed": ("还需认定", "Still needed"),
    "city": ("全市", "City"),
    "data_problems": ("数据问题", "Data problems"),
    "rectification_findings": ("整改台账", "Rectifications"),
    "summary": ("汇总", "Summary"),
    "targets": ("总体目标", "Targets"),
    "as_of": ("检查日期", "As of"),
    "plan": ("计划", "Plan"),
    "all_met": ("全部达标", "all requirements met"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "fix": ("改法", "fix"),
    "file": ("文件", "File"),
    "line": ("行", "Line"),
    "message": ("说明", "Message"),
    "expires": ("有效期至", "Expires"),
    "approved_by": ("批准人", "Approved by"),
    "reason": ("理由", "Reason"),
    "scope_school": ("逐校检查", "checked per school"),
    "scope_bureau": ("教育局层面，不逐校检查", "bureau duty, not checked per school"),
    "applies_to": ("适用范围", "Applies to"),
    "check": ("检查方法", "Check"),
    "message_when_failing": ("未达标时的说明", "Message when not met"),
    "settings": ("参数", "Settings"),
    "id": ("编号", "ID"),
    "title": ("名称", "Title"),
    "not_reported": ("未报送", "Not reported"),
    "stale": ("未更新", "Not updated"),
    "updated": ("更新日期", "Updated"),
    "no_roster": ("未配置学校名册：总体目标只统计已报送的记录，看不出哪些学校未报送（见 README“学校名册”）",
                  "no roster of schools: targets count only the records submitted, and nobody is seen as not reported (README: Roster)"),
}

#: Why schools are left out of a target's denominator (`TargetResult.excluded`).
EXCLUDED: dict[str, tuple[str, str]] = {
    "out_of_scope": ("不在目标范围内（如中等职业学校）", "outside the target's scope (e.g. vocational schools)"),
    "not_on_roster": ("学校代码不在名册上", "school code not on the roster"),
}


def t(key: str, lang: Lang) -> str:
    """The word for `key` in `lang`; an unknown key is a programming error, not a blank."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def denominator_note(result: TargetResult, lang: Lang) -> str:
    """Why a target row counts the schools it counts: `36 所 = 已报送 33 + 未报送 3（按未达标计）；不计入 3 所：…`."""
    reported = result.denominator - result.not_reported
    if lang == "zh":
        text = f"分母 {result.denominator} 所"
        if result.not_reported:
            text += f" = 已报送 {reported} 所 + 未报送 {result.not_reported} 所（按未达标计）"
        for reason, count in result.excluded:
            text += f"；不计入 {count} 所：{EXCLUDED[reason][0]}"
        return text
    text = f"denominator {result.denominator} school(s)"
    if result.not_reported:
        text += f" = {reported} reported + {result.not_reported} not reported (counted as not meeting it)"
    for reason, count in result.excluded:
        text += f"; {count} left out: {EXCLUDED[reason][1]}"
    return text


def target_figures(result: TargetResult, title: str, lang: Lang) -> str:
    """One target at one level in the figures the text summary shows: where it stands, the target, how many more
    schools it needs, and who the denominator counts — the one line every CI format gives."""
    scope = result.district or t("city", lang)
    now = f"{percent(result.value)} ({result.numerator}/{result.denominator})"
    if lang == "zh":
        return (f"{result.target_id} {title}（{scope}）：当前 {now}，目标 {percent(result.target)}，"
                f"还需 {result.needed} 所；{denominator_note(result, lang)}")
    return (f"{result.target_id} {title} ({scope}): {now} now, target {percent(result.target)}, "
            f"{result.needed} more needed; {denominator_note(result, lang)}")
