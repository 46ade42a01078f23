"""`carework init` and `carework new`: start a data repository, and a school's record, without knowing git or YAML.

Both only add files: one that already exists is never changed (carework never changes a user's data), and every
file is written atomically in UTF-8, whatever the console's encoding.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from carework.cli.boundary import ExitCode, finish
from carework.cli.console import say, write_file
from carework.cli.helptext import bi
from carework.cli.language import display_width
from carework.cli.options import LangOpt
from carework.core.errors import refused
from carework.core.problems import Lang

CONFIG_TEXT = """\
# carework 的设置。这个文件夹是一个“数据仓库”：放全市各校的关工委工作记录、学校名册和豁免。
# 在这个文件夹里运行 carework check 即可检查全部记录。
schools: [data/schools]      # 学校记录所在的文件夹：每所学校一个“学校代码.yaml”
roster: data/roster.csv      # 教育局的学校名册：用 Excel/WPS 填写，另存为“CSV UTF-8”
waivers: data/waivers.yaml   # 经批准的豁免（暂不要求某校达到某条规则）
"""

#: Excel and WPS open a CSV as UTF-8 only with the byte-order mark; they write CRLF.
ROSTER_TEXT = "\ufeff学校代码,学校名称,区,类型,办学性质\r\n"

WAIVERS_TEXT = """\
# 豁免：经市教育局关工委办公室批准，暂不要求某所学校达到某条规则，每条一项。
# 写法如下（把下面几行开头的“# ”去掉，并删掉最后一行的 waivers: []）：
# waivers:
#   - rule: S2-12                        # 规则编号（carework rules 可列出全部）
#     school: TN-XX-001                  # 学校代码
#     reason: 新校舍装修中，办公室 2025 年春季启用
#     approved_by: 市教育局关工委办公室
#     expires: 2025-03-31                # 到期后豁免自动失效
waivers: []
"""

GITIGNORE_TEXT = """\
# 不放进仓库的文件：Python 虚拟环境、Office/WPS 打开文件时的临时锁文件、系统生成的文件
.venv/
__pycache__/
~$*
.~lock.*#
Thumbs.db
.DS_Store
"""

SCHEMA_FILE = Path("schema") / "school.schema.json"
_TOP_LEVEL = re.compile(r"^(?P<key>code|name|district|kind|ownership):(?P<value>[^#\n]*?)(?P<comment>\s+#.*)?$", re.M)
_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=.*$", re.M)


# ---------------------------------------------------------------------------------------------------- carework init


@dataclass(frozen=True)
class InitOptions:
    directory: Path
    lang: Lang


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help=bi(
        "数据仓库的文件夹（默认当前文件夹；不存在就新建）。", "The data repository's folder (default: here; made if missing)."))] =
    Path("."),
    lang: LangOpt = "zh",
) -> None:
    """新建一个数据仓库（默认在当前文件夹）。

    写入 carework.yaml、data/schools/、待填写的学校名册、豁免文件示例、.gitignore、编辑器用的 schema
    和 CI 配置文件；已经存在的文件保持原样，不会被改动。
    """
    finish(ctx, lang, make_repository, InitOptions(directory, lang))


def repository_files() -> dict[str, str | Path]:
    """What `carework init` writes, by POSIX path: text, or a shipped file to copy."""
    from carework.core.resources import RECIPES, default_plan, recipe_files
    from carework.rules.plan import load_plan
    from carework.schema.json_schema import schema_text

    files: dict[str, str | Path] = {
        "carework.yaml": CONFIG_TEXT,
        "data/roster.csv": ROSTER_TEXT,
        "data/waivers.yaml": WAIVERS_TEXT,
        "data/schools/.gitkeep": "",
        ".gitignore": GITIGNORE_TEXT,
        SCHEMA_FILE.as_posix(): schema_text(load_plan(default_plan()).vocabularies),
    }
    for name in RECIPES:
        files.update(recipe_files(name))
    return files


def make_repository(options: InitOptions) -> ExitCode:
    root, lang = options.directory, options.lang
    if root.exists() and not root.is_dir():
        raise refused(f"{root} 是一个文件，不是文件夹：请换一个名字", f"{root} is a file, not a folder: choose another name")
    written, kept = [], []
    for name, content in repository_files().items():
        target = root / name
        if target.exists() or target.is_symlink():
            kept.append(name)
            continue
        if isinstance(content, Path):
            _write_bytes(target, content.read_bytes())
        else:
            write_file(target, content)
        written.append(name)
    where = root.as_posix()
    say(f"已在 {where} 建立数据仓库，写入 {len(written)} 个文件：", f"data repository in {where}: {len(written)} file(s) written:",
        lang)
    for name in written:
        typer.echo(f"  {name}")
    if kept:
        say(f"已存在、保持原样的 {len(kept)} 个：{'、'.join(kept)}", f"{len(kept)} already there, left as they were: "
            f"{', '.join(kept)}", lang)
    enter = "" if root.resolve() == Path.cwd().resolve() else f"cd {where}\n       "
    say("下一步：\n"
        "  1. 用 Excel 或 WPS 打开 data/roster.csv，在表头下每行填一所学校，另存为“CSV UTF-8”；\n"
        "  2. 为每所学校建一份记录（名册上有的学校只写代码即可），例如：\n"
        f"       {enter}carework new TN-XX-001 --name 云溪市实验小学 --district 天宁区 --kind 小学\n"
        "  3. 检查全部记录：carework check",
        "next:\n"
        "  1. open data/roster.csv in Excel or WPS, add one school a row under the header, save as CSV UTF-8;\n"
        "  2. start each school's record (the code alone for a school on the roster), e.g.:\n"
        f"       {enter}carework new TN-XX-001 --name 云溪市实验小学 --district 天宁区 --kind primary\n"
        "  3. check every record: carework check", lang)
    return ExitCode.OK


def _write_bytes(target: Path, data: bytes) -> None:
    from carework.cli.console import cannot_write
    from carework.core.atomic import atomic_write

    try:
        atomic_write(target, data)
    except OSError as exc:
        raise cannot_write(target, exc) from None


# ----------------------------------------------------------------------------------------------------- carework new


@dataclass(frozen=True)
class Identity:
    """What a new record is prefilled with; None leaves the template's example."""

    code: str | None = None
    name: str | None = None
    district: str | None = None
    kind: str | None = None
    ownership: str | None = None


