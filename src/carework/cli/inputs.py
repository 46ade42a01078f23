"""From a command's options to a checked run: resolve the inputs, narrow to the records asked for, run the pipeline.

Shared by `check` and `report` (and the plan alone by `rules`, `explain`, `schema`). Failures are raised as
CareworkError for the boundary to report.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from carework.cli.console import say
from carework.cli.options import RunOptions
from carework.core.errors import CareworkError, refused
from carework.core.problems import Lang

if TYPE_CHECKING:
    from carework.checking.pipeline import Selection
    from carework.checking.run import CheckRun
    from carework.formats.base import Format
    from carework.rules.model import Plan


def checked(o: RunOptions, progress: bool, formats: tuple[Format, ...] = ()) -> CheckRun:
    """Resolve the inputs and run the pipeline. With PATHS (or --changed-since) only those records are reported on,
    while aggregate targets are still computed over the whole data set; `formats` are those the run will be written
    in (the pipeline prepares their per-school pieces)."""
    from carework.checking import pipeline
    from carework.checking.cache import default_root
    from carework.checking.changed import changed_records, focus
    from carework.checking.config import resolve
    from carework.cli.progress import progress_bar

    _libyaml_notice(o.lang)
    cwd = Path.cwd()
    inputs = resolve([], o.plan, o.waivers, cwd, o.roster, o.as_of)
    if not o.paths and not any(p.exists() for p in inputs.schools):
        raise _no_data(inputs.schools)
    files = None
    if o.paths or o.changed_since:
        wanted = list(o.paths)
        if o.changed_since:
            wanted = changed_records(o.changed_since, wanted or list(inputs.schools), cwd)
            if not wanted:
                say(f"自 {o.changed_since} 以来没有变动的学校记录", f"no school record changed since {o.changed_since}",
                    o.lang, err=True)
        focused = focus(wanted, inputs.schools)
        inputs, files = replace(inputs, schools=focused.roots), focused.files
    selection = pipeline.Selection(o.schools, o.districts, o.sections, o.rules, files)
    with progress_bar(progress, "检查记录" if o.lang == "zh" else "checking records") as shown:
        run = pipeline.run_check(inputs, o.as_of, o.today, selection, cache_dir=default_root() if o.use_cache else None,
                                 progress=shown, pieces=formats)
    unknown = _unknown_filter(run, selection)
    if unknown:
        raise unknown
    import gc

    gc.freeze()  # the run lives until exit: the collector need not rescan its results while the output is written
    return run


def progress_wanted() -> bool:
    """A progress bar whenever standard error is a person's terminal (see carework.cli.progress)."""
    from carework.cli.progress import wanted

    return wanted()


def load_plan(plan: Path | None) -> Plan:
    """The plan a run would use (--plan, carework.yaml, or the default), loaded and compiled."""
    from carework.checking.config import resolve
    from carework.core.paths import display_path
    from carework.rules.plan import load_plan as load

    inputs = resolve([], plan, None, Path.cwd())
    return load(inputs.plan, display_path(inputs.plan))


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


def _no_data(folders: tuple[Path, ...]) -> CareworkError:
    where = ", ".join(str(f) for f in folders)
    return refused(f"找不到学校记录文件夹 {where}。请在数据仓库的根目录运行，或给出记录所在的文件夹：carework check 路径",
                   f"no school records at {where}. Run from the data repository's root, or name the folder: carework check PATH")
