"""Report pages are one table (`report.pages.PAGES`): a kind added there alone is planned, rendered and written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, PLAN_FILE, ROOT, TODAY

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.report import PAGES, PageKind, Scope, make_renderer, pages, render_pages, write_reports
from carework.report.context import ContextBuilder
from carework.report.write import read_manifest


def _gaps_page(builder: ContextBuilder, page: str, _: str) -> dict[str, Any]:
    return {**builder.common(page), "counts": builder.all_counts()}


def test_a_page_kind_is_one_row_of_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PAGES, "gaps", PageKind("gaps.md.j2", "gaps.md", "run", _gaps_page))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "gaps.md.j2").write_text("# {{ counts.failed }} gaps\n\n[index]({{ index | href }})\n", encoding="utf-8")
    run = run_check(Inputs((ROOT / "data" / "schools",), PLAN_FILE, None), AS_OF, TODAY)

    planned = pages(run, Scope(True, ()))
    assert [p.path for p in planned][:2] == ["index.md", "city.md"] and planned[-1].path == "gaps.md"
    files = render_pages(make_renderer("en", templates), planned, jobs=1)
    out = tmp_path / "reports"
    written = write_reports(out, files, prune=True)

    failed = ContextBuilder(run, {}, {}).all_counts().failed
    assert (out / "gaps.md").read_text(encoding="utf-8") == f"# {failed} gaps\n\n[index](index.md)\n"
    assert "gaps.md" in written.written and "gaps.md" in read_manifest(out)


def test_a_partial_run_writes_no_run_wide_page() -> None:
    run = run_check(Inputs((ROOT / "data" / "schools",), PLAN_FILE, None), AS_OF, TODAY)
    district = run.schools[0].district
    planned = pages(run, Scope(False, (district,)))
    assert [p.template for p in planned][0] == PAGES["district"].template
    assert {p.template for p in planned} <= {PAGES["district"].template, PAGES["school"].template}
