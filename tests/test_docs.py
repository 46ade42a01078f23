"""Generated documents are current: docs/record.md and docs/rules.md follow from the declarations."""

from __future__ import annotations

from conftest import ROOT

from carework.rules.docs import check_kinds_table, generated
from carework.rules.model import Plan
from carework.schema.school import SCHOOL


def test_generated_docs_are_current(plan: Plan) -> None:
    stale = [path.name for path, text in generated(ROOT, plan).items() if path.read_text(encoding="utf-8") != text]
    assert stale == [], "run: python -m carework.rules.docs"


def test_record_doc_mentions_every_top_level_field() -> None:
    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    assert all(f"`{f.name}" in text for f in SCHOOL.fields)


def test_readme_lists_the_check_kinds_as_declared() -> None:
    readme = (ROOT / "README.en.md").read_text(encoding="utf-8")
    assert "\n".join(check_kinds_table()) in readme, "copy the check-kinds table of docs/rules.md into the README"
