"""The fast path (yaml-rs) gives exactly what PyYAML gives — values and locations — or steps aside."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, not_checked
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.generate import generate

from carework.core.reference import SWITCH, reference_mode
from carework.reading import fastload
from carework.reading.fastload import YAML_RS, fast_parse
from carework.reading.loader import Limits, YamlError, decode, parse

pytestmark = pytest.mark.skipif(reference_mode(), reason="these tests check the fast path itself, which the reference switch turns off")


@pytest.fixture(autouse=True)
def _yaml_rs() -> None:
    if YAML_RS is None:
        not_checked("yaml-rs is not installed; every record takes the PyYAML path")

CORPORA = [ROOT / "data" / "schools", ROOT / "tests" / "rules", ROOT / "tests" / "bad_input", ROOT / "templates"]
#: Paths every rule's finding points at, and some that do not exist.
PROBES = [("code",), ("committee", "director"), ("committee", "succession_plan"), ("activities",), ("office",),
          ("quality",), ("party_building",), ("readers",), ("nope",), ("committee", "nope"), ("office", "nope", "deeper")]


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def agree(text: str) -> bool | None:
    """Assert the fast path agrees with PyYAML on `text`. None when it stepped aside, else whether the locations
    rules point at needed PyYAML's full table of positions."""
    fast = fast_parse(text, "r.yaml")
    if fast is None:
        return None
    try:
        full = parse(text, "r.yaml")
    except YamlError as exc:
        raise AssertionError(f"yaml-rs accepted what PyYAML refuses: {exc.problem.message_en}\n{text}") from None
    assert same(fast.value, full.value), text
    shallow = [p for p in full.marks if len(p) <= 2 and all(isinstance(part, str) for part in p)]
    for path in shallow + PROBES:  # where rules point: answered by the first reading of the lines
        assert (fast.locate(path), fast.locate(path).path) == (full.locate(path), full.locate(path).path), (path, text)
    needed_full = fast._complete
    for path in full.marks:  # everywhere else: read as asked, or PyYAML's table
        assert fast.locate(path) == full.locate(path), (path, text)
    fast.complete()
    assert fast.marks == full.marks
    again = fast_parse(text, "r.yaml")  # collections are read as asked: in any order, the same positions
    assert again is not None
    for path in reversed([*full.marks, *PROBES]):
        assert again.locate(path) == full.locate(path), (path, text)
    return needed_full


def corpus() -> list[Path]:
    return [p for root in CORPORA for p in sorted(root.rglob("*.yaml")) if "plans" not in p.parts]


def test_every_record_in_the_repository_loads_the_same(tmp_path: Path) -> None:
    fast = 0
    for path in corpus():
        try:
            text = decode(path.read_bytes(), path.name)
        except YamlError:
            continue
        fast += agree(text) is not None
    assert fast >= 36, "the sample city at least takes the fast path"


def test_generated_records_load_the_same_and_mostly_fast(tmp_path: Path) -> None:
    paths = generate(200, tmp_path, seed=5)
    outcomes = [agree(p.read_text(encoding="utf-8")) for p in paths]
    assert None not in outcomes, "every generated record takes the fast path (yes/no ones included)"
    assert True not in outcomes, "no generated record needs PyYAML for the locations rules point at"


@pytest.mark.parametrize("text", [
    "code: A\nflag: yes\nq: 'yes'\n", "code: A\nflag: [on, \"on\"]\n", "code: A\nyes: 1\n", "code: A\nx: \"yes\\n\"\n",
    "code: A\nx: \"yes\n\n  \"\n", "code: A\nx: [True]\ny: 'True'\n", "k: {'\n  yes': 1}\n", "k: {a\n  b: x}\n",
    "k: {\"a\n  b\": x}\n", "code: A\nn: 017\n", "code: A\nn: 0o17\n", "code: A\nt: 12:30\n",
    "code: A\nd: '2024-03-05'\n", "code: A\nd: 2024-02-30\n", "code: A\nx: 1e3\n", "code: A\nx: -.5\n",
    "code: A\nx: !!str 1\n", "code: A\na: &x 1\nb: *x\n", "code: A\n<<: {b: 1}\n", "code: A\nx: |\n  text\n",
    "code: A\ncode: B\n", "code: A\n---\ncode: B\n", "code: A\nx: \"\\t\"\n", "code: A\r\nx: 1\r\n", "code: A\n\tx: 1\n",
    "code: A\nx: 2024-03-05 10:00:00\n", "code: A\n1: x\n", "code: A\nx: ''\n", "- a\n- b\n", "",
    "code: A\nx: " + "9" * 5000 + "\n", "code: A\nx:\n  yes\n", "code: A\nx: 0791-8888\n", "code: A\nx: [a,\n  b]\n",
    "code: A\nx: {a: [b, {c: [d]}]}\n", "code: A\nx: a: b\n", "code: A\n%x: 1\n", "code: A\nx: 1.5e3\n",
])
def test_what_the_parsers_read_differently_takes_the_pyyaml_path(text: str) -> None:
    assert fast_parse(text, "r.yaml") is None


