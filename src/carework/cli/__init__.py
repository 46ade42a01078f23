"""The command line: parse options, run the pipeline, print, and return a documented exit code.

All printing and exiting happens here; the stages below only return results.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from carework import __version__

if TYPE_CHECKING:
    from carework.checking.run import CheckRun
    from carework.formats.base import Format

app = typer.Typer(
    name="carework",
    help="检查学校关工委工作记录是否达到年度工作要点的要求。Check school committee records against the work points.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ExitCode(IntEnum):
    """The exit-code contract (README: "Exit codes")."""

    OK = 0  # no gaps at or above --fail-on, every record valid
    GAPS = 1  # gaps at or above --fail-on
    USAGE = 2  # bad command line, configuration or plan
    INVALID_DATA = 3  # at least one record (or the waiver file) has errors
    INTERNAL = 4  # a bug in carework
    BROKEN_PIPE = 141  # the reader of standard output went away (`carework check | head`), as SIGPIPE would say




def _today() -> dt.date:
    return dt.date.today()


def _parse_date(text: str | None, option: str) -> dt.date:
    if text is None:
        return _today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} 不是 YYYY-MM-DD 格式的日期 / is not a date (YYYY-MM-DD)", param_hint=option) from None


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(int(code))


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _width() -> int:
    if sys.stdout.isatty():
        try:
            return max(60, os.get_terminal_size().columns)
        except OSError:
            pass
    return 100


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carework {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """carework：教育关工委工作要点达标检查。"""


@dataclass(frozen=True)
class RunOptions:
    """What to check and how: shared by `check` and `report`."""

    paths: tuple[Path, ...]
    plan: Path | None
    waivers: Path | None
    as_of: dt.date
    lang: str
    schools: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sections: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()
    changed_since: str | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class CheckOptions:
    run: RunOptions
    fmt: str
    fail_on: str
    output: Path | None = None
    baseline: Path | None = None


PathsArg = Annotated[Optional[list[Path]], typer.Argument(help="School record files or folders (default: data/schools).",
                                                         show_default=False)]
PlanOpt = Annotated[Optional[Path], typer.Option("--plan", help="Plan file (default: data/plans/2024.yaml, else the shipped plan).")]
WaiversOpt = Annotated[Optional[Path], typer.Option("--waivers", help="Waiver file (default: data/waivers.yaml if present).")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Judge as of this date, YYYY-MM-DD (default: today).")]
Lang = Literal["zh", "en"]
FailOn = Literal["none", "advice", "warning", "error"]
TextOrJson = Literal["text", "json"]
#: `auto` and the keys of formats.FORMATS (a test keeps them equal).
CheckFormat = Literal["auto", "text", "json", "github", "junit", "sarif", "markdown"]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of messages: zh (default) or en.")]


@app.command()
def check(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[CheckFormat, typer.Option(
        "--format", help="Output format. auto: github annotations under GitHub Actions, else text (colour on a terminal; "
                         "NO_COLOR turns it off); with --output, chosen by the file's suffix (.sarif, .xml, .json, .md).")] = "auto",
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the format to this file (atomically); the terminal still gets the text.")] = None,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", help="An earlier --format json result: report (and --fail-on) only new gaps, list resolved ones.")] = None,
    changed_since: Annotated[Optional[str], typer.Option(
        "--changed-since", metavar="REV", help="Report only records git says changed since REV (targets still use all).")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when a gap of this severity or worse is found.")] = "none",
    school: Annotated[Optional[list[str]], typer.Option("--school", help="Only this school code (repeatable).")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="Only this district (repeatable).")] = None,
    section: Annotated[Optional[list[int]], typer.Option("--section", help="Only this section number (repeatable).")] = None,
    rule: Annotated[Optional[list[str]], typer.Option("--rule", help="Only this rule id (repeatable).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Check every record afresh; neither read nor write the cache (README: Performance).")] = False,
) -> None:
    """检查学校记录。Check school records against the plan and print the gaps and a summary.

    With PATHS, only those records are reported on; aggregate targets are still computed over the whole data set.
    """
    run = RunOptions(tuple(paths or ()), plan, waivers, _parse_date(as_of, "--as-of"), lang, tuple(school or ()),
                     tuple(district or ()), tuple(section or ()), tuple(rule or ()), changed_since, not no_cache)
    raise typer.Exit(int(_run_check(CheckOptions(run, fmt, fail_on, output, baseline))))


def _progress_wanted(fmt: str) -> bool:
    """A progress bar only beside the text format on a terminal (see carework.cli.progress)."""
    from carework.cli.progress import wanted
    from carework.formats import FORMATS

    shown = "text" if fmt == "auto" or fmt not in FORMATS else fmt
    return wanted(machine_format=FORMATS[shown].machine or os.environ.get("GITHUB_ACTIONS") == "true")


def _libyaml_notice() -> None:
    """One line on standard error when PyYAML runs without libyaml: checks still work, several times slower."""
    from carework.reading.loader import HAVE_LIBYAML

    if not HAVE_LIBYAML:
        typer.echo("注意：PyYAML 未使用 libyaml，读取记录会慢几倍 / note: PyYAML is running without libyaml, so reading "
                   "records is several times slower", err=True)


def _checked(o: RunOptions, progress: bool, formats: tuple[Format, ...] = ()) -> CheckRun:
    """Resolve the inputs and run the pipeline. With PATHS (or --changed-since) only those records are reported on,
    while aggregate targets are still computed over the whole data set; `formats` are those the run will be written
    in (the pipeline prepares their per-school pieces). Usage problems exit 2 here."""
    from carework.checking.cache import default_root
    from carework.checking.changed import GitError, changed_records, focus
    from carework.checking.config import ConfigError, resolve
    from carework.checking.pipeline import Selection, run_check
    from carework.cli.progress import progress_bar
    from carework.rules.plan import PlanError

    _libyaml_notice()
    cwd = Path.cwd()
    try:
        inputs = resolve([], o.plan, o.waivers, cwd)
    except ConfigError as exc:
        raise _fail(_problems_text(exc.problems, o.lang), ExitCode.USAGE) from None
    if not o.paths and not any(p.exists() for p in inputs.schools):
        raise _fail(_no_data_message(inputs.schools, o.lang), ExitCode.USAGE)
    files = None
    if o.paths or o.changed_since:
        wanted = list(o.paths)
        if o.changed_since:
            try:
                wanted = changed_records(o.changed_since, wanted or list(inputs.schools), cwd)
            except GitError as exc:
                raise _fail(exc.message(o.lang), ExitCode.USAGE) from None
            if not wanted:
                typer.echo(f"自 {o.changed_since} 以来没有变动的学校记录" if o.lang == "zh"
                           else f"no school record changed since {o.changed_since}", err=True)
        focused = focus(wanted, inputs.schools)
        inputs, files = replace(inputs, schools=focused.roots), focused.files
    selection = Selection(o.schools, o.districts, o.sections, o.rules, files)
    try:
        with progress_bar(progress, "检查记录" if o.lang == "zh" else "checking records") as shown:
            run = run_check(inputs, o.as_of, _today(), selection, cache_dir=default_root() if o.use_cache else None,
                            progress=shown, pieces=formats)
    except PlanError as exc:
        raise _fail(_problems_text(exc.problems, o.lang), ExitCode.USAGE) from None
    unknown = _unknown_filters(run, selection)
    if unknown:
        raise _fail(unknown, ExitCode.USAGE)
    import gc

    gc.freeze()  # the run lives until exit: the collector need not rescan its results while the output is written
    return run


def _run_check(options: CheckOptions) -> ExitCode:
    from carework.checking.baseline import BaselineError, compare, describe, load_baseline, only_new
    from carework.core.model import SEVERITIES, Status
    from carework.core.paths import display_path
    from carework.formats import FORMATS, FormatOptions

    lang = options.run.lang
    try:
        known = load_baseline(options.baseline, display_path(options.baseline)) if options.baseline else None
    except BaselineError as exc:
        raise _fail(exc.message(lang), ExitCode.USAGE) from None
    terminal = _auto_format() if options.fmt == "auto" or options.output else options.fmt
    formatter = FORMATS[terminal](FormatOptions(lang=lang, color=_use_color(), width=_width()))  # type: ignore[arg-type]
    document = None
    if options.output:
        chosen = _format_for_file(options.output) if options.fmt == "auto" else options.fmt
        document = FORMATS[chosen](FormatOptions(lang=lang, color=False, width=100))  # type: ignore[arg-type]
    run = _checked(options.run, _progress_wanted(options.fmt), (formatter,) + ((document,) if document else ()))
    comparison = compare(run, known) if known else None
    if comparison:
        run = only_new(run, comparison)
    if options.output and document is not None:
        try:
            _write_atomic(options.output, document.chunks(run))
        except OSError as exc:
            raise _fail(f"无法写入 {options.output} / cannot write {options.output}: {exc.strerror or exc}", ExitCode.USAGE) from None
    _emit(formatter.chunks(run))
    if comparison:  # beside a document on stdout it goes to stderr, so the document stays parseable
        stream = sys.stderr if formatter.machine and terminal != "github" else sys.stdout
        stream.write(describe(comparison, run.plan.id, lang))
    if any(p.level == "error" for p in run.problems):
        return ExitCode.INVALID_DATA
    if options.fail_on != "none":
        bar = SEVERITIES[: SEVERITIES.index(options.fail_on) + 1]  # type: ignore[arg-type]
        severity = {r.id: r.severity for r in run.plan.rules}
        if any(status == Status.FAIL and severity[rule] in bar for _, rule, status in run.results.statuses()):
            return ExitCode.GAPS
    return ExitCode.OK


def _emit(text: str | Iterable[str]) -> None:
    """Print to standard output; a reader that went away (`| head`) ends the run quietly with 141, as SIGPIPE would."""
    try:
        sys.stdout.writelines([text] if isinstance(text, str) else text)
        sys.stdout.flush()
    except BrokenPipeError:
        try:  # so the interpreter's own final flush does not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None


def _auto_format() -> str:
    """GitHub annotations inside GitHub Actions, text everywhere else (the text format decides about colour)."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _format_for_file(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".sarif", ".sarif.json")):
        return "sarif"
    return {".xml": "junit", ".json": "json", ".md": "markdown"}.get(path.suffix.lower(), "text")


def _write_atomic(path: Path, text: str | Iterable[str]) -> None:
    from carework.core.atomic import atomic_write

    atomic_write(path, text.encode("utf-8") if isinstance(text, str) else (piece.encode("utf-8") for piece in text))


def _unknown_filters(run: object, selection: object) -> str | None:
    from carework.checking.pipeline import Selection
    from carework.checking.run import CheckRun

    assert isinstance(run, CheckRun) and isinstance(selection, Selection)
    codes = {s.code for s in run.schools}
    districts = {s.district for s in run.schools}
    rule_ids = {r.id for r in run.plan.rules}
    sections = {s.number for s in run.plan.sections}
    for value in selection.schools:
        if value not in codes:
            return f"没有代码为 {value} 的学校记录 / no school with code {value}"
    for value in selection.districts:
        if value not in districts:
            return f"没有 {value} 的学校记录（已有：{'、'.join(sorted(districts))}）/ no school in district {value}"
    for value in selection.rules:
        if value not in rule_ids:
            return f"计划中没有规则 {value}（carework rules 可列出全部）/ no rule {value} in the plan"
    for number in selection.sections:
        if number not in sections:
            return f"计划中没有第 {number} 部分 / the plan has no section {number}"
    return None


def _no_data_message(folders: tuple[Path, ...], lang: str) -> str:
    where = ", ".join(str(f) for f in folders)
    if lang == "zh":
        return f"找不到学校记录文件夹 {where}。请在数据仓库的根目录运行，或给出记录所在的文件夹：carework check 路径"
    return f"no school records at {where}. Run from the data repository's root, or name the folder: carework check PATH"


