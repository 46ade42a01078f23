"""Writing reports: atomic, inside the output folder only, never over or away with a file carework did not write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.reports import AS_OF, fixture_repo, invoke, tree

from carework.core import atomic
from carework.core.errors import CareworkError
from carework.report import write
from carework.report.paths import paths_for, safe_stem
from carework.report.write import (
    INCOMPLETE,
    MANIFEST,
    digest,
    folder_lock,
    is_complete,
    read_manifest,
    safe_relative,
    write_reports,
)


def test_names_from_codes_and_districts_stay_in_their_folder() -> None:
    for hostile in ("../../etc/passwd", "/abs", "a/b", "..", ".hidden", "C:\\x", "NUL", "con", "a\x00b", ""):
        stem = safe_stem(hostile)
        assert stem and "/" not in stem and "\\" not in stem and not stem.startswith(".") and stem != hostile
    assert safe_stem("ZL-YE-002") == "ZL-YE-002" and safe_stem("钟楼区") == "钟楼区"
    assert safe_stem("a/b") != safe_stem("a_b")  # an altered name carries a digest of the original


def test_codes_differing_only_in_case_get_different_files() -> None:
    paths = paths_for(["AB-001", "ab-001", "CD-002"], "schools")
    assert paths["CD-002"] == "schools/CD-002.md"
    assert paths["AB-001"].casefold() != paths["ab-001"].casefold()


@pytest.mark.parametrize("rel", ["../x.md", "/etc/x.md", "a/../../x.md", "a\\..\\x.md", "./x.md", "a//b.md", MANIFEST, "C:/x.md"])
def test_unsafe_relative_paths_are_refused(rel: str, tmp_path: Path) -> None:
    assert not safe_relative(rel)
    with pytest.raises(CareworkError):
        write_reports(tmp_path / "out", {rel: "x"}, prune=True)
    assert not (tmp_path / "x.md").exists()


def test_a_linked_subfolder_cannot_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "schools").symlink_to(outside, target_is_directory=True)
    with pytest.raises(CareworkError):
        write_reports(out, {"schools/A.md": "x"}, prune=True)
    assert list(outside.iterdir()) == []


def test_a_file_carework_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.md").write_text("mine", encoding="utf-8")
    with pytest.raises(CareworkError) as caught:
        write_reports(out, {"index.md": "generated", "city.md": "generated"}, prune=True)
    assert "index.md" in caught.value.en and (out / "index.md").read_text(encoding="utf-8") == "mine"
    assert not (out / "city.md").exists()


def test_only_unchanged_stale_files_from_the_manifest_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_reports(out, {"index.md": "i", "schools/A.md": "a", "schools/B.md": "b"}, prune=True)
    (out / "notes.md").write_text("the user's", encoding="utf-8")
    (out / "schools" / "B.md").write_text("edited by hand", encoding="utf-8")
    summary = write_reports(out, {"index.md": "i2"}, prune=True)
    assert summary.removed == ("schools/A.md",) and summary.kept == ("schools/B.md",)
    assert set(tree(out)) == {MANIFEST, "index.md", "notes.md", "schools/B.md"}
    assert set(read_manifest(out)) == {"index.md"}  # the edited file is the user's now


def test_a_tampered_manifest_cannot_delete_outside_files(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    sha = digest(b"keep")
    (out / MANIFEST).write_text(f"{sha}  ../victim.txt\n{sha}  {victim}\n", encoding="utf-8")
    write_reports(out, {"index.md": "i"}, prune=True)
    assert victim.read_text(encoding="utf-8") == "keep"


def test_filtered_runs_remove_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_reports(out, {"index.md": "i", "schools/A.md": "a"}, prune=True)
    summary = write_reports(out, {"schools/B.md": "b"}, prune=False)
    assert summary.removed == () and set(read_manifest(out)) == {"index.md", "schools/A.md", "schools/B.md"}


def test_an_interrupted_run_leaves_whole_files_and_owns_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    old = {"index.md": "old index", "schools/A.md": "old A", "schools/B.md": "old B"}
    write_reports(out, old, prune=True)
    real_replace = os.replace
    calls = []

    def interrupted(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 4:  # the INCOMPLETE.md mark, manifest, index.md, then stop before schools/A.md lands
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    new = {"index.md": "new index", "schools/A.md": "new A", "schools/C.md": "new C"}
    with pytest.raises(KeyboardInterrupt):
        write_reports(out, new, prune=True)
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    files = {rel: data.decode() for rel, data in tree(out).items() if rel not in (MANIFEST, INCOMPLETE)}
    assert files == {"index.md": "new index", "schools/A.md": "old A", "schools/B.md": "old B"}  # no temp files, no halves
    assert {"schools/A.md", "schools/B.md", "schools/C.md"} <= set(read_manifest(out))
    assert "报告未写完" in (out / INCOMPLETE).read_text(encoding="utf-8") and not is_complete(out)  # marked
    summary = write_reports(out, new, prune=True)  # the next run completes the set and cleans up
    assert summary.removed == ("schools/B.md",)
    assert {rel: data.decode() for rel, data in tree(out).items() if rel != MANIFEST} == new
    assert is_complete(out)


def test_report_into_a_folder_with_a_foreign_index_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "index.md").write_text("our own index", encoding="utf-8")
    code, out = invoke("report", "--as-of", AS_OF, "--lang", "en")
    assert code == 2 and "index.md exists and was not written by carework" in out
    assert set(tree(tmp_path / "reports")) == {"index.md"}


def test_a_school_that_disappears_loses_its_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    invoke("report", "--as-of", AS_OF)
    (tmp_path / "data" / "schools" / "TN-GZ-101.yaml").unlink()
    code, out = invoke("report", "--as-of", AS_OF, "--lang", "en")
    assert code == 3 and "1 stale removed" in out
    assert not (tmp_path / "reports" / "schools" / "TN-GZ-101.md").exists()


def test_every_report_is_synced_before_it_replaces_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    synced: set[int] = set()
    replaced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.add(os.fstat(fd).st_ino)

    def replace(src: str, dst: str) -> None:
        assert os.stat(src).st_ino in synced, dst  # never a rename of data that may not be on the disk yet
        replaced.append(Path(dst).relative_to(out).as_posix())
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    files = {f"schools/S{i:03}.md": f"school {i}" for i in range(40)} | {"index.md": "i"}
    write_reports(out, files, prune=True)
    assert [r for r in replaced if r not in (MANIFEST, INCOMPLETE)] == sorted(files)  # one by one, in order
    assert {rel: data.decode() for rel, data in tree(out).items() if rel != MANIFEST} == files


def test_a_run_interrupted_between_batches_leaves_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    old = {f"schools/S{i:03}.md": "old" for i in range(20)}
    write_reports(out, old, prune=True)
    monkeypatch.setattr(write, "BATCH", 3)
    real_replace = os.replace
    calls = []

    def interrupted(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 7:  # INCOMPLETE.md, the manifest, then four reports: stop in the middle of the second batch
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_reports(out, {rel: "new" for rel in old}, prune=True)
    monkeypatch.setattr(os, "replace", real_replace)
    files = {rel: data.decode() for rel, data in tree(out).items() if rel not in (MANIFEST, INCOMPLETE)}
    assert files == {rel: "new" if i < 4 else "old" for i, rel in enumerate(sorted(old))}  # whole files, nothing else
    assert (out / INCOMPLETE).exists()  # and the folder says it is incomplete


def test_a_failed_write_leaves_the_old_reports_and_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    old = {f"schools/S{i:03}.md": "old" for i in range(20)}
    write_reports(out, old, prune=True)
    real_fsync = os.fsync
    count = []

    def failing(fd: int) -> None:
        count.append(fd)
        if len(count) == 8:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError, match="No space"):
        write_reports(out, {rel: "new" for rel in old}, prune=True)
    files = {rel: data.decode() for rel, data in tree(out).items() if rel not in (MANIFEST, INCOMPLETE)}
    assert files == old


def test_reports_keep_their_permissions_and_new_ones_are_readable(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_reports(out, {"index.md": "i", "city.md": "c"}, prune=True)
    os.chmod(out / "index.md", 0o640)
    write_reports(out, {"index.md": "i2", "city.md": "c2", "schools/A.md": "a"}, prune=True)
    assert os.stat(out / "index.md").st_mode & 0o777 == 0o640
    assert os.stat(out / "schools" / "A.md").st_mode & 0o044  # readable by CI's uploader, not mkstemp's 0600


def test_a_killed_run_leaves_temporaries_that_the_next_run_removes_and_nothing_else(tmp_path: Path) -> None:
    """SIGKILL gives no chance to clean up: `.index.md.abcd1234.tmp` holding a whole report stays, until the next run."""
    out = tmp_path / "out"
    write_reports(out, {"index.md": "old", "schools/A.md": "a"}, prune=True)
    left = [out / ".index.md.k3j_9x0q.tmp", out / "schools" / ".A.md.zz00zz00.tmp", out / f".{MANIFEST}.abcdefgh.tmp"]
    foreign = [out / ".notes.md.abcdefgh.tmp", out / "schools" / ".A.md.tmp", out / "keep.tmp"]
    for path in left + foreign:
        path.write_text("whole report", encoding="utf-8")
    write_reports(out, {"index.md": "new", "schools/A.md": "a"}, prune=True)
    assert [p for p in left if p.exists()] == []
    assert [p for p in foreign if not p.exists()] == []  # not beside a file carework writes: not carework's
    assert is_complete(out)


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_holds_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):
        with pytest.raises(CareworkError, match="another carework report is writing"):
            write_reports(out, {"index.md": "x"}, prune=True)
    assert not (out / "index.md").exists()
    write_reports(out, {"index.md": "x"}, prune=True)  # released: the next run goes ahead
    assert (out / "index.md").read_text(encoding="utf-8") == "x"


def test_sigterm_while_writing_reports_cleans_up_and_says_interrupted(tmp_path: Path) -> None:
    """A cancelled CI job: SIGTERM during the writing is handled like Ctrl-C — no temporary file, one line, exit 130."""
    import subprocess
    import sys

    repo = fixture_repo(tmp_path)
    script = (
        "import os, signal, sys\n"
        "from carework.core import atomic\n"
        "real = atomic.os.replace\n"
        "calls = []\n"
        "def replace(src, dst):\n"
        "    calls.append(dst)\n"
        "    if len(calls) == 5: os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(src, dst)\n"
        "atomic.os.replace = replace\n"
        "from carework.cli import app\n"
        "sys.argv = ['carework', 'report', '--as-of', '2024-12-31', '--out', 'reports']\n"
        "app()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=False,
                          env={**os.environ, "CAREWORK_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "已中断" and "Traceback" not in done.stderr
    assert [p.name for p in (repo / "reports").rglob("*.tmp")] == []
    assert (repo / "reports" / INCOMPLETE).exists() and not is_complete(repo / "reports")
