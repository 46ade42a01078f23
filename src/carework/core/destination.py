"""Where carework may write: a regular file (or `-`) or a report folder that is none of the run's inputs and lies
outside the data it reads.

carework promises never to change a user's data. An `--output` that names a record, the plan or `/dev/null` (which,
run as root, `os.replace` would turn into a regular file) is refused before anything runs, with the reason and what
to write instead.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from carework.core.errors import CareworkError, refused
from carework.core.paths import display_path

STDOUT = "-"


@dataclass(frozen=True)
class Protected:
    """What a run reads: input files (record, plan, waivers, roster, configuration, baseline) and data roots (the
    folders records and plans live in). Nothing carework writes may be one of them or lie under a root."""

    files: tuple[Path, ...] = ()
    roots: tuple[Path, ...] = ()

    @classmethod
    def of(cls, paths: Iterable[Path | None], roots: Iterable[Path]) -> Protected:
        """Folders among `paths` count as roots; paths that do not exist are left out (nothing there to protect)."""
        files, folders = [], [r for r in roots if r.is_dir()]
        for path in paths:
            if path is None:
                continue
            if path.is_dir():
                folders.append(path)
            elif path.exists() or path.is_symlink():
                files.append(path)
        return cls(tuple(files), tuple(folders))


def check_output_file(path: Path, protected: Protected, option: str) -> None:
    """Refuse `path` as the destination of `option` unless it is `-`, or a regular file (or nothing yet) that is no
    input and under no data root; raises CareworkError (usage)."""
    if os.fspath(path) == STDOUT:
        return
    shown = display_path(path)
    if not os.fspath(path).strip():
        raise _refuse(option, shown, "是空的", "is empty", "给出文件名，或用 - 表示标准输出", "name a file, or - for standard output")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _refuse(option, shown, f"无法访问（{exc.strerror}）", f"cannot be reached ({exc.strerror})",
                      "换一个文件名", "choose another file name") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        what_zh, what_en = _kind(info.st_mode)
        raise _refuse(option, shown, f"是{what_zh}，不是普通文件", f"is {what_en}, not a regular file",
                      "写到普通文件，或用 - 表示标准输出", "write to a regular file, or - for standard output")
    _outside_inputs(path, protected, option, shown)


def output_folder(text: str, protected: Protected, option: str) -> Path:
    """The folder `text` names, to write into: refused (CareworkError, usage) when it is empty — `Path("")` is the
    current folder — an input, or a data root or under one."""
    if not text.strip():
        raise _refuse(option, text, "是空的（会写到当前文件夹）", "is empty (it would write into the current folder)",
                      "给出报告文件夹，如 --out reports", "name the report folder, e.g. --out reports")
    path = Path(text)
    _outside_inputs(path, protected, option, display_path(path))
    return path


def _outside_inputs(path: Path, protected: Protected, option: str, shown: str) -> None:
    target = path.resolve()
    for file in protected.files:
        if target == file.resolve() or _same_file(path, file):
            raise _refuse(option, shown, "是本次运行读取的输入文件，carework 不会改写它",
                          "is one of the run's input files; carework never writes over its input",
                          "写到别的文件", "write somewhere else")
    for root in protected.roots:
        base = root.resolve()
        if target == base or base in target.parents:
            where = display_path(root)
            raise _refuse(option, shown, f"在数据文件夹 {where} 中，carework 不会往数据里写东西",
                          f"lies in the data folder {where}; carework never writes among its data",
                          "写到数据文件夹之外，如 reports/ 或 build/", "write outside the data, e.g. into reports/ or build/")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "文件夹", "a folder"
    if stat.S_ISLNK(mode):
        return "符号链接", "a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备", "a device"
    if stat.S_ISFIFO(mode):
        return "管道", "a pipe"
    return "特殊文件", "a special file"


def _refuse(option: str, shown: str, why_zh: str, why_en: str, fix_zh: str, fix_en: str) -> CareworkError:
    return refused(f"{option} {shown!r} {why_zh}，已拒绝写入；{fix_zh}", f"{option} {shown!r} {why_en}; refused: {fix_en}")
