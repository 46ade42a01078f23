"""`carework rules` and `carework explain`: the plan's rules, listed or one explained whole."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import use_color, width
from carework.cli.helptext import bi
from carework.cli.inputs import load_plan
from carework.cli.options import LangOpt, PlanOpt
from carework.core.errors import refused
from carework.core.problems import Lang


@dataclass(frozen=True)
class RulesOptions:
    plan: Path | None
    lang: Lang
    fmt: str = "text"
    rule_id: str = ""


def rules(
    ctx: typer.Context,
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help=bi(
        "输出格式：text（文字）或 json（供程序读取）。", "Output format: text or json (for tools)."))] = "text",
) -> None:
    """列出工作要点（计划）中的全部规则。"""
    finish(ctx, lang, list_rules, RulesOptions(plan, lang, fmt))


def explain(
    ctx: typer.Context,
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help=bi(
        "规则或目标的编号，例如 S2-06。", "A rule or target id, e.g. S2-06."))],
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """完整说明一条规则：原文、检查方法、整改办法。"""
    finish(ctx, lang, explain_rule, RulesOptions(plan, lang, rule_id=rule_id))


def list_rules(options: RulesOptions) -> ExitCode:
    from carework.rules.explain import rules_json, rules_text

    loaded = load_plan(options.plan)
    lang = options.lang
    sys.stdout.write(rules_json(loaded, lang) if options.fmt == "json" else rules_text(loaded, lang, use_color(), width()))
    return ExitCode.OK


def explain_rule(options: RulesOptions) -> ExitCode:
    from carework.rules.explain import explain_text

    loaded = load_plan(options.plan)
    text = explain_text(loaded, options.rule_id, options.lang)
    if text is None:
        known = ", ".join([r.id for r in loaded.rules] + [t.id for t in loaded.targets])
        raise refused(f"计划中没有 {options.rule_id}（已有：{known}）", f"no rule {options.rule_id} in the plan (known: {known})")
    sys.stdout.write(text)
    return ExitCode.OK
