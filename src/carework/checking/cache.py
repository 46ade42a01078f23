"""A cache of per-record outcomes, so a re-check after one edit only re-reads the records that changed.

Where: `$CAREWORK_CACHE_DIR`, else `$XDG_CACHE_HOME/carework`, else `~/.cache/carework` — outside the data
repository on purpose: entries are pickles, and a cache inside the repository could be committed (or planted by a
pull request) and then loaded by CI. `carework check --no-cache` neither reads nor writes it.

What decides an entry: one folder per *context* — the plan file's digest, carework's version and a digest of its
own source, the as-of date, today's date (dates after today are errors), the Python, PyYAML and yaml-rs versions,
and whether libyaml and the yaml-rs fast path are used — and inside it one file per record, named by a digest of the
record's bytes and the path it is shown under (results and problems carry it). Waivers are not part of any key: they
are applied to cached results afterwards, so editing the waiver file re-checks nothing. Symbolic links are never
cached (whether they may be read depends on where they point, not on their bytes).

An entry is written in place, not through a temporary file and a rename: on the machines measured a rename cost twice
the write (0.3 ms a record, a sixth of a cold check). That is safe for a cache, not for a user's file: an entry cut
short by a crash, or read while another run writes it, is an incomplete pickle, which fails to load and is a miss
(and is written again); two runs writing one entry write the same bytes. Only the few most recently used contexts
are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import shutil
from pathlib import Path
from typing import Any

import yaml

from carework import __version__
from carework.core.reference import reference_mode

#: How many contexts (e.g. as-of dates or plan versions) are kept; older ones are deleted when a new one starts.
KEEP_CONTEXTS = 4
_SUFFIX = ".pickle"


def default_root() -> Path:
    """The cache folder: $CAREWORK_CACHE_DIR, else the XDG cache folder."""
    explicit = os.environ.get("CAREWORK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "carework"


def code_digest() -> str:
    """carework's version and a digest of its own source, so an upgrade or a local edit starts a fresh cache."""
    package = Path(__file__).resolve().parent.parent  # the whole carework package
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return f"{__version__}-{h.hexdigest()}"


def context_parts(plan_digest: str, as_of: str, today: str, code: str | None = None) -> dict[str, str]:
    """Everything besides a record's own bytes that decides its outcome."""
    from carework.reading.fastload import YAML_RS
    from carework.reading.loader import HAVE_LIBYAML

    fast = YAML_RS is not None and not reference_mode()
    return {
        "carework": code or code_digest(),
        "plan": plan_digest,
        "as_of": as_of,
        "today": today,
        "python": platform.python_version(),
        "pyyaml": f"{yaml.__version__}{'+libyaml' if HAVE_LIBYAML else ''}",
        "yaml-rs": str(YAML_RS) if fast else "off",
    }


class Cache:
    """The entries of one context; safe to share between the processes of a pool (each write is atomic)."""

    def __init__(self, root: Path, parts: dict[str, str]) -> None:
        digest = hashlib.blake2b(repr(sorted(parts.items())).encode(), digest_size=16).hexdigest()
        self.root = root
        self.folder = root / digest
        self._fresh: bool | None = None

    def start(self) -> None:
        """Create this context's folder (pruning old contexts); after this, `fresh` says whether it was empty."""
        self._fresh = not self.folder.is_dir()
        try:
            if self._fresh:
                self.folder.mkdir(parents=True, exist_ok=True)
                (self.root / ".gitignore").write_text("*\n", encoding="ascii")  # in case someone points it into a repo
                self._prune()
            else:
                os.utime(self.folder)
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error

    @property
    def fresh(self) -> bool:
        """True when this context had no entries before this run: looking entries up would be wasted work."""
        return bool(self._fresh)

    def key(self, path: Path, display: str) -> str | None:
        """The entry name for the record at `path` as it is now; None when it must not be cached."""
        raw = cacheable_bytes(path)
        return None if raw is None else self.key_of(raw, display)

    @staticmethod
    def key_of(raw: bytes, display: str) -> str:
        """The entry name for a record with these bytes, shown as `display`."""
        h = hashlib.blake2b(display.encode("utf-8", "surrogateescape") + b"\0", digest_size=20)
        h.update(raw)
        return h.hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + _SUFFIX)  # text, not Path: this runs for every record

    def get(self, key: str) -> Any | None:
        """The stored outcome, or None when there is none or it cannot be read."""
        try:
            with open(self._entry(key), "rb") as entry:
                data = entry.read()
        except OSError:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a torn or foreign entry is a miss, whatever unpickling raises
            return None

    def put(self, key: str, outcome: Any) -> None:
        """Store an outcome (in place: see the module's docstring); failures (read-only or full disk) are ignored."""
        entry = self._entry(key)
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            try:
                handle = open(entry, "wb")
            except FileNotFoundError:  # the first entry of its folder
                os.makedirs(os.path.dirname(entry), exist_ok=True)
                handle = open(entry, "wb")
            with handle:
                handle.write(data)
        except OSError:
            try:
                os.unlink(entry)  # a half-written entry would only be a miss, but need not stay
            except OSError:
                pass

    def _prune(self) -> None:
        contexts = [p for p in self.root.iterdir() if p.is_dir() and p != self.folder]
        contexts.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in contexts[KEEP_CONTEXTS - 1:]:
            shutil.rmtree(old, ignore_errors=True)


def cacheable_bytes(path: Path) -> bytes | None:
    """The bytes of a record whose outcome may be cached; None for a symbolic link or a file that cannot be read."""
    try:
        return None if path.is_symlink() else path.read_bytes()
    except OSError:
        return None
