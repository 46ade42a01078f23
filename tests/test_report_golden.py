"""Golden files: the reports of the fixture data set, in both languages, compared byte for byte.

To change them on purpose (a template or the fixture changed), regenerate and review the diff:

    CAREWORK_REGENERATE=1 .venv/bin/python -m pytest tests/test_report_golden.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.reports import AS_OF, GOLDEN, check_markdown, compare_golden, fixture_repo, invoke, tree


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_match_the_golden_files(lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, _ = invoke("report", "--as-of", AS_OF, "--lang", lang, "--out", "reports")
    assert code == 3  # the fixture holds records with data errors, and the reports still get written
    produced = {rel: data for rel, data in tree(tmp_path / "reports").items() if rel != ".carework-manifest"}
    assert {"index.md", "city.md", "districts/天宁区.md", "districts/钟楼区.md", "schools/TN-YE-102.md"} <= set(produced)
    for rel, data in produced.items():
        check_markdown(data.decode("utf-8"), rel)
    compare_golden(produced, GOLDEN / lang)



@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_markdown_format_matches_the_golden_file(lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_repo(tmp_path))
    code, out = invoke("check", "--as-of", AS_OF, "--lang", lang, "--format", "markdown")
    assert code == 3
    check_markdown(out, f"check-summary.{lang}.md")
    compare_golden({"check-summary.md": out.encode("utf-8")}, GOLDEN / f"check-{lang}")
