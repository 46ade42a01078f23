"""The per-record cache: what each input invalidates, and that a cached run is the same run.

Hits and misses are counted by spying on `check_file` (one process), never by timing. An entry holds data, never
code: whatever is found where an entry should be — torn, of another version, planted, a FIFO — is a miss.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, PLAN_FILE, TODAY
from support.generate import generate

import carework.checking.cache as cache_module
import carework.checking.pool as parallel
from carework.checking.cache import FORMAT, Cache
from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.checking.record_check import FileOutcome
from carework.checking.run import CheckRun
from carework.core.model import Status

RECORDS = 24


class Counter:
    """Counts the records actually checked (cache misses) by wrapping `check_file`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        original = parallel.check_file

        def counting(source: Any, job: Any) -> Any:
            self.paths.append(source.path)
            return original(source, job)

        monkeypatch.setattr(parallel, "check_file", counting)

    def take(self) -> int:
        count, self.paths = len(self.paths), []
        return count


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path, Counter]:
    schools = tmp_path / "schools"
    generate(RECORDS, schools, seed=11)
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLAN_FILE, plan)
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    return schools, plan, waivers, Counter(monkeypatch)


def check(schools: Path, plan: Path, waivers: Path | None, cache: Path | None, as_of: dt.date = AS_OF) -> CheckRun:
    return run_check(Inputs((schools,), plan, waivers), as_of, TODAY, jobs=1, cache_dir=cache)


def flat(run: CheckRun) -> Any:
    return ([(r, r.location.path, r.found, r.expected, r.waiver) for r in run.results], run.problems, run.targets,
            [(s.code, s.file, s.district, s.data) for s in run.schools])


def first_gap(run: CheckRun) -> tuple[str, str]:
    gap = next(r for r in run.results if r.status == Status.FAIL)
    return gap.rule, gap.school


