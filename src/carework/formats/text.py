"""`--format text`: what a person reads in a terminal — gaps grouped by school and section, then a summary.

Rich renders it (colour on a terminal, plain when piped or when NO_COLOR is set); tables measure Chinese characters
as two columns so they stay aligned.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carework.checking.run import CheckRun
from carework.checking.summary import (
    Tally,
    blocked_rules,
    by_section,
    explained_errors,
    gap_weight,
    shown_targets,
    tally,
)
from carework.core.i18n import denominator_note, percent, t
from carework.core.model import SEVERITY_LABELS, STATUS_LABELS, Result, School, Status
from carework.core.problems import Problem
from carework.formats.base import Format, FormatOptions, capped, more_problems
from carework.rules.model import Plan
from carework.rules.rectify import STATE_LABELS, finding_severity, is_data_error
from carework.schema.school import SCHOOL_KINDS

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "advice": "cyan"}
STATUS_MARK = {Status.FAIL: "✗", Status.ERROR: "!", Status.WAIVED: "~", Status.NOT_APPLICABLE: "-", Status.PASS: "✓"}


class TextFormat(Format):
    name = "text"

    def __init__(self, options: FormatOptions) -> None:
        super().__init__(options)
        self._console: Console | None = None
        self._buffer = io.StringIO()

    def render(self, run: CheckRun) -> str:
        return "".join(self.chunks(run))

    def chunks(self, run: CheckRun) -> Iterator[str]:
        """School by school, as each is written: a province's gap list is never held in memory at once."""
        lang = self.options.lang
        schools = {s.code: s for s in run.schools}
        clean = 0
        console = self.console()
        if not self.options.summary_only:
            for piece in run.listing.pieces(self.piece_key(), lambda code, results: self.piece(run.plan, schools[code], results)):
                if piece:
                    yield piece
                else:
                    clean += 1
        if clean:
            console.print(Text(f"{clean} 所学校全部达标，未逐一列出" if lang == "zh" else f"{clean} school(s) met every requirement (not listed)",
                               style="green"))
            console.print()
        self.problems(console, run)
        self.summary(console, run)
        yield self.written()

    def piece_key(self) -> str:
        return f"text:{self.options.lang}:{'colour' if self.options.color else 'plain'}"

    def piece(self, plan: Plan, school: School, results: list[Result]) -> str:
        """A school's gaps, errors and waivers by section under a heading; "" when it has none to show."""
        explained = explained_errors(plan, school, results)  # shown under the data problem that causes them
        shown = [r for r in results if r.status in (Status.FAIL, Status.ERROR, Status.WAIVED) and r.rule not in explained]
        if not shown and not explained:
            return ""
        lang = self.options.lang
        section_of = {r.id: r.section for r in plan.rules}
        lines = [self.heading(school, results, bool(explained))]
        for section in plan.sections:
            mine = [r for r in shown if section_of[r.rule] == section.number]
            if mine:
                lines.append(Text(f"  {section.number}. {section.title.get(lang)}", style="bold"))
                lines.extend(self.line(result) for result in mine)
        console = self.console()
        console.print(Text("\n").join(lines))  # one print a school: rich's cost is mostly per call
        console.print()
        return self.written()

    def console(self) -> Console:
        """The console this format prints to (into a buffer, see `written`)."""
        if self._console is None:
            self._console = Console(file=self._buffer, width=self.options.width, force_terminal=self.options.color,
                                    no_color=not self.options.color,
                                    color_system="standard" if self.options.color else None,
                                    highlight=False, emoji=False, soft_wrap=True)
        return self._console

    def written(self) -> str:
        """What was printed since the last call, each line without the blanks rich pads table cells with (they only
        make diffs and logs noisier)."""
        text = "".join(line.rstrip() + "\n" for line in self._buffer.getvalue().splitlines())
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def lang_label(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.options.lang == "zh" else pair[1]

    def heading(self, school: School, results: list[Result], explained: bool = False) -> Text:
        lang = self.options.lang
        counts = tally(results)
        weights = gap_weight(results)
        levels = "，".join(f"{SEVERITY_LABELS[s][0]} {n}" for s, n in zip(("error", "warning", "advice"), weights) if n)
        levels_en = ", ".join(f"{n} {SEVERITY_LABELS[s][1]}" for s, n in zip(("error", "warning", "advice"), weights) if n)
        kind = SCHOOL_KINDS.label(school.kind, lang)
        if lang == "zh":
            tail = f"未达标 {counts.failed} 项（{levels}）" if counts.failed else "无未达标项"
            if counts.errors:
                tail += f"，无法判断 {counts.errors} 项" + ("（原因见“数据问题”）" if explained else "")
            text = f"{school.name}（{school.code}）· {school.district} · {kind} — {tail}"
        else:
            tail = f"{counts.failed} gap(s) ({levels_en})" if counts.failed else "no gaps"
            if counts.errors:
                tail += f", {counts.errors} not judged" + (" (see Data problems)" if explained else "")
            text = f"{school.name} ({school.code}) · {school.district} · {kind} — {tail}"
        return Text(text, style="bold underline")

    def line(self, result: Result) -> Text:
        lang = self.options.lang
        where = f"{result.location.file}:{result.location.line}"
        severity = SEVERITY_LABELS[result.severity][0 if lang == "zh" else 1]
        text = Text("    ")
        text.append(STATUS_MARK[result.status] + " ", style=SEVERITY_STYLE[result.severity])
        text.append(f"{result.rule} ", style="bold")
        text.append(f"[{severity}] ", style=SEVERITY_STYLE[result.severity])
        if result.status == Status.WAIVED and result.waiver:
            prefix = f"（已豁免至 {result.waiver.expires}）" if lang == "zh" else f"(waived until {result.waiver.expires}) "
            text.append(prefix, style="dim")
        elif result.status == Status.ERROR:
            text.append(self.lang_label(STATUS_LABELS[Status.ERROR]) + "：" if lang == "zh" else "not judged: ", style="magenta")
        text.append(result.message(lang))
        text.append(f"  {where}", style="dim")
        return text

    def problems(self, console: Console, run: CheckRun) -> None:
        """The problems of the input files (each data error with the rules it blocks), then the rectification findings
        (整改逾期 and the like) on their own; with --summary-only, only their numbers."""
        if not run.problems:
            return
        lang = self.options.lang
        if self.options.summary_only:
            errors = sum(p.level == "error" for p in run.problems)
            console.print(Text(f"{t('data_problems', lang)}：错误 {errors} 个，警告 {len(run.problems) - errors} 个（去掉 --summary-only 可看每一条）"
                               if lang == "zh" else f"{t('data_problems', lang)}: {errors} error(s), {len(run.problems) - errors} "
                               "warning(s) (leave out --summary-only to see each)", style="bold"))
            console.print()
            return
        blocked = blocked_rules(run)
        findings = [p for p in run.problems if finding_severity(p)]
        for heading, listed in (("data_problems", [p for p in run.problems if not finding_severity(p)]),
                                ("rectification_findings", findings)):
            if not listed:
                continue
            console.print(Text(t(heading, lang), style="bold"))
            for p in capped(listed):
                if isinstance(p, tuple):
                    console.print(Text(more_problems(*p, lang), style="dim"))
                    continue
                console.print(problem_line(p, lang))
                if p in blocked:
                    ids = "、".join(blocked[p]) if lang == "zh" else ", ".join(blocked[p])
                    console.print(Text(f"      因此以下 {len(blocked[p])} 条规则无法判断：{ids}" if lang == "zh"
                                       else f"      so {len(blocked[p])} rule(s) cannot be judged: {ids}", style="magenta"))
            console.print()

    def summary(self, console: Console, run: CheckRun) -> None:
        lang = self.options.lang
        console.print(Text(f"{t('summary', lang)} — {run.plan.title.get(lang)}，{t('as_of', lang)} {run.as_of}"
                           if lang == "zh" else f"{t('summary', lang)} — {run.plan.title.get(lang)}, {t('as_of', lang).lower()} {run.as_of}",
                           style="bold"))
        sections = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for key, justify in (("section", "left"), ("rate", "right"), ("passed", "right"), ("failed", "right"),
                             ("waived", "right"), ("not_applicable", "right"), ("errors", "right")):
            sections.add_column(t(key, lang), justify=justify)  # type: ignore[arg-type]
        per_section = by_section(run)
        for number, counts in per_section:
            section = run.plan.section(number)
            title = f"{number}. {section.short.get(lang)}" if section else str(number)
            sections.add_row(title, percent(counts.rate), str(counts.passed), str(counts.failed), str(counts.waived),
                             str(counts.not_applicable), str(counts.errors))
        total = Tally.total(counts for _, counts in per_section)
        sections.add_row("合计" if lang == "zh" else "Total", percent(total.rate), str(total.passed), str(total.failed),
                         str(total.waived), str(total.not_applicable), str(total.errors), style="bold")
        console.print(sections)
        if run.targets and not run.asked_schools:  # one school's view is its own list and status, not the city's
            console.print(self.targets_table(run))
            for result in run.targets:
                if result.level == "city" and not run.asked_districts and (result.not_reported or result.excluded):
                    console.print(Text(f"{result.target_id} {t('city', lang)}：{denominator_note(result, lang)}" if lang == "zh"
                                       else f"{result.target_id} {t('city', lang)}: {denominator_note(result, lang)}", style="dim"))
        self.city_lists(console, run)
        bad_files = len({p.location.file for p in run.problems if is_data_error(p)})
        if lang == "zh":
            line = f"检查学校 {len(run.selected)} 所（共载入 {len(run.schools)} 所）；数据有误的文件 {bad_files} 个"
        else:
            line = f"{len(run.selected)} school(s) checked ({len(run.schools)} loaded); {bad_files} file(s) with data errors"
        console.print(Text(line))

    def city_lists(self, console: Console, run: CheckRun) -> None:
        """Who has not reported (未报送) and whose record is out of date (未更新), by district; or that, without a
        roster, nobody can be seen as not reported."""
        lang = self.options.lang
        if run.roster is None and not run.asked_schools:
            console.print(Text(t("no_roster", lang), style="yellow"))
        elif run.not_reported:
            head = (f"未报送 {len(run.not_reported)} 所（名册上有、没有记录文件；在总体目标中按未达标计）" if lang == "zh"
                    else f"Not reported: {len(run.not_reported)} school(s) on the roster without a record (counted as not meeting the targets)")
            console.print(Text(head, style="bold"))
            for s in run.not_reported:
                console.print(Text(f"  {s.district}  {s.code}  {s.name}"))
        self.stale_list(console, run)

    def stale_list(self, console: Console, run: CheckRun) -> None:
        """The ledger's line (整改台账), then the records out of date (未更新), by district."""
        lang = self.options.lang
        if run.rectifications:
            console.print(Text(ledger_line(run, lang)))
        if run.stale:
            limit = run.plan.settings["record_max_age_days"].value
            head = (f"未更新 {len(run.stale)} 所（超过 {limit} 天没有更新，或没填更新日期 updated）" if lang == "zh"
                    else f"Not updated: {len(run.stale)} record(s) older than {limit} days, or without an updated date")
            console.print(Text(head, style="bold"))
            for record in run.stale:
                if record.updated is None:
                    when = "未填更新日期" if lang == "zh" else "no updated date"
                elif lang == "zh":
                    when = f"{record.updated} 更新，已 {record.age_days} 天"
                else:
                    when = f"updated {record.updated}, {record.age_days} days ago"
                console.print(Text(f"  {record.district}  {record.code}  {record.name}  {when}  {record.file}"))

    def targets_table(self, run: CheckRun) -> Table:
        lang = self.options.lang
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=t("targets", lang), title_justify="left")
        absent = any(result.not_reported for result in shown_targets(run))
        for key, justify in (("target", "left"), ("level", "left"), ("current", "right"), ("target", "right"),
                             ("needed", "right"), ("status", "left")) + ((("not_reported", "right"),) if absent else ()):
            table.add_column(t(key, lang), justify=justify)  # type: ignore[arg-type]
        titles = {tg.id: tg for tg in run.plan.targets}
        for result in shown_targets(run):
            target = titles[result.target_id]
            band = next((b.title.get(lang) for b in target.bands if b.status == result.status), result.status)
            scope = t("city", lang) if result.district is None else result.district
            table.add_row(result.target_id, scope, f"{percent(result.value)} ({result.numerator}/{result.denominator})",
                          percent(result.target), str(result.needed), band,
                          *((str(result.not_reported),) if absent else ()))
        return table


