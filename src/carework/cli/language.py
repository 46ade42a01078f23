"""The command line in the user's language: `--help`/`-h` and the option framework's usage errors, Chinese first.

typer (and the click it carries) write their help headings and usage errors in English. carework's commands and
group use the classes below instead: they decide the language once per invocation (`--lang`, then `CAREWORK_LANG`,
then the locale; Chinese unless one of them says English), write the help themselves with the words of
`carework.cli.helptext`, and turn every usage error into one in that language (exit 2, as before).

Plain help (`rich_markup_mode=None`): typer's rich help and error panels have their own English words, and a plain
text help also reads well in a Windows console and a log.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import typer
from typer import _click  # the click typer carries: its exception classes are what typer raises on bad usage
from typer.core import TyperCommand, TyperGroup

from carework.cli.helptext import BUILTIN, COMMANDS, METAVARS, english
from carework.core.problems import Lang

LANG_KEY = "carework.lang"

#: The option framework's and typer's value messages, matched in English and said in Chinese.
_VALUE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^(?:Value error, )?(?P<value>'.*') is not one of (?P<choices>.+?)\.?$", "{value} 不是可选的值，可选：{choices}"),
    (r"^Input should be a valid integer", "应为整数，例如 2"),
    (r"^Input should be a valid number", "应为数字，例如 2.5"),
    (r"^Input should be a valid boolean", "应为 true 或 false"),
    (r"^Value (?P<value>'.*') is not a valid (?P<label>.+?)\.$", "{value} 不是有效的值"),
    (r"^(?P<label>\w+) (?P<value>'.*') does not exist\.$", "{value} 不存在"),
    (r"^(?P<label>\w+) (?P<value>'.*') is a file\.$", "{value} 是文件，这里要文件夹"),
    (r"^(?P<label>\w+) (?P<value>'.*') is a directory\.$", "{value} 是文件夹，这里要文件"),
))
_USAGE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^No such command (?P<name>'.*?')\.(?: Did you mean (?P<maybe>.+)\?)?$", "没有 {name} 这个命令"),
    (r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$", "多余的参数：{args}"),
    (r"^Option (?P<name>'.*?') requires an argument\.$", "选项 {name} 后面要跟一个值"),
    (r"^Option (?P<name>'.*?') requires (?P<count>\d+) arguments\.$", "选项 {name} 后面要跟 {count} 个值"),
    (r"^Option (?P<name>'.*?') does not take a value\.$", "选项 {name} 不带值"),
    (r"^Missing command\.$", "缺少命令"),
))


def detect(args: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """The language of this invocation: `--lang`, else `CAREWORK_LANG`, else the locale (LC_ALL, LC_MESSAGES, LANG:
    English only when it is an English one); Chinese by default."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        if value in ("zh", "en"):
            return value  # type: ignore[return-value]
    chosen = environ.get("CAREWORK_LANG", "")
    if chosen in ("zh", "en"):
        return chosen  # type: ignore[return-value]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = environ.get(name)
        if locale:
            return "en" if locale.lower().startswith("en") else "zh"
    return "zh"


def lang_of(ctx: _click.Context | None) -> Lang:
    return ctx.meta.get(LANG_KEY, "zh") if ctx is not None else "zh"  # type: ignore[no-any-return]


class LocalizedUsageError(_click.exceptions.UsageError):
    """A usage error said in the invocation's language: the usage line, where to find help, what is wrong."""

    def __init__(self, message: str, ctx: _click.Context | None, lang: Lang) -> None:
        super().__init__(message, ctx)
        self.lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        zh = self.lang == "zh"
        lines = []
        if self.ctx is not None:
            lines.append(usage_line(self.ctx.command, self.ctx, self.lang))
            hint = f"{self.ctx.command_path} -h"
            lines.append(f"运行 {hint} 查看帮助。" if zh else f"Try '{hint}' for help.")
            lines.append("")
        lines.append(("错误：" if zh else "Error: ") + self.message)
        typer.echo("\n".join(lines), err=True)


def localized(exc: _click.exceptions.UsageError, lang: Lang) -> _click.exceptions.UsageError:
    """`exc` said in `lang`; the help shown for a bare `carework` and errors already localized pass unchanged."""
    if isinstance(exc, (LocalizedUsageError, _click.exceptions.NoArgsIsHelpError)):
        return exc
    return LocalizedUsageError(usage_message(exc, lang), exc.ctx, lang)


def usage_message(exc: _click.exceptions.UsageError, lang: Lang) -> str:
    """What is wrong, in `lang`: English is the framework's own sentence."""
    if lang == "en":
        return exc.format_message()
    errors = _click.exceptions
    if isinstance(exc, errors.NoSuchOption):
        maybe = "、".join(exc.possibilities or ())
        return f"没有 {exc.option_name} 这个选项" + (f"（是不是 {maybe}？）" if maybe else "")
    if isinstance(exc, errors.MissingParameter):
        what = "参数" if exc.param is not None and exc.param.param_type_name == "argument" else "选项"
        return f"缺少{what} {_hint(exc)}"
    if isinstance(exc, errors.BadParameter):
        return f"{_hint(exc)} 的值不对：{_translate(exc.message, _VALUE_MESSAGES)}"
    message = _translate(exc.message, _USAGE_MESSAGES)
    if message.startswith("没有 ") and exc.ctx is not None and isinstance(exc.ctx.command, TyperGroup):
        match = _USAGE_MESSAGES[0][0].match(exc.message)
        maybe = match.group("maybe") if match else ""
        commands = "、".join(exc.ctx.command.list_commands(exc.ctx))
        message += (f"（是不是 {maybe}？）" if maybe else "") + f"；可用的命令：{commands}"
    return message


def _hint(exc: Any) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if exc.param is not None:
        if exc.param.param_type_name == "option":
            return " / ".join(exc.param.opts)
        return metavar(exc.param, "zh") or str(exc.param.name).upper()
    return ""


def _translate(message: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    """The Chinese of a framework message; one carework does not know stays as the framework said it."""
    for pattern, zh in table:
        match = pattern.match(message)
        if match:
            return zh.format(**match.groupdict())
    return message


# ---------------------------------------------------------------------------------------------------------- help


def usage_line(command: _click.Command, ctx: _click.Context, lang: Lang) -> str:
    pieces = ["[选项]" if lang == "zh" else "[OPTIONS]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            name = metavar(param, lang) or str(param.name).upper()
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup):
        pieces.append("命令 [参数]..." if lang == "zh" else "COMMAND [ARGS]...")
    return ("用法：" if lang == "zh" else "Usage: ") + " ".join([ctx.command_path, *pieces])


def help_text(text: str | None, lang: Lang) -> str:
    """A help text declared in Chinese, in `lang` (the English from `carework.cli.helptext`)."""
    if not text:
        return ""
    return text if lang == "zh" else english(text)


def metavar(param: _click.Parameter, lang: Lang) -> str | None:
    """What a parameter's value is called in `lang` (学校代码 / CODE); None for one carework does not name."""
    names = METAVARS.get(str(param.name))
    if names is None:
        return None
    return names[0] if lang == "zh" else names[1]


def command_help(command: _click.Command, lang: Lang) -> str:
    """A command's help: its (Chinese) docstring, or its English from `carework.cli.helptext.COMMANDS`."""
    if lang == "en":
        return COMMANDS.get(command.name or "", command.help or "")
    return command.help or ""


def param_help(param: _click.Parameter, lang: Lang) -> str:
    if param.name in BUILTIN:
        zh, en = BUILTIN[param.name]
        return zh if lang == "zh" else en
    return help_text(getattr(param, "help", None), lang)


def _rows(command: _click.Command, ctx: _click.Context, lang: Lang, kind: str) -> Iterator[tuple[str, str]]:
    """The help table's rows: the names as typer writes them, the help and its notes in `lang`."""
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx) if param.param_type_name == kind else None
        if record is None:  # another kind, or hidden
            continue
        names = record[0]
        called = metavar(param, lang)
        if called is not None:
            names = called if kind == "argument" else ", ".join([*param.opts, *param.secondary_opts]) + " " + called
        extra = []
        default = param.default
        if default not in (None, False, (), []) and param.name not in BUILTIN and getattr(param, "show_default", True):
            extra.append(("默认：" if lang == "zh" else "default: ") + str(default))
        envvar = getattr(param, "envvar", None)
        if envvar:
            extra.append(("环境变量：" if lang == "zh" else "env var: ") + str(envvar))
        text = param_help(param, lang)
        yield names, (text + (f"  [{'；'.join(extra) if lang == 'zh' else '; '.join(extra)}]" if extra else ""))


def write_help(command: _click.Command, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
    """The whole help of `command`, in the invocation's language."""
    lang = lang_of(ctx)
    formatter.write(usage_line(command, ctx, lang) + "\n")
    text = command_help(command, lang)
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)
    for kind, zh, en in (("argument", "参数", "Arguments"), ("option", "选项", "Options")):
        _section(formatter, zh + "：" if lang == "zh" else en + ":", list(_rows(command, ctx, lang, kind)))
    if isinstance(command, TyperGroup):
        rows = [(name, command_help(sub, lang).split("\n")[0])
                for name in command.list_commands(ctx) if (sub := command.get_command(ctx, name)) and not sub.hidden]
        _section(formatter, "命令：" if lang == "zh" else "Commands:", rows)


def _section(formatter: _click.HelpFormatter, heading: str, rows: list[tuple[str, str]]) -> None:
    """A titled table (click's own `section` would end a Chinese heading with an ASCII colon)."""
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write(f"{heading}\n")
    first = min(max(display_width(name) for name, _ in rows), 30)
    for name, text in rows:  # padded by the columns a name takes: a Chinese character takes two
        if display_width(name) > first:
            formatter.write(f"  {name}\n  {' ' * first}  {text}\n")
        else:
            formatter.write(f"  {name}{' ' * (first - display_width(name))}  {text}\n")


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal or in an editor with a CJK font: wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class _Localized:
    """Help and usage errors in the invocation's language, for a command and for the group alike."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(LANG_KEY, detect(args, os.environ))  # the group's, shared with its command's context
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except _click.exceptions.UsageError as exc:
            raise localized(exc, lang_of(ctx)) from None

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except _click.exceptions.UsageError as exc:  # e.g. a malformed --as-of, found while building the options
            exc.ctx = exc.ctx or ctx
            raise localized(exc, lang_of(ctx)) from None

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        write_help(self, ctx, formatter)  # type: ignore[arg-type]


class LocalizedCommand(_Localized, TyperCommand):
    """A carework command."""


class LocalizedGroup(_Localized, TyperGroup):
    """The `carework` group: its help, an unknown command and everything its commands raise."""