@dataclass(frozen=True)
class NewOptions:
    identity: Identity
    output: Path | None
    lang: Lang


NameOpt = Annotated[str | None, typer.Option("--name", help=bi("学校全称，例如 云溪市实验小学。",
                                                               "The school's full name."))]
DistrictOpt = Annotated[str | None, typer.Option("--district", help=bi("所属区（县、市），例如 天宁区。",
                                                                       "The school's district."))]
KindOpt = Annotated[str | None, typer.Option("--kind", help=bi(
    "学校类型：幼儿园 小学 初中 普通高中 九年一贯制学校 中等职业学校（或 kindergarten primary junior senior nine_year "
    "vocational）。",
    "Kind of school: kindergarten, primary, junior, senior, nine_year, vocational (or the Chinese names)."))]
OwnershipOpt = Annotated[str | None, typer.Option("--ownership", help=bi(
    "办学性质：公办 或 民办（public / private；不填为公办）。", "public or private (公办/民办; default public)."))]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help=bi(
    "写到这个文件（UTF-8 编码；已存在则不写）。", "Write to this file (UTF-8; an existing file is never overwritten)."))]


def new(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help=bi(
        "学校代码，全市唯一，只用字母、数字、- 和 _，例如 TN-XX-009。", "The school's code, e.g. TN-XX-009."))],
    name: NameOpt = None,
    district: DistrictOpt = None,
    kind: KindOpt = None,
    ownership: OwnershipOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """为一所学校新建记录：data/schools/学校代码.yaml，已预填、带中文注释（UTF-8 编码）。

    有学校名册时，名称、区和类型可以不写，从名册中取。
    """
    finish(ctx, lang, write_new_record, NewOptions(Identity(code, name, district, kind, ownership), output, lang))


def write_new_record(options: NewOptions) -> ExitCode:
    from carework.checking.config import resolve

    lang = options.lang
    inputs = resolve([], None, None, Path.cwd())
    identity = checked_identity(from_roster(options.identity, inputs.roster), lang, required=True)
    output = options.output or inputs.schools[0] / f"{identity.code}.yaml"
    write_record(output, identity, lang)
    shown = _shown(output)
    say(f"已写出 {shown}。用记事本、WPS 或 VS Code 打开，按“#”后的说明填写，然后检查：\n  carework check {shown}",
        f"wrote {shown}. Open it in Notepad, WPS or VS Code, fill it in as its comments say, then check it:\n"
        f"  carework check {shown}", lang)
    return ExitCode.OK


def write_record(output: Path, identity: Identity, lang: Lang) -> None:
    """Write the prefilled template to `output` (never over an existing file), its schema link right for there."""
    if output.exists() or output.is_symlink():
        raise refused(f"{_shown(output)} 已存在：carework 不会覆盖已有的记录（要重新开始，先把它改名或删除）",
                      f"{_shown(output)} exists: carework never overwrites a record (rename or delete it first)")
    write_file(output, record_text(identity, schema_link(output)))


