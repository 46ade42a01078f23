"""What changed between two states of the data: two git revisions of the data repository, or two JSON results.

A state is what a check says (each school's gaps, the targets). For a revision, the repository's files at that
revision are written to a temporary folder (read with `git ls-tree` and `git cat-file`, regular files only) and
checked there as of the date asked, with that revision's own plan, roster and waivers; for a JSON file, its results
and targets are read. Schools are matched by code, so a record renamed or moved is the same school; a record whose
code changed is one school gone and one added.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from carework.checking.changed import git
from carework.checking.config import resolve
from carework.checking.pipeline import run_check
from carework.checking.run import CheckRun
from carework.core.errors import refused
from carework.core.model import Status

#: The working tree as it is (not a revision): `diff REV` compares a revision with it.
WORKING_TREE = "."


@dataclass(frozen=True)
class SchoolState:
    name: str
    district: str
    #: rule -> the gap's message, for each rule not met (waived gaps are not gaps).
    gaps: dict[str, str]


@dataclass(frozen=True)
class TargetState:
    id: str
    district: str | None
    numerator: int
    denominator: int
    value: float | None
    target: float


@dataclass(frozen=True)
class State:
    """One side of a diff: where it came from, and what a check says."""

    label: str
    plan: str
    as_of: str
    schools: dict[str, SchoolState]
    targets: dict[str, TargetState]


@dataclass(frozen=True)
class SchoolChange:
    code: str
    name: str
    district: str
    new: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    still_open: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diff:
    before: State
    after: State
    #: Schools in both with any gap, new, resolved or still open; by district then code.
    changes: list[SchoolChange] = field(default_factory=list)
    added: list[SchoolChange] = field(default_factory=list)
    gone: list[SchoolChange] = field(default_factory=list)
    #: (before, after) of each target row either side has, city first.
    targets: list[tuple[TargetState | None, TargetState | None]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"new": sum(len(c.new) for c in self.changes) + sum(len(c.still_open) for c in self.added),
                "resolved": sum(len(c.resolved) for c in self.changes) + sum(len(c.resolved) for c in self.gone),
                "still_open": sum(len(c.still_open) for c in self.changes),
                "schools_added": len(self.added), "schools_gone": len(self.gone)}


def compare_states(before: State, after: State) -> Diff:
    changes, added, gone = [], [], []
    for code in sorted(set(before.schools) | set(after.schools),
                       key=lambda c: ((after.schools.get(c) or before.schools[c]).district, c)):
        old, new = before.schools.get(code), after.schools.get(code)
        if old is None and new is not None:
            added.append(SchoolChange(code, new.name, new.district, still_open=tuple(sorted(new.gaps))))
        elif new is None and old is not None:
            gone.append(SchoolChange(code, old.name, old.district, resolved=tuple(sorted(old.gaps))))
        elif old is not None and new is not None:
            change = SchoolChange(code, new.name, new.district, tuple(sorted(set(new.gaps) - set(old.gaps))),
                                  tuple(sorted(set(old.gaps) - set(new.gaps))), tuple(sorted(set(old.gaps) & set(new.gaps))))
            if change.new or change.resolved or change.still_open:
                changes.append(change)
    keys = list(dict.fromkeys([*before.targets, *after.targets]))
    keys.sort(key=lambda k: ((before.targets.get(k) or after.targets[k]).district is not None, k))
    return Diff(before, after, changes, added, gone, [(before.targets.get(k), after.targets.get(k)) for k in keys])


def state_of_run(run: CheckRun, label: str) -> State:
    """A check's state; `label` names where it came from."""
    gaps: dict[str, dict[str, str]] = {code: {} for code in run.selected}
    for code, results in run.results.by_school():
        gaps[code] = {r.rule: r.message_zh for r in results if r.status == Status.FAIL}
    schools = {s.code: SchoolState(s.name, s.district, gaps.get(s.code, {})) for s in run.schools if s.code in gaps}
    targets = {t.id: TargetState(t.id, t.district, t.numerator, t.denominator, t.value, t.target) for t in run.targets}
    return State(label, run.plan.id, run.as_of.isoformat(), schools, targets)