def _problems_text(problems: list, lang: str) -> str:  # type: ignore[type-arg]
    from carework.formats.text import problem_line

    heading = "计划或配置有误，未检查任何学校：" if lang == "zh" else "The plan or configuration is invalid; no school was checked:"
    return "\n".join([heading] + [problem_line(p, lang).plain for p in problems])


@dataclass(frozen=True)
class ReportOptions:
    run: RunOptions
    out: Path
    templates: Path | None


@app.command()
def report(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    out: Annotated[Path, typer.Option("--out", help="Folder to write the reports into.")] = Path("reports"),
    school: Annotated[Optional[list[str]], typer.Option("--school", help="Only this school's report (repeatable).")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="Only this district's reports (repeatable).")] = None,
    templates: Annotated[Optional[Path], typer.Option(
        "--templates", help="Folder of templates that replace the shipped ones of the same name.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Check every record afresh (README: Performance).")] = False,
) -> None:
    """写出整改清单和汇总报告。Write Markdown gap reports: one per school, one per district, the city, an index.

    With --school or --district only those reports are written and nothing is removed; a full run also rewrites
    the index and the city summary and removes reports carework wrote earlier that no longer have a school.
    """
    run = RunOptions(tuple(paths or ()), plan, waivers, _parse_date(as_of, "--as-of"), lang, tuple(school or ()),
                     tuple(district or ()), use_cache=not no_cache)
    raise typer.Exit(int(_run_report(ReportOptions(run, out, templates))))


