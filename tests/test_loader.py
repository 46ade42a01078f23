"""The YAML loader: plain values, 1-based positions for every key and item, and refusals with a position."""

from __future__ import annotations

import datetime as dt

import pytest

from carework.reading.loader import Limits, YamlError, decode, parse


def test_values_and_positions_are_one_based() -> None:
    doc = parse("code: A-1\ncommittee:\n  director:\n    name: 王建国\nactivities:\n  - date: 2024-03-01\n", "f.yaml")
    assert doc.value["activities"][0]["date"] == dt.date(2024, 3, 1)
    assert doc.marks[("code",)] == (1, 1)
    assert doc.marks[("committee", "director", "name")] == (4, 5)
    assert doc.marks[("activities", 0)] == (6, 5)
    assert doc.locate(("activities", 0, "date")).line == 6


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    doc = parse("committee:\n  director: {name: 王}\n", "f.yaml")
    where = doc.locate(("committee", "director", "post"))
    assert (where.line, where.column) == (2, 3)


def test_yaml_1_1_scalars_match_pyyaml() -> None:
    doc = parse("a: yes\nb: 'yes'\nc: 012\nd: 1.5\ne: ~\nf: 2024-02-29\n", "f.yaml")
    assert doc.value == {"a": True, "b": "yes", "c": 10, "d": 1.5, "e": None, "f": dt.date(2024, 2, 29)}


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "duplicate-key", 2),
        ("a: !!python/object:os.system {}\n", "unsafe-tag", 1),
        ("a: !custom 1\n", "unsafe-tag", 1),
        ("a: &x [*x]\n", "recursive-alias", 1),
        ("a: [1, 2\n", "yaml-syntax", 2),
        ("a:\n\tb: 1\n", "input-method", 2),
        ("code: A\nname：云溪小学\ndistrict: 天宁区\n", "input-method", 2),  # the line with the slip, not where YAML noticed
    ],
)
def test_refusals_carry_a_code_and_a_line(text: str, code: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        parse(text, "f.yaml")
    assert caught.value.problem.code == code
    assert caught.value.problem.location.line == line
    assert caught.value.problem.location.file == "f.yaml"


def test_an_impossible_date_stays_text_for_validation_to_report_on_its_field() -> None:
    assert parse("a: 2024-02-30\nb: 2024-02-29\n", "f.yaml").value == {"a": "2024-02-30", "b": dt.date(2024, 2, 29)}


def test_alias_bombs_hit_the_node_limit() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    with pytest.raises(YamlError) as caught:
        parse(bomb, "bomb.yaml", Limits(max_nodes=10_000))
    assert caught.value.problem.code == "too-many-nodes"


def test_depth_limit() -> None:
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(YamlError) as caught:
        parse(deep, "deep.yaml", Limits(max_depth=40))
    assert caught.value.problem.code == "too-deep"


def test_decode_accepts_bom_and_rejects_gbk_with_how_to_fix() -> None:
    assert decode("\ufeffname: 云溪\r\n".encode("utf-8"), "f") == "name: 云溪\r\n"
    with pytest.raises(YamlError) as caught:
        decode("name: 云溪小学\n".encode("gb18030"), "f")
    problem = caught.value.problem
    assert problem.code == "not-utf8"
    assert "GB18030" in problem.message_zh and "UTF-8" in problem.fix_zh


def test_binary_files_are_refused() -> None:
    with pytest.raises(YamlError) as caught:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "f.png")
    assert caught.value.problem.code == "binary-file"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_how_to_save_it_as_utf8(encoding: str) -> None:
    """What PowerShell 5's `carework template > x.yaml` writes (with a byte-order mark), and the same without one."""
    text = "code: TN-XX-001  # 学校代码\nname: 云溪市实验小学\ndistrict: 天宁区\nkind: primary\n"
    with pytest.raises(YamlError) as caught:
        decode(text.encode(encoding), "x.yaml")
    problem = caught.value.problem
    assert problem.code == "not-utf8" and "UTF-16" in problem.message_zh and "另存为" in problem.fix_zh
    assert "carework new" in problem.fix_zh


def test_empty_document_is_none() -> None:
    assert parse("", "f.yaml").value is None
    assert parse("# only a comment\n", "f.yaml").value is None
