"""From a command's options to a checked run: resolve the inputs, narrow to the records asked for, run the pipeline.

Shared by `check` and `report` (and the plan alone by `rules`, `explain`, `schema`). Failures are raised as
CareworkError for the boundary to report.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from carework.cli.console import say
from carework.cli.options import RunOptions
from carework.core.destination import Protected
from carework.core.errors import CareworkError, refused
from carework.core.problems import Lang

if TYPE_CHECKING:
    from carework.checking.changed import Changes
    from carework.checking.config import Inputs
    from carework.checking.pipeline import Selection
    from carework.checking.run import CheckRun
    from carework.formats.base import Format
    from carework.rules.model import Plan
    from carework.rules.plan_diff import PlanDiff


def checked(o: RunOptions, progress: bool, formats: tuple[Format, ...] = ()) -> CheckRun:
    """Resolve the inputs and run the pipeline. With PATHS (or --changed-since) only those records are reported on,
    while aggregate targets are still computed over the whole data set; `formats` are those the run will be written
    in (the pipeline prepares their per-school pieces)."""
    from carework.checking import pipeline
    from carework.checking.cache import default_root
    from carework.checking.changed import changed_records, focus, plan_changes
    from carework.checking.config import resolve
    from carework.cli.progress import progress_bar

    _libyaml_notice(o.lang)
    cwd = Path.cwd()
    inputs = resolve([], o.plan, o.waivers, cwd, o.roster, o.as_of)
    if not o.paths and not any(p.exists() for p in inputs.schools):
        raise no_data(inputs.schools)
    files = None
    changes: Changes | None = None
    if o.paths or o.changed_since:
        wanted: list[Path] | None = list(o.paths)
        if o.changed_since:
            changes = changed_records(o.changed_since, wanted or list(inputs.schools), cwd, _shared_inputs(inputs, cwd))
            wanted = changes.records
            if changes.everything:
                say(*changes.everything, o.lang, err=True)
                wanted = list(o.paths) or None
            elif not wanted:
                say(f"自 {o.changed_since} 以来没有变动的学校记录", f"no school record changed since {o.changed_since}",
                    o.lang, err=True)
        if wanted is not None:
            focused = focus(wanted, inputs.schools)
            inputs, files = replace(inputs, schools=focused.roots), focused.files
    selection = pipeline.Selection(o.schools, o.districts, o.sections, o.rules, files)
    with progress_bar(progress, "检查记录" if o.lang == "zh" else "checking records") as shown:
        run = pipeline.run_check(inputs, o.as_of, o.today, selection, cache_dir=default_root() if o.use_cache else None,
                                 progress=shown, pieces=formats)
    unknown = _unknown_filter(run, selection)
    if unknown:
        raise unknown
    if changes is not None and changes.everything:
        _say_plan_changes(plan_changes(changes, inputs.plan, run.plan), o.changed_since or "", o.lang)
    import gc

    gc.freeze()  # the run lives until exit: the collector need not rescan its results while the output is written
    return run


def _shared_inputs(inputs: Inputs, cwd: Path) -> dict[str, Path | None]:
    """The inputs every record is judged by; a change to one of them reaches every record."""
    from carework.checking.config import CONFIG_FILE

    data = cwd / "data"
    return {"plan": inputs.plan, "plans": data / "plans", "waivers": inputs.waivers or data / "waivers.yaml",
            "roster": inputs.roster or data / "roster.csv", "config": cwd / CONFIG_FILE}


def _say_plan_changes(diff: PlanDiff | None, rev: str, lang: Lang) -> None:
    """The plan's changes since `rev` on standard error (as `carework plan diff` shows them, those that make it easier
    to pass marked 放宽); under GitHub Actions a weakening is also a warning annotation, so a reviewer sees a weakened
    plan on the pull request."""
    from carework.rules.plan_diff_output import change_line

    changes = [c for c in diff.changes if c.direction != "neutral"] if diff else []
    if not changes:
        return
    say(f"计划自 {rev} 以来的改动：", f"the plan's changes since {rev}:", lang, err=True)
    for change in changes:
        typer.echo("  " + change_line(change, lang), err=True)
    assert diff is not None
    if diff.weakenings and os.environ.get("GITHUB_ACTIONS") == "true":
        from carework.formats.github import escape_data, escape_property

        title = "计划被放宽" if lang == "zh" else "the plan was weakened"
        body = "\n".join(change_line(c, lang) for c in diff.weakenings)
        typer.echo(f"::warning title={escape_property(title)}::{escape_data(body)}", err=True)


def progress_wanted() -> bool:
    """A progress bar whenever standard error is a person's terminal (see carework.cli.progress)."""
    from carework.cli.progress import wanted

    return wanted()


