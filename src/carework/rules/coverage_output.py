"""The traceability matrix as people and tools read it: text for the terminal, Markdown for a page, JSON for tools."""

from __future__ import annotations

import json

from carework.core.problems import Lang
from carework.rules.coverage import DISPOSITIONS, Coverage


def _disposition(value: str, lang: Lang) -> str:
    return DISPOSITIONS.label(value, lang)


def coverage_text(cov: Coverage, lang: Lang) -> str:
    zh = lang == "zh"
    lines = []
    for c in cov.clauses:
        ids = ", ".join(c.ids) or "—"
        lines.append(f"{c.id:<6} {_disposition(c.disposition, lang)}  {ids}")
        lines.append(f"       “{c.text}”")
        lines.append(f"       {c.reason.get(lang)}")
    counts = cov.counts()
    summary = ("；" if zh else "; ").join(f"{_disposition(k, lang)} {v}" for k, v in counts.items())
    lines.append("")
    lines.append(f"原文分句 {len(cov.clauses)} 句：{summary}" if zh else f"{len(cov.clauses)} clauses: {summary}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_markdown(cov: Coverage, lang: Lang) -> str:
    zh = lang == "zh"
    head = "| 分句 | 原文 | 去向 | 规则 | 理由 |" if zh else "| clause | text | disposition | rules | reason |"
    lines = ["# 原文对照表" if zh else "# Traceability matrix", "", head, "| --- | --- | --- | --- | --- |"]
    for c in cov.clauses:
        lines.append(f"| {c.id} | “{_cell(c.text)}” | {_disposition(c.disposition, lang)} | {', '.join(c.ids)} | "
                     f"{_cell(c.reason.get(lang))} |")
    lines.append("")
    lines += [f"- {_disposition(k, lang)}: {v}" for k, v in cov.counts().items()]
    return "\n".join(lines) + "\n"


def coverage_json(cov: Coverage, lang: Lang) -> str:
    """The contract: `clauses` (id, text, disposition, ids, reason, source_line), `counts`, and `problems` (file,
    line, code, message) — empty when every clause is accounted for."""
    data = {
        "source": cov.source,
        "ok": cov.ok,
        "clauses": [{"id": c.id, "text": c.text, "disposition": c.disposition, "ids": list(c.ids),
                     "reason": c.reason.get(lang), "source_line": c.source_line} for c in cov.clauses],
        "counts": cov.counts(),
        "problems": [{"file": p.location.file, "line": p.location.line, "code": p.code, "message": p.message(lang)}
                     for p in cov.problems],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


COVERAGE_FORMATS = {"text": coverage_text, "markdown": coverage_markdown, "json": coverage_json}
