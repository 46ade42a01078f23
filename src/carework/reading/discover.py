"""Find record files: folders expanded into their YAML files, in path order; missing paths reported."""

from __future__ import annotations

import os
from pathlib import Path

from carework.core.paths import display_path
from carework.core.problems import Location, Problem

RECORD_SUFFIXES = (".yaml", ".yml")



def discover(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their record files (sorted, recursively); report paths that do not exist."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(_records_in(path))
        elif path.is_file() or path.is_symlink():
            found.append(path)
        elif path.exists():  # `/dev/zero`, a FIFO, a socket: named, so said, never silently skipped
            problems.append(Problem(Location(display_path(path)), "unreadable", "无法读取文件：不是普通文件",
                                    "cannot read file: not a regular file", "给出学校记录文件或所在的文件夹",
                                    "name a school record file or the folder that holds the records"))
        else:
            problems.append(Problem(Location(display_path(path)), "no-such-file", "没有这个文件或文件夹",
                                    "no such file or folder", "检查路径", "check the path"))
    unique = list(dict.fromkeys(found))
    return unique, problems



def _records_in(folder: Path) -> list[Path]:
    """Record files below `folder` in path order, as `sorted(folder.rglob(...))` would give them: hidden files and
    folders left out, symbolic links to folders listed (so they are reported) but not entered, broken links kept."""
    found: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(os.fspath(folder), ())]
    while pending:
        where, parts = pending.pop()
        try:
            entries = list(os.scandir(where))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            link = entry.is_symlink()
            if not link and entry.is_dir():
                pending.append((entry.path, parts + (name,)))
            elif name.endswith(RECORD_SUFFIXES) and (link or entry.is_file()):
                found.append((parts + (name,), entry.path))
    found.sort()  # by path components, as paths compare, not by text ("a/b" before "a-c/x")
    return [Path(full) for _, full in found]

