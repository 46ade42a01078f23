"""Load a plan file: check its structure, compile every rule, and refuse it whole if anything is wrong.

The plan's own format is declared in the same type language as the school record, so a misspelt key in the plan
gets the same "did you mean" and the same file:line:column as one in a record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from carework.core.errors import invalid_plan
from carework.core.model import Bilingual
from carework.core.problems import Problem
from carework.reading.loader import DEFAULT_LIMITS, Document
from carework.reading.source import read_source
from carework.rules.checks import COMMON_PLACEHOLDERS, KINDS, Kind, check_keys, compile_check
from carework.rules.expr import DATE, Env, ExprError, Typed, _lookup, compile_expr, record_env
from carework.rules.expr_location import expression_location
from carework.rules.model import Applicability, Band, Definition, Plan, Rule, Section, Setting, Target
from carework.schema.fieldtypes import Choice, Date, Expression, Field, Integer, ListOf, Number, Option, Record, Text
from carework.schema.school import OWNERSHIP, SCHOOL, SCHOOL_KINDS
from carework.schema.validate import InvalidFile, load_valid


def _bilingual(required: bool = True) -> Record:
    return Record((Field("zh", Text(), "中文", "Chinese", required=required), Field("en", Text(), "英文", "English")))


TEXT2 = _bilingual()
APPLIES = Record((
    Field("kinds", ListOf(SCHOOL_KINDS), "适用学校类型", "school kinds"),
    Field("ownership", ListOf(OWNERSHIP), "办学性质", "ownership"),
    Field("batches", ListOf(Integer(minimum=1)), "优质化建设批次", "quality-construction batches"),
    Field("when", Expression(), "其他条件", "further condition"),
))


def check_format(kinds: tuple[tuple[str, Kind], ...]) -> Record:
    """A rule's `check:`: one of the kinds, and the expression keys the kinds declare (each kind's own are checked
    when the check compiles, naming the rule)."""
    return Record((
        Field("kind", Choice(tuple(Option(k, v.zh, v.en) for k, v in kinds)), "检查类型", "check kind", required=True),
        *(Field(key, Expression(), key, key) for key in check_keys(dict(kinds))),
    ))


CHECK = check_format(tuple(KINDS.items()))
RULE_ID = Text(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")

PLAN_FORMAT = Record((
    Field("plan", Record((
        Field("id", RULE_ID, "计划编号", "plan id", required=True),
        Field("title", TEXT2, "标题", "title", required=True),
        Field("issuer", TEXT2, "发文单位", "issuer", required=True),
        Field("year", Integer(minimum=1990, maximum=2100), "年度", "year", required=True),
        Field("period", Record((
            Field("start", Date(), "开始", "start", required=True),
            Field("end", Date(), "结束", "end", required=True),
        )), "计划期", "period", required=True),
        Field("source", Text(), "原文出处说明", "where the text comes from"),
    )), "计划", "the plan", required=True),
    Field("settings", ListOf(Record((
        Field("name", Text(pattern=r"^[a-z][a-z0-9_]*$"), "名称", "name", required=True),
        Field("value", Number(), "取值", "value", required=True),
        Field("title", TEXT2, "说明", "meaning", required=True),
        Field("basis", Choice((Option("text", "原文", "the text"), Option("practice", "实践惯例", "practice"),
                               Option("reading", "我们的解读", "our reading"))), "依据", "basis", required=True),
    ))), "可调参数", "settings"),
    Field("vocabularies", ListOf(Record((
        Field("name", Text(pattern=r"^[a-z][a-z0-9_]*$"), "名称", "name", required=True),
        Field("values", ListOf(Text()), "取值", "values", required=True),
    ))), "名称表", "vocabularies"),
    Field("definitions", ListOf(Record((
        Field("name", Text(pattern=r"^[a-z][a-z0-9_]*$"), "名称", "name", required=True),
        Field("expr", Expression(), "表达式", "expression", required=True),
        Field("title", TEXT2, "说明", "meaning"),
    ))), "定义", "definitions"),
    Field("sections", ListOf(Record((
        Field("number", Integer(minimum=1), "序号", "number", required=True),
        Field("title", TEXT2, "标题", "title", required=True),
        Field("short", TEXT2, "简称（用于表格和图）", "short title for tables and charts", required=True),
    ))), "部分", "sections", required=True),
    Field("rules", ListOf(Record((
        Field("id", RULE_ID, "编号", "id", required=True),
        Field("section", Integer(minimum=1), "所属部分", "section", required=True),
        Field("title", TEXT2, "要求", "requirement", required=True),
        Field("source", Text(), "原文", "source text", required=True),
        Field("scope", Choice((Option("school", "学校", "school"), Option("bureau", "教育局", "bureau"))),
              "检查对象", "checked on", required=True),
        Field("severity", Choice((Option("error", "必须", "must"), Option("warning", "应当", "should"),
                                  Option("advice", "建议", "advice"))), "严重程度", "severity"),
        Field("applies_to", APPLIES, "适用范围", "applies to"),
        Field("check", CHECK, "检查", "check"),
        Field("field", Text(), "指向的记录字段", "record field findings point at"),
        Field("message", TEXT2, "未达标时的说明", "message when not met"),
        Field("remedy", TEXT2, "整改办法", "how to fix"),
        Field("reading", TEXT2, "解读说明", "how the text was read"),
    ))), "规则", "rules", required=True),
    Field("targets", ListOf(Record((
        Field("id", RULE_ID, "编号", "id", required=True),
        Field("section", Integer(minimum=1), "所属部分", "section", required=True),
        Field("title", TEXT2, "目标", "target", required=True),
        Field("source", Text(), "原文", "source text", required=True),
        Field("population", APPLIES, "统计范围（分母）", "population (denominator)"),
        Field("counts", Expression(), "计入条件（分子）", "what counts (numerator)", required=True),
        Field("target", Number(minimum=0, maximum=1), "目标比例（0 到 1）", "target share (0 to 1)", required=True),
        Field("bands", ListOf(Record((
            Field("status", Text(), "状态", "status", required=True),
            Field("at_least", Number(minimum=0, maximum=1), "不低于（0 到 1）", "at least (0 to 1)", required=True),
            Field("title", TEXT2, "名称", "name", required=True),
        ))), "分档", "bands", required=True),
        Field("levels", ListOf(Choice((Option("city", "全市", "city"), Option("district", "各区", "district")))),
              "统计层级", "levels"),
        Field("due", Date(), "截止日期", "due date", required=True),
        Field("progress", ListOf(Expression()), "接近程度（排序依据）", "how close a school is (sort keys)"),
    ))), "总体目标", "aggregate targets"),
))


def plan_format() -> Record:
    """The plan file's format, its `check:` following the kinds registered in `checks.KINDS` now."""
    return _plan_format(tuple(KINDS.items()))


