"""Baselines: compare a run with an earlier `--format json` result, so CI judges only what a change did.

A gap is known when the baseline already had it — failing, or waived — for the same school and rule; its message
may have changed (one hearing instead of two), it is still the same gap. A pull request that makes a school lose a
requirement adds a new gap and is caught; one that only edits a record with an old gap is not. Gaps of the
baseline that are met now (or no longer apply, or are waived) are listed as resolved.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from carework.checking.comparison import Baseline, Comparison, Gap
from carework.checking.run import CheckRun
from carework.core.errors import refused
from carework.core.model import Result, Status
from carework.reading.source import NotRegular, TooLarge, read_bounded

KNOWN_STATUSES = ("fail", "waived")
#: The largest baseline read (README: Limits): a city's whole JSON result is a few MB; this leaves room for growth and
#: refuses `/dev/zero` or a mistaken archive before it fills memory.
MAX_BASELINE_BYTES = 128 * 1_048_576


def load_baseline(path: Path, shown_as: str) -> Baseline:
    """Read an earlier JSON result; raises CareworkError saying what is wrong with it."""
    try:
        doc = json.loads(read_bounded(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise refused(f"找不到基线文件 {shown_as}", f"baseline file {shown_as} not found") from None
    except RecursionError:  # `[[[[…]]]]` nested 200,000 deep: no result of carework's nests beyond a few levels
        raise refused(f"基线文件 {shown_as} 嵌套过深，不是 carework check --format json 的输出",
                      f"baseline file {shown_as} nests too deeply; it is not the output of carework check --format json") from None
    except OSError as exc:
        why_zh, why_en = _unreadable(exc)
        raise refused(f"无法读取基线文件 {shown_as}：{why_zh}", f"cannot read baseline file {shown_as}: {why_en}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refused(f"基线文件 {shown_as} 不是有效的 JSON：{exc}", f"baseline file {shown_as} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise refused(f"基线文件 {shown_as} 不是 carework check --format json 的输出（缺少 results 列表）",
                      f"baseline file {shown_as} is not the output of carework check --format json (no results list)")
    gaps = []
    for i, item in enumerate(doc["results"]):
        if not _is_result(item):
            raise refused(f"基线文件 {shown_as} 的 results[{i}] 缺少 school、rule 或 status",
                          f"results[{i}] of baseline file {shown_as} lacks school, rule or status")
        if item["status"] in KNOWN_STATUSES:
            line = item.get("line")
            gaps.append(Gap(item["school"], item["rule"], item["status"], str(item.get("message") or ""),
                            str(item.get("file") or ""), line if isinstance(line, int) else 1))
    plan = doc.get("plan")
    return Baseline(shown_as, plan if isinstance(plan, str) else None, tuple(sorted(gaps)))


def _unreadable(exc: OSError) -> tuple[str, str]:
    if isinstance(exc, TooLarge):
        limit = f"{MAX_BASELINE_BYTES:,}"
        return f"文件过大（上限 {limit} 字节）", f"the file is too large (the limit is {limit} bytes)"
    if isinstance(exc, NotRegular):
        return "不是普通文件", "not a regular file"
    reason = exc.strerror or str(exc)
    return reason, reason


def _is_result(item: Any) -> bool:
    return isinstance(item, dict) and all(isinstance(item.get(key), str) for key in ("school", "rule", "status"))


def compare(run: CheckRun, baseline: Baseline) -> Comparison:
    """Split the run's gaps into new and known, and find the baseline's gaps that are resolved."""
    known_keys = {(g.school, g.rule) for g in baseline.gaps}
    wanted = {(g.school, g.rule) for g in baseline.gaps if g.status == "fail"}
    new: list[Result] = []
    known: list[Result] = []
    now: dict[tuple[str, str], Status] = {}
    for r in run.results:  # one pass: a province's results are decoded as they are read
        key = (r.school, r.rule)
        if r.status == Status.FAIL:
            (known if key in known_keys else new).append(r)
        if key in wanted:
            now[key] = r.status
    settled = (Status.PASS, Status.NOT_APPLICABLE, Status.WAIVED)
    resolved = tuple(g for g in baseline.gaps if g.status == "fail" and now.get((g.school, g.rule)) in settled)
    return Comparison(baseline, tuple(new), tuple(known), resolved)


def only_new(run: CheckRun, comparison: Comparison) -> CheckRun:
    """The run as the formats should show it: listings leave the known gaps out; counts, rates and verdicts still
    describe every gap, and the comparison travels with the run (JSON's `baseline`)."""
    known = {(r.school, r.rule) for r in comparison.known}
    return dataclasses.replace(run, baseline=comparison, listed=run.results.where(lambda r: (r.school, r.rule) not in known))


def by_school(comparison: Comparison) -> dict[str, dict[str, list[str]]]:
    """For each school with any: the rules of its new, known and resolved gaps."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind, pairs in (("new", [(r.school, r.rule) for r in comparison.new]),
                        ("known", [(r.school, r.rule) for r in comparison.known]),
                        ("resolved", [(g.school, g.rule) for g in comparison.resolved])):
        for school, rule in pairs:
            out.setdefault(school, {"new": [], "known": [], "resolved": []})[kind].append(rule)
    return dict(sorted(out.items()))


def describe(comparison: Comparison, plan_id: str, lang: str) -> str:
    """A few lines for the terminal: how many gaps are new, how many were known, and each resolved one."""
    c = comparison
    lines = []
    if c.baseline.plan and c.baseline.plan != plan_id:
        lines.append(f"注意：基线来自计划 {c.baseline.plan}，本次检查用的是 {plan_id}" if lang == "zh"
                     else f"note: the baseline comes from plan {c.baseline.plan}, this check uses {plan_id}")
    if lang == "zh":
        lines.append(f"与基线 {c.baseline.file} 相比：新增未达标 {len(c.new)} 项，原有未达标 {len(c.known)} 项（未列出），"
                     f"已解决 {len(c.resolved)} 项")
    else:
        lines.append(f"Compared with the baseline {c.baseline.file}: {len(c.new)} new gap(s), {len(c.known)} known gap(s) "
                     f"(not listed), {len(c.resolved)} resolved")
    for gap in c.resolved:
        lines.append(f"  ✓ {gap.school} {gap.rule} {gap.message}".rstrip())
    return "\n".join(lines) + "\n"