def _run_report(options: ReportOptions) -> ExitCode:
    from carework.report import Scope, TemplateProblem, WriteError, make_renderer, pages, render_pages, write_reports

    lang = options.run.lang
    if options.templates is not None and not options.templates.is_dir():
        raise _fail(f"模板文件夹 {options.templates} 不存在 / no template folder {options.templates}", ExitCode.USAGE)
    run = _checked(options.run, _progress_wanted("text"))
    selection = options.run
    full = not (selection.schools or selection.districts or selection.paths)
    districts = sorted({s.district for s in run.schools}) if full else list(selection.districts if not selection.schools else ())
    try:
        files = render_pages(make_renderer(lang, options.templates), pages(run, Scope(full, tuple(districts))))  # type: ignore[arg-type]
        written = write_reports(options.out, files, prune=full)
    except TemplateProblem as exc:
        raise _fail(f"模板出错 / template error: {exc.where}: {exc.message}", ExitCode.USAGE) from None
    except WriteError as exc:
        raise _fail(exc.message(lang), ExitCode.USAGE) from None
    except OSError as exc:
        raise _fail(f"无法写入 {options.out} / cannot write {options.out}: {exc.strerror or exc}", ExitCode.USAGE) from None
    where = options.out.as_posix()
    if lang == "zh":
        line = (f"已在 {where} 生成 {len(files)} 个报告文件（更新 {len(written.written)} 个，未变 {len(written.unchanged)} 个，"
                f"删除过期 {len(written.removed)} 个）")
        kept = f"以下过期文件已被手工修改，未删除：{'、'.join(written.kept)}"
    else:
        line = (f"{len(files)} report file(s) in {where} ({len(written.written)} updated, {len(written.unchanged)} unchanged, "
                f"{len(written.removed)} stale removed)")
        kept = f"stale files edited by hand, not removed: {', '.join(written.kept)}"
    typer.echo(line)
    if written.kept:
        typer.echo(kept, err=True)
    return ExitCode.INVALID_DATA if any(p.level == "error" for p in run.problems) else ExitCode.OK


@app.command()
def rules(
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = "text",
) -> None:
    """列出计划中的全部规则。List the plan's rules."""
    from carework.rules.explain import rules_json, rules_text

    loaded = _load_plan(plan, lang)
    sys.stdout.write(rules_json(loaded, lang) if fmt == "json" else rules_text(loaded, lang, _use_color(), _width()))


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="A rule or target id, e.g. S2-06.")],
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """完整说明一条规则：原文、检查方法、整改办法。Explain one rule: source, check, remedy."""
    from carework.rules.explain import explain_text

    loaded = _load_plan(plan, lang)
    text = explain_text(loaded, rule_id, lang)
    if text is None:
        known = ", ".join([r.id for r in loaded.rules] + [t.id for t in loaded.targets])
        raise _fail(f"计划中没有 {rule_id} / no rule {rule_id} in the plan (known: {known})", ExitCode.USAGE)
    sys.stdout.write(text)


@app.command()
def template() -> None:
    """打印学校记录模板（带中文注释），复制后填写。Print the commented school-record template to fill in.

    carework template > data/schools/学校代码.yaml
    """
    from carework.core.resources import templates_dir

    _emit((templates_dir() / "record-template.yaml").read_text(encoding="utf-8"))


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write it; - for standard output.")] =
    Path("schema") / "school.schema.json",
    plan: PlanOpt = None,
) -> None:
    """写出学校记录的 JSON Schema，供编辑器提示和校验。Write the school record's JSON Schema for editors.

    yaml-language-server reads it from a record's first line: # yaml-language-server: $schema=PATH
    """
    from carework.schema.json_schema import schema_text

    text = schema_text(_load_plan(plan, "zh").vocabularies)
    if str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        _write_atomic(output, text)
    except OSError as exc:
        raise _fail(f"无法写入 {output} / cannot write {output}: {exc.strerror or exc}", ExitCode.USAGE) from None
    typer.echo(f"已写出 / wrote {output.as_posix()}")


def _load_plan(plan: Path | None, lang: str):  # type: ignore[no-untyped-def]
    from carework.checking.config import ConfigError, resolve
    from carework.core.paths import display_path
    from carework.rules.plan import PlanError, load_plan

    try:
        inputs = resolve([], plan, None, Path.cwd())
        return load_plan(inputs.plan, display_path(inputs.plan))
    except (PlanError, ConfigError) as exc:
        raise _fail(_problems_text(exc.problems, lang), ExitCode.USAGE) from None


def main() -> None:
    """Console entry point: no traceback reaches a user unless they ask for it with --debug."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("已中断 / interrupted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:  # the last line of defence; --debug shows the traceback
        if "--debug" in sys.argv[1:]:
            traceback.print_exc()
            raise SystemExit(int(ExitCode.INTERNAL)) from None
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]  # one line, whatever the exception says
        typer.echo(
            f"carework 内部错误 / internal error: {what} — 这是 carework 的缺陷，不是您的数据的问题：请带上 --debug 重新运行，"
            "把输出附在问题报告中 / a bug in carework, not in your data: re-run with --debug and attach the output to a bug report",
            err=True,
        )
        raise SystemExit(int(ExitCode.INTERNAL)) from None
