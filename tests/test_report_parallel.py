"""A city's report pages rendered by several processes are the pages one process renders, and a template error is
reported the same way, for the first failing page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, PLAN_FILE, TODAY
from support.generate import generate

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.core.errors import CareworkError
from carework.report import Page, Scope, make_renderer, pages, render_pages


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    folder = tmp_path_factory.mktemp("city") / "schools"
    generate(320, folder, seed=5)
    run = run_check(Inputs((folder,), PLAN_FILE, None), AS_OF, TODAY, jobs=1)
    return pages(run, Scope(True, tuple(sorted({s.district for s in run.schools}))))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_rendered_in_processes_are_the_pages_rendered_here(planned: list[Page], lang: str) -> None:
    renderer = make_renderer(lang)  # type: ignore[arg-type]
    assert len(planned) > 300
    assert render_pages(renderer, planned, jobs=2) == render_pages(renderer, planned, jobs=1)


def test_the_first_failing_page_is_reported_from_a_process(planned: list[Page], tmp_path: Path) -> None:
    (tmp_path / "school.md.j2").write_text("# {{ school.name }}\n{{ no_such_thing }}\n", encoding="utf-8")
    renderer = make_renderer("zh", tmp_path)
    fine = [p for p in planned if p.template != "school.md.j2"]
    failing = [p for p in planned if p.template == "school.md.j2"][:2]
    late = fine * (400 // len(fine) + 1) + failing  # the failing pages come in a batch a forked process renders
    with pytest.raises(CareworkError) as in_processes:
        render_pages(renderer, late, jobs=2)
    with pytest.raises(CareworkError) as here:
        render_pages(renderer, failing, jobs=1)
    assert (in_processes.value.zh, in_processes.value.en) == (here.value.zh, here.value.en)
    assert "school.md.j2:2: " in in_processes.value.en
