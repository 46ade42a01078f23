"""Traceability: every clause of the source text accounted for, every rule traced to the text it quotes.

The source ships in the plan's companion folder (`rules.companion`), cut into clauses by `clauses.yaml`: each clause
quotes the text and carries a disposition with a reason — covered by `rules`, by a `target`, a `bureau` duty, or
`context` that no school record can show. `trace` checks, in the source's own order, that the clauses cover every
character of the text between `starts_after` and `ends_before` but punctuation and Markdown, and that the plan and the
clauses agree. It returns a `Coverage`; it never prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from carework.core.model import Bilingual
from carework.core.paths import display_path
from carework.core.problems import Location, Problem
from carework.rules.companion import Companion
from carework.rules.model import Plan
from carework.rules.plan import TEXT2
from carework.schema.fieldtypes import Choice, Field, ListOf, Option, Record, Text
from carework.schema.validate import InvalidFile, load_valid

Disposition = Literal["rules", "target", "bureau", "context"]
DISPOSITIONS = Choice((
    Option("rules", "由逐校规则检查", "covered by school rules"),
    Option("target", "由总体目标统计", "covered by an aggregate target"),
    Option("bureau", "教育局职责", "a duty of the bureau"),
    Option("context", "背景或方向，学校记录无法证明", "context no school record can show"),
))

CLAUSES_FORMAT = Record((
    Field("source", Text(), "原文文件", "the source file", required=True),
    Field("starts_after", Text(), "原文正文从这一行之后开始", "the text starts after this line"),
    Field("ends_before", Text(), "原文正文到此为止（不含）", "the text ends before this"),
    Field("clauses", ListOf(Record((
        Field("id", Text(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"), "编号", "id", required=True),
        Field("text", Text(), "原文分句（逐字）", "the clause, word for word", required=True),
        Field("disposition", DISPOSITIONS, "去向", "disposition", required=True),
        Field("ids", ListOf(Text()), "规则或目标编号", "rule or target ids"),
        Field("reason", TEXT2, "理由", "reason", required=True),
    ))), "分句", "clauses", required=True),
))

#: What may lie between clauses: whitespace, punctuation, Markdown marks and section numbers (一、).
_FILLER = re.compile(r"^(?:[\s#*，。、；：:！？…（）()“”\"'—-]|[一二三四五六七八九十]+、)*$")


@dataclass(frozen=True)
class Clause:
    id: str
    text: str
    disposition: Disposition
    ids: tuple[str, ...]
    reason: Bilingual
    location: Location
    #: 1-based line of the source where the clause starts (0 when it is not found there).
    source_line: int = 0


@dataclass(frozen=True)
class Coverage:
    """The clauses in source order, and every way the trace is broken (empty when all is accounted for)."""

    clauses: tuple[Clause, ...]
    problems: tuple[Problem, ...]
    source: str

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in DISPOSITIONS.options}
        for clause in self.clauses:
            out[clause.disposition] += 1
        return out


def load_clauses(path: Path, display: str) -> tuple[dict[str, object], list[Clause]]:
    """The clauses file, validated; raises InvalidFile (with file, line and a "did you mean") when it is wrong."""
    doc, value = load_valid(path, display, CLAUSES_FORMAT)
    clauses = [
        Clause(c["id"], c["text"].strip(), c["disposition"], tuple(c["ids"]),
               Bilingual(c["reason"]["zh"] or "", c["reason"]["en"] or ""), doc.locate(("clauses", i)))
        for i, c in enumerate(value["clauses"])
    ]
    return value, clauses


def trace(plan: Plan, plan_path: Path) -> Coverage:
    """Check the plan at `plan_path` against its source and clauses; raises InvalidFile for a missing or malformed
    clauses file (nothing can be traced without it)."""
    companion = Companion(plan_path)
    if not companion.clauses.is_file():
        raise InvalidFile([Problem(Location(str(companion.clauses)), "no-clauses", f"没有原文分句文件 {companion.clauses}",
                                   f"no clauses file at {companion.clauses}",
                                   "把原文逐句写入该文件并注明去向（见 docs/plans.md）",
                                   "cut the source into clauses there, each with a disposition (docs/plans.md)")])
    head, clauses = load_clauses(companion.clauses, str(companion.clauses))
    source_path = companion.folder / str(head["source"])
    if not source_path.is_file():
        raise InvalidFile([Problem(clauses[0].location if clauses else Location(str(companion.clauses)), "no-source",
                                   f"找不到原文 {source_path}", f"no source text at {source_path}",
                                   "把原文（UTF-8）放在计划旁的文件夹中", "put the source (UTF-8) in the plan's folder")])
    text = source_path.read_text(encoding="utf-8-sig")
    body_start, body_end = _body(text, str(head["starts_after"] or ""), str(head["ends_before"] or ""))
    problems: list[Problem] = []
    shown = display_path(source_path)
    placed = _place(clauses, text, body_start, body_end, shown, problems)
    _agree(plan, placed, text, shown, problems)
    return Coverage(tuple(placed), tuple(problems), shown)


def _body(text: str, starts_after: str, ends_before: str) -> tuple[int, int]:
    start = 0
    if starts_after:
        at = text.find("\n" + starts_after + "\n")
        start = at + len(starts_after) + 2 if at >= 0 else 0
    end = text.find(ends_before, start) if ends_before else -1
    return start, end if end >= 0 else len(text)


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _place(clauses: list[Clause], text: str, start: int, end: int, source: str, problems: list[Problem]) -> list[Clause]:
    """Find each clause in order; report text between clauses (or after the last) that no clause holds."""
    cursor, placed = start, []
    for clause in clauses:
        at = text.find(clause.text, cursor, end)
        if at < 0:
            anywhere = text.find(clause.text, start, end)
            zh, en = ((f"分句 {clause.id} 不在原文中应在的位置（分句须按原文顺序排列）",
                       f"clause {clause.id} is not where it belongs in the source (clauses go in the source's order)")
                      if anywhere >= 0 else
                      (f"分句 {clause.id} 的文字在原文中找不到：“{clause.text}”",
                       f"clause {clause.id} is not in the source: “{clause.text}”"))
            problems.append(Problem(clause.location, "clause-not-in-source", zh, en, "从原文逐字复制", "copy it from the source"))
            placed.append(clause)
            continue
        _gap(text, cursor, at, source, problems)
        placed.append(Clause(clause.id, clause.text, clause.disposition, clause.ids, clause.reason, clause.location,
                             _line(text, at)))
        cursor = at + len(clause.text)
    _gap(text, cursor, end, source, problems)
    return placed


def _gap(text: str, start: int, end: int, source: str, problems: list[Problem]) -> None:
    between = text[start:end]
    if _FILLER.match(between):
        return
    words = between.strip(" \n#*，。、；：“”")
    problems.append(Problem(Location(source, _line(text, start + between.index(words[:1] or between[:1]))), "unaccounted-text",
                            f"原文这一段没有写入任何分句：“{words}”", f"no clause accounts for this text: “{words}”",
                            "在 clauses.yaml 中为它加一句并注明去向", "add a clause for it to clauses.yaml, with a disposition"))


def _agree(plan: Plan, clauses: list[Clause], text: str, source: str, problems: list[Problem]) -> None:
    """The clauses name rules that exist, in keeping with their disposition; every rule and target quotes the source
    and is named by a clause that holds its quote."""
    scopes = {r.id: r.scope for r in plan.rules} | {t.id: "target" for t in plan.targets}
    fits = {"rules": ("school", "bureau"), "target": ("target", "school"), "bureau": ("bureau",), "context": ()}
    needs = {"rules": "school", "target": "target"}
    for clause in clauses:
        for rid in clause.ids:
            if rid not in scopes:
                problems.append(Problem(clause.location, "unknown-rule", f"分句 {clause.id} 列出的 {rid} 不在计划中",
                                        f"clause {clause.id} names {rid}, which is not in the plan"))
            elif scopes[rid] not in fits[clause.disposition]:
                problems.append(Problem(clause.location, "disposition-mismatch",
                                        f"分句 {clause.id} 的去向是 {clause.disposition}，不能列出 {rid}（{scopes[rid]}）",
                                        f"clause {clause.id} is `{clause.disposition}` and cannot name {rid} ({scopes[rid]})"))
        need = needs.get(clause.disposition)
        if need and not any(scopes.get(rid) == need for rid in clause.ids):
            problems.append(Problem(clause.location, "disposition-without-ids",
                                    f"分句 {clause.id} 的去向是 {clause.disposition}，须列出至少一条{'逐校规则' if need == 'school' else '总体目标'}",
                                    f"clause {clause.id} is `{clause.disposition}` and must name at least one "
                                    f"{'school rule' if need == 'school' else 'target'}"))
        if not clause.reason.zh.strip():
            problems.append(Problem(clause.location, "no-reason", f"分句 {clause.id} 没有写理由", f"clause {clause.id} gives no reason"))
    quoted = [(r.id, r.source, Location(plan.file, r.line)) for r in plan.rules]
    quoted += [(t.id, t.source, Location(plan.file, t.line)) for t in plan.targets]
    for rid, quote, where in quoted:
        if quote not in text:
            problems.append(Problem(where, "quote-not-in-source", f"{rid} 引用的原文不在原文中：“{quote}”",
                                    f"{rid} quotes text that is not in the source: “{quote}”",
                                    f"从 {source} 逐字复制", f"copy it word for word from {source}"))
            continue
        holding = [c for c in clauses if c.source_line and (quote in c.text or c.text in quote)]
        if not any(rid in c.ids for c in holding):
            names = "、".join(c.id for c in holding) or "—"
            problems.append(Problem(where, "rule-not-traced",
                                    f"{rid} 引用的原文所在分句（{names}）没有列出它",
                                    f"the clause holding {rid}'s quote ({names}) does not name it",
                                    f"在分句 {names} 的 ids 中加上 {rid}", f"add {rid} to the ids of clause {names}"))