def test_a_cached_run_is_the_same_run(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    cold = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.take() == RECORDS
    warm = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.take() == 0
    uncached = check(schools, plan, waivers, None)
    assert flat(cold) == flat(warm) == flat(uncached)


def test_a_changed_record_is_checked_again_alone(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    record = sorted(schools.rglob("*.yaml"))[3]
    record.write_text(record.read_text(encoding="utf-8").replace("\nreaders:", "\nreaders: []\nunused_readers:", 1),
                      encoding="utf-8")
    after = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.paths == [record]
    assert flat(after) == flat(check(schools, plan, waivers, None))
    assert any(p.location.file.endswith(record.name) and p.code == "unknown-field" for p in after.problems)


def test_a_changed_plan_checks_every_record_again(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    before = check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    plan.write_text(plan.read_text(encoding="utf-8").replace("    value: 2000\n", "    value: 9000000\n", 1), encoding="utf-8")
    after = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.take() == RECORDS
    failing = {r.school for r in after.results if r.rule == "S2-11" and r.status == Status.FAIL}
    assert failing > {r.school for r in before.results if r.rule == "S2-11" and r.status == Status.FAIL}
    assert flat(after) == flat(check(schools, plan, waivers, None))


def test_a_changed_waiver_file_rechecks_nothing_yet_changes_the_results(
        setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    before = check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    rule, school = first_gap(before)
    waivers.write_text(f"waivers:\n  - {{rule: {rule}, school: {school}, reason: 整改中, approved_by: 市教育局, "
                       f"expires: 2025-06-30}}\n", encoding="utf-8")
    after = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.take() == 0, "waivers are applied to cached results, not part of their key"
    waived = [r for r in after.results if r.status == Status.WAIVED]
    assert [(r.rule, r.school) for r in waived] == [(rule, school)]
    assert flat(after) == flat(check(schools, plan, waivers, None))


def test_a_new_carework_version_checks_every_record_again(
        setup: tuple[Path, Path, Path, Counter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schools, plan, waivers, counter = setup
    check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    monkeypatch.setattr(cache_module, "code_digest", lambda: "99.0.0-another-build")
    check(schools, plan, waivers, tmp_path / "cache")
    assert counter.take() == RECORDS


def test_the_as_of_date_is_part_of_the_key(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    earlier = check(schools, plan, waivers, tmp_path / "cache", as_of=dt.date(2024, 6, 30))
    assert counter.take() == RECORDS
    assert flat(earlier) == flat(check(schools, plan, waivers, None, as_of=dt.date(2024, 6, 30)))


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


class Planted:
    """A pickle that would create `marker` if anything unpickled it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def spoil(entry: Path, kind: str, tmp_path: Path) -> None:
    """Put something that is not a valid entry of this version where `entry` is."""
    data = entry.read_bytes()
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry, 0o600)
    elif kind == "folder":
        entry.mkdir()
    elif kind == "link":
        (tmp_path / "elsewhere.json").write_bytes(data)
        entry.symlink_to(tmp_path / "elsewhere.json")
    else:
        entry.write_bytes({
            "empty": b"",
            "torn": data[:len(data) // 2],
            "no-format-line": data[len(FORMAT):],
            "another-version": data.replace(FORMAT, b"carework-cache 0\n", 1),
            "not-json": FORMAT + b"\x80\x81 not json",
            "wrong-shape": FORMAT + b'{"t":[1,2,3]}',
            "unknown-tag": FORMAT + data[len(FORMAT):].replace(b'{"t":', b'{"x":', 1),
            "bad-packed": FORMAT + data[len(FORMAT):].replace(b'{"b":"', b'{"b":"AAAA', 1),
            "too-large": data + b" " * cache_module.MAX_ENTRY,
            "pickle": pickle.dumps(Planted(tmp_path / "pwned")),
            "pickle-after-format-line": FORMAT + pickle.dumps(Planted(tmp_path / "pwned")),
        }[kind])


@pytest.mark.parametrize("kind", ["empty", "torn", "no-format-line", "another-version", "not-json", "wrong-shape",
                                  "unknown-tag", "bad-packed", "too-large", "pickle", "pickle-after-format-line",
                                  "fifo", "folder", "link"])
def test_every_malformed_entry_is_a_miss_and_runs_nothing(
        setup: tuple[Path, Path, Path, Counter], tmp_path: Path, kind: str) -> None:
    schools, plan, waivers, counter = setup
    cold = check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    spoil(entries(tmp_path / "cache")[0], kind, tmp_path)
    done: list[CheckRun] = []
    worker = threading.Thread(target=lambda: done.append(check(schools, plan, waivers, tmp_path / "cache")), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done, "reading the entry blocked"
    assert flat(done[0]) == flat(cold)
    assert counter.take() == 1
    assert not (tmp_path / "pwned").exists(), "a planted pickle was unpickled"


def test_an_entry_cut_short_anywhere_is_a_miss(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    """Entries are written in place (no rename): what a crash or a concurrent reader could see is a prefix."""
    schools, plan, waivers, _ = setup
    check(schools, plan, waivers, tmp_path / "cache")
    entry = entries(tmp_path / "cache")[0]
    data = entry.read_bytes()
    cache = Cache(tmp_path / "cache", {})
    cache.folder = entry.parent.parent
    assert isinstance(cache.get(entry.stem), FileOutcome)
    for end in range(len(data)):
        entry.write_bytes(data[:end])
        assert cache.get(entry.stem) is None, end


def test_entries_are_private(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, _ = setup
    umask = os.umask(0)
    try:
        check(schools, plan, waivers, tmp_path / "cache")
    finally:
        os.umask(umask)
    root = tmp_path / "cache"
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(folders) > 2 and len(files) == RECORDS + 1  # and .gitignore
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
@pytest.mark.parametrize("whose", ["root", "context"])
def test_a_cache_folder_of_another_user_is_not_used(
        setup: tuple[Path, Path, Path, Counter], tmp_path: Path, whose: str) -> None:
    schools, plan, waivers, counter = setup
    cold = check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    [context] = [p for p in (tmp_path / "cache").iterdir() if p.is_dir()]
    os.chown(tmp_path / "cache" if whose == "root" else context, 65534, 65534)
    written = {p: p.stat().st_mtime_ns for p in entries(tmp_path / "cache")}
    assert flat(check(schools, plan, waivers, tmp_path / "cache")) == flat(cold)
    assert counter.take() == RECORDS, "not one entry was read"
    assert {p: p.stat().st_mtime_ns for p in entries(tmp_path / "cache")} == written, "nor written"


def test_writes_leave_no_temporary_files_and_no_cache_means_none(
        setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, _ = setup
    check(schools, plan, waivers, None)
    assert not (tmp_path / "cache").exists()
    check(schools, plan, waivers, tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    assert (tmp_path / "cache" / ".gitignore").read_text() == "*\n"


def test_symbolic_links_are_never_cached(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, counter = setup
    real = sorted(schools.rglob("*.yaml"))[0]
    moved = tmp_path / "elsewhere" / real.name
    moved.parent.mkdir()
    real.rename(moved)
    real.symlink_to(moved)
    check(schools, plan, waivers, tmp_path / "cache")
    counter.take()
    run = check(schools, plan, waivers, tmp_path / "cache")
    assert counter.paths == [real], "a link's outcome depends on where it points, so it is always checked"
    assert any(p.code == "outside-data" for p in run.problems)


def test_old_contexts_are_pruned(setup: tuple[Path, Path, Path, Counter], tmp_path: Path) -> None:
    schools, plan, waivers, _ = setup
    for day in range(1, cache_module.KEEP_CONTEXTS + 3):
        check(schools, plan, waivers, tmp_path / "cache", as_of=dt.date(2024, 12, day))
    contexts = [p for p in (tmp_path / "cache").iterdir() if p.is_dir()]
    assert len(contexts) == cache_module.KEEP_CONTEXTS


def test_the_cache_lives_outside_the_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CAREWORK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.default_root() == tmp_path / "xdg" / "carework"
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_module.default_root() == tmp_path / "mine"


def test_a_relative_cache_folder_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A relative path would put the cache wherever the command runs, say inside the data repository."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CAREWORK_CACHE_DIR", "cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.default_root() == tmp_path / "xdg" / "carework"
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache")
    assert cache_module.default_root() == tmp_path / "home" / ".cache" / "carework"


def test_each_record_is_read_once(setup: tuple[Path, Path, Path, Counter], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    schools, plan, waivers, counter = setup
    reads: list[Path] = []
    original = parallel.read_source

    def counting(path: Path, *args: Any) -> Any:
        reads.append(path)
        return original(path, *args)

    monkeypatch.setattr(parallel, "read_source", counting)
    files = sorted(schools.rglob("*.yaml"))
    check(schools, plan, waivers, tmp_path / "cache")
    assert sorted(reads) == files, "cold: read by the checker alone"
    reads.clear()
    files[3].write_text(files[3].read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    counter.take()
    check(schools, plan, waivers, tmp_path / "cache")
    assert sorted(reads) == files, "warm: read for the key, and a miss checks those same bytes"
    assert counter.paths == [files[3]]


def test_the_command_uses_the_cache_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from carework.cli import app

    schools = tmp_path / "schools"
    generate(3, schools)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    args = ["check", str(schools), "--plan", str(PLAN_FILE), "--as-of", "2024-12-31", "--format", "json"]
    uncached = CliRunner().invoke(app, args + ["--no-cache"])
    assert uncached.exit_code in (0, 3), uncached.output
    assert not (tmp_path / "cache").exists()
    cached = CliRunner().invoke(app, args)
    assert len(entries(tmp_path / "cache")) == 3
    again = CliRunner().invoke(app, args)
    assert uncached.output == cached.output == again.output
    assert "检查记录" not in again.output and "checking records" not in again.output  # no progress bar in a pipe
