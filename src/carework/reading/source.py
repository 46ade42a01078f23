"""One input file as every stage sees it: its path, the name it is shown under, its bytes and their digest.

A record is read here once, and only here: the cache keys it by the digest, the checker parses the same bytes, and
results carry the display name made here. The read is bounded: only a regular file is read (it is opened without
blocking, so a FIFO planted under a record's name cannot stall a run), and never more than the limit and one byte,
so a 600 MB file is refused without entering memory. A file that cannot be read is a `Source` with a problem and no
bytes.

Symbolic links are followed only to a readable file inside the data roots, and a linked source is never cached:
whether it may be read depends on where it points, not on its bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from carework.core.paths import display_path, printable
from carework.core.problems import Location, Problem

#: The most bytes a single input file may hold (`loader.Limits.max_bytes` by default).
MAX_BYTES = 1_048_576


@dataclass(frozen=True)
class Source:
    """An input file read once: `data` and `digest` are empty when `problem` says why it could not be read."""

    path: Path
    display: str
    data: bytes = b""
    #: blake2b of `data`, hex.
    digest: str = ""
    problem: Problem | None = None
    #: Read through a symbolic link: never cached.
    link: bool = False

    @property
    def cacheable(self) -> bool:
        """Whether an outcome of this source may be stored under its digest."""
        return self.problem is None and not self.link


def read_source(path: Path, roots: Sequence[Path] = (), max_bytes: int = MAX_BYTES, display: str | None = None,
                follow: bool = False) -> Source:
    """Read `path` once, bounded, to be shown as `display` (else its `display_path`). A link must lead to a readable
    file inside one of `roots` (folders or files), unless `follow` (a file the user named, such as the plan)."""
    display = display_path(path) if display is None else display
    link = path.is_symlink()
    if link and not follow:
        problem = _broken_link(path, display) or _outside(path, display, roots)
        if problem is not None:
            return Source(path, display, problem=problem, link=True)
    try:
        data = read_bounded(path, max_bytes)
    except TooLarge as exc:
        return Source(path, display, problem=_too_large(display, exc.size, max_bytes), link=link)
    except NotRegular:
        return Source(path, display, problem=_unreadable(display, "不是普通文件", "not a regular file"), link=link)
    except OSError as exc:
        return Source(path, display, problem=_unreadable(display, *[exc.strerror or str(exc)] * 2), link=link)
    return Source(path, display, data, hashlib.blake2b(data, digest_size=20).hexdigest(), link=link)


def read_bounded(path: Path | str, max_bytes: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, having read at most `max_bytes + 1` of them; raises OSError
    (`NotRegular` for a FIFO, a device or a folder, refused without blocking; `TooLarge`; a symbolic link unless
    `follow`)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular()
        if info.st_size > max_bytes:
            raise TooLarge(info.st_size)
        chunks = []
        left = max_bytes + 1  # one more than allowed: a file that grew since fstat is still caught
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise TooLarge(len(data))
    return data


class NotRegular(OSError):
    """A FIFO, a device or a folder where a file was expected."""


class TooLarge(OSError):
    """A file over the limit; `size` is what fstat or the read found."""

    def __init__(self, size: int) -> None:
        super().__init__(0, "too large")
        self.size = size


def _too_large(display: str, size: int, limit: int) -> Problem:
    return Problem(Location(display), "file-too-large", f"文件过大（{size} 字节，上限 {limit} 字节）",
                   f"file is too large ({size} bytes, the limit is {limit})",
                   "一所学校的记录通常不超过 50 KB；请检查是否误放了其他文件",
                   "a school record is usually under 50 KB; check that this is really a record")


def _unreadable(display: str, why_zh: str, why_en: str) -> Problem:
    return Problem(Location(display), "unreadable", f"无法读取文件：{why_zh}", f"cannot read file: {why_en}",
                   "检查文件是否存在、是否有读取权限", "check that the file exists and is readable")


def _broken_link(path: Path, display: str) -> Problem | None:
    try:
        if path.resolve(strict=True).is_file():
            return None
    except (OSError, RuntimeError):  # missing target; a loop is RuntimeError before Python 3.13
        pass
    return Problem(Location(display), "broken-link", "符号链接没有指向可读的文件（目标不存在、是文件夹或链接成环）",
                   "symbolic link leads to no readable file (missing target, a folder, or a loop)",
                   "删除这个链接，或把记录文件本身放进数据文件夹", "remove the link, or put the record itself in the data folder")


def _outside(path: Path, display: str, roots: Sequence[Path]) -> Problem | None:
    target = path.resolve()
    for root in roots:
        base = root.resolve() if root.is_dir() else root.resolve().parent
        if target == base or base in target.parents:
            return None
    shown = printable(target.as_posix())
    return Problem(Location(display), "outside-data", f"符号链接指向数据文件夹之外（{shown}），已拒绝读取",
                   f"symbolic link points outside the data folder ({shown}); refused",
                   "把记录文件本身放进数据文件夹，不要用指向别处的链接",
                   "put the record itself in the data folder, not a link to elsewhere")
