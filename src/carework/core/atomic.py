"""Writing a file so that a reader sees the old one or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic_write(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `target` with `data` (bytes, or pieces of them written as they come) in one step: a temporary file in
    the same folder, synced, then renamed.

    An existing file keeps its permissions; a new one gets the usual ones (see `new_file_mode`).
    """
    mode = target.stat().st_mode & 0o777 if target.is_file() and not target.is_symlink() else new_file_mode()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = synced_temporary(target, data, mode)
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_file_mode() -> int:
    """The usual permissions of a new file (0666 less the umask), not mkstemp's 0600, which would hide it from a CI
    job's artifact uploader."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def synced_temporary(target: Path, data: bytes | Iterable[bytes], mode: int) -> str:
    """A temporary file beside `target` holding `data` with `mode`, synced to disk: ready to be renamed over `target`.
    Removed again if anything fails on the way."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp
