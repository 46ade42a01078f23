"""`carework rules` and `carework explain`: the plan, readable by people and by tools."""

from __future__ import annotations

import io
import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from carework.core.i18n import t
from carework.core.model import SEVERITY_LABELS
from carework.core.problems import Lang
from carework.rules.model import Applicability, Plan, Rule, Target
from carework.rules.uses import BASIS_LABELS, Uses, uses
from carework.schema.school import OWNERSHIP, SCHOOL_KINDS


def rules_json(plan: Plan, lang: Lang) -> str:
    """The contract: a list of objects with id, section, title, source, severity and scope (school/aggregate/bureau)."""
    items: list[dict[str, Any]] = []
    for rule in plan.rules:
        items.append({
            "id": rule.id, "section": rule.section, "title": rule.title.get(lang), "title_zh": rule.title.zh,
            "title_en": rule.title.en, "source": rule.source, "severity": rule.severity if rule.scope == "school" else None,
            "scope": rule.scope, "applies_to": _applies_json(rule.applies), "check": rule.check_text or None,
            "reading": rule.reading.get(lang) if rule.reading else None, "line": rule.line,
        })
    for target in plan.targets:
        items.append({
            "id": target.id, "section": target.section, "title": target.title.get(lang), "title_zh": target.title.zh,
            "title_en": target.title.en, "source": target.source, "severity": None, "scope": "aggregate",
            "applies_to": _applies_json(target.population), "check": {"counts": target.counts_text, "target": target.target},
            "reading": None, "line": target.line,
        })
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _applies_json(a: Applicability) -> dict[str, Any]:
    return {"kinds": list(a.kinds) if a.kinds else None, "ownership": list(a.ownership) if a.ownership else None,
            "batches": list(a.batches) if a.batches else None, "when": a.when_text or None}


def rules_text(plan: Plan, lang: Lang, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=plan.title.get(lang), title_justify="left")
    for key in ("id", "section", "severity", "title"):
        table.add_column(t(key, lang))
    for rule in plan.rules:
        severity = SEVERITY_LABELS[rule.severity][0 if lang == "zh" else 1] if rule.scope == "school" else (
            "教育局" if lang == "zh" else "bureau")
        table.add_row(rule.id, str(rule.section), severity, rule.title.get(lang))
    for target in plan.targets:
        table.add_row(target.id, str(target.section), "总体目标" if lang == "zh" else "target", target.title.get(lang))
    console.print(table)
    return buffer.getvalue()


def explain_text(plan: Plan, rule_id: str, lang: Lang) -> str | None:
    """One rule or target whole, or None when the plan has no such id."""
    rule = plan.rule(rule_id)
    if rule is not None:
        return _explain_rule(plan, rule, lang)
    target = next((tg for tg in plan.targets if tg.id.casefold() == rule_id.casefold()), None)
    return _explain_target(plan, target, lang) if target else None


def _section_title(plan: Plan, number: int, lang: Lang) -> str:
    section = plan.section(number)
    return f"{number}. {section.title.get(lang)}" if section else str(number)


def _explain_rule(plan: Plan, rule: Rule, lang: Lang) -> str:
    zh = lang == "zh"
    lines = [f"{rule.id}  {rule.title.get(lang)}", "",
             f"{t('section', lang)}：{_section_title(plan, rule.section, lang)}" if zh else
             f"{t('section', lang)}: {_section_title(plan, rule.section, lang)}",
             f"{t('source', lang)}：“{rule.source}”" if zh else f"{t('source', lang)}: “{rule.source}”"]
    note = plan.source_note(rule.source)
    if note:
        lines.append(f"  （注：{note.zh}）" if zh else f"  (note: {note.en})")
    if rule.scope == "bureau":
        lines.append(t("scope_bureau", lang))
        return "\n".join(lines) + "\n"
    sep = "：" if zh else ": "
    lines.append(f"{t('severity', lang)}{sep}{SEVERITY_LABELS[rule.severity][0 if zh else 1]}")
    lines.append(f"{t('applies_to', lang)}{sep}{_applies_text(rule.applies, lang)}")
    if rule.reading:
        lines.append(f"{t('reading', lang)}{sep}{rule.reading.get(lang)}")
    lines.append(f"{t('check', lang)}{sep}")
    for key, value in rule.check_text.items():
        lines.append(f"  {key}: {value}")
    lines += uses_lines(plan, uses(plan, rule), lang)
    lines.append(f"{t('message_when_failing', lang)}{sep}{rule.message.get(lang)}")
    lines.append(f"{t('remedy', lang)}{sep}{rule.remedy.get(lang)}")
    return "\n".join(lines) + "\n"


def uses_lines(plan: Plan, used: Uses, lang: Lang) -> list[str]:
    """The definitions and settings a rule uses, each with what it means: a definition's expression, a setting's value
    and basis."""
    zh = lang == "zh"
    lines = []
    if used.definitions:
        lines.append("用到的定义：" if zh else "Definitions used:")
        for d in (d for d in plan.definition_texts if d.name in used.definitions):
            title = f"（{d.title.get(lang)}）" if d.title and zh else (f" ({d.title.get(lang)})" if d.title else "")
            lines.append(f"  {d.name}{title} = {d.expr}")
    if used.settings:
        lines.append("用到的参数：" if zh else "Settings used:")
        for name in used.settings:
            s = plan.settings[name]
            basis = BASIS_LABELS[s.basis][0 if zh else 1]
            lines.append(f"  settings.{name} = {s.value:g}（{s.title.get(lang)}；依据：{basis}）" if zh else
                         f"  settings.{name} = {s.value:g} ({s.title.get(lang)}; basis: {basis})")
    return lines


def _explain_target(plan: Plan, target: Target, lang: Lang) -> str:
    zh = lang == "zh"
    sep = "：" if zh else ": "
    bands = ("；" if zh else "; ").join(f"{b.title.get(lang)} ≥ {b.at_least:.0%}" for b in target.bands)
    lines = [f"{target.id}  {target.title.get(lang)}", "",
             f"{t('section', lang)}{sep}{_section_title(plan, target.section, lang)}",
             f"{t('source', lang)}{sep}“{target.source}”",
             f"{t('applies_to', lang)}{sep}{_applies_text(target.population, lang)}",
             f"{t('check', lang)}{sep}{target.counts_text}",
             *uses_lines(plan, uses(plan, target), lang),
             f"{t('target', lang)}{sep}{target.target:.0%}（{bands}）" if zh else f"{t('target', lang)}: {target.target:.0%} ({bands})",
             ("截止" if zh else "Due") + f"{sep}{target.due}"]
    return "\n".join(lines) + "\n"


def _applies_text(a: Applicability, lang: Lang) -> str:
    zh = lang == "zh"
    parts = []
    if a.kinds:
        parts.append(("、" if zh else ", ").join(SCHOOL_KINDS.label(k, lang) for k in a.kinds))
    if a.ownership:
        parts.append(("、" if zh else ", ").join(OWNERSHIP.label(k, lang) for k in a.ownership))
    if a.batches:
        parts.append(("优质化建设第" + "、".join(map(str, a.batches)) + "批") if zh else
                     "quality-construction batch " + ", ".join(map(str, a.batches)))
    if a.when_text:
        parts.append(a.when_text)
    return ("；" if zh else "; ").join(parts) or ("全部学校" if zh else "every school")
