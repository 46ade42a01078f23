"""Write rendered reports into the output folder: atomically, never outside it, never over someone else's file.

Every file is written to a temporary file in its own folder, synced, and moved over the old one with `os.replace`, so
a reader (or an interrupted run) only ever sees a whole old file or a whole new one. `.carework-manifest` lists what
carework wrote, with a SHA-256 of each file; carework overwrites only files listed there, and removes a listed file
that a full run no longer produces only while its content is still what carework wrote. Anything else in the
folder — a README, a hand-edited report — is never touched.

A run holds a lock on the folder, so a second run at the same time is refused rather than interleaved. While it
writes, `INCOMPLETE.md` (报告未写完) says so to anyone opening the folder, and the manifest's state line says
`writing`; the last steps are the manifest marked `complete`, then that file removed. A run that was killed leaves
both marks; the next run removes its stale temporary files (`.NAME.xxxxxxxx.tmp`) before writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from carework.core.atomic import atomic_write, new_file_mode, synced_temporary
from carework.core.errors import refused

MANIFEST = ".carework-manifest"
_MANIFEST_HEAD = (
    "# carework report: the files carework wrote in this folder (sha256, path).\n"
    "# It overwrites only these, and removes one only while it is unchanged. carework 生成文件清单，请勿编辑。\n"
)
#: The manifest's last header line: `writing` from the start of a run, `complete` written last.
STATE = "# state: "
#: Present while a run writes, and after one that was interrupted: the reports may mix old and new pages.
INCOMPLETE = "INCOMPLETE.md"
_INCOMPLETE_TEXT = (
    "# 报告未写完 / Reports incomplete\n\n"
    "carework 正在写这个文件夹中的报告，或上一次写到一半被中断：这里的报告可能新旧混杂，请勿使用。"
    "重新运行 `carework report` 即可完成；完成后本文件会自动删除。\n\n"
    "carework is writing the reports in this folder, or a run was interrupted half-way: the reports here may mix old "
    "and new pages; do not use them. Run `carework report` again to finish; this file is removed when it completes.\n"
)
#: A temporary file `synced_temporary` makes beside its target: `.NAME.` + mkstemp's 8 random characters + `.tmp`.
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")
#: The lock a run holds on its folder (where the system has no lock on a folder itself).
_LOCK = ".carework-lock"
_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
#: Syncs in flight at once. One sync after another costs a disk flush each (milliseconds); the file system commits
#: concurrent ones together.
SYNCS_IN_FLIGHT = 8
#: Files made ready (written and synced) before they are moved into place: bounds the temporary files that a killed
#: run could leave behind.
BATCH = 256


@dataclass(frozen=True)
class WriteSummary:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    #: Stale files carework wrote once but someone has edited since: left alone and no longer in the manifest.
    kept: tuple[str, ...]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_relative(rel: str) -> bool:
    """A plain relative path with no way up or out: no absolute path, `..`, `.`, backslash or empty part."""
    if not rel or "\\" in rel or "\x00" in rel or rel.startswith("/") or ":" in rel.split("/", 1)[0]:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/")) and rel not in (MANIFEST, INCOMPLETE, _LOCK)


def read_manifest(out: Path) -> dict[str, str]:
    """The manifest's entries (path → sha256); malformed lines and unsafe paths are ignored, never trusted."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, UnicodeDecodeError):
        return {}
    entries = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and safe_relative(match.group(2)):
            entries[match.group(2)] = match.group(1)
    return entries


