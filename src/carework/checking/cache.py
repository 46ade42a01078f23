"""A cache of per-record outcomes, so a re-check after one edit only re-reads the records that changed.

Where: `$CAREWORK_CACHE_DIR`, else `$XDG_CACHE_HOME/carework`, else `~/.cache/carework` — outside the data
repository on purpose, so a cache cannot be committed (or planted by a pull request) and then read by CI. A relative
path in either variable is ignored, as the XDG specification says (the next choice is used), since it would put the
cache wherever the command happens to run. `carework check --no-cache` neither reads nor writes it.

What is stored is data, never code: each entry is a format line (`carework-cache 1`) and the outcome as plain values
(`checking.plain`: JSON with tags for tuples, dates and bytes). An entry of another version, malformed, of the wrong
shape, larger than `MAX_ENTRY`, not a regular file (opened without blocking and without following links) or
unreadable is a miss, never an error, and is written again. Folders are created 0700 and entries 0600; a cache
folder owned by another user is not used at all.

What decides an entry: one folder per *context* — the plan file's digest, carework's version and a digest of its
own source, the as-of date, today's date (dates after today are errors), the Python, PyYAML and yaml-rs versions,
and whether libyaml and the yaml-rs fast path are used — and inside it one file per record, named by the digest of
the record's bytes and the path it is shown under (results and problems carry it). Waivers are not part of any key:
they are applied to cached results afterwards, so editing the waiver file re-checks nothing. Symbolic links are
never cached (whether they may be read depends on where they point, not on their bytes).

An entry is written in place, not through a temporary file and a rename: on the machines measured a rename cost twice
the write (0.3 ms a record, a sixth of a cold check). So a write is not atomic: an entry cut short by a crash, or
read while another run writes it, is incomplete JSON, which is a miss (and is written again); two runs writing one
entry write the same bytes. Only the few most recently used contexts are kept.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import stat
from pathlib import Path

import yaml

from carework import __version__
from carework.checking import plain
from carework.checking.record_check import FileOutcome
from carework.core.reference import reference_mode
from carework.reading.source import Source, read_bounded

#: How many contexts (e.g. as-of dates or plan versions) are kept; older ones are deleted when a new one starts.
KEEP_CONTEXTS = 4
#: The first line of every entry: an entry without it (another version, or not ours) is a miss.
FORMAT = b"carework-cache 1\n"
#: The largest entry read: an outcome is about a fifth of its record, and a record at most 1 MiB.
MAX_ENTRY = 8 << 20
_SUFFIX = ".json"


def default_root() -> Path:
    """The cache folder: $CAREWORK_CACHE_DIR, else the XDG cache folder; relative paths in either are ignored."""
    explicit = os.environ.get("CAREWORK_CACHE_DIR", "")
    if os.path.isabs(explicit):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "")
    return Path(base if os.path.isabs(base) else Path.home() / ".cache") / "carework"


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
    """The entries of one context; safe to share between the processes of a pool (see the module on torn entries)."""

    def __init__(self, root: Path, parts: dict[str, str]) -> None:
        digest = hashlib.blake2b(repr(sorted(parts.items())).encode(), digest_size=16).hexdigest()
        self.root = root
        self.folder = root / digest
        self._fresh: bool | None = None
        self.usable = True

    def start(self) -> None:
        """Create this context's folder (pruning old contexts); after this, `fresh` says whether it was empty and
        `usable` whether the cache may be used at all."""
        try:
            self.usable = _own_folder(self.root, create=True)
            if not self.usable:
                return
            self._fresh = not os.path.lexists(self.folder)
            if self._fresh:
                os.mkdir(self.folder, 0o700)
                _write(os.path.join(self.root, ".gitignore"), b"*\n")  # in case someone points it into a repo
                self._prune()
            elif _own_folder(self.folder, create=False):
                os.utime(self.folder)
            else:
                self.usable = False
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error

    @property
    def fresh(self) -> bool:
        """True when this context had no entries before this run: looking entries up would be wasted work."""
        return bool(self._fresh)

    @staticmethod
    def key(source: Source) -> str | None:
        """The entry name for a record read as `source`; None when it must not be cached."""
        if not source.cacheable:
            return None
        return hashlib.blake2b(f"{source.display}\0{source.digest}".encode("utf-8", "surrogateescape"),
                               digest_size=20).hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + _SUFFIX)  # text, not Path: this runs for every record

    def get(self, key: str) -> FileOutcome | None:
        """The stored outcome, or None when there is none or it is not one this version wrote."""
        if not self.usable:
            return None
        try:
            data = read_bounded(self._entry(key), MAX_ENTRY, follow=False)
        except OSError:
            return None
        if not data.startswith(FORMAT):
            return None
        try:
            return FileOutcome.from_plain(plain.loads(data[len(FORMAT):]))
        except ValueError:
            return None

    def put(self, key: str, outcome: FileOutcome) -> None:
        """Store an outcome (in place: see the module's docstring); failures (read-only or full disk) are ignored."""
        if not self.usable:
            return
        entry = self._entry(key)
        try:
            data = FORMAT + plain.dumps(outcome.plain())
        except TypeError:  # a value the encoding does not know: checked again next time, never stored as code
            return
        try:
            try:
                _write(entry, data)
            except FileNotFoundError:  # the first entry of its folder
                os.makedirs(os.path.dirname(entry), 0o700, exist_ok=True)
                _write(entry, data)
        except OSError:
            try:
                os.unlink(entry)  # a half-written entry would only be a miss, but need not stay
            except OSError:
                pass

    def _prune(self) -> None:
        contexts = [p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink() and p != self.folder]
        contexts.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in contexts[KEEP_CONTEXTS - 1:]:
            shutil.rmtree(old, ignore_errors=True)


def _own_folder(folder: Path, *, create: bool) -> bool:
    """Whether `folder` is a real folder of this user (made 0700 when missing and `create`)."""
    if create:
        os.makedirs(folder, 0o700, exist_ok=True)
    info = os.lstat(folder)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()


def _write(path: str, data: bytes) -> None:
    """Write a new file 0600, or over a regular file; never through a link, never blocking on a FIFO (no reader: ENXIO)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
