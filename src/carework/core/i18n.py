"""Interface words in Chinese and English: one table shared by the terminal, the formats and the report templates."""

from __future__ import annotations

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
    "expected": ("要求", "Expected"),
    "remedy": ("整改办法", "How to fix"),
    "source": ("原文", "Source text"),
    "reading": ("解读", "Reading"),
    "rate": ("达标率", "Met"),
    "passed": ("达标", "Met"),
    "failed": ("未达标", "Gaps"),
    "waived": ("豁免", "Waived"),
    "not_applicable": ("不适用", "N/A"),
    "errors": ("无法判断", "Errors"),
    "target": ("目标", "Target"),
    "current": ("当前", "Current"),
    "level": ("范围", "Scope"),
    "needed": ("还需认定", "Still needed"),
    "city": ("全市", "City"),
    "data_problems": ("数据问题", "Data problems"),
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
}


def t(key: str, lang: Lang) -> str:
    """The word for `key` in `lang`; an unknown key is a programming error, not a blank."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
