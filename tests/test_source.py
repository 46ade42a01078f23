"""Each input file is read once, bounded: only regular files, never more than the limit and one byte."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import carework.reading.source as source_module
from carework.reading.source import MAX_BYTES, read_source


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the reads `read_source` makes."""
    reads: list[int] = []
    original = os.read

    def read(fd: int, n: int) -> Any:
        data = original(fd, n)
        reads.append(len(data))
        return data

    monkeypatch.setattr(source_module.os, "read", read)
    return reads


def test_a_record_is_read_with_its_digest(tmp_path: Path) -> None:
    record = tmp_path / "A-1.yaml"
    record.write_bytes(b"code: A-1\n")
    source = read_source(record, [tmp_path])
    assert (source.data, source.problem, source.link, source.cacheable) == (b"code: A-1\n", None, False, True)
    assert source.digest == hashlib.blake2b(b"code: A-1\n", digest_size=20).hexdigest()
    assert read_source(record, display="shown as").display == "shown as"


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path, counted: list[int]) -> None:
    huge = tmp_path / "HUGE.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: no disk, and nothing to read unless someone reads it
    source = read_source(huge, [tmp_path])
    assert source.problem is not None and source.problem.code == "file-too-large"
    assert str(600 * 1024 * 1024) in source.problem.message_en and not source.data and not source.cacheable
    assert sum(counted) == 0


def test_a_file_that_grows_past_the_limit_is_caught_by_the_bounded_read(tmp_path: Path, counted: list[int]) -> None:
    record = tmp_path / "BIG.yaml"
    record.write_bytes(b"#" * 100)
    source = read_source(record, [tmp_path], max_bytes=10)  # as if it had grown after fstat: the read stops at 11
    assert source.problem is not None and source.problem.code == "file-too-large"
    with pytest.raises(OSError):
        source_module.read_bounded(record, 10)
    record.write_bytes(b"#" * 10)
    assert read_source(record, [tmp_path], max_bytes=10).data == b"#" * 10
    assert max(counted) <= 11


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "FIFO.yaml"
    os.mkfifo(fifo)
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(read_source(fifo, [tmp_path])), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done and done[0].problem.code == "unreadable" and "not a regular file" in done[0].problem.message_en


def test_a_folder_and_a_missing_file_are_unreadable(tmp_path: Path) -> None:
    assert read_source(tmp_path, [tmp_path]).problem.code == "unreadable"  # type: ignore[union-attr]
    missing = read_source(tmp_path / "nope.yaml", [tmp_path]).problem
    assert missing is not None and missing.code == "unreadable" and "No such file" in missing.message_en


def test_links_are_read_inside_the_roots_only_and_never_cached(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.yaml").write_bytes(b"code: X\n")
    (tmp_path / "outside.yaml").write_bytes(b"code: Y\n")
    inside, outside, broken = (tmp_path / "data" / name for name in ("in.yaml", "out.yaml", "broken.yaml"))
    inside.symlink_to(tmp_path / "data" / "real.yaml")
    outside.symlink_to(tmp_path / "outside.yaml")
    broken.symlink_to(tmp_path / "data" / "gone.yaml")
    read = read_source(inside, [tmp_path / "data"])
    assert read.data == b"code: X\n" and read.link and not read.cacheable
    assert read_source(outside, [tmp_path / "data"]).problem.code == "outside-data"  # type: ignore[union-attr]
    assert read_source(broken, [tmp_path / "data"]).problem.code == "broken-link"  # type: ignore[union-attr]
    assert MAX_BYTES == 1_048_576
