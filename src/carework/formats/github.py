"""`--format github`: GitHub Actions workflow commands, so gaps and data errors show on the pull request's diff.

One `::error file=…,line=…,col=…,title=…::message` line per gap and per data problem, then the plain summary.
Escaping follows the runner's parser (actions/runner `ActionCommand.cs`, actions/toolkit `command.ts`): in the
message `%`, CR and LF are percent-encoded; in a property value `:` and `,` are too, because they delimit properties.
"""

from __future__ import annotations

import io

from rich.console import Console

from carework.checking.run import CheckRun
from carework.core.model import SEVERITY_LABELS, Result, Status
from carework.core.problems import Location, Problem
from carework.formats.base import Format, capped, more_problems
from carework.formats.text import TextFormat

#: A gap's severity as an annotation level; GitHub has no "advice", its "notice" is the same idea.
LEVELS = {"error": "error", "warning": "warning", "advice": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (`%` first, so the escapes it adds are not escaped again)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as the message, and `:` and `,`, which would otherwise end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, location: Location, title: str, message: str) -> str:
    """One annotation line."""
    properties = {"file": location.file, "line": str(location.line), "col": str(location.column), "title": title}
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level} {rendered}::{escape_data(message)}"


class GithubFormat(Format):
    name = "github"

    def render(self, run: CheckRun) -> str:
        names = {s.code: s.name for s in run.schools}
        lines = [self.gap(r, run, names) for r in run.listing if r.status == Status.FAIL]
        lines += [self.problem(p) if isinstance(p, Problem) else more_problems(*p, self.options.lang)
                  for p in capped(run.problems)]
        return "".join(line + "\n" for line in lines) + ("\n" if lines else "") + self.summary(run)

    def gap(self, result: Result, run: CheckRun, names: dict[str, str]) -> str:
        lang = self.options.lang
        rule = run.plan.rule(result.rule)
        title = rule.title.get(lang) if rule else ""
        severity = SEVERITY_LABELS[result.severity][0 if lang == "zh" else 1]
        school = names.get(result.school, result.school)
        heading = f"{result.rule} [{severity}] {title}"
        body = f"{school}（{result.school}）：{result.message(lang)}" if lang == "zh" else \
            f"{school} ({result.school}): {result.message(lang)}"
        if rule and rule.remedy.get(lang):
            body += ("\n整改：" if lang == "zh" else "\nTo fix: ") + rule.remedy.get(lang)
        return command(LEVELS[result.severity], result.location, heading, body)

    def problem(self, problem: Problem) -> str:
        lang = self.options.lang
        title = ("数据错误" if lang == "zh" else "data error") if problem.level == "error" else \
            ("数据警告" if lang == "zh" else "data warning")
        body = problem.message(lang)
        if problem.fix(lang):
            body += f"\n{problem.fix(lang)}"
        return command(problem.level, problem.location, f"{title} ({problem.code})", body)

    def summary(self, run: CheckRun) -> str:
        """The text format's summary, uncoloured: the log should say how the run went, not only annotate."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=self.options.width, no_color=True, color_system=None,
                          highlight=False, emoji=False, soft_wrap=True)
        TextFormat(self.options).summary(console, run)
        return buffer.getvalue()
