"""`carework coverage`: the source text clause by clause, each with its disposition; fails on anything unaccounted."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.helptext import bi
from carework.cli.inputs import located_plan
from carework.cli.options import LangOpt, PlanOpt
from carework.core.errors import invalid_plan
from carework.core.problems import Lang, Problem


@dataclass(frozen=True)
class CoverageOptions:
    plan: Path | None
    lang: Lang
    fmt: str = "text"


def coverage(
    ctx: typer.Context,
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["text", "markdown", "json"], typer.Option("--format", help=bi("输出格式。", "Output format."))] = "text",
) -> None:
    """原文对照表：原文每一句的去向（规则、目标、教育局职责或背景）；有一句没有着落、或规则引用了原文中没有的话时退出码为 1
    （见 docs/plans.md）。"""
    finish(ctx, lang, show_coverage, CoverageOptions(plan, lang, fmt))


def show_coverage(options: CoverageOptions) -> ExitCode:
    from carework.rules.coverage import trace
    from carework.rules.coverage_output import COVERAGE_FORMATS
    from carework.schema.validate import InvalidFile

    path, loaded = located_plan(options.plan)
    try:
        cov = trace(loaded, path)
    except InvalidFile as exc:
        raise invalid_plan(exc.problems) from None
    sys.stdout.write(COVERAGE_FORMATS[options.fmt](cov, options.lang))
    if options.fmt != "json":
        print_problems(cov.problems, options.lang, "原文未完全对应" if options.lang == "zh" else "the trace is incomplete")
    return ExitCode.OK if cov.ok else ExitCode.GAPS


def print_problems(problems: tuple[Problem, ...] | list[Problem], lang: Lang, heading: str) -> None:
    """Problems one per line on standard error, in the shape every problem is printed in, under `heading`."""
    if not problems:
        return
    from carework.formats.text import problem_line

    typer.echo(f"{heading}（{len(problems)}）：" if lang == "zh" else f"{heading} ({len(problems)}):", err=True)
    for problem in problems:
        typer.echo(problem_line(problem, lang).plain, err=True)
