"""`carework export`, `carework form` and `carework import`: the results as a workbook, a school's record as a form
to fill in, and filled forms back as records (docs/spreadsheets.md)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import cannot_write, emit, say
from carework.cli.helptext import bi
from carework.cli.inputs import checked, load_plan
from carework.cli.options import (
    AsOfOpt,
    DistrictOpt,
    LangOpt,
    NoCacheOpt,
    PathsArg,
    PlanOpt,
    RedactOpt,
    RosterOpt,
    RuleOpt,
    RunOptions,
    SchoolOpt,
    SectionOpt,
    WaiversOpt,
    run_options,
)
from carework.core.errors import CareworkError, Failure, refused
from carework.core.problems import Lang, Problem

if TYPE_CHECKING:
    from carework.schema.validate import Context

ExportFormat = Literal["xlsx", "csv"]
TableChoice = Literal["summary", "districts", "schools", "gaps", "problems"]


@dataclass(frozen=True)
class ExportOptions:
    run: RunOptions
    fmt: str
    output: Path
    table: str
    redact: bool


def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help=bi("写到这个文件（.xlsx 或 .csv）。", "The file to write (.xlsx or .csv)."))],
    paths: PathsArg = None,
    plan: PlanOpt = None,
    waivers: WaiversOpt = None,
    roster: RosterOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "zh",
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help=bi("xlsx（每张表一个工作表）或 csv（一张表，带 BOM 的 UTF-8）；默认按文件后缀。", "xlsx (every table, a sheet each) or csv (one table, UTF-8 with BOM); default: the file's suffix."))] = None,
    table: Annotated[TableChoice, typer.Option("--table", help=bi("CSV 里放哪一张表。", "The table a CSV holds."))] = "gaps",
    redact: RedactOpt = False,
    school: SchoolOpt = None,
    district: DistrictOpt = None,
    section: SectionOpt = None,
    rule: RuleOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """导出检查结果工作簿（汇总、各区、学校、整改清单、数据问题），或其中一张表的 CSV。

    选择记录的方法和 carework check 一样；工作簿里的整改清单可以按区、按程度筛选。
    """
    run = run_options(paths, plan, waivers, as_of, lang, school, district, section, rule, None, no_cache, roster)
    chosen = fmt or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
    finish(ctx, lang, run_export, ExportOptions(run, chosen, output, table, redact))


def run_export(options: ExportOptions) -> ExitCode:
    from carework.checking.redacted import redacted
    from carework.core.atomic import atomic_write
    from carework.export.csv import csv_chunks
    from carework.export.tables import tables
    from carework.export.xlsx import workbook_bytes

    lang = options.run.lang
    run = checked(options.run, False)
    if options.redact:
        run = redacted(run)
    made = tables(run, lang)
    try:
        if options.fmt == "csv":
            atomic_write(options.output, csv_chunks(next(t for t in made if t.key == options.table), lang))
        else:
            atomic_write(options.output, workbook_bytes(made, lang, run.plan.title.get(lang)))
    except OSError as exc:
        raise cannot_write(options.output, exc) from None
    say(f"已写出 {options.output.as_posix()}", f"wrote {options.output.as_posix()}", lang)
    return ExitCode.INVALID_DATA if any(p.level == "error" for p in run.problems) else ExitCode.OK


@dataclass(frozen=True)
class FormOptions:
    code: str
    output: Path
    into: Path
    plan: Path | None
    lang: Lang
    roster: Path | None = None


IntoOpt = Annotated[Path, typer.Option("--into", help=bi("学校记录所在的文件夹。", "The folder of school records."))]


def form(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=bi("学校代码；已有记录的，用它预先填好。", "The school's code; its record, if there is one, fills the form in."))],
    output: Annotated[Path, typer.Option("--output", "-o", help=bi("写出的 .xlsx 文件。", "The .xlsx file to write."))],
    into: IntoOpt = Path("data") / "schools",
    plan: PlanOpt = None,
    roster: RosterOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """写出一所学校的填报工作簿（有记录时预先填好）。

    没有记录时，学校名称、区、类型和办学性质取自名册。用 Excel、WPS 或 LibreOffice 填好后：carework import 文件.xlsx
    """
    finish(ctx, lang, run_form, FormOptions(code, output, into, plan, lang, roster))


def run_form(options: FormOptions) -> ExitCode:
    from carework.core.atomic import atomic_write
    from carework.export.form import form_bytes
    from carework.reading.loader import YamlError, load_file
    from carework.schema.school import CODE_PATTERN, SCHOOL

    lang = options.lang
    if not re.match(CODE_PATTERN, options.code):
        raise refused(f"学校代码 {options.code} 格式不对：只用字母、数字、- 和 _，2 到 32 个字符",
                      f"school code {options.code} is malformed: letters, digits, - and _ only, 2 to 32 characters")
    vocabularies = load_plan(options.plan).vocabularies
    record_file = options.into / f"{options.code}.yaml"
    record: dict[str, object] = _from_roster(options.code, options.roster)
    if record_file.is_file():
        try:
            loaded = load_file(record_file, record_file.as_posix()).value
        except YamlError as exc:
            raise CareworkError(Failure.DATA, "记录无法读取，先修正它再生成填报表", "the record cannot be read; fix it first",
                                [exc.problem]) from None
        record = loaded if isinstance(loaded, dict) else record
    title = f"{record.get('name') or options.code} 关工委工作记录填报表"
    try:
        atomic_write(options.output, form_bytes(SCHOOL, record, vocabularies, title))
    except OSError as exc:
        raise cannot_write(options.output, exc) from None
    if record_file.is_file():
        source, source_en = f"（已按 {record_file.as_posix()} 预填）", f" (prefilled from {record_file.as_posix()})"
    elif len(record) > 1:
        source, source_en = "（已按学校名册预填基本信息）", " (basic information from the roster)"
    else:
        source, source_en = "（空白）", " (blank)"
    say(f"已写出 {options.output.as_posix()}{source}", f"wrote {options.output.as_posix()}{source_en}", lang)
    return ExitCode.OK


def _from_roster(code: str, roster: Path | None) -> dict[str, object]:
    """A new record's identity as the roster has it (nothing but the code when no roster lists it)."""
    from carework.checking.config import resolve
    from carework.schema.roster import load_roster

    path = resolve([], None, None, Path.cwd(), roster).roster
    listed = load_roster(path, path.as_posix())[0] if path is not None and path.is_file() else None
    school = listed.by_code.get(code) if listed else None
    if school is None:
        return {"code": code}
    return {"code": code, "name": school.name, "district": school.district, "kind": school.kind,
            "ownership": school.ownership}


@dataclass(frozen=True)
class ImportOptions:
    files: tuple[Path, ...]
    into: Path
    replace: bool
    plan: Path | None
    lang: Lang


def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help=bi("填好的工作簿（.xlsx），可以多个。", "Filled-in workbooks (.xlsx)."))],
    into: IntoOpt = Path("data") / "schools",
    replace: Annotated[bool, typer.Option("--replace", help=bi("覆盖内容不同的已有记录（先看过差异再用）。", "Overwrite records that differ (after reviewing the diff)."))] = False,
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """把填好的工作簿读入为学校记录。

    有错误的工作簿什么也不写；已有记录而内容不同的，显示差异并保留原记录，除非加 --replace。
    """
    finish(ctx, lang, run_import, ImportOptions(tuple(files), into, replace, plan, lang))


def run_import(options: ImportOptions) -> ExitCode:
    import datetime as dt

    from carework.core.atomic import atomic_write
    from carework.reading.workbook import WorkbookError, read_workbook
    from carework.schema.form_read import read_form
    from carework.schema.record_text import record_yaml
    from carework.schema.school import SCHOOL
    from carework.schema.validate import Context, validate

    lang = options.lang
    plan = load_plan(options.plan)
    ctx = Context(vocabularies=plan.vocabularies, today=dt.date.today(), period=plan.period)
    worst = ExitCode.OK
    tally = {"written": 0, "unchanged": 0, "kept": 0, "invalid": 0}
    for path in options.files:
        display = path.as_posix()
        try:
            doc = read_form(read_workbook(path, display), SCHOOL)
        except WorkbookError as exc:
            emit(_line(display, "", exc.problem, lang))
            worst, tally["invalid"] = ExitCode.INVALID_DATA, tally["invalid"] + 1
            continue
        checked = validate(doc, SCHOOL, ctx)
        problems = doc.problems + checked.problems
        emit("".join(_line(display, doc.cell(p.location.path), p, lang) for p in problems))
        if any(p.level == "error" for p in problems):
            say(f"{display}：有错误，未写入任何记录", f"{display}: has errors; no record written", lang)
            worst, tally["invalid"] = ExitCode.INVALID_DATA, tally["invalid"] + 1
            continue
        text = record_yaml(checked.value, SCHOOL)
        target = options.into / f"{checked.value['code']}.yaml"
        old = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
        if old is not None and _same_record(old, checked.value, ctx):
            say(f"{display} → {target.as_posix()}：内容未变", f"{display} → {target.as_posix()}: unchanged", lang)
            tally["unchanged"] += 1
            continue
        if old is not None and not options.replace:
            emit("".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True), target.as_posix(),
                                              f"{target.as_posix()}（{display}）")))
            say(f"{target.as_posix()} 已存在且内容不同：核对上面的差异后，加 --replace 再运行一次以覆盖",
                f"{target.as_posix()} exists and differs: review the diff above, then run again with --replace", lang)
            worst = max(worst, ExitCode.GAPS)
            tally["kept"] += 1
            continue
        try:
            atomic_write(target, text.encode("utf-8"))
        except OSError as exc:
            raise cannot_write(target, exc) from None
        verb = ("已覆盖", "replaced") if old is not None else ("已写出", "wrote")
        say(f"{display} → {verb[0]} {target.as_posix()}", f"{display} → {verb[1]} {target.as_posix()}", lang)
        tally["written"] += 1
    if len(options.files) > 1:
        say(f"共 {len(options.files)} 份：写出 {tally['written']}，未变 {tally['unchanged']}，未覆盖 {tally['kept']}，"
            f"有错误 {tally['invalid']}",
            f"{len(options.files)} workbooks: {tally['written']} written, {tally['unchanged']} unchanged, "
            f"{tally['kept']} kept (differ), {tally['invalid']} with errors", lang)
    return worst


def _same_record(old_text: str, value: dict[str, object], ctx: Context) -> bool:
    """Whether an existing record holds the same data (comments and layout aside)."""
    from carework.reading.loader import YamlError, parse
    from carework.schema.school import SCHOOL
    from carework.schema.validate import validate

    try:
        return validate(parse(old_text, "old"), SCHOOL, ctx).value == value
    except YamlError:
        return False


def _line(workbook: str, cell: str, p: Problem, lang: Lang) -> str:
    level = {"error": ("错误", "error"), "warning": ("警告", "warning")}[p.level]
    where = f"{workbook} {cell}" if cell else workbook
    fix = p.fix(lang)
    tail = (f"（{fix}）" if lang == "zh" else f" ({fix})") if fix else ""
    sep = "：" if lang == "zh" else ": "
    return f"{where}{sep}{level[0] if lang == 'zh' else level[1]}{sep}{p.message(lang)}{tail}\n"


__all__ = ["export", "form", "import_"]
