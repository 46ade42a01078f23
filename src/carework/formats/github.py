"""`--format github`: GitHub Actions workflow commands, so gaps and data errors show on the pull request's diff.

One `::error file=…,line=…,col=…,title=…::message` line per gap and per data problem, then the plain summary.
Escaping follows the runner's parser (actions/runner `ActionCommand.cs`, actions/toolkit `command.ts`): in the
message `%`, CR and LF are percent-encoded; in a property value `:` and `,` are too, because they delimit properties.
"""

from __future__ import annotations

import io

from rich.console import Console

from carework.checking.run import CheckRun
from carework.core.i18n import t, target_figures
from carework.core.model import SEVERITY_LABELS, Result, Status
from carework.core.problems import Location, Problem
from carework.formats.base import Format, capped, more_problems
from carework.formats.text import TextFormat
from carework.rules.rectify import finding_severity

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


#: GitHub keeps the first 10 annotations of each type (error, warning, notice) a step writes and only counts the rest
#: (actions/runner `ExecutionContext.cs`, `_maxIssueCount = 10` per type); a job shows at most 50 in all.
PER_TYPE = 10
#: Notices that are not gaps: the targets, then the summary that says where the rest is.
OWN_NOTICES = 2


class GithubFormat(Format):
    name = "github"

    def render(self, run: CheckRun) -> str:
        names = {s.code: s.name for s in run.schools}
        by_level: dict[str, list[str]] = {"error": [], "warning": [], "notice": []}
        for p in capped(sorted(run.problems, key=lambda p: p.level != "error")):  # data errors before the gaps they hide
            if isinstance(p, tuple):
                by_level["notice"].append(f"::notice::{escape_data(more_problems(*p, self.options.lang))}")
            else:
                by_level[p.level if p.level in by_level else "warning"].append(self.problem(p))
        for r in run.listing:
            if r.status == Status.FAIL:
                by_level[LEVELS[r.severity]].append(self.gap(r, run, names))
        room = {"error": PER_TYPE, "warning": PER_TYPE, "notice": PER_TYPE - OWN_NOTICES}
        shown = [line for level in ("error", "warning", "notice") for line in by_level[level][:room[level]]]
        total = sum(len(lines) for lines in by_level.values())
        lines = shown + [line for line in (self.targets_notice(run), self.summary_notice(total, len(shown))) if line]
        text = "".join(line + "\n" for line in lines)
        if self.options.document:  # beside a file only workflow commands: the log stays a list of annotations
            return text
        return text + ("\n" if lines else "") + self.summary(run)

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
        title = ("整改台账" if lang == "zh" else "rectification") if finding_severity(problem) else \
            ("数据错误" if lang == "zh" else "data error") if problem.level == "error" else \
            ("数据警告" if lang == "zh" else "data warning")
        body = problem.message(lang)
        if problem.fix(lang):
            body += f"\n{problem.fix(lang)}"
        return command(problem.level, problem.location, f"{title} ({problem.code})", body)

    def targets_notice(self, run: CheckRun) -> str:
        """One notice with every target's figures, as the text summary gives them; "" without targets."""
        if not run.targets:
            return ""
        lang = self.options.lang
        titles = {t.id: t.title.get(lang) for t in run.plan.targets}
        body = "\n".join(target_figures(r, titles[r.target_id], lang) for r in run.targets)
        return f"::notice title={escape_property(t('targets', lang))}::{escape_data(body)}"

    def summary_notice(self, total: int, shown: int) -> str:
        """Where the whole list is when GitHub shows only part of it; "" when every annotation was shown."""
        lang = self.options.lang
        if total <= shown:
            return ""
        places = []
        if self.options.step_summary:
            places.append("作业摘要（Summary）" if lang == "zh" else "the job summary")
        if self.options.document:
            places.append(self.options.document)
        places.append("carework check 的文字输出" if lang == "zh" else "carework check's text output")
        if lang == "zh":
            body = f"共 {total} 条，GitHub 每类只显示 10 条，这里显示最严重的 {shown} 条；全部见{'、'.join(places)}"
        else:
            body = (f"{total} in all; GitHub shows 10 of each kind, so the {shown} most severe are annotated here; "
                    f"every one is in {', '.join(places)}")
        return f"::notice title={escape_property('carework')}::{escape_data(body)}"

    def summary(self, run: CheckRun) -> str:
        """The text format's summary, uncoloured: the log should say how the run went, not only annotate."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=self.options.width, no_color=True, color_system=None,
                          highlight=False, emoji=False, soft_wrap=True)
        TextFormat(self.options).summary(console, run)
        return buffer.getvalue()
