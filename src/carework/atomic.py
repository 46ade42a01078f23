"""Writing a file so that a reader sees the old one or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic_write(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `target` with `data` (bytes, or pieces of them written as they come) in one step: a temporary file in
    the same folder, synced, then renamed.

    An existing file keeps its permissions; a new one gets the usual ones (0666 less the umask), not mkstemp's 0600,
    which would hide it from a CI job's artifact uploader.
    """
    if target.is_file() and not target.is_symlink():
        mode = target.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    target.parent.mkdir(parents=True, exist_ok=True)
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
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