@lru_cache(maxsize=4)
def _plan_format(kinds: tuple[tuple[str, Kind], ...]) -> Record:
    rules = PLAN_FORMAT.field("rules")
    assert rules is not None and isinstance(rules.type, ListOf) and isinstance(rules.type.item, Record)
    rule = Record(tuple(replace(f, type=check_format(kinds)) if f.name == "check" else f for f in rules.type.item.fields))
    return Record(tuple(replace(f, type=replace(rules.type, item=rule)) if f is rules else f for f in PLAN_FORMAT.fields))


def load_plan(path: Path, display: str | None = None) -> Plan:
    """Load and compile a plan; raises CareworkError (Failure.PLAN) listing every problem."""
    shown = display or str(path)
    source = read_source(path, max_bytes=DEFAULT_LIMITS.max_bytes, display=shown, follow=True)  # once, bounded
    try:
        doc, value = load_valid(path, shown, plan_format(), source=source)
    except InvalidFile as exc:
        raise invalid_plan(exc.problems) from None
    raw = source.data
    lines = raw.decode("utf-8-sig", errors="replace").splitlines()
    return _Builder(doc, value, hashlib.sha256(raw).hexdigest(), lines).build()


class _Builder:
    def __init__(self, doc: Document, data: dict[str, Any], digest: str, lines: list[str]) -> None:
        self.doc = doc
        self.data = data
        self.digest = digest
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], zh: str, en: str, col: int | None = None) -> None:
        """A problem at `path`; with `col`, at that column of the expression written there."""
        where = self.doc.locate(path)
        if col is not None and path in self.doc.marks:
            where = expression_location(self.lines, where, col, keyed=isinstance(path[-1], str))
        self.problems.append(Problem(where, "plan-error", zh, en))

    def build(self) -> Plan:
        head = self.data["plan"]
        settings = {
            s["name"]: Setting(s["name"], s["value"], Bilingual(s["title"]["zh"], s["title"]["en"] or ""), s["basis"],
                               self.doc.locate(("settings", i)).line)
            for i, s in enumerate(self.data["settings"])
        }
        vocabularies = {v["name"]: tuple(v["values"]) for v in self.data["vocabularies"]}
        settings_type = Record(tuple(Field(name, Number(), s.title.zh, s.title.en) for name, s in settings.items()))
        env = record_env(SCHOOL, {"year": Integer(), "as_of": DATE, "period_start": DATE, "period_end": DATE,
                                  "settings": settings_type})
        env, definitions = self.definitions(env)
        sections = tuple(Section(s["number"], _text(s["title"]), _text(s["short"])) for s in self.data["sections"])
        rules = tuple(r for i, raw in enumerate(self.data["rules"]) if (r := self.rule(i, raw, env, sections)))
        targets = tuple(t for i, raw in enumerate(self.data["targets"]) if (t := self.target(i, raw, env)))
        self.unique([r.id for r in rules] + [t.id for t in targets], rules, targets)
        if head["period"]["start"] > head["period"]["end"]:
            self.problem(("plan", "period"), "计划期的开始晚于结束", "the period starts after it ends")
        start, end = head["period"]["start"], head["period"]["end"]
        for i, target in enumerate(self.data["targets"]):
            if isinstance(target.get("due"), dt.date) and not start <= target["due"] <= end:
                self.problem(("targets", i, "due"), f"目标 {target['id']} 的截止日期 {target['due']} 不在计划期（{start} 至 {end}）内",
                             f"target {target['id']} is due on {target['due']}, outside the plan's period ({start} to {end})")
        if self.problems:
            raise invalid_plan(self.problems)
        return Plan(
            id=head["id"], title=_text(head["title"]), issuer=_text(head["issuer"]), year=head["year"],
            period=(head["period"]["start"], head["period"]["end"]), sections=sections, settings=settings,
            vocabularies=vocabularies, definitions=definitions, rules=rules, targets=targets,
            file=self.doc.file, digest=self.digest, period_line=self.doc.locate(("plan", "period")).line,
            definition_texts=tuple(
                Definition(d["name"], d["expr"], _text(d["title"]) if d["title"]["zh"] else None,
                           self.doc.locate(("definitions", i)).line)
                for i, d in enumerate(self.data["definitions"])),
            vocabulary_lines={v["name"]: self.doc.locate(("vocabularies", i)).line for i, v in enumerate(self.data["vocabularies"])},
            source=head.get("source") or "",
        )

    def compile(self, source: str, env: Env, path: tuple[str | int, ...], what: str) -> Typed | None:
        try:
            return compile_expr(source, env)
        except ExprError as exc:
            self.problem(path, f"{what}：{exc.message_zh}", f"{what}: {exc.message_en}", exc.col)
            return None

    def definitions(self, env: Env) -> tuple[Env, tuple[tuple[str, Typed], ...]]:
        out: list[tuple[str, Typed]] = []
        for i, d in enumerate(self.data["definitions"]):
            if d["name"] in env.names:
                self.problem(("definitions", i, "name"), f"定义名 {d['name']} 与已有名称重复",
                             f"definition {d['name']} clashes with an existing name")
                continue
            typed = self.compile(d["expr"], env, ("definitions", i, "expr"), f"定义 {d['name']}")
            if typed is None:
                continue
            out.append((d["name"], typed))
            # Later expressions read the value computed once per school, not the expression again.
            env = Env({**env.names, d["name"]: Typed(_lookup(d["name"]), typed.type, typed.fields, typed.path)})
        return env, tuple(out)

    def applicability(self, raw: dict[str, Any], env: Env, path: tuple[str | int, ...], what: str) -> Applicability:
        when = self.compile(raw["when"], env, path + ("when",), what) if raw["when"] else None
        return Applicability(
            kinds=tuple(raw["kinds"]) or None, ownership=tuple(raw["ownership"]) or None,
            batches=tuple(raw["batches"]) or None, when=when, when_text=raw["when"] or "",
        )

    def rule(self, i: int, raw: dict[str, Any], env: Env, sections: tuple[Section, ...]) -> Rule | None:
        path: tuple[str | int, ...] = ("rules", i)
        what = f"规则 {raw['id']}"
        what_en = f"rule {raw['id']}"
        before = len(self.problems)
        if raw["section"] not in {s.number for s in sections}:
            self.problem(path + ("section",), f"{what}：没有第 {raw['section']} 部分", f"{what_en}: there is no section {raw['section']}")
        check = None
        if raw["scope"] == "school":
            for key in ("check", "message", "remedy", "severity"):
                if not raw[key] or raw[key] == {"kind": None, **{k: None for k in raw[key] if k != "kind"}}:
                    self.problem(path, f"{what}：逐校检查的规则必须写 {key}", f"{what_en}: a school rule needs {key}")
            if raw["check"] and raw["check"]["kind"]:
                check = self.check(raw, env, path)
        elif raw["check"] and raw["check"]["kind"]:
            self.problem(path + ("check",), f"{what}：教育局层面的要求不逐校检查，不能写 check",
                         f"{what_en}: a bureau requirement is not checked per school and takes no check")
        applies = self.applicability(raw["applies_to"], env, path + ("applies_to",), what)
        self.placeholders(raw, path, what, what_en)
        if len(self.problems) > before:
            return None
        fields = check.fields if check else frozenset()
        if applies.when:
            fields |= applies.when.fields
        anchor = tuple(raw["field"].split(".")) if raw["field"] else (min(fields) if fields else ())
        # Only the deepest paths read matter: reading committee.director.post says nothing of committee.elsewhere.
        fields = frozenset(f for f in fields if not any(g != f and g[: len(f)] == f for g in fields))
        return Rule(
            id=raw["id"], section=raw["section"], title=_text(raw["title"]), source=raw["source"].strip(),
            scope=raw["scope"], severity=raw["severity"] or "advice", applies=applies, check=check,
            message=_text(raw["message"]), remedy=_text(raw["remedy"]),
            reading=_text(raw["reading"]) if raw["reading"]["zh"] else None,
            line=self.doc.locate(path).line, anchor=anchor, fields=fields,
            check_text={k: v for k, v in raw["check"].items() if v is not None},
        )

    def check(self, raw: dict[str, Any], env: Env, path: tuple[str | int, ...]) -> Any:
        spec = {k: v for k, v in raw["check"].items() if v is not None}
        try:
            return compile_check(spec, env)
        except ExprError as exc:
            key = getattr(exc, "key", "kind")
            kind = KINDS.get(spec.get("kind") or "")
            in_expression = kind is not None and key in kind.required + kind.optional and isinstance(spec.get(key), str)
            self.problem(path + ("check", key), f"规则 {raw['id']} 的 check.{key}：{exc.message_zh}",
                         f"rule {raw['id']}, check.{key}: {exc.message_en}", exc.col if in_expression else None)
            return None

    def placeholders(self, raw: dict[str, Any], path: tuple[str | int, ...], what: str, what_en: str) -> None:
        kind = KINDS.get((raw["check"] or {}).get("kind") or "")
        allowed = set(COMMON_PLACEHOLDERS) | set(kind.placeholders if kind else ())
        for lang in ("zh", "en"):
            text = (raw["message"] or {}).get(lang) or ""
            try:
                fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
            except ValueError:
                self.problem(path + ("message", lang), f"{what}：说明中的花括号 {{ }} 不成对（要显示花括号本身请写 {{{{ 或 }}}}）",
                             f"{what_en}: unbalanced braces {{ }} in the message (write {{{{ or }}}} for a literal brace)")
                continue
            # A format spec such as {found:>999999999} would build a huge string at run time: only {name} is allowed.
            bad = [name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
                   for name, spec, conv in fields if name not in allowed or spec or conv]
            if bad:
                self.problem(path + ("message", lang), f"{what}：说明中不能用 {{{bad[0]}}}（可用：{', '.join(sorted(allowed))}）",
                             f"{what_en}: the message cannot use {{{bad[0]}}} (allowed: {', '.join(sorted(allowed))})")

    def target(self, i: int, raw: dict[str, Any], env: Env) -> Target | None:
        path: tuple[str | int, ...] = ("targets", i)
        what = f"目标 {raw['id']}"
        before = len(self.problems)
        counts = self.compile(raw["counts"], env, path + ("counts",), what)
        progress = tuple(p for j, e in enumerate(raw["progress"]) if (p := self.compile(e, env, path + ("progress", j), what)))
        population = self.applicability(raw["population"], env, path + ("population",), what)
        bands = tuple(Band(b["status"], b["at_least"], _text(b["title"])) for b in raw["bands"])
        if list(bands) != sorted(bands, key=lambda b: -b.at_least):
            self.problem(path + ("bands",), f"{what}：分档须从高到低排列", f"target {raw['id']}: bands must go from high to low")
        if len(self.problems) > before or counts is None:
            return None
        return Target(
            id=raw["id"], section=raw["section"], title=_text(raw["title"]), source=raw["source"].strip(),
            population=population, counts=counts, counts_text=raw["counts"], target=raw["target"], bands=bands,
            levels=tuple(raw["levels"]) or ("city", "district"), due=raw["due"], progress=progress,
            line=self.doc.locate(path).line,
        )

    def unique(self, ids: list[str], rules: tuple[Rule, ...], targets: tuple[Target, ...]) -> None:
        seen: set[str] = set()
        for i, rid in enumerate(self.data["rules"] + self.data["targets"]):
            key = rid["id"]
            if key in seen:
                where = ("rules", i) if i < len(self.data["rules"]) else ("targets", i - len(self.data["rules"]))
                self.problem(where + ("id",), f"重复的编号 {key}", f"duplicate id {key}")
            seen.add(key)


def _text(raw: dict[str, Any]) -> Bilingual:
    return Bilingual(raw["zh"] or "", raw["en"] or "")

