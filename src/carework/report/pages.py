"""The report pages, one table: for each kind of page its template, where it goes, what it is made for, its context.

A new kind of page is one row of `PAGES` and its template: `pages` plans every page of a run from the table in the
table's order; rendering reads each page's template, writing (and the manifest, which lists what was written) each
page's path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from carework.checking.run import CheckRun
from carework.checking.trend import Trend
from carework.report.context import ContextBuilder
from carework.report.paths import paths_for


@dataclass(frozen=True)
class PageKind:
    """One kind of report page."""

    template: str
    #: The file of a page made once per run; the folder of the pages made per district or per school.
    where: str
    per: Literal["run", "district", "school"]
    #: The page's context from the run's builder, the page's path and its district name or school code ("" per run).
    context: Callable[[ContextBuilder, str, str], dict[str, Any]]


PAGES: dict[str, PageKind] = {
    "index": PageKind("index.md.j2", "index.md", "run", lambda b, page, _: b.index_page(page, PAGES["city"].where)),
    "city": PageKind("city.md.j2", "city.md", "run", lambda b, page, _: b.summary_page(page, None)),
    "district": PageKind("district.md.j2", "districts", "district", lambda b, page, name: b.summary_page(page, name)),
    "school": PageKind("school.md.j2", "schools", "school", lambda b, _, code: b.school_page(code)),
}


@dataclass(frozen=True)
class Scope:
    """What one run writes: a full run also writes the run-wide pages (index, city), and prunes stale reports."""

    full: bool = True
    districts: tuple[str, ...] = ()
    #: Whether there is an index to link back to: written by this run, or already in the folder from an earlier one.
    index: bool = True


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    context: dict[str, Any] = field(hash=False)


def pages(run: CheckRun, scope: Scope, trend: Trend | None = None) -> list[Page]:
    """Every page of the run in a stable order: by kind in the table's order (index, city, districts, schools);
    with a `trend`, the city and district pages show each target's curve so far."""
    paths = {
        "district": paths_for(sorted({s.district for s in run.schools}), PAGES["district"].where),
        "school": paths_for([s.code for s in run.schools], PAGES["school"].where),
    }
    builder = ContextBuilder(run, paths["school"], paths["district"],
                             index=PAGES["index"].where if scope.full or scope.index else "", trend=trend)
    made_for = {"run": [""] if scope.full else [], "district": list(scope.districts), "school": list(run.selected)}
    return [
        Page(path, kind.template, kind.context(builder, path, key))
        for kind in PAGES.values()
        for key in made_for[kind.per]
        for path in [kind.where if kind.per == "run" else paths[kind.per][key]]
    ]
