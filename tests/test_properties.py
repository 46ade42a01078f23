"""Properties: whatever a record, a plan or a rule expression holds, carework answers with problems, never a crash.

Records are the valid rule-case base (data/plans/2024/base-record.yaml) mutated the way hands and editors break files: keys
dropped, values of the wrong type, text cut off mid-way, stray unicode, input-method characters, random bytes. For
each, loading and checking it raises nothing, and every problem names the file and a line (and column) that exist.
Examples are bounded (a few hundred in all) so the suite stays fast on two cores.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import AS_OF, BASE_RECORD, PLAN_FILE, TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carework import cli
from carework.checking.config import Inputs
from carework.checking.pipeline import run_check
from carework.core.errors import CareworkError
from carework.core.model import Status
from carework.core.paths import display_path
from carework.core.problems import Problem
from carework.reading.loader import YamlError, decode, parse
from carework.reading.source import read_source
from carework.rules.engine import evaluate_school
from carework.rules.expr import DATE, Env, ExprError, compile_expr, record_env
from carework.rules.model import Plan
from carework.rules.plan import load_plan
from carework.rules.targets import evaluate_targets
from carework.schema.fieldtypes import Field, Integer, Number, Record
from carework.schema.records import load_school
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate

BASE_TEXT = BASE_RECORD.read_text(encoding="utf-8")
BASE = yaml.safe_load(BASE_TEXT)
MINI_PLAN = Path(__file__).resolve().parent / "bad_input" / "plan-valid-mini-plan" / "plan.yaml"

BOUNDED = settings(max_examples=150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: For the properties that run the whole pipeline or the CLI (a fifth of a second each).
FEW = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
CLI_RUNS = settings(FEW, max_examples=25)


# --- what a mutated record can look like ---------------------------------------------------------------------------

#: Characters that break YAML or records in practice, weighted towards the Chinese-input-method ones.
AWKWARD = "：　，、“”‘’（）【】\t\r\n:#&*!|>'\"{}[],-?%@`\\ \x00\x07\x1b\x85\u2028\ufeff云溪小学"
awkward_text = st.text(alphabet=st.sampled_from(AWKWARD), max_size=12) | st.text(max_size=12)

odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), awkward_text,
    st.dates(min_value=dt.date(1, 1, 1)), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a record: mapping keys and list indexes."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, prefix + (i,))


ALL_PATHS = list(paths(BASE))


@st.composite
def mutated_data(draw: st.DrawFn) -> dict[str, Any]:
    """The base record with a few keys dropped or values replaced by values of the wrong type."""
    record = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 6))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent: Any = record
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(odd_values)
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed or replaced this path
            continue
    return record


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """The base record's text, cut, spliced with awkward characters, or with one colon or indent mistyped."""
    text = BASE_TEXT
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["truncate", "insert", "delete", "colon", "indent", "duplicate-line"]))
        if how == "truncate":
            text = text[:at]
        elif how == "insert":
            text = text[:at] + draw(awkward_text) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif how == "colon" and ": " in text:
            spots = [m.start() for m in re.finditer(": ", text)]
            spot = draw(st.sampled_from(spots))
            text = text[:spot] + draw(st.sampled_from(["：", ":\u3000", "： ", ":\t"])) + text[spot + 2:]
        elif how == "indent":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = draw(st.sampled_from(["\t", "\u3000\u3000", " ", ""])) + lines[i].lstrip(" ")
            text = "\n".join(lines)
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[: i + 1] + lines[i:])
    return text


def encoded(draw: st.DrawFn, text: str) -> bytes:
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "crlf", "gb18030"]))
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode(how, errors="replace")


