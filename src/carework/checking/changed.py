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


def changed_records(rev: str, within: list[Path], cwd: Path) -> list[Path]:
    """Record files under `within` that differ from `rev`: committed, staged, unstaged or untracked, not deleted.

    The comparison starts from the merge base of `rev` and HEAD, so on a branch only the branch's own changes count,
    not what landed on `rev` since.
    """
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd, ("当前文件夹不在 git 仓库中，无法使用 --changed-since",
                                                           "the current folder is not in a git repository; --changed-since needs one")).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top,
         (f"git 仓库中没有版本 {rev}（CI 中检出时可能需要更深的历史，如 fetch-depth: 0）",
          f"no revision {rev} in the git repository (a CI checkout may need more history, e.g. fetch-depth: 0)"))
    try:
        base = _git(["merge-base", rev, "HEAD"], top, ("", "")).strip()
    except CareworkError:  # unrelated histories, or no commit yet: compare with the revision itself
        base = rev
    diff = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"], top,
                (f"git diff {rev} 失败", f"git diff {rev} failed"))
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top,
                     ("git ls-files 失败", "git ls-files failed"))
    names = {n for n in (diff + "\0" + untracked).split("\0") if n}
    paths = sorted(top / name for name in names if Path(name).suffix in RECORD_SUFFIXES)
    roots = [cwd / w for w in within]
    return [p for p in paths if p.is_file() and any(_inside(p, root) for root in roots)]


def _git(args: list[str], cwd: Path, failure: tuple[str, str]) -> str:
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