@pytest.mark.parametrize(("text", "limits"), [
    ("a: [1, 2, 3]\n", Limits(max_nodes=4)), ("a: [1, 2, 3]\n", Limits(max_nodes=5)),
    ("a: {b: {c: 1}}\n", Limits(max_depth=2)), ("a: {b: {c: 1}}\n", Limits(max_depth=3)),
])
def test_the_fast_path_keeps_the_limits_exactly(text: str, limits: Limits) -> None:
    """At the limits and one past them: the fast path steps aside exactly where PyYAML refuses the file."""
    try:
        refused = parse(text, "r.yaml", limits) is None
    except YamlError:
        refused = True
    assert (fast_parse(text, "r.yaml", limits) is None) == refused


def test_the_reference_switch_turns_the_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fast_parse("code: A\n", "r.yaml") is not None
    monkeypatch.setenv(SWITCH, "1")
    assert fast_parse("code: A\n", "r.yaml") is None


@pytest.mark.parametrize("text", [
    "code: A\nflag: yes\n", "code: A\nflag: on\nother: Off\n", "code: A\nflags: [yes, NO, 'maybe', \"yes sir\"]\n",
    "code: A\nx:\n  - {a: Yes, b: no}\n  - On\n  - n\n", "code: A\nx: yes # 'no' quoted only in a comment\n",
    "code: A\nx: no\ny: 'nO'\nz: \"NO \"\n",
])
def test_unquoted_yaml_1_1_booleans_take_the_fast_path_as_booleans(text: str) -> None:
    assert agree(text) is not None


def test_the_booleans_are_the_ones_pyyaml_reads() -> None:
    """Every case of every YAML 1.1 boolean word: PyYAML reads it as a boolean exactly when the fast path does."""
    import yaml

    for lower in ("yes", "no", "true", "false", "on", "off", "y", "n"):
        for word in {lower, lower.upper(), lower.capitalize(), lower.swapcase(), lower[:1] + lower[1:].upper()}:
            read = yaml.safe_load(f"k: {word}\n")["k"]
            assert (word in fastload._BOOLEANS) == isinstance(read, bool), word
            assert fastload._BOOLEANS.get(word, read) == read, word


BOOLEAN_WORDS = ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                 "on", "On", "ON", "off", "Off", "OFF", "yEs", "y", "n", "Y", "N", "yes ", "ye s", "noo", "oN", "offf"]
words = st.sampled_from(BOOLEAN_WORDS).flatmap(
    lambda w: st.sampled_from([w, f"'{w}'", f'"{w}"', f"{w} # c", f'"{w}\n\n  "', f"'\n  {w}'", f"[{w}]"]))


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(words, words, st.sampled_from(["k: {a}\nl: {b}\n", "k: [{a}, {b}]\n", "k: {{x: {a}, y: {b}}}\n",
                                     "k:\n  - {a}\n  - {b}\n", "k:\n  x: {a}\n  y:\n    - {b}\n", "k:\n  {a}\nl: {b}\n",
                                     "{a}: {b}\n", "k: {{{a}: {b}}}\n", "- {a}\n- {b}\n"]))
def test_yaml_1_1_booleans_load_the_same_quoted_or_not(a: str, b: str, shape: str) -> None:
    agree(shape.format(a=a, b=b))


TRICKY = "0123456789.-+:eExXoObB_yYnNtTfFaA~ #[]{},!&*|>'\"\\%@`?<=\t年月日：，"
scalars = st.text(alphabet=TRICKY, max_size=12)


# Derandomized so CI is repeatable; run it with many more examples (max_examples) when changing the guards.
@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scalars, scalars, st.sampled_from(["k: {a}\nl: {b}\n", "k: [{a}, {b}]\n", "k: {{x: {a}, y: {b}}}\n",
                                          "k:\n  - {a}\n  - {b}\n", "{a}: 1\n", "k: \"{a}\"\nl: '{b}'\n",
                                          "k:\n  x: {a}\n  y:\n    - {b}\n"]))
def test_random_scalars_load_the_same_or_take_the_pyyaml_path(a: str, b: str, shape: str) -> None:
    agree(shape.format(a=a, b=b))


def test_without_libyaml_or_yaml_rs_the_run_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python PyYAML loader still works and gives the same city; the command says so in one line."""
    import yaml
    from conftest import AS_OF, PLAN_FILE, TODAY
    from typer.testing import CliRunner

    import carework.reading.loader as loader
    from carework.checking.config import Inputs
    from carework.checking.pipeline import run_check
    from carework.cli import app

    inputs = Inputs((ROOT / "data" / "schools",), PLAN_FILE, None)
    fast = run_check(inputs, AS_OF, TODAY, jobs=1)
    monkeypatch.setenv(SWITCH, "1")
    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    monkeypatch.setattr(loader, "HAVE_LIBYAML", False)
    slow = run_check(inputs, AS_OF, TODAY, jobs=1)
    assert [(r, r.location.path, r.found) for r in slow.results] == [(r, r.location.path, r.found) for r in fast.results]
    assert (slow.problems, slow.targets) == (fast.problems, fast.targets)
    result = CliRunner().invoke(app, ["check", str(ROOT / "data" / "schools" / "TN-XX-001.yaml"), "--plan", str(PLAN_FILE),
                                      "--as-of", "2024-12-31", "--format", "json", "--no-cache"])
    assert result.stderr == "注意：PyYAML 未使用 libyaml，读取记录会慢几倍\n", result.stderr  # in the run's language


