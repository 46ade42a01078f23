"""Help and usage errors in the user's language (carework.cli.language), and shell completion that works offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from carework.cli import app
from carework.cli.helptext import BUILTIN, COMMANDS, has_english
from carework.cli.language import detect

LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "CAREWORK_LANG")
#: The console script itself: shells complete the command by the name they run it by.
CAREWORK = str(Path(sys.executable).with_name("carework"))


@pytest.fixture(autouse=True)
def _no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)


def run(*args: str, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env or None)
    return result.exit_code, result.output


@pytest.mark.parametrize(("args", "env", "expected"), [
    ([], {}, "zh"),
    ([], {"LANG": "en_US.UTF-8"}, "en"),
    ([], {"LANG": "zh_CN.UTF-8"}, "zh"),
    ([], {"LANG": "C.UTF-8"}, "zh"),
    ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ([], {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"CAREWORK_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    ([], {"CAREWORK_LANG": "en"}, "en"),
    (["check", "--lang", "en"], {"CAREWORK_LANG": "zh"}, "en"),
    (["check", "--lang=zh"], {"LANG": "en_US.UTF-8"}, "zh"),
    (["check", "--", "--lang", "en"], {}, "zh"),
])
def test_the_language_comes_from_lang_then_carework_lang_then_the_locale(args, env, expected) -> None:  # type: ignore[no-untyped-def]
    assert detect(args, env) == expected


@pytest.mark.parametrize("command", [[], ["check"], ["report"], ["rules"], ["explain"], ["template"], ["schema"],
                                     ["init"], ["new"]])
def test_help_is_chinese_by_default_and_english_on_request(command: list[str]) -> None:
    code, zh = run(*command, "-h")
    assert code == 0, zh
    assert zh == run(*command, "--help")[1]
    assert zh.startswith("用法：carework") and "选项：" in zh and "显示本帮助并退出" in zh
    assert "Usage" not in zh and "Options" not in zh and "Show this message" not in zh
    for english in (run(*command, "-h", "--lang", "en")[1] if command else run("-h", LANG="en_US.UTF-8")[1],
                    run(*command, "-h", CAREWORK_LANG="en")[1]):
        assert english.startswith("Usage: carework") and "Options:" in english and "用法" not in english


def test_every_help_text_has_its_english() -> None:
    group = get_command(app)
    ctx = group.make_context("carework", ["check"], resilient_parsing=True)
    commands = {"carework": group, **{name: group.get_command(ctx, name) for name in group.list_commands(ctx)}}
    assert sorted(commands) == sorted(COMMANDS), "add the command's English to carework.cli.helptext.COMMANDS"
    missing = [(name, p.name) for name, command in commands.items() for p in command.params
               if p.name not in BUILTIN and not has_english(getattr(p, "help", None) or "")]
    assert missing == [], "declare these helps with bi(zh, en)"


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["chekc"], "没有 'chekc' 这个命令（是不是 'check'？）；可用的命令：init、", "No such command 'chekc'. Did you mean 'check'?"),
    (["check", "--bogus"], "没有 --bogus 这个选项", "No such option: --bogus"),
    (["check", "--lang", "fr"], "--lang 的值不对：'fr' 不是可选的值，可选：'zh', 'en'", "'fr' is not one of 'zh', 'en'"),
    (["check", "--section", "x"], "--section 的值不对：应为整数，例如 2", "Invalid value for '--section'"),
    (["check", "--as-of", "2024-13-01"], "--as-of 的值不对：'2024-13-01' 不是 YYYY-MM-DD 格式的日期",
     "'2024-13-01' is not a date (YYYY-MM-DD)"),
    (["explain"], "缺少参数 规则", "Missing argument"),
    (["rules", "extra"], "多余的参数：extra", "Got unexpected extra argument"),
    (["check", "--fail-on"], "选项 '--fail-on' 后面要跟一个值", "Option '--fail-on' requires an argument."),
])
def test_usage_errors_are_said_in_the_language(args: list[str], zh: str, en: str) -> None:
    code, out = run(*args)
    assert code == 2 and f"错误：{zh}" in out, out
    assert "Error" not in out and "Usage" not in out and "Try '" not in out
    code, out = run(*args, CAREWORK_LANG="en")
    assert code == 2 and "Error: " in out and en in out, out


def test_a_usage_error_shows_the_usage_and_where_help_is() -> None:
    out = run("check", "--bogus")[1]
    assert out.splitlines()[:2] == ["用法：carework check [选项] [路径...]", "运行 carework check -h 查看帮助。"]


def test_carework_lang_also_chooses_the_language_of_the_output(one_school) -> None:  # type: ignore[no-untyped-def]
    code, out = run("check", "--as-of", "2024-12-31", "--no-cache", CAREWORK_LANG="en")
    assert code == 0 and "Summary" in out and "汇总" not in out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell", "pwsh"])
def test_completion_scripts_are_made_offline_for_every_shell(shell: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE}
    done = subprocess.run([CAREWORK, "--show-completion", shell], env=env,
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    assert "_CAREWORK_COMPLETE" in done.stdout or "_carework_completion" in done.stdout


def test_completion_offers_commands_options_and_choices() -> None:
    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_CAREWORK_COMPLETE": "complete_bash"}
        done = subprocess.run([CAREWORK], env=env, capture_output=True, text=True, check=False)
        return done.stdout.split()

    assert complete("carework ch", 1) == ["check"]
    assert complete("carework check --fa", 2) == ["--fail-on"]
    assert complete("carework check --lang ", 3) == ["zh", "en"]