@st.composite
def record_bytes(draw: st.DrawFn) -> bytes:
    """What a record file may hold: mutated text or data, in some encoding, or random bytes."""
    kind = draw(st.sampled_from(["text", "text", "data", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "data":
        text = yaml.safe_dump(draw(mutated_data()), allow_unicode=True, sort_keys=False)
    else:
        text = draw(mutated_text())
    return encoded(draw, text)


# --- the properties --------------------------------------------------------------------------------------------------

def assert_located(problems: list[Problem], display: str, raw: bytes) -> None:
    lines = len(re.split(rb"\r\n|\r|\n", raw))
    for p in problems:
        assert p.location.file == display, p
        assert 1 <= p.location.line <= lines + 1, p
        assert p.location.column >= 1, p
        assert p.message_zh and p.message_en, p


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("schools")


@BOUNDED
@given(raw=record_bytes())
def test_a_damaged_record_loads_into_problems_and_checks_without_a_crash(plan: Plan, folder: Path, raw: bytes) -> None:
    path = folder / "BASE-001.yaml"
    path.write_bytes(raw)
    ctx = Context(vocabularies=plan.vocabularies, today=TODAY, period=plan.period)
    school, problems = load_school(read_source(path, [folder]), ctx)
    assert_located(problems, display_path(path), raw)
    if school is None:
        assert any(p.level == "error" for p in problems)
        return
    results = evaluate_school(plan, school, AS_OF, {})
    assert {r.rule for r in results} == {r.id for r in plan.rules if r.scope == "school"}
    assert all(isinstance(r.status, Status) and r.location.line >= 1 for r in results)
    evaluate_targets(plan, [school], AS_OF)


@BOUNDED
@given(raw=st.binary(max_size=600))
def test_random_bytes_are_decoded_and_parsed_or_refused_with_a_position(raw: bytes) -> None:
    try:
        doc = parse(decode(raw, "f.yaml"), "f.yaml")
    except YamlError as exc:
        assert_located([exc.problem], "f.yaml", raw)
        return
    assert all(line >= 1 and col >= 1 for line, col in doc.marks.values())


@FEW
@given(raw=record_bytes())
def test_run_check_over_a_damaged_record_and_a_good_one(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    schools = tmp_path_factory.mktemp("city")
    (schools / "GOOD-001.yaml").write_text(BASE_TEXT.replace("code: BASE-001", "code: GOOD-001"), encoding="utf-8")
    (schools / "BASE-001.yaml").write_bytes(raw)
    run = run_check(Inputs((schools,), PLAN_FILE, None), AS_OF, TODAY)
    assert "GOOD-001" in {s.code for s in run.schools}  # one damaged file never stops the others
    assert all(p.location.line >= 1 and p.location.file for p in run.problems)


@CLI_RUNS
@given(raw=record_bytes(), fmt=st.sampled_from(["text", "json"]), lang=st.sampled_from(["zh", "en"]))
def test_the_cli_answers_a_damaged_record_with_a_documented_exit_code(
        tmp_path_factory: pytest.TempPathFactory, raw: bytes, fmt: str, lang: str) -> None:
    schools = tmp_path_factory.mktemp("cli")
    (schools / "BASE-001.yaml").write_bytes(raw)
    result = CliRunner().invoke(cli.app, ["check", str(schools), "--plan", str(PLAN_FILE), "--as-of", "2024-12-31",
                                          "--format", fmt, "--lang", lang])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 3)
    assert "Traceback" not in result.output


# --- plans and expressions are untrusted too -------------------------------------------------------------------------

MINI_TEXT = MINI_PLAN.read_text(encoding="utf-8")


@BOUNDED
@given(data=st.data())
def test_a_damaged_plan_is_refused_with_located_problems(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    text = MINI_TEXT
    at = data.draw(st.integers(0, len(text)))
    text = data.draw(st.sampled_from([text[:at], text[:at] + data.draw(awkward_text) + text[at:],
                                      text[:at] + text[at + 10:]]))
    path = tmp_path_factory.mktemp("plan") / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_plan(path, "plan.yaml")
    except CareworkError as exc:
        assert exc.problems
        assert_located(exc.problems, "plan.yaml", text.encode("utf-8"))


#: The pieces rule expressions are made of, legal and not: names, fields, functions, operators, Python internals.
TOKENS = ["party_hearings", "item", "item.date", "item.name", "elders", "committee.director.name", "code", "kind",
          "activities", "readers", "settings.min_readers", "year", "as_of", "count", "any", "all", "where", "map",
          "share", "sum", "flatten", "len", "in_year", "rank", "unique", "(", ")", "[", "]", ",", ".", "+", "-", "*",
          "/", "**", "==", "!=", "<", ">=", "and", "or", "not", "in", "is", "if", "else", "None", "true", "0", "2",
          "1.5", "'primary'", "'x'", "\"云溪\"", "__class__", "__globals__", "__import__", "getattr", "lambda",
          "x", ":", "for", "f'{x}'", "[0]", "...", "@"]


@pytest.fixture(scope="module")
def scopes(plan: Plan) -> tuple[Env, list[dict[str, Any]]]:
    """The names a rule may use, and two schools to run compiled expressions on: the base record and an empty one."""
    settings_type = Record(tuple(Field(name, Number(), name, name) for name in plan.settings))
    env = record_env(SCHOOL, {"year": Integer(), "as_of": DATE, "period_start": DATE, "period_end": DATE,
                              "settings": settings_type})
    ctx = Context(vocabularies=plan.vocabularies, today=TODAY, period=plan.period)
    variables = {"year": plan.year, "as_of": AS_OF, "period_start": plan.period[0], "period_end": plan.period[1],
                 "settings": {name: s.value for name, s in plan.settings.items()}}
    base = validate(parse(BASE_TEXT, "base.yaml"), SCHOOL, ctx).value
    return env, [{**base, **variables}, variables]


@BOUNDED
@given(tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12))
def test_any_expression_is_compiled_or_refused_and_what_compiles_runs(
        scopes: tuple[Env, list[dict[str, Any]]], tokens: list[str]) -> None:
    env, schools = scopes
    try:
        typed = compile_expr(" ".join(tokens), env)
    except ExprError as exc:
        assert exc.message_zh and exc.message_en and exc.col >= 1
        return
    for scope in schools:
        typed.fn(scope, None)
