"""`carework plan …`: the commands for plan authors — test the rules on their cases, lint a plan, start next year's
plan from this year's, and compare two plans (docs/plans.md)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.coverage import print_problems
from carework.cli.inputs import located_plan
from carework.cli.options import LangOpt
from carework.core.problems import Lang

app = typer.Typer(
    help="给计划编写者：测试、检查、新建和比较计划。For plan authors: test, lint, start and compare plans.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PlanArg = Annotated[Path | None, typer.Argument(
    metavar="PLAN", help="Plan file (default: as for --plan: carework.yaml, data/plans/, the shipped plan).",
    show_default=False)]


@dataclass(frozen=True)
class PlanOptions:
    plan: Path | None
    lang: Lang
    verbose: bool = False


@app.command("test")
def test(
    ctx: typer.Context,
    plan: PlanArg = None,
    lang: LangOpt = "zh",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every case, not only the failing ones.")] = False,
) -> None:
    """运行计划旁的规则用例，列出未通过的规则和用例。Run the rule cases beside the plan; name each failing rule and
    case. Exit 0 when all pass, 1 when a case fails or a school rule lacks a pass and a fail case, 2 when the plan or a
    case file is invalid."""
    finish(ctx, lang, run_plan_tests, PlanOptions(plan, lang, verbose))


def run_plan_tests(options: PlanOptions) -> ExitCode:
    from carework.checking.plan_cases import run_cases

    path, loaded = located_plan(options.plan)
    report = run_cases(loaded, path)
    zh = options.lang == "zh"
    out = sys.stdout
    for outcome in report.outcomes:
        case = outcome.case
        where = f"{case.location.file}:{case.location.line}"
        if outcome.verdict in ("failed", "xpass"):
            out.write(f"✗ {case.label}  {where}\n    {outcome.why_zh if zh else outcome.why_en}\n")
        elif options.verbose:
            mark = "✓" if outcome.verdict == "ok" else "~"
            out.write(f"{mark} {case.label}\n")
    for rule_id, missing in report.uncovered:
        out.write(f"✗ {rule_id}：缺少 {'、'.join(missing)} 用例\n" if zh else f"✗ {rule_id}: no {' or '.join(missing)} case\n")
    counts = {v: sum(1 for o in report.outcomes if o.verdict == v) for v in ("ok", "failed", "xfail", "xpass")}
    failed = counts["failed"] + counts["xpass"]
    out.write(f"用例 {len(report.outcomes)} 个：通过 {counts['ok']}，未通过 {failed}，已知缺陷 {counts['xfail']}；"
              f"缺少用例的规则 {len(report.uncovered)} 条\n" if zh else
              f"{len(report.outcomes)} cases: {counts['ok']} passed, {failed} failed, {counts['xfail']} known defects; "
              f"{len(report.uncovered)} rules lack cases\n")
    if report.problems:
        print_problems(report.problems, options.lang, "用例文件有误" if zh else "the case files are invalid")
        return ExitCode.USAGE
    return ExitCode.OK if report.ok else ExitCode.GAPS
