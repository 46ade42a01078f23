"""`carework plan …`: the commands for plan authors — test the rules on their cases, lint a plan, start next year's
plan from this year's, and compare two plans (docs/plans.md)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.coverage import print_problems
from carework.cli.inputs import located_plan
from carework.cli.options import LangOpt
from carework.core.problems import Lang, Location

app = typer.Typer(
    help="给编写工作要点的人：测试、检查、新建和比较计划（见 docs/plans.md）。",
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


@app.command("lint")
def lint(
    ctx: typer.Context,
    plan: PlanArg = None,
    lang: LangOpt = "zh",
) -> None:
    """检查计划中可能的错误：未使用的参数、定义、名称表和记录字段，依据不明的参数，重复引文，不可能不达标或不可能达标的
    规则，计划期外的日期，以及各严重程度的规则数。Lint a plan. Exit 0 when there are no warnings (notices do not
    fail), 1 when there are, 2 when the plan is invalid."""
    finish(ctx, lang, run_lint, PlanOptions(plan, lang))


def run_lint(options: PlanOptions) -> ExitCode:
    from carework.rules.companion import Companion
    from carework.rules.plan_lint import lint as lint_plan

    path, loaded = located_plan(options.plan)
    source = Companion(path).source
    report = lint_plan(loaded, source.read_text(encoding="utf-8-sig") if source.is_file() else None)
    zh = options.lang == "zh"
    labels = {"warning": ("警告", "warning"), "notice": ("提示", "notice")}
    for finding in sorted(report.findings, key=lambda f: (f.level != "warning", f.location or Location(""), f.code)):
        where = f"{finding.location.file}:{finding.location.line}: " if finding.location else ""
        sys.stdout.write(f"{where}{labels[finding.level][0 if zh else 1]} [{finding.code}] {finding.message(options.lang)}\n")
    c = report.counts
    notices = len(report.findings) - len(report.warnings)
    sys.stdout.write(f"规则：必须 {c['error']}，应当 {c['warning']}，建议 {c['advice']}；教育局职责 {c['bureau']}；总体目标 "
                     f"{c['targets']}。警告 {len(report.warnings)}，提示 {notices}\n" if zh else
                     f"rules: {c['error']} must, {c['warning']} should, {c['advice']} advice; {c['bureau']} bureau duties; "
                     f"{c['targets']} targets. {len(report.warnings)} warnings, {notices} notices\n")
    return ExitCode.GAPS if report.warnings else ExitCode.OK


@dataclass(frozen=True)
class NewOptions:
    year: int
    source_year: int
    plans: Path
    lang: Lang


@app.command("new")
def new(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(metavar="YEAR", help="The new plan's year, e.g. 2025.")],
    source_year: Annotated[int, typer.Option("--from", help="The year of the plan to start from, e.g. 2024.")],
    plans: Annotated[Path, typer.Option("--plans", help="The folder of the plans.")] = Path("data/plans"),
    lang: LangOpt = "zh",
) -> None:
    """从上一年的计划生成新一年计划的草稿，附对照表（crosswalk）。Start next year's plan from this year's, with a
    crosswalk of every rule; never overwrites an existing plan."""
    finish(ctx, lang, run_new, NewOptions(year, source_year, plans, lang))


def run_new(options: NewOptions) -> ExitCode:
    from carework.core.atomic import atomic_write
    from carework.core.errors import refused
    from carework.core.paths import display_path
    from carework.rules.companion import Companion
    from carework.rules.plan import load_plan
    from carework.rules.plan_new import NEXT_STEPS, scaffold

    old_path = options.plans / f"{options.source_year}.yaml"
    new_path = options.plans / f"{options.year}.yaml"
    if not old_path.is_file():
        raise refused(f"找不到 {display_path(old_path)}（--from {options.source_year}）",
                      f"there is no {display_path(old_path)} (--from {options.source_year})")
    for existing in (new_path, Companion(new_path).folder):
        if existing.exists():
            raise refused(f"{display_path(existing)} 已存在，不会覆盖：请先改名或删除",
                          f"{display_path(existing)} exists and is never overwritten: rename or remove it first")
    old = load_plan(old_path, display_path(old_path))
    files = scaffold(old_path, old, options.year)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
    zh = options.lang == "zh"
    sys.stdout.write(f"已生成 {display_path(new_path)} 和 {display_path(Companion(new_path).folder)}/（{len(files)} 个文件）\n"
                      if zh else f"wrote {display_path(new_path)} and {display_path(Companion(new_path).folder)}/ ({len(files)} files)\n")
    sys.stdout.write(NEXT_STEPS.get(options.lang).format(folder=display_path(Companion(new_path).folder)) + "\n")
    return ExitCode.OK


@dataclass(frozen=True)
class DiffOptions:
    old: Path
    new: Path
    lang: Lang
    fmt: str = "text"


@app.command("diff")
def diff(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier plan file.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later plan file.")],
    lang: LangOpt = "zh",
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="Output format.")] = "text",
) -> None:
    """比较两份计划：新增、删除和修改的规则、参数和目标，每处放宽都给出警告。Compare two plans: added, removed and
    changed rules, settings and targets, with a warning for every weakening. Exit 0 when nothing is weaker, 1 when
    something is, 2 when a plan is invalid."""
    finish(ctx, lang, run_diff, DiffOptions(old, new, lang, fmt))


def run_diff(options: DiffOptions) -> ExitCode:
    from carework.core.errors import invalid_plan
    from carework.core.paths import display_path
    from carework.rules.companion import Companion
    from carework.rules.plan import load_plan
    from carework.rules.plan_diff import compare
    from carework.rules.plan_diff_output import DIFF_FORMATS
    from carework.rules.plan_new import CrosswalkEntry, load_crosswalk, renamed
    from carework.schema.validate import InvalidFile

    old = load_plan(options.old, display_path(options.old))
    new = load_plan(options.new, display_path(options.new))
    crosswalk = Companion(options.new).crosswalk
    entries: tuple[CrosswalkEntry, ...] = ()
    if crosswalk.is_file():
        try:
            _, entries = load_crosswalk(crosswalk, display_path(crosswalk))
        except InvalidFile as exc:
            raise invalid_plan(exc.problems) from None
    result = compare(old, new, renamed(entries))
    sys.stdout.write(DIFF_FORMATS[options.fmt](result, entries, options.lang))
    return ExitCode.GAPS if result.weakenings else ExitCode.OK
