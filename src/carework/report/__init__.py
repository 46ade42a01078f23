"""`carework report`: Markdown gap reports (整改清单) for every school, a summary per district and for the city.

The flow mirrors the rest of carework: `pages` decides which files to write from the table of page kinds
(`pages.py`) and builds each one's context from a CheckRun (`context.py`), `render_pages` renders them all in
memory with the sandboxed templates (`render.py`), and only then `write_reports` puts them in place atomically
(`write.py`) — so a template error or an interrupted run never leaves a half-written set behind.
"""

from __future__ import annotations

import itertools

from carework.checking.pool import can_fork, default_jobs, forked_map
from carework.core.errors import CareworkError
from carework.report.pages import PAGES, Page, PageKind, Scope, pages
from carework.report.render import Renderer, make_renderer
from carework.report.write import MANIFEST, WriteSummary, write_reports

#: Pages one process renders at a time; with fewer than three times this, every page is rendered in this process.
RENDER_CHUNK = 100


def render_pages(renderer: Renderer, planned: list[Page], jobs: int | None = None) -> dict[str, str]:
    """Relative path → Markdown for every page; raises CareworkError naming the template and line.

    A city's pages are rendered by every core (`jobs`, default: `parallel.default_jobs`): the first batch here, which
    also compiles the templates, then the rest in forked processes that inherit the pages and the renderer, so only
    the rendered text travels back. The first template error in page order is raised either way.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    spans = [(start, min(start + RENDER_CHUNK, len(planned))) for start in range(0, len(planned), RENDER_CHUNK)]

    def work(span: tuple[int, int]) -> list[str] | CareworkError:
        try:
            return [renderer.render(page.template, page.context) for page in planned[span[0]:span[1]]]
        except CareworkError as exc:  # raised again in the parent, in page order
            return exc

    if jobs == 1 or len(spans) < 3 or not can_fork():
        texts = [renderer.render(page.template, page.context) for page in planned]
    else:
        texts = []
        for done in itertools.chain([work(spans[0])], forked_map(work, spans[1:], jobs)):
            if isinstance(done, CareworkError):
                raise done
            texts.extend(done)
    return {page.path: text for page, text in zip(planned, texts, strict=True)}


__all__ = [
    "MANIFEST", "PAGES", "Page", "PageKind", "Scope", "WriteSummary", "make_renderer", "pages", "render_pages",
    "write_reports",
]
