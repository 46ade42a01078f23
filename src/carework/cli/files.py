"""`carework template` and `carework schema`: the files a data repository starts from."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import emit, say, write_file
from carework.cli.inputs import load_plan, protected
from carework.cli.options import LangOpt, PlanOpt
from carework.core.problems import Lang


def template(ctx: typer.Context) -> None:
    """打印学校记录模板（带中文注释），复制后填写。Print the commented school-record template to fill in.

    carework template > data/schools/学校代码.yaml
    """
    finish(ctx, "zh", print_template, None)


def print_template(_: None) -> ExitCode:
    from carework.core.resources import templates_dir

    emit((templates_dir() / "record-template.yaml").read_text(encoding="utf-8"))
    return ExitCode.OK


@dataclass(frozen=True)
class SchemaOptions:
    output: Path
    plan: Path | None
    lang: Lang


def schema(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write it (a regular file, never an input nor inside the data folders); - for standard output.")] =
    Path("schema") / "school.schema.json",
    plan: PlanOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """写出学校记录的 JSON Schema，供编辑器提示和校验。Write the school record's JSON Schema for editors.

    yaml-language-server reads it from a record's first line: # yaml-language-server: $schema=PATH
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
