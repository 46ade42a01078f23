"""Safe report file names inside the output folder, derived from school codes and district names (the folders are
the page table's, `pages.py`).

Codes are validated by pattern when a record loads, and district names are free text; either way a name is reduced
to letters, digits, `-` and `_` here, so no value can climb out of the output folder or name a device. A name that
had to change gets a short digest of the original, so two different names never share a file.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^\w-]", re.UNICODE)
_MAX_STEM = 48
#: Names Windows refuses as file names whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def safe_stem(name: str, digest: bool = False) -> str:
    """A file-name stem for `name` that is safe on every platform; altered names (or `digest`) get a digest."""
    stem = _UNSAFE.sub("_", name).lstrip("._-")[:_MAX_STEM]
    if stem and stem == name and stem.upper() not in _RESERVED and not digest:
        return stem
    short = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{short}" if stem else short


def paths_for(names: list[str], folder: str) -> dict[str, str]:
    """`folder/<stem>.md` for each name; names that differ only in case (one file on macOS or Windows) get digests."""
    stems = {name: safe_stem(name) for name in names}
    folded: dict[str, int] = {}
    for stem in stems.values():
        folded[stem.casefold()] = folded.get(stem.casefold(), 0) + 1
    return {name: f"{folder}/{safe_stem(name, digest=folded[stem.casefold()] > 1)}.md" for name, stem in stems.items()}


def relative_link(source: str, target: str) -> str:
    """The link from the page at `source` to the page at `target`, both relative to the output folder."""
    depth = source.count("/")
    return "../" * depth + target
