"""The English of the command line's help: options declare their help in Chinese with `bi(zh, en)`, commands in
their (Chinese) docstring with the English in `COMMANDS`; `carework.cli.language` picks one per invocation."""

from __future__ import annotations

_ENGLISH: dict[str, str] = {}


def bi(zh: str, en: str) -> str:
    """Declare a help text in both languages; the Chinese is what the declaration holds (the default language)."""
    _ENGLISH[zh] = en
    return zh


def english(zh: str) -> str:
    """The English of a help text declared with `bi`; one that was not stays Chinese (tests/test_language.py checks
    that none is left)."""
    return _ENGLISH.get(zh, zh)


def has_english(zh: str) -> bool:
    return zh in _ENGLISH


#: The options typer and click add themselves, by parameter name.
BUILTIN: dict[str, tuple[str, str]] = {
    "help": ("显示本帮助并退出。", "Show this message and exit."),
    "install_completion": ("为当前的命令行（bash、zsh、fish、PowerShell）安装 Tab 补全。",
                           "Install Tab completion for the current shell (bash, zsh, fish, PowerShell)."),
    "show_completion": ("显示当前命令行的 Tab 补全脚本，可复制后自行安装。",
                        "Show the Tab completion script for the current shell, to copy or customise."),
}

#: What each parameter's value is called in the help, by parameter name: (Chinese, English).
METAVARS: dict[str, tuple[str, str]] = {
    "paths": ("路径...", "PATHS..."),
    "plan": ("文件", "FILE"),
    "waivers": ("文件", "FILE"),
    "roster": ("文件", "FILE"),
    "as_of": ("日期", "DATE"),
    "output": ("文件", "FILE"),
    "baseline": ("文件", "FILE"),
    "changed_since": ("版本", "REV"),
    "school": ("学校代码", "CODE"),
    "district": ("区", "DISTRICT"),
    "section": ("编号", "N"),
    "rule": ("规则", "RULE"),
    "rule_id": ("规则", "RULE"),
    "out": ("文件夹", "DIR"),
    "templates": ("文件夹", "DIR"),
    "code": ("学校代码", "CODE"),
    "name": ("学校名称", "NAME"),
    "kind": ("类型", "KIND"),
    "ownership": ("办学性质", "OWNERSHIP"),
    "directory": ("文件夹", "DIR"),
    "start": ("日期", "DATE"),
    "end": ("日期", "DATE"),
    "every": ("间隔", "EVERY"),
    "since": ("版本", "REV"),
    "before": ("甲", "A"),
    "after": ("乙", "B"),
    "files": ("工作簿...", "FILES..."),
    "into": ("文件夹", "DIR"),
    "table": ("表", "TABLE"),
}

#: Each command's help in English, by command name (the Chinese is the command's docstring).
COMMANDS: dict[str, str] = {
    "carework": "carework: check school care-committee (关工委) records against the city's yearly work points.\n\n"
                "Language of help and messages: --lang, else CAREWORK_LANG, else the locale; Chinese by default.",
    "check": "Check school records against the plan and print the gaps and a summary.\n\n"
             "With PATHS, only those records are reported on; aggregate targets are still computed over the whole "
             "data set.",
    "report": "Write Markdown gap reports: one per school, one per district, the city, an index.\n\n"
              "With --school or --district only those reports are written and nothing is removed; a full run also "
              "rewrites the index and the city summary and removes reports carework wrote earlier that no longer have "
              "a school.",
    "rules": "List the plan's rules.",
    "explain": "Explain one rule whole: source sentence, check, remedy.",
    "template": "Print the commented school-record template, or write it prefilled with --output.\n\n"
                "carework template --code TN-XX-009 --name … --district 天宁区 --kind primary --output data/schools/TN-XX-009.yaml",
    "schema": "Write the school record's JSON Schema for editors.\n\n"
              "yaml-language-server reads it from a record's first line: # yaml-language-server: $schema=PATH",
    "init": "Start a data repository in DIR (default: the current folder).\n\n"
            "It gets carework.yaml, data/schools/, a roster to fill, an example waiver file, .gitignore, the editor "
            "schema and the CI files; files that already exist are left as they are.",
    "coverage": "Trace every clause of the source to its rules, target, bureau duty or context; exit 1 when a clause "
                "or a quote is unaccounted for (docs/plans.md).",
    "plan": "For plan authors: test, lint, start and compare plans (docs/plans.md).",
    "export": "Export the results as an xlsx workbook (summary, districts, schools, gap list, data problems) or one "
              "table as CSV.\n\nSelects records as `carework check` does; the workbook's gap list can be filtered by "
              "district and severity.",
    "form": "Write a school's collection workbook, prefilled from its record.\n\nWithout a record, the school's name, "
            "district, kind and ownership come from the roster when it lists the code. Fill it in with Excel, WPS or "
            "LibreOffice, then: carework import FILE.xlsx",
    "import": "Turn filled-in workbooks into school records.\n\nNothing is written for a workbook with errors; a record "
              "that exists and differs is shown as a diff and kept unless --replace is given.",
    "schools": "List the schools: code, name, district, kind, reported or not, out of date, gaps.",
    "districts": "List the districts: schools on the roster, reported, not reported, invalid, out of date, gaps.",
    "trend": "Targets, gaps and rectifications as of each of several dates.\n\n"
             "Each record is loaded once and judged as of every date; see docs/progress.md for what a trend can and "
             "cannot tell.",
    "diff": "What changed between two states: new, resolved and still-open gaps, schools, targets.\n\n"
            "Revisions are checked as of the same date (--as-of, default today), each with its own plan, roster and "
            "waivers.",
    "new": "Start a new school's record: data/schools/CODE.yaml, prefilled and commented (UTF-8).\n\n"
           "With a roster, the name, district and kind may come from it.",
}
