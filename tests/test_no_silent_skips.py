"""A CI run is never green for a check it did not make: what a clone needs to check itself is in the repository
(tests/schemas/), anything else that can be missing skips through `conftest.not_checked`, which fails under CI=true,
and regenerating golden files never passes as a comparison."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import support.reports as reports
from conftest import ROOT, SCHEMAS, not_checked

SKIP = re.compile(r"skipif\(|pytest\.skip\(|importorskip")
#: The only skips allowed outside `not_checked`: conditions of the machine or mode, not missing files.
DELIBERATE_SKIPS = {
    ("test_fastload.py", "reference_mode()"),  # the fast path's own tests, when the reference switch turns it off
    ("test_cache.py", "os.geteuid() != 0"),  # chown needs root
    ("test_destination.py", 'os.path.exists("/dev/null")'),  # a POSIX device: not on Windows
    # The GitLab jobs run in gitlab-ci-local, which needs Node.js and rsync from the system: where they are missing the
    # GitLab file is still validated against GitLab's schema and its commands run by the recipe tests' own runner.
    ("test_ci_recipes.py", "rsync"),
    ("test_ci_recipes.py", "node and npm"),
    # LibreOffice is a system program the test environment may lack; scripts/libreoffice-roundtrip.sh runs it by hand.
    ("test_spreadsheets.py", 'shutil.which("soffice") is None'),
}


def test_the_schemas_are_in_the_repository_with_their_provenance() -> None:
    assert (SCHEMAS / "sarif-schema-2.1.0.json").is_file() and (SCHEMAS / "junit-10.xsd").is_file()
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "OASIS" in readme
    assert "Permission is hereby granted" in (SCHEMAS / "junit-10.xsd").read_text(encoding="utf-8")


def test_every_other_skip_goes_through_not_checked() -> None:
    found = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if SKIP.search(line) and path.name not in ("conftest.py", Path(__file__).name):
                found.add((path.name, next((c for f, c in DELIBERATE_SKIPS if f == path.name and c in line), line.strip())))
    assert found == DELIBERATE_SKIPS


def test_not_checked_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no such thing"):
        not_checked("no such thing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no such thing.*CI=true"):
        not_checked("no such thing")


@pytest.mark.parametrize(("value", "regenerates"), [("1", True), ("0", False), ("", False), ("true", False), (None, False)])
def test_only_carework_regenerate_1_regenerates(monkeypatch: pytest.MonkeyPatch, value: str | None, regenerates: bool) -> None:
    if value is None:
        monkeypatch.delenv("CAREWORK_REGENERATE", raising=False)
    else:
        monkeypatch.setenv("CAREWORK_REGENERATE", value)
    try:
        assert importlib.reload(reports).REGENERATE is regenerates
    finally:
        monkeypatch.undo()
        importlib.reload(reports)


def test_regenerating_writes_the_files_and_compares_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = tmp_path / "golden"
    (golden / "old.md").parent.mkdir()
    (golden / "old.md").write_text("stale", encoding="utf-8")
    monkeypatch.setattr(reports, "REGENERATE", True)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="regenerated"):
        reports.compare_golden({"new.md": "新".encode()}, golden)
    assert reports.tree(golden) == {"new.md": "新".encode()}
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        reports.compare_golden({"new.md": b"x"}, golden)
    monkeypatch.setattr(reports, "REGENERATE", False)
    with pytest.raises(AssertionError, match="new.md differs"):
        reports.compare_golden({"new.md": "新的".encode()}, golden)
