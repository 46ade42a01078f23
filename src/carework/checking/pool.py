"""Check many record files: from the cache where possible, the rest in a pool of forked processes.

Each record is checked on its own (`record_check.check_file`), so the work splits cleanly. Lessons measured on this
workload: a task must carry at least ~100 paths (one file per task is slower than one process); workers send back
FileOutcomes, never whole records; everything is imported and the plan compiled before forking, so children share
those pages and start at once; and the garbage collector is kept off the long-lived objects (`gc.freeze()` before
forking, collection paused while outcomes accumulate), which otherwise slows a large run by a third.

Each file is read once (`reading.source.read_source`): when the cache is looked up, the parent reads it for its key
and a miss hands that same `Source` to the worker; otherwise the worker reads it. Results are identical whatever the
number of processes and whether the cache is used: the same function checks every file, and outcomes are returned in
file order.

The pool's own transport between carework's processes (tasks out, outcomes back) is Python's multiprocessing, which
pickles; nothing pickled is ever stored or read from disk.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from carework.checking.cache import Cache
from carework.checking.record_check import FileOutcome, Job, check_file
from carework.reading.source import Source, read_source

#: The fewest paths one pool task carries, and so the fewest misses worth starting a pool for (twice this).
MIN_CHUNK = 100
#: The most paths one task carries: smaller tasks balance the processes and move the progress bar more often.
MAX_CHUNK = 400

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """Processes to use: $CAREWORK_JOBS, else every core this process may run on."""
    explicit = os.environ.get("CAREWORK_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_files(files: list[Path], job: Job, *, cache: Cache | None = None, jobs: int | None = None,
                progress: Progress | None = None) -> list[FileOutcome]:
    """The outcome of every file, in the order given."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    total = len(files)
    outcomes: list[FileOutcome | None] = [None] * total
    done = 0
    with gc_paused():
        todo: list[Path | Source] = list(files)  # a file is read where it is first needed, and only there
        if cache is not None and not cache.fresh:
            for i, path in enumerate(files):
                source = todo[i] = read_source(path, job.roots)
                key = cache.key(source)
                hit = cache.get(key) if key else None
                if hit is not None:
                    outcomes[i] = hit
                    done += 1
            if progress and done:
                progress(done, total)
        misses = [i for i in range(total) if outcomes[i] is None]
        if jobs > 1 and len(misses) >= 2 * MIN_CHUNK and can_fork():
            for index, outcome in _in_pool(todo, misses, job, cache, jobs):
                outcomes[index] = outcome
                done += 1
                if progress and (done % MIN_CHUNK == 0 or done == total):
                    progress(done, total)
        else:
            for i in misses:
                outcomes[i] = _check(todo[i], job, cache)
                done += 1
                if progress and (done % MIN_CHUNK == 0 or done == total):
                    progress(done, total)
    return [o for o in outcomes if o is not None]


def _check(file: Path | Source, job: Job, cache: Cache | None) -> FileOutcome:
    """Check one file (read now unless it was read for the cache) and store its outcome under the digest of the very
    bytes that were checked: a file saved again meanwhile cannot leave an outcome under the wrong key."""
    source = file if isinstance(file, Source) else read_source(file, job.roots)
    outcome = check_file(source, job)
    key = cache.key(source) if cache is not None else None
    if cache is not None and key is not None:
        cache.put(key, outcome)
    return outcome


def _in_pool(files: list[Path | Source], todo: list[int], job: Job, cache: Cache | None,
             jobs: int) -> Iterator[tuple[int, FileOutcome]]:
    size = max(MIN_CHUNK, min(MAX_CHUNK, len(todo) // (jobs * 8)))
    chunks = [[(i, files[i]) for i in todo[start:start + size]] for start in range(0, len(todo), size)]

    def work(chunk: list[tuple[int, Path | Source]]) -> list[tuple[int, FileOutcome]]:
        return [(i, _check(file, job, cache)) for i, file in chunk]

    for done in forked_map(work, chunks, jobs):
        yield from done


def forked_map(work: Callable[[T], R], chunks: list[T], jobs: int) -> Iterator[R]:
    """`work(chunk)` for each chunk, in order, in a pool of up to `jobs` forked processes.

    The children inherit `work` (and whatever it holds: the plan, a renderer) when they are forked, so only the chunks
    and the answers are pickled. Everything loaded so far is frozen out of the garbage collector first: never
    collected, so never copied on write.
    """
    global _WORK
    _WORK = work
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            yield from pool.imap(_run, chunks)
    finally:
        _WORK = None
        gc.unfreeze()


def can_fork() -> bool:
    """Whether this platform can start the pool's processes by forking (Linux, and macOS when allowed)."""
    return "fork" in multiprocessing.get_all_start_methods()


# The work of the pool's processes, set by the parent just before forking so the children inherit it.
_WORK: Callable[[Any], Any] | None = None


def _run(chunk: Any) -> Any:
    assert _WORK is not None
    return _WORK(chunk)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Outcomes hold no reference cycles; collecting while thousands of them pile up only costs time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