def from_roster(identity: Identity, roster: Path | None) -> Identity:
    """Fill what the command line left out from the roster's row for the code, when there is one."""
    if roster is None or identity.code is None or None not in (identity.name, identity.district, identity.kind):
        return identity
    from carework.core.paths import display_path
    from carework.schema.roster import load_roster

    loaded, _ = load_roster(roster, display_path(roster))
    row = loaded.by_code.get(identity.code) if loaded else None
    if row is None:
        return identity
    return Identity(identity.code, identity.name or row.name, identity.district or row.district,
                    identity.kind or row.kind, identity.ownership or row.ownership)


def checked_identity(identity: Identity, lang: Lang, required: bool) -> Identity:
    """The identity with kind and ownership as the record's keys (小学 → primary); a missing or malformed value is a
    usage error saying what to write."""
    from carework.schema.identity import invisible_character, normalise
    from carework.schema.school import CODE_PATTERN, OWNERSHIP, SCHOOL_KINDS

    missing = [option for option, value in (("--name", identity.name), ("--district", identity.district),
                                            ("--kind", identity.kind)) if not value]
    if required and missing:
        raise refused(f"缺少 {' '.join(missing)}：例如 carework new {identity.code} --name 云溪市实验小学 --district 天宁区 "
                      "--kind 小学（学校名册上有这所学校时可以不写）",
                      f"missing {' '.join(missing)}: e.g. carework new {identity.code} --name 云溪市实验小学 --district 天宁区 "
                      "--kind primary (not needed when the roster lists the school)")
    values = {}
    for option, value in (("CODE", identity.code), ("--name", identity.name), ("--district", identity.district)):
        if value is not None:
            value = normalise(value)
            invisible = invisible_character(value)
            if invisible or not value:
                raise refused(f"{option} 的值不能为空，也不能含看不见的字符（{invisible}）",
                              f"{option} must not be empty or hold an invisible character ({invisible})")
        values[option] = value
    code = values["CODE"]
    if code is not None and (not re.match(CODE_PATTERN, code) or code == "record-template"):
        raise refused(f"学校代码 {code!r} 不合要求：只用字母、数字、- 和 _，2–32 个字符，例如 TN-XX-009",
                      f"school code {code!r} is malformed: letters, digits, - and _, 2–32 characters, e.g. TN-XX-009")
    kind = _choice(identity.kind, SCHOOL_KINDS, "--kind", lang)
    ownership = _choice(identity.ownership, OWNERSHIP, "--ownership", lang)
    return Identity(code, values["--name"], values["--district"], kind, ownership)


def _choice(value: str | None, choice: object, option: str, lang: Lang) -> str | None:
    from carework.schema.fieldtypes import Choice

    assert isinstance(choice, Choice)
    if value is None:
        return None
    for o in choice.options:
        if value.strip() in (o.value, o.zh, o.en):
            return o.value
    known_zh = "、".join(f"{o.zh}（{o.value}）" for o in choice.options)
    known_en = ", ".join(o.value for o in choice.options)
    raise refused(f"{option} 不能是 {value!r}：可选 {known_zh}", f"{option} cannot be {value!r}: one of {known_en}")


def schema_link(output: Path) -> str:
    """The record's `$schema` link: from its folder to `schema/school.schema.json` of the repository it lands in (the
    nearest folder above it with carework.yaml or that schema, else the current folder)."""
    folder = output.absolute().parent
    root = next((p for p in (folder, *folder.parents)
                 if (p / "carework.yaml").is_file() or (p / SCHEMA_FILE).is_file()), Path.cwd().absolute())
    return Path(os.path.relpath(root / SCHEMA_FILE, folder)).as_posix()


def record_text(identity: Identity, link: str) -> str:
    """The commented template with its schema link set and the given identity values in place of the examples."""
    from carework.core.resources import templates_dir

    text = (templates_dir() / "record-template.yaml").read_text(encoding="utf-8")
    text = _SCHEMA_LINE.sub(lambda _: f"# yaml-language-server: $schema={link}", text, count=1)
    given = {"code": identity.code, "name": identity.name, "district": identity.district, "kind": identity.kind,
             "ownership": identity.ownership}

    def replace(match: re.Match[str]) -> str:
        value = given[match.group("key")]
        if value is None:
            return match.group(0)
        head = f"{match.group('key')}: {yaml_scalar(value)}"
        comment = (match.group("comment") or "").lstrip()
        if not comment:
            return head
        column = display_width(match.group(0)[: match.start("comment") - match.start()]) + \
            len(match.group("comment")) - len(comment)
        return head + " " * max(2, column - display_width(head)) + comment

    return _TOP_LEVEL.sub(replace, text)


def yaml_scalar(value: str) -> str:
    """`value` as a YAML string: plain when YAML reads it back as that same string, else double-quoted."""
    from carework.reading.loader import YamlError, parse

    try:
        plain = parse(f"v: {value}", "").value == {"v": value} and "\n" not in value
    except YamlError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def _shown(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd().absolute()).as_posix()
    except ValueError:
        return path.as_posix()