def state_of_json(path: Path, shown_as: str) -> State:
    """The state a `carework check --format json` result records; raises CareworkError saying what is wrong."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refused(f"无法读取结果文件 {shown_as}：{exc}", f"cannot read the result file {shown_as}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list) or not isinstance(doc.get("targets", []), list):
        raise refused(f"{shown_as} 不是 carework check --format json 的输出（缺少 results 列表）",
                      f"{shown_as} is not the output of carework check --format json (no results list)")
    schools: dict[str, SchoolState] = {}
    for i, item in enumerate(doc["results"]):
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("school", "rule", "status"))):
            raise refused(f"{shown_as} 的 results[{i}] 缺少 school、rule 或 status",
                          f"results[{i}] of {shown_as} lacks school, rule or status")
        school = schools.setdefault(item["school"], SchoolState(item["school"], "", {}))
        if item["status"] == Status.FAIL.value:
            school.gaps[item["rule"]] = str(item.get("message") or "")
    targets = {}
    for item in doc.get("targets", []):
        try:
            targets[item["id"]] = TargetState(str(item["id"]), item.get("district"), int(item["numerator"]),
                                              int(item["denominator"]), item.get("value"), float(item["target"]))
        except (KeyError, TypeError, ValueError):
            raise refused(f"{shown_as} 的 targets 中有一项缺少 id、numerator、denominator 或 target",
                          f"an item of targets in {shown_as} lacks id, numerator, denominator or target") from None
    return State(shown_as, str(doc.get("plan") or ""), str(doc.get("as_of") or ""), schools, targets)


def state_at(rev: str, cwd: Path, as_of: dt.date, today: dt.date) -> State:
    """The state of the data repository at `rev` (`WORKING_TREE`: as it is now), checked as of `as_of`."""
    if rev == WORKING_TREE:
        return _check(cwd, as_of, today, WORKING_TREE)
    top = Path(git(["rev-parse", "--show-toplevel"], cwd, ("当前文件夹不在 git 仓库中，无法比较版本",
                                                         "the current folder is not in a git repository; cannot compare revisions")).strip())
    commit = resolve_revision(rev, top)
    with tempfile.TemporaryDirectory(prefix="carework-diff-") as tmp:
        export(commit, top, Path(tmp))
        inside = Path(tmp) / cwd.resolve().relative_to(top.resolve())
        inside.mkdir(parents=True, exist_ok=True)
        return _check(inside, as_of, today, rev)


def resolve_revision(rev: str, top: Path) -> str:
    """The commit `rev` names; refuses anything git could read as an option."""
    if not rev or rev.startswith("-") or any(ch in rev for ch in "\0\n"):
        raise refused(f"{rev!r} 不是有效的 git 版本", f"{rev!r} is not a valid git revision")
    return git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], top,
               (f"git 仓库中没有版本 {rev}（CI 中检出时可能需要更深的历史，如 fetch-depth: 0）",
                f"no revision {rev} in the git repository (a CI checkout may need more history, e.g. fetch-depth: 0)")).strip()


def export(commit: str, top: Path, dest: Path) -> None:
    """Write the regular files of `commit` under `dest` (links and submodules are left out)."""
    listing = git(["ls-tree", "-r", "-z", "--full-tree", commit], top, (f"git ls-tree {commit} 失败", f"git ls-tree {commit} failed"))
    blobs: list[tuple[str, PurePosixPath]] = []
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        mode, kind, sha = meta.split()
        path = PurePosixPath(name)
        if kind == "blob" and mode in ("100644", "100755") and not path.is_absolute() and ".." not in path.parts:
            blobs.append((sha, path))
    if not blobs:
        return
    done = subprocess.run(["git", "cat-file", "--batch"], cwd=top, input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise refused(f"git cat-file 失败：{done.stderr.decode('utf-8', 'replace').strip()}",
                      f"git cat-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    data, at = done.stdout, 0
    for _, path in blobs:
        header_end = data.index(b"\n", at)
        size = int(data[at:header_end].split()[2])
        target = dest.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1


def _check(cwd: Path, as_of: dt.date, today: dt.date, label: str) -> State:
    """The state of the data in `cwd`; a revision without the records folder has no school (yet, or any more)."""
    inputs = resolve([], None, None, cwd, None, as_of)
    if not any(p.exists() for p in inputs.schools):
        return State(label, "", as_of.isoformat(), {}, {})
    return state_of_run(run_check(inputs, as_of, today), label)
