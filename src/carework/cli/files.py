"""`carework template` and `carework schema`: the files a data repository starts from."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, say, write_file
from carework.cli.helptext import bi
from carework.cli.inputs import load_plan, protected
from carework.cli.options import LangOpt, PlanOpt
from carework.cli.start import (
    DistrictOpt,
    Identity,
    KindOpt,
    NameOpt,
    OutputOpt,
    OwnershipOpt,
    checked_identity,
    record_text,
    schema_link,
    write_record,
)
from carework.core.problems import Lang


@dataclass(frozen=True)
class TemplateOptions:
    identity: Identity
    output: Path | None
    lang: Lang


def template(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Option("--code", help=bi("学校代码，例如 TN-XX-009。", "The school's code."))] = None,
    name: NameOpt = None,
    district: DistrictOpt = None,
    kind: KindOpt = None,
    ownership: OwnershipOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """打印学校记录模板（带中文注释），或用 --output 写成预填好的记录文件。

    carework template --code TN-XX-009 --name 云溪市示例小学 --district 天宁区 --kind 小学 --output data/schools/TN-XX-009.yaml
    """
    finish(ctx, lang, print_template, TemplateOptions(Identity(code, name, district, kind, ownership), output, lang))


def print_template(options: TemplateOptions) -> ExitCode:
    """With --output, the record written as `carework new` writes it; else printed, its schema link right for a copy
    in data/schools/."""
    identity = checked_identity(options.identity, options.lang, required=False)
    if options.output is not None:
        write_record(options.output, identity, options.lang)
        say(f"已写出 {options.output.as_posix()}", f"wrote {options.output.as_posix()}", options.lang)
        return ExitCode.OK
    emit(record_text(identity, schema_link(Path("data") / "schools" / "record.yaml")))
    return ExitCode.OK


@dataclass(frozen=True)
class SchemaOptions:
    output: Path
    plan: Path | None
    lang: Lang


def schema(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help=bi(
        "写到哪里（普通文件，不能是输入文件，也不能在数据文件夹里）；- 表示直接显示出来。",
        "Where to write it (a regular file, never an input nor inside the data folders); - for standard output."))] =
    Path("schema") / "school.schema.json",
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """写出学校记录的 JSON Schema，供编辑器（如 VS Code）提示和校验。

    编辑器从记录的第一行读取它：# yaml-language-server: $schema=路径
    """
    finish(ctx, lang, write_schema, SchemaOptions(output, plan, lang))


def write_schema(options: SchemaOptions) -> ExitCode:
    from carework.core.destination import check_output_file
    from carework.schema.json_schema import schema_text

    check_output_file(options.output, protected(None, options.plan), "--output")
    text = schema_text(load_plan(options.plan).vocabularies)
    if str(options.output) == "-":
        sys.stdout.write(text)
        return ExitCode.OK
    write_file(options.output, text)
    say(f"已写出 {options.output.as_posix()}", f"wrote {options.output.as_posix()}", options.lang)
    return ExitCode.OK
