"""The roster: the bureau's CSV list of schools, read as offices save it and validated row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from carework.schema.identity import did_you_mean, invisible_character, normalise
from carework.schema.roster import load_roster

ROOT = Path(__file__).resolve().parent.parent
HEADER = "学校代码,学校名称,区,类型,办学性质\n"


def roster(tmp_path: Path, text: str | bytes, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_roster(path, name)


def codes(problems) -> list[tuple[str, int, int]]:
    return [(p.code, p.location.line, p.location.column) for p in problems]


def test_the_sample_roster_lists_the_city() -> None:
    loaded, problems = load_roster(ROOT / "data" / "roster.csv", "data/roster.csv")
    assert problems == []
    assert loaded is not None and len(loaded.schools) == 39
    assert loaded.districts == ("天宁区", "新北区", "武进区", "金坛区", "钟楼区")
    assert loaded.by_code["TN-YE-002"].ownership == "private"
    assert loaded.by_code["TN-ZZ-001"].kind == "vocational"


def test_english_headers_and_keys_read_like_chinese_ones(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, "code,name,district,kind,ownership\nTN-XX-001,实验小学,天宁区,primary,private\n")
    assert problems == []
    assert loaded is not None
    school = loaded.schools[0]
    assert (school.code, school.name, school.district, school.kind, school.ownership, school.line) == \
        ("TN-XX-001", "实验小学", "天宁区", "primary", "private", 2)


def test_excel_csv_utf8_with_a_bom_is_read(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, ("\ufeff" + HEADER + "TN-XX-001,实验小学,天宁区,小学,公办\r\n").encode("utf-8"))
    assert problems == [] and loaded is not None and loaded.schools[0].kind == "primary"


def test_gbk_from_chinese_excel_is_read_with_a_warning(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, (HEADER + "TN-XX-001,实验小学,天宁区,小学,公办\n").encode("gbk"))
    assert loaded is not None and loaded.schools[0].name == "实验小学"
    assert [(p.code, p.level) for p in problems] == [("gbk-table", "warning")]
    assert "UTF-8" in problems[0].fix_zh


def test_neither_utf8_nor_gbk_is_refused_with_advice(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, HEADER.encode("utf-8") + b"\xff\xfe\xff,x\n")
    assert loaded is None
    assert codes(problems) == [("not-utf8", 1, 1)]
    assert "CSV UTF-8" in problems[0].fix_zh


def test_a_workbook_is_not_a_csv(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, b"PK\x03\x04\x00\x00binary", "roster.xlsx")
    assert loaded is None and codes(problems) == [("binary-file", 1, 1)]


def test_a_missing_column_names_it(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, "学校代码,学校名称,类型\nTN-XX-001,实验小学,小学\n")
    assert loaded is None
    assert codes(problems) == [("roster-missing-column", 1, 1)]
    assert "区" in problems[0].message_zh


def test_the_ownership_column_may_be_left_out(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, "学校代码,学校名称,区,类型,备注\nTN-XX-001,实验小学,天宁区,小学,新建\n")
    assert problems == [] and loaded is not None and loaded.schools[0].ownership == "public"


def test_each_bad_row_is_located_by_line_and_column_and_the_good_rows_stay(tmp_path: Path) -> None:
    text = (HEADER
            + "TN-XX-001,实验小学,天宁区,小学,公办\n"
            + "\n"                                     # a blank line is skipped, line numbers stay the file's
            + "TN-XX-002,,天宁区,小学,公办\n"            # empty name: line 4, column B
            + "TN-XX-001,另一所,天宁区,小学,公办\n"       # duplicate code: line 5, column A
            + "TN-XX-003,三小,天宁区,小学校,公办\n"       # unknown kind: line 6, column D
            + "TN-XX-004,四小,天宁区,小学,国有\n"         # unknown ownership: line 7, column E
            + "TN-XX-005,五小,天宁\u200b区,小学,公办\n"    # invisible character: line 8, column C
            + "TN XX 006,六小,天宁区,小学,公办\n"         # malformed code: line 9, column A
            + "TN-XX-007,七小,天宁区,小学,公办\n")
    loaded, problems = roster(tmp_path, text)
    assert codes(problems) == [
        ("roster-empty-cell", 4, 2), ("roster-duplicate-code", 5, 1), ("roster-unknown-kind", 6, 4),
        ("roster-unknown-ownership", 7, 5), ("roster-invisible-character", 8, 3), ("roster-bad-code", 9, 1),
    ]
    assert loaded is not None and [s.code for s in loaded.schools] == ["TN-XX-001", "TN-XX-007"]
    assert "第 5 行已有" not in problems[1].message_zh and "第 2 行已有" in problems[1].message_zh
    assert "是不是“小学”" in problems[2].fix_zh
    assert "U+200B" in problems[4].message_zh


def test_a_quoted_cell_over_two_lines_is_refused_and_later_line_numbers_stay_right(tmp_path: Path) -> None:
    loaded, problems = roster(tmp_path, HEADER + 'TN-XX-001,"实验\n小学",天宁区,小学,公办\nTN-XX-002,,天宁区,小学,公办\n')
    assert codes(problems) == [("roster-invisible-character", 2, 2), ("roster-empty-cell", 4, 2)]


def test_cells_are_normalised(tmp_path: Path) -> None:
    decomposed = "e\u0301"  # é written as two code points
    loaded, problems = roster(tmp_path, HEADER + f" TN-XX-001 ,\u3000实验小学{decomposed} , 天宁区,小学,公办\n")
    assert problems == [] and loaded is not None
    assert (loaded.schools[0].code, loaded.schools[0].name) == ("TN-XX-001", "实验小学\u00e9")


def test_an_empty_roster_says_what_to_write(tmp_path: Path) -> None:
    assert codes(roster(tmp_path, "")[1]) == [("roster-empty", 1, 1)]
    unfilled, problems = roster(tmp_path, HEADER)  # as `carework init` writes it: a warning, as if there were none
    assert unfilled is None and codes(problems) == [("roster-not-filled", 1, 1)]
    assert [p.level for p in problems] == ["warning"]


@pytest.mark.parametrize("value, known, expected", [
    ("金坛", ["金坛区", "天宁区"], "金坛区"),
    ("钟楼区 ", ["钟楼区", "天宁区"], "钟楼区"),
    ("天宁", ["天宁区", "天宁新区"], "天宁区"),
    ("TN-XX-01", ["TN-XX-001", "ZL-XX-001"], "TN-XX-001"),
    ("完全不同", ["天宁区"], None),
])
def test_did_you_mean(value: str, known: list[str], expected: str | None) -> None:
    assert did_you_mean(value, known) == expected


def test_identity_values_lose_surrounding_space_and_keep_invisible_characters_visible() -> None:
    assert normalise("\u3000钟楼区 \n") == "钟楼区"
    assert invisible_character("钟楼\u200b区") == "U+200B ZERO WIDTH SPACE"
    assert invisible_character("TN-XX-001\n") == "U+000A CONTROL CHARACTER"
    assert invisible_character("钟楼区") is None


def test_a_roster_is_read_bounded_from_a_regular_file_only(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    loaded, problems = load_roster(fifo, "roster.csv")
    assert loaded is None and codes(problems) == [("unreadable", 1, 1)]
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: refused by its size, never read
    loaded, problems = load_roster(huge, "huge.csv")
    assert loaded is None and codes(problems) == [("file-too-large", 1, 1)]
