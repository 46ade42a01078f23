"""Generated documents are current: docs/record.md and docs/rules.md follow from the declarations."""

from __future__ import annotations

from carework.docs import generated
from carework.model import Plan
from carework.record_schema import SCHOOL

from conftest import ROOT


def test_generated_docs_are_current(plan: Plan) -> None:
    stale = [path.name for path, text in generated(ROOT, plan).items() if path.read_text(encoding="utf-8") != text]
    assert stale == [], "run: python -m carework.docs"


def test_record_doc_mentions_every_top_level_field() -> None:
    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    assert all(f"`{f.name}" in text for f in SCHOOL.fields)