def write_reports(out: Path, files: dict[str, str], prune: bool) -> WriteSummary:
    """Write `files` (relative path → text) under `out`; with `prune`, remove carework's own stale files. Raises
    CareworkError (a usage failure) when they cannot be written there, before anything that existed is changed."""
    if out.exists() and not out.is_dir():
        raise refused(f"{out} 不是文件夹", f"{out} is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out):
        return _write_locked(out, files, prune)


def _write_locked(out: Path, files: dict[str, str], prune: bool) -> WriteSummary:
    root = out.resolve()
    old = read_manifest(out)
    data = {rel: text.encode("utf-8") for rel, text in sorted(files.items())}
    plain: set[Path] = set()
    for rel in data:
        _check_target(root, rel, rel in old, plain)
    new = {rel: digest(blob) for rel, blob in data.items()}
    remove_stale_temporaries(root, set(old) | set(new))
    atomic_write(root / INCOMPLETE, _INCOMPLETE_TEXT.encode("utf-8"))
    # Listed before writing, so a run interrupted half-way still owns every file it may have written.
    _write_manifest(root, {**old, **new}, complete=False)
    written, unchanged = [], []
    changed: list[tuple[Path, bytes, int]] = []
    folders: set[Path] = set()
    new_mode = new_file_mode()
    for rel, blob in data.items():
        target = root / rel
        mode = new_mode
        if target.is_file() and not target.is_symlink():
            if target.read_bytes() == blob:
                unchanged.append(rel)
                continue
            mode = target.stat().st_mode & 0o777  # a replaced file keeps its permissions
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        changed.append((target, blob, mode))
        written.append(rel)
    _replace_all(changed)
    removed, kept = [], []
    if prune:
        for rel in sorted(set(old) - set(new)):
            outcome = _remove_if_ours(root, rel, old[rel])
            if outcome is True:
                removed.append(rel)
            elif outcome is False:
                kept.append(rel)
    final = dict(new) if prune else {**{r: h for r, h in old.items() if (root / r).is_file()}, **new}
    for rel in kept:
        final.pop(rel, None)
    _write_manifest(root, final, complete=True)
    (root / INCOMPLETE).unlink(missing_ok=True)
    return WriteSummary(tuple(written), tuple(unchanged), tuple(removed), tuple(kept))


def _replace_all(files: list[tuple[Path, bytes, int]]) -> None:
    """Replace each target with its data and mode, in order, as `atomic_write` does one file at a time.

    Each temporary file is synced before it is renamed over its target, so a reader, an interrupted run or a crash
    sees the old file or the new one, never half of one. Only the syncs of a batch overlap, in threads (they wait on
    the disk, not on Python); the renames stay one by one in order. Temporary files not yet renamed are removed on
    any failure or interruption.
    """
    pending: set[str] = set()
    pool = ThreadPoolExecutor(SYNCS_IN_FLIGHT, thread_name_prefix="carework-report-sync")
    try:
        for start in range(0, len(files), BATCH):
            batch = files[start:start + BATCH]
            temporaries = list(pool.map(partial(_write_synced, pending), batch))
            for (target, _, _), temporary in zip(batch, temporaries, strict=True):
                os.replace(temporary, target)
                pending.discard(temporary)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for temporary in pending:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _write_synced(pending: set[str], item: tuple[Path, bytes, int]) -> str:
    """A synced temporary file with `item`'s data and mode next to its target; its name is added to `pending`."""
    target, data, mode = item
    temporary = synced_temporary(target, data, mode)
    pending.add(temporary)
    return temporary


def _check_target(root: Path, rel: str, ours: bool, plain: set[Path]) -> None:
    """Refuse an unsafe path, a folder on the way that is a link or a file, or a file carework did not write.

    `plain` holds the folders already found plain in this run (thousands of reports share a few folders).
    """
    if not safe_relative(rel):
        raise refused(f"报告文件名 {rel!r} 不安全，已拒绝写入", f"unsafe report path {rel!r}; refused")
    here = root
    for part in PurePosixPath(rel).parts[:-1]:
        here = here / part
        if here in plain:
            continue
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            raise refused(f"{here} 不是普通文件夹（可能是链接），报告不会写到输出文件夹之外",
                          f"{here} is not a plain folder (a link?); reports are never written outside the output folder")
        plain.add(here)
    target = root / rel
    if target.is_dir() and not target.is_symlink():
        raise refused(f"{target} 是文件夹，无法写入报告", f"{target} is a folder; cannot write a report there")
    if (target.exists() or target.is_symlink()) and not ours:
        raise refused(f"{target} 已存在且不是 carework 写的（不在 {MANIFEST} 中）；请移走它或换一个 --out 文件夹",
                      f"{target} exists and was not written by carework (not in {MANIFEST}); move it or choose another --out")


def _remove_if_ours(root: Path, rel: str, expected: str) -> bool | None:
    """Remove a stale file if it is still what carework wrote: True removed, False edited since, None gone."""
    target = root / rel
    if not target.is_file() or target.is_symlink() or root not in target.resolve().parents:
        return None
    if digest(target.read_bytes()) != expected:
        return False
    target.unlink()
    return True


def _write_manifest(root: Path, entries: dict[str, str], complete: bool) -> None:
    body = "".join(f"{sha}  {rel}\n" for rel, sha in sorted(entries.items()))
    state = f"{STATE}{'complete' if complete else 'writing'}\n"
    atomic_write(root / MANIFEST, (_MANIFEST_HEAD + state + body).encode("utf-8"))


def is_complete(out: Path) -> bool:
    """Whether the last run that wrote `out` finished: its manifest says `complete` and no INCOMPLETE.md is left."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return f"\n{STATE}complete\n" in text and not (out / INCOMPLETE).exists()


def remove_stale_temporaries(root: Path, ours: set[str]) -> list[str]:
    """Remove the temporary files an interrupted run left beside the files carework writes here (`ours`, relative
    paths, and the manifest and marker); anything else is left alone. Returns what was removed, relative."""
    targets: dict[Path, set[str]] = {}
    for rel in ours | {MANIFEST, INCOMPLETE}:
        path = root / rel
        targets.setdefault(path.parent, set()).add(path.name)
    removed = []
    for folder, names in targets.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _TEMPORARY.match(entry.name)
            if match and match.group("name") in names and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path).relative_to(root).as_posix())
    return sorted(removed)


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold `out` for one run: a second run writing there at the same time is refused (CareworkError, usage). The
    lock is the system's, released when the process ends however it ends, so a killed run leaves none behind."""
    try:
        import fcntl
    except ImportError:  # Windows: lock a byte of a file in the folder instead
        with _windows_lock(out):
            yield
        return
    fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(out) from None
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _windows_lock(out: Path) -> Iterator[None]:  # pragma: no cover - exercised on Windows only
    import msvcrt

    with open(out / _LOCK, "a+b") as handle:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            raise _busy(out) from None
        try:
            yield
        finally:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


def _busy(out: Path) -> Exception:
    return refused(f"另一个 carework report 正在写 {out}，请等它结束后再运行",
                   f"another carework report is writing into {out}; run again when it has finished")
