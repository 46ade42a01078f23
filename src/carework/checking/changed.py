"""Which records a run reports on: the files named on the command line, or the ones git says changed.

Reporting narrows; loading does not. Aggregate targets are about the whole city, so every record of the data set
is still loaded and only the results of the focused records are shown — a commit that touches one school is judged
the same as a full run would judge that school.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from carework.core.errors import CareworkError, refused
from carework.core.paths import display_path
from carework.reading.discover import RECORD_SUFFIXES, discover
from carework.rules.model import Plan
from carework.rules.plan_diff import PlanDiff


@dataclass(frozen=True)
class Focus:
    #: Every folder or file to load: the data set, and any named record outside it.
    roots: tuple[Path, ...]
    #: The records to report on, as carework shows paths (`data/schools/X.yaml`).
    files: frozenset[str]


def focus(wanted: list[Path], data_set: tuple[Path, ...]) -> Focus:
    """Load the data set plus whatever in `wanted` lies outside it; report on `wanted` only.

    Paths are made absolute so a record reached through two roots (`data` and `data/schools`) is loaded once. A named
    path that does not exist, or is not a file or folder (`/dev/zero`), is kept as a root, so loading reports it.
    """
    named = [_absolute(p) for p in wanted]
    existing = [_absolute(root) for root in data_set if root.exists()]
    extra = [path for path in named if not (path.exists() and any(_inside(path, root) for root in existing))]
    files, _ = discover(named)
    shown = {display_path(f) for f in files} | {display_path(p) for p in named if not (p.is_dir() or p.is_file())}
    return Focus(tuple(dict.fromkeys(existing + extra)), frozenset(shown))


@dataclass(frozen=True)
class Changes:
    """What git says changed since a revision, as far as a run is concerned."""

    #: Record files under the data set that differ: committed, staged, unstaged or untracked, not deleted.
    records: list[Path]
    #: Why every record must be checked (Chinese, English), or None when only records changed.
    everything: tuple[str, str] | None = None
    #: The commit the comparison starts from (the merge base of the revision and HEAD).
    base: str = ""
    #: The repository's top folder.
    top: Path = Path(".")


def changed_records(rev: str, within: list[Path], cwd: Path, shared: dict[str, Path | None] | None = None) -> Changes:
    """Record files under `within` that differ from `rev`, and whether a change reaches every record.

    The comparison starts from the merge base of `rev` and HEAD, so on a branch only the branch's own changes count,
    not what landed on `rev` since. `shared` names the inputs every record is judged by (plan, plans folder, waivers,
    roster, carework.yaml): when one of them changed, or a record was deleted (the targets count it no more), the
    records alone cannot show what the change did, and `everything` says why in one line.
    """
    top = Path(git(["rev-parse", "--show-toplevel"], cwd, ("当前文件夹不在 git 仓库中，无法使用 --changed-since",
                                                           "the current folder is not in a git repository; --changed-since needs one")).strip())
    git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top,
         (f"git 仓库中没有版本 {rev}（CI 中检出时可能需要更深的历史，如 fetch-depth: 0）",
          f"no revision {rev} in the git repository (a CI checkout may need more history, e.g. fetch-depth: 0)"))
    try:
        base = git(["merge-base", rev, "HEAD"], top, ("", "")).strip()
    except CareworkError:  # unrelated histories, or no commit yet: compare with the revision itself
        base = rev
    diff = git(["diff", "--name-status", "-z", "--no-renames", base, "--"], top,
                (f"git diff {rev} 失败", f"git diff {rev} failed"))
    untracked = git(["ls-files", "-z", "--others", "--exclude-standard"], top,
                     ("git ls-files 失败", "git ls-files failed"))
    fields = [f for f in diff.split("\0") if f]
    status = {fields[i + 1]: fields[i] for i in range(0, len(fields) - 1, 2)}
    status.update({name: "A" for name in untracked.split("\0") if name})
    roots = [cwd / w for w in within]
    records = [top / name for name in status if Path(name).suffix in RECORD_SUFFIXES
               and any(_inside(top / name, root) for root in roots)]
    present = sorted(p for p in records if p.is_file())
    deleted = sorted(display_path(p) for p in records if not p.exists())
    everything = None
    touched = _shared_touched(status, top, shared or {})
    if touched:
        everything = (f"{touched} 自 {rev} 以来有改动，影响所有记录：检查全部记录",
                      f"{touched} changed since {rev} and affects every record: checking all records")
    elif deleted:
        everything = (f"自 {rev} 以来删除了记录 {'、'.join(deleted)}，总体目标随之变化：检查全部记录",
                      f"record(s) {', '.join(deleted)} deleted since {rev} change the targets: checking all records")
    return Changes(present, everything, base, top)


def _shared_touched(status: dict[str, str], top: Path, shared: dict[str, Path | None]) -> str:
    """The first shared input (as carework shows its path) that a changed file is, or lies inside; "" for none."""
    for path in shared.values():
        if path is None:
            continue
        for name in status:
            if _inside(top / name, path):
                return display_path(path)
    return ""


def file_at(rev: str, path: Path, top: Path) -> bytes | None:
    """The bytes of `path` (inside the repository at `top`) as revision `rev` has it; None when it has no such file."""
    relative = _absolute(path).relative_to(_absolute(top)).as_posix()
    try:
        done = subprocess.run(["git", "show", f"{rev}:{relative}"], cwd=top, capture_output=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None


def git(args: list[str], cwd: Path, failure: tuple[str, str]) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False)
    except FileNotFoundError:
        raise refused("找不到 git 命令；--changed-since 需要安装 git", "git is not installed; --changed-since needs it") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        tail = f"（{detail[-1]}）" if detail else ""
        raise refused(failure[0] + tail, failure[1] + (f" ({detail[-1]})" if detail else ""))
    return done.stdout


def _absolute(path: Path) -> Path:
    """Absolute and normalised, but not resolved: a link inside the data folder stays where it stands, and loading
    then refuses it if it points outside."""
    return Path(os.path.normpath(os.path.abspath(path)))


def _inside(path: Path, root: Path) -> bool:
    """Is `path` the record `root` or inside the folder `root`?"""
    path, root = _absolute(path), _absolute(root)
    return path == root or root in path.parents


def plan_changes(changes: Changes, plan_path: Path, plan: Plan) -> PlanDiff | None:
    """How `plan` differs from the plan file as the comparison's base commit had it; None when that commit has no
    such file or its plan cannot be loaded (then there is nothing to compare with)."""
    import tempfile

    from carework.rules.plan import load_plan
    from carework.rules.plan_diff import compare

    if not _inside(plan_path, changes.top):  # the shipped plan: it changes with carework, not with the repository
        return None
    before = file_at(changes.base, plan_path, changes.top)
    if before is None:
        return None
    with tempfile.TemporaryDirectory(prefix="carework-plan-") as folder:
        old_file = Path(folder) / plan_path.name
        old_file.write_bytes(before)
        try:
            old = load_plan(old_file, f"{changes.base[:12]}:{display_path(plan_path)}")
        except CareworkError:
            return None
    return compare(old, plan)
