"""How a file is shown to users: relative to the current folder, forward slashes, never garbled."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """A path as users see it: relative to the current folder when inside it, with forward slashes."""
    text = os.fspath(path)
    if os.sep == "/" and os.path.normpath(text) == text:  # the common case, without relpath's work
        if not os.path.isabs(text) and not text.startswith(".."):
            return printable(text)
        cwd = os.getcwd()
        if text.startswith(cwd.rstrip("/") + "/"):
            return printable(text[len(cwd.rstrip("/")) + 1:])
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return printable(path.as_posix())
    return printable(Path(rel).as_posix() if not rel.startswith("..") else path.as_posix())



def printable(name: str) -> str:
    """A file name that is not UTF-8 (say, from a zip made on Chinese Windows) shown with \\x escapes, never garbled."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name

