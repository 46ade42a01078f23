"""Formats that write each school's results as one piece (JSON, text) give the same output whether the pieces were
written by the worker processes, read back from the cache, or written by the parent: with waivers, filters,
baselines, both languages and colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, TODAY, generated_city

import carework.checking.pool as parallel
from carework.checking.baseline import compare, only_new
from carework.checking.comparison import Baseline, Gap
from carework.checking.config import Inputs
from carework.checking.pipeline import Selection, run_check
from carework.core.model import Status
from carework.formats import FORMATS
from carework.formats.base import Format, FormatOptions

FORMAT_CASES = [("json", "zh", False), ("json", "en", False), ("text", "zh", False), ("text", "en", True)]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return generated_city(tmp_path_factory.mktemp("city"), 60, seed=11)


def make(name: str, lang: str, color: bool) -> Format:
    return FORMATS[name].make(FormatOptions(lang=lang, color=color))  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "lang", "color"), FORMAT_CASES)
def test_pieces_from_workers_and_cache_change_nothing(city: Inputs, name: str, lang: str, color: bool,
                                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "MIN_CHUNK", 10)
    fmt = make(name, lang, color)
    for selection in (Selection(), Selection(rules=("S2-13", "S1-01")), Selection(districts=("D01",))):
        plain = fmt.render(run_check(city, AS_OF, TODAY, selection, jobs=1))
        pooled = fmt.render(run_check(city, AS_OF, TODAY, selection, jobs=2, pieces=(fmt,)))
        cold = fmt.render(run_check(city, AS_OF, TODAY, selection, jobs=2, pieces=(fmt,), cache_dir=tmp_path / "cache"))
        warm = fmt.render(run_check(city, AS_OF, TODAY, selection, jobs=2, pieces=(fmt,), cache_dir=tmp_path / "cache"))
        assert plain == pooled == cold == warm


def test_pieces_for_one_format_are_not_taken_for_another(city: Inputs, tmp_path: Path) -> None:
    """The cache keeps the pieces of the run that wrote them; another language, format or colour writes its own."""
    run_check(city, AS_OF, TODAY, jobs=1, pieces=(make("json", "zh", False), make("text", "zh", False)),
              cache_dir=tmp_path / "cache")
    for name, lang, color in FORMAT_CASES:
        fmt = make(name, lang, color)
        assert fmt.render(run_check(city, AS_OF, TODAY, cache_dir=tmp_path / "cache")) == \
            fmt.render(run_check(city, AS_OF, TODAY, jobs=1))


def test_a_baseline_drops_known_gaps_from_the_listing_pieces_and_json_keeps_them(city: Inputs) -> None:
    text_format, json_format = make("text", "zh", False), make("json", "zh", False)
    run = run_check(city, AS_OF, TODAY, jobs=1, pieces=(text_format, json_format))
    gaps = [r for r in run.results if r.status == Status.FAIL][:5]
    known = Baseline("baseline.json", "work-points-2024", tuple(Gap(g.school, g.rule, "fail") for g in gaps))
    shown = only_new(run, compare(run, known))
    listing = text_format.render(shown)
    assert all(f" {g.rule} [" not in block for g in gaps
               for block in listing.split("\n\n") if f"（{g.school}）" in block)
    assert listing == text_format.render(only_new(run_check(city, AS_OF, TODAY, jobs=1), compare(run, known)))
    document = json_format.render(shown)
    assert all(f'"school": "{g.school}",\n      "rule": "{g.rule}"' in document for g in gaps)
    assert document == json_format.render(only_new(run_check(city, AS_OF, TODAY, jobs=1), compare(run, known)))


def test_counting_without_decoding_agrees_with_the_results(city: Inputs) -> None:
    run = run_check(city, AS_OF, TODAY, jobs=1, selection=Selection(rules=("S2-13", "S1-01", "S2-06")))
    assert list(run.results.statuses()) == [(r.school, r.rule, r.status) for r in run.results]
    assert any(status == Status.WAIVED for _, _, status in run.results.statuses())
