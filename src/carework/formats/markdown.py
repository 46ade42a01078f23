"""`--format markdown`: a compact summary for a CI job summary (e.g. `>> $GITHUB_STEP_SUMMARY`).

Rendered from the shipped `check-summary.md.j2` with the same sandboxed, escaping environment as the reports, so a
hostile school name cannot break its tables either.
"""

from __future__ import annotations

from carework.checking.run import CheckRun
from carework.formats.base import Format

TEMPLATE = "check-summary.md.j2"


class MarkdownFormat(Format):
    name = "markdown"

    def render(self, run: CheckRun) -> str:
        from carework.report.context import ContextBuilder  # Jinja loads only when this format is asked for
        from carework.report.render import make_renderer

        builder = ContextBuilder(run, {s.code: "" for s in run.schools}, {})
        return make_renderer(self.options.lang).render(TEMPLATE, builder.check_page())