def protected(o: RunOptions | None, plan: Path | None = None, extra: tuple[Path | None, ...] = ()) -> Protected:
    """What a command must never write over: the inputs `o` (or, without it, `plan`) resolves to — records, plan,
    waivers, roster, carework.yaml — the `extra` ones (a baseline), and the data roots they live in."""
    from carework.checking.config import CONFIG_FILE, resolve

    cwd = Path.cwd()
    if o is not None:
        inputs = resolve([], o.plan, o.waivers, cwd, o.roster, o.as_of)
        named: tuple[Path, ...] = o.paths
    else:
        inputs, named = resolve([], plan, None, cwd), ()
    files = (*named, inputs.plan, inputs.waivers, inputs.roster, cwd / CONFIG_FILE, *extra)
    return Protected.of(files, (*inputs.schools, cwd / "data", inputs.plan.parent if _local(inputs.plan, cwd) else cwd / "data"))


def _local(path: Path, cwd: Path) -> bool:
    """Whether `path` lies in the data repository (the shipped plan's folder is carework's, not the user's data)."""
    return cwd.resolve() in path.resolve().parents


def load_plan(plan: Path | None) -> Plan:
    """The plan a run would use (--plan, carework.yaml, or the default), loaded and compiled."""
    return located_plan(plan)[1]


def located_plan(plan: Path | None) -> tuple[Path, Plan]:
    """The path of the plan a run would use, and the plan loaded and compiled (its companion folder is beside it)."""
    from carework.checking.config import resolve
    from carework.core.paths import display_path
    from carework.rules.plan import load_plan as load

    inputs = resolve([], plan, None, Path.cwd())
    return inputs.plan, load(inputs.plan, display_path(inputs.plan))


def _libyaml_notice(lang: Lang) -> None:
    """One line on standard error when PyYAML runs without libyaml: checks still work, several times slower."""
    from carework.reading.loader import HAVE_LIBYAML

    if not HAVE_LIBYAML:
        say("注意：PyYAML 未使用 libyaml，读取记录会慢几倍",
            "note: PyYAML is running without libyaml, so reading records is several times slower", lang, err=True)


def _unknown_filter(run: CheckRun, selection: Selection) -> CareworkError | None:
    """A --school, --district, --rule or --section value the run has nothing for: a usage error, not an empty run."""
    from carework.checking.pipeline import folded

    districts = sorted({s.district for s in run.schools})
    asked = (
        (selection.schools, {folded(s.code) for s in run.schools}, "没有代码为 {value} 的学校记录", "no school with code {value}"),
        (selection.districts, set(districts), "没有 {value} 的学校记录（已有：{districts}）", "no school in district {value}"),
        (selection.rules, {folded(r.id) for r in run.plan.rules}, "计划中没有规则 {value}（carework rules 可列出全部）",
         "no rule {value} in the plan"),
        (selection.sections, {s.number for s in run.plan.sections}, "计划中没有第 {value} 部分", "the plan has no section {value}"),
    )
    for values, known, zh, en in asked:
        for value in values:
            if (folded(value) if isinstance(value, str) and values is not selection.districts else value) not in known:
                return refused(zh.format(value=value, districts="、".join(districts)), en.format(value=value))
    return None


def no_data(folders: tuple[Path, ...]) -> CareworkError:
    where = ", ".join(str(f) for f in folders)
    return refused(f"找不到学校记录文件夹 {where}。请在数据仓库的根目录运行，或给出记录所在的文件夹：carework check 路径",
                   f"no school records at {where}. Run from the data repository's root, or name the folder: carework check PATH")
