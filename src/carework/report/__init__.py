"""`carework report`: Markdown gap reports (整改清单) for every school, a summary per district and for the city.

The flow mirrors the rest of carework: `pages` decides which files to write and builds each one's context from a
CheckRun (`context.py`), `render_pages` renders them all in memory with the sandboxed templates (`render.py`), and
only then `write_reports` puts them in place atomically (`write.py`) — so a template error or an interrupted run
never leaves a half-written set behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carework.model import CheckRun
from carework.report.context import ContextBuilder
from carework.report.paths import CITY, DISTRICTS_DIR, INDEX, SCHOOLS_DIR, paths_for
from carework.report.render import Renderer, TemplateProblem, make_renderer
from carework.report.write import MANIFEST, WriteError, WriteSummary, write_reports

SCHOOL_TEMPLATE = "school.md.j2"
DISTRICT_TEMPLATE = "district.md.j2"
CITY_TEMPLATE = "city.md.j2"
INDEX_TEMPLATE = "index.md.j2"


@dataclass(frozen=True)
class Scope:
    """What one run writes: a full run also writes the index and the city summary, and prunes stale reports."""

    full: bool = True
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    context: dict[str, Any] = field(hash=False)


def pages(run: CheckRun, scope: Scope) -> list[Page]:
    """Every page of the run in a stable order: index, city, districts, schools."""
    school_paths = paths_for([s.code for s in run.schools], SCHOOLS_DIR)
    district_paths = paths_for(sorted({s.district for s in run.schools}), DISTRICTS_DIR)
    builder = ContextBuilder(run, school_paths, district_paths)
    out: list[Page] = []
    if scope.full:
        out.append(Page(INDEX, INDEX_TEMPLATE, builder.index_page(INDEX, CITY)))
        out.append(Page(CITY, CITY_TEMPLATE, builder.summary_page(CITY, None)))
    for name in scope.districts:
        out.append(Page(district_paths[name], DISTRICT_TEMPLATE, builder.summary_page(district_paths[name], name)))
    for code in run.selected:
        out.append(Page(school_paths[code], SCHOOL_TEMPLATE, builder.school_page(code)))
    return out


def render_pages(renderer: Renderer, planned: list[Page]) -> dict[str, str]:
    """Relative path → Markdown for every page; raises TemplateProblem naming the template and line."""
    return {page.path: renderer.render(page.template, page.context) for page in planned}


__all__ = [
    "MANIFEST", "Page", "Scope", "TemplateProblem", "WriteError", "WriteSummary", "make_renderer", "pages",
    "render_pages", "write_reports",
]