def problem_line(p: Problem, lang: Any) -> Text:
    """`file:line:col: 错误 message — fix`, the one shape every data problem is printed in."""
    level = t(p.level, lang)
    text = Text(f"  {p.location.file}:{p.location.line}:{p.location.column}: ")
    text.append(level, style="bold red" if p.level == "error" else "yellow")
    text.append(" " + p.message(lang))
    if p.fix(lang):
        text.append(f" — {p.fix(lang)}", style="dim")
    return text


def ledger_line(run: CheckRun, lang: Any) -> str:
    """The ledger in one line: how many items in each state, and the overdue ones by district."""
    counts = {state: 0 for state in STATE_LABELS}
    for item in run.rectifications:
        counts[item.state] += 1
    parts = [f"{STATE_LABELS[s][0 if lang == 'zh' else 1]} {n}" for s, n in counts.items() if n]
    district = {s.code: s.district for s in run.schools}
    overdue: dict[str, int] = {}
    for item in run.overdue():
        overdue[district.get(item.school, "")] = overdue.get(district.get(item.school, ""), 0) + 1
    where = ("、" if lang == "zh" else ", ").join(f"{d} {n}" for d, n in sorted(overdue.items()))
    if lang == "zh":
        return f"整改台账 {len(run.rectifications)} 项：{'，'.join(parts)}" + (f"（逾期：{where}）" if where else "")
    return f"Rectifications: {len(run.rectifications)} ({', '.join(parts)})" + (f"; overdue by district: {where}" if where else "")
