"""Generate docs/record.md (the record, field by field) and docs/rules.md (the check kinds, and every rule with its
source sentence).

Both follow from the declarations (the schema, `checks.KINDS`, the plan), so they are generated, never edited by hand; a test checks they are current.
Regenerate with `python -m carework.rules.docs`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from carework.core.model import SEVERITY_LABELS
from carework.rules.checks import COMMON_PLACEHOLDERS, KINDS
from carework.rules.model import Plan
from carework.rules.uses import BASIS_LABELS, BUILT_IN_SETTINGS, Uses, items, uses
from carework.schema.fieldtypes import Choice, Date, Field, FieldType, Integer, ListOf, Number, Record, Text, type_name
from carework.schema.school import SCHOOL


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _type_text(t: FieldType) -> str:
    if isinstance(t, ListOf):
        inner = t.item
        return "list of records" if isinstance(inner, Record) else f"list of {_type_text(inner)}"
    if isinstance(t, Choice):
        return "one of: " + ", ".join(f"`{o.value}` {o.zh}" for o in t.options)
    if isinstance(t, Text) and t.vocabulary:
        return f"text, from the plan's `{t.vocabulary}` list"
    if isinstance(t, (Integer, Number)) and t.minimum is not None and t.maximum is not None:
        return f"{type_name(t)}, {t.minimum:g} to {t.maximum:g}"
    if isinstance(t, (Integer, Number)) and t.minimum is not None:
        return f"{type_name(t)} ≥ {t.minimum:g}"
    if isinstance(t, Date) and t.event:
        return "date (counted in the plan year)"
    return type_name(t)


def _rows(fields: tuple[Field, ...], prefix: str) -> list[str]:
    rows: list[str] = []
    nested: list[tuple[str, Record]] = []
    for f in fields:
        path = f"{prefix}{f.name}"
        suffix = "[]" if isinstance(f.type, ListOf) else ""
        note = f" — {f.note_zh}" if f.note_zh else ""
        rows.append(f"| `{path}{suffix}` | {_cell(_type_text(f.type))} | {'yes' if f.required else ''} | "
                    f"{_cell(f.zh + note)} | {_cell(f.en)} |")
        inner = f.type.item if isinstance(f.type, ListOf) else f.type
        if isinstance(inner, Record):
            nested.append((f"{path}{suffix}.", inner))
    for sub_prefix, record in nested:
        rows.extend(_rows(record.fields, sub_prefix))
    return rows


def record_markdown() -> str:
    lines = [
        "# The school record",
        "",
        "<!-- Generated from src/carework/schema/school.py by `python -m carework.rules.docs`; do not edit. -->",
        "",
        "One YAML file per school in `data/schools/`, named after its `code` (`TN-PS-001.yaml`). Keys are English;",
        "values are mostly Chinese. Start from the commented template `templates/record-template.yaml`, whose",
        "comments explain every field in Chinese. Leave out what you do not know: a missing list is empty, a missing",
        "value is unknown (and a rule that needs it reports a gap). Dates are written `2024-03-15`. For a choice the",
        "English value or its Chinese label may be written (`kind: primary` or `kind: 小学`).",
        "",
        "`[]` marks a list; `a[].b` is the field `b` of each item of list `a`.",
        "",
        "| field | type | required | 中文说明 | meaning |",
        "| --- | --- | --- | --- | --- |",
        *_rows(SCHOOL.fields, ""),
        "",
    ]
    return "\n".join(lines)


def check_kinds_table() -> list[str]:
    """The Markdown table of the check kinds in `checks.KINDS`: their keys and message placeholders (the README
    shows the same table)."""
    lines = ["| kind | keys | message placeholders |", "| --- | --- | --- |"]
    for name, kind in KINDS.items():
        keys = [f"`{k}`" for k in kind.required] + [f"optional `{k}`" for k in kind.optional]
        lines.append(f"| `{name}` | {', '.join(keys)} | {', '.join(f'`{{{p}}}`' for p in kind.placeholders)} |")
    return lines


def rules_markdown(plan: Plan) -> str:
    lines = [
        f"# The rules of {plan.title.en} ({plan.title.zh})",
        "",
        "<!-- Generated from data/plans/2024.yaml by `python -m carework.rules.docs`; do not edit. -->",
        "",
        "Every requirement of the text, with the Chinese sentence it implements. `bureau` rows are duties of the",
        "education bureau that no school record can show: they are listed so the trace from text to rules is",
        "complete, and never checked per school. `carework explain ID` shows one rule whole, with the definitions and",
        "settings it uses. `carework coverage` traces every clause of the source to these rules (docs/plans.md).",
        "",
        "## Check kinds",
        "",
        *check_kinds_table(),
        "",
        f"Every message may also use {' and '.join(f'`{{{p}}}`' for p in COMMON_PLACEHOLDERS)}.",
        "",
    ]
    for section in plan.sections:
        lines += [f"## {section.number}. {section.title.zh}", "", f"*{section.title.en}*", "",
                  "| id | severity | requirement | source | reading | uses |", "| --- | --- | --- | --- | --- | --- |"]
        for rule in (r for r in plan.rules if r.section == section.number):
            severity = f"{rule.severity} ({SEVERITY_LABELS[rule.severity][0]})" if rule.scope == "school" else "bureau"
            reading = rule.reading.zh if rule.reading else ""
            lines.append(f"| {rule.id} | {severity} | {_cell(rule.title.zh)}<br>{_cell(rule.title.en)} | "
                         f"“{_cell(rule.source)}” | {_cell(reading)} | {_uses_cell(plan, uses(plan, rule))} |")
        for target in (t for t in plan.targets if t.section == section.number):
            lines.append(f"| {target.id} | aggregate target {target.target:.0%} | {_cell(target.title.zh)}<br>"
                         f"{_cell(target.title.en)} | “{_cell(target.source)}” | | {_uses_cell(plan, uses(plan, target))} |")
        lines.append("")
    users = _users(plan)
    definitions = ["## Definitions", "", "Names the rules share, each computed once per school; a definition may use "
                   "the ones above it.", "", "| name | meaning | expression | used by |", "| --- | --- | --- | --- |"]
    definitions += [f"| `{d.name}` | {_cell(d.title.zh) if d.title else ''} | `{_cell(d.expr)}` | "
                    f"{', '.join(users.get(d.name, [])) or '—'} |" for d in plan.definition_texts]
    settings = ["", "## Settings", "", "| name | value | meaning | basis | used by |", "| --- | --- | --- | --- | --- |"]
    settings += [f"| `{s.name}` | {s.value:g} | {_cell(s.title.zh)} | {s.basis} ({BASIS_LABELS[s.basis][0]}) | "
                 f"{', '.join(users.get(s.name, [])) or BUILT_IN_SETTINGS.get(s.name, '—')} |" for s in plan.settings.values()]
    return "\n".join(lines + definitions + settings) + "\n"


def _uses_cell(plan: Plan, used: Uses) -> str:
    parts = [f"`{name}`" for name in used.definitions]
    parts += [f"`settings.{name}` = {plan.settings[name].value:g}" for name in used.settings]
    return "<br>".join(parts)


def _users(plan: Plan) -> dict[str, list[str]]:
    """For each definition and setting name, the rules and targets that use it."""
    out: dict[str, list[str]] = {}
    for item in items(plan):
        used = uses(plan, item)
        for name in (*used.definitions, *used.settings):
            out.setdefault(name, []).append(item.id)
    return out


def generated(root: Path, plan: Plan) -> dict[Path, str]:
    """Every generated document, by the path it belongs at under `root`: the Chinese opening, then the reference."""
    from carework.rules.docs_zh import PREFACES

    return {root / "docs" / "record.md": PREFACES["record.md"] + "## English\n\n" + record_markdown(),
            root / "docs" / "rules.md": PREFACES["rules.md"] + "## English\n\n" + rules_markdown(plan)}


def main() -> None:
    from carework.rules.plan import load_plan

    root = Path.cwd()
    plan = load_plan(root / "data" / "plans" / "2024.yaml")
    for path, text in generated(root, plan).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path.relative_to(root)}\n")


if __name__ == "__main__":
    main()
