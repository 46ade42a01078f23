"""`--format json` is written school by school, from pieces the workers wrote, yet is exactly the document
`json.dumps(..., ensure_ascii=False, indent=2)` makes of a run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import AS_OF, PLAN_FILE, ROOT, TODAY, generated_city

from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.checking.run import CheckRun
from carework.formats.base import FormatOptions
from carework.formats.json import JsonFormat


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return generated_city(tmp_path_factory.mktemp("city"), 60, seed=11)


def document(run: CheckRun, fmt: JsonFormat) -> dict[str, Any]:
    """The document as the plain dictionaries the format describes, before any text is written."""
    return {
        "results": [fmt.result(r) for r in run.results],
        "errors": [fmt.problem(p) for p in run.problems if p.level == "error"],
        "warnings": [fmt.problem(p) for p in run.problems if p.level == "warning"],
        "targets": [fmt.target(t) for t in run.targets],
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_streamed_text_is_what_json_dumps_writes(city: Inputs, lang: str) -> None:
    fmt = JsonFormat(FormatOptions(lang=lang))  # type: ignore[arg-type]
    run = run_check(city, AS_OF, TODAY, jobs=1, pieces=(fmt,))
    text = fmt.render(run)
    parsed = json.loads(text)
    assert text == json.dumps(parsed, ensure_ascii=False, indent=2) + "\n"
    assert {k: parsed[k] for k in ("results", "errors", "warnings", "targets")} == json.loads(json.dumps(document(run, fmt)))
    statuses = {r["status"] for r in parsed["results"]}
    assert statuses >= {"pass", "fail", "not_applicable", "waived"}, "the city should show every kind of result"
    assert any(not isinstance(r["found"], (str, int, type(None))) for r in parsed["results"])


def test_an_empty_run_is_still_one_document() -> None:
    run = run_check(Inputs((ROOT / "no-such-folder",), PLAN_FILE, None), AS_OF, TODAY)
    text = JsonFormat(FormatOptions()).render(run)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    assert json.loads(text)["results"] == []
