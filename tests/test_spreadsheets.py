"""Spreadsheets in and out: the form derived from the schema, the round trip record → form → record, every kind of
import error located by cell, the export workbook and CSV, redaction, and the commands."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_FILE, ROOT
from typer.testing import CliRunner

from carework.cli.app import app
from carework.export.form import form_bytes
from carework.reading.loader import load_file, parse
from carework.reading.workbook import Workbook, read_workbook
from carework.schema.fieldtypes import ListOf, Record
from carework.schema.form import BASIC_SHEET, CHOICES_SHEET, layout
from carework.schema.form_read import read_form
from carework.schema.record_text import record_yaml
from carework.schema.redact import mask
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate

SAMPLES = sorted((ROOT / "data" / "schools").glob("*.yaml"))
CTX = Context(today=dt.date(2026, 1, 1))


def leaves(t: Record, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out = set()
    for f in t.fields:
        here = path + (f.name,)
        if isinstance(f.type, Record):
            out |= leaves(f.type, here)
        elif isinstance(f.type, ListOf) and isinstance(f.type.item, Record):
            out |= leaves(f.type.item, here)
        else:
            out.add(here)
    return out


def test_every_field_of_the_schema_has_exactly_one_place_in_the_form() -> None:
    placed = [(*sheet.path, *cell.path) if sheet.kind == "table" else cell.path
              for sheet in layout(SCHOOL) for cell in sheet.cells]
    assert sorted(placed) == sorted(leaves(SCHOOL))
    titles = [sheet.title for sheet in layout(SCHOOL)]
    assert titles[0] == BASIC_SHEET[0] and len(set(titles)) == len(titles)
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)
    assert {"学习培训（含轮训）", "“五老”名册", "活动", "关工委组织", "关工委组织·常务副主任"} <= set(titles)


def test_a_field_added_to_the_schema_appears_in_the_form_and_comes_back() -> None:
    from carework.schema.fieldtypes import Date, Field, Text

    extended = Record(SCHOOL.fields + (Field("visits", ListOf(Record((
        Field("date", Date(), "日期", "date", required=True), Field("host", Text(), "接待人", "host")))), "来访", "visits"),))
    record = {"code": "A-1", "name": "甲校", "district": "甲区", "kind": "primary",
              "visits": [{"date": dt.date(2024, 5, 1), "host": "王建国"}]}
    sheet = next(s for s in layout(extended) if s.title == "来访")
    assert [c.header() for c in sheet.cells] == ["日期*", "接待人"]
    assert validate(read_form(_reread(form_bytes(extended, record, {}, "t")), extended), extended, CTX).value["visits"] == record["visits"]


def _reread(data: bytes, tmp: Path | None = None) -> Workbook:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        path.write_bytes(data)
        return read_workbook(path, "form.xlsx")


def _round_trip(value: Any, ctx: Context) -> tuple[dict[str, Any], list[Any]]:
    doc = read_form(_reread(form_bytes(SCHOOL, value, {}, "t")), SCHOOL)
    checked = validate(doc, SCHOOL, ctx)
    return checked.value, doc.problems + [p for p in checked.problems if p.level == "error"]


@pytest.mark.parametrize("record", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_school_comes_back_from_its_form_unchanged(record: Path) -> None:
    doc = load_file(record, record.name)
    original = validate(doc, SCHOOL, CTX).value
    value, problems = _round_trip(doc.value, CTX)
    assert problems == []
    assert value == original
    again = validate(parse(record_yaml(value, SCHOOL), "again"), SCHOOL, CTX)
    assert again.value == original and [p for p in again.problems if p.level == "error"] == []


def test_generated_records_come_back_from_their_forms_unchanged(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "support"))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    for path in generate(25, tmp_path, seed=16):
        doc = load_file(path, path.name)
        checked = validate(doc, SCHOOL, CTX)
        if any(p.level == "error" for p in checked.problems):
            continue  # the generator's deliberate slips: the form keeps what the record says, the import reports it
        value, problems = _round_trip(doc.value, CTX)
        assert problems == [], path.name
        assert value == checked.value, path.name


def test_the_form_is_the_same_bytes_every_time_and_has_its_dropdowns() -> None:
    record = load_file(SAMPLES[0], "x").value
    first = form_bytes(SCHOOL, record, {"campaigns": ("读懂中国",)}, "t")
    assert first == form_bytes(SCHOOL, record, {"campaigns": ("读懂中国",)}, "t")
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        core = archive.read("docProps/core.xml").decode()
    assert "<dataValidation" in sheets and f"{CHOICES_SHEET}!$" in sheets and 'type="date"' in sheets
    assert "2000-01-01" in core


# --- import errors -----------------------------------------------------------------------------------------------------

GOOD = {
    "基本信息": [["项目", "填写", "说明"], ["学校代码*", "A-001"], ["学校全称*", "甲小学"], ["所属区（县、市）*", "甲区"],
              ["学校类型*", "小学"]],
    "学习培训（含轮训）": [["日期*", "名称*", "主办层级", "内容", "参加人员姓名"],
                      [dt.date(2024, 3, 5), "集中学习", "校级", "关工委业务", "王建国、李明华"]],
}


def _import(changes: dict[str, list[list[Any]]]) -> tuple[Any, list[tuple[str, str, str, str]]]:
    sheets = {name: [list(row) for row in grid] for name, grid in (GOOD | changes).items()}
    doc = read_form(Workbook("f.xlsx", sheets), SCHOOL)
    checked = validate(doc, SCHOOL, CTX)
    found = [(doc.cell(p.location.path), p.code, p.message_zh, p.fix_zh) for p in doc.problems + checked.problems]
    return checked.value, found


def _yaml_problem(text: str) -> tuple[str, str, str]:
    p = validate(parse(text, "r.yaml"), SCHOOL, CTX).problems[0]
    return p.code, p.message_zh, p.fix_zh


BASE_YAML = "code: A-001\nname: 甲小学\ndistrict: 甲区\nkind: primary\n"


def test_a_good_form_imports_with_values_as_the_yaml_reader_reads_them() -> None:
    value, found = _import({})
    assert found == []
    assert value["kind"] == "primary"
    assert value["trainings"] == [{"date": dt.date(2024, 3, 5), "title": "集中学习", "organiser": "school",
                                   "topics": ["practice"], "attendees": ["王建国", "李明华"]}]


@pytest.mark.parametrize(("cell", "typed", "yaml_value"), [
    ("A2", "2024.3.5", "'2024.3.5'"),
    ("A2", "2024年3月5日", "2024年3月5日"),
    ("A2", "2024-02-30", "'2024-02-30'"),
    ("A2", dt.date(2030, 1, 1), "2030-01-01"),
    ("C2", "市里", "市里"),
])
def test_each_cell_error_is_located_and_said_as_for_yaml(cell: str, typed: Any, yaml_value: str) -> None:
    row = list(GOOD["学习培训（含轮训）"][1])
    column = {"A": 0, "C": 2}[cell[0]]
    row[column] = typed
    _, found = _import({"学习培训（含轮训）": [GOOD["学习培训（含轮训）"][0], row]})
    key = {"A": "date", "C": "organiser"}[cell[0]]
    other = "title: 集中学习" if key == "date" else "date: 2024-03-05\n    title: 集中学习"
    expected = _yaml_problem(BASE_YAML + f"trainings:\n  - {key}: {yaml_value}\n    {other}\n")
    assert [(where, code, message, fix) for where, code, message, fix in found] == [(f"学习培训（含轮训）!{cell}", *expected)]


def test_text_in_a_number_cell_and_a_missing_required_cell() -> None:
    _, found = _import({"关工委工作经费（按年度）": [["年度*", "金额（元）*"], ["二〇二四", "2,000"], ["", 500]]})
    assert [(w, c) for w, c, _, _ in found] == [("关工委工作经费（按年度）!A2", "wrong-type"), ("关工委工作经费（按年度）!A3", "missing-field")]


def test_numbers_typed_as_text_and_text_typed_as_numbers_are_read_as_meant() -> None:
    value, found = _import({"关工委工作经费（按年度）": [["年度*", "金额（元）*"], ["２０２４ ", "2,000"]],
                            "基本信息": GOOD["基本信息"][:1] + [["学校代码*", "A-001"], ["学校全称*", 12345.0],
                                                            ["所属区（县、市）*", " 甲区\u3000"], ["学校类型*", "小学"]]})
    assert found == []
    assert value["budget"] == [{"year": 2024, "amount": 2000, "in_school_budget": None}]
    assert value["name"] == "12345" and value["district"] == "甲区"


def test_unknown_sheets_columns_and_rows_are_errors_where_they_stand() -> None:
    _, found = _import({"活动表": [["日期"], [dt.date(2024, 1, 1)]],
                        "讲师团成员": [["姓名*", "电话"], ["王建国", "123"]],
                        "基本信息": GOOD["基本信息"] + [["校长", "李明华"]]})
    assert sorted((w, c) for w, c, _, _ in found) == [("基本信息!A6", "unknown-row"), ("活动表!A1", "unknown-sheet"),
                                                      ("讲师团成员!B1", "unknown-column")]
    assert "是不是“活动”" in next(fix for w, _, _, fix in found if w == "活动表!A1")


def test_a_file_that_is_not_a_workbook_is_refused_with_a_fix(tmp_path: Path) -> None:
    from carework.reading.workbook import WorkbookError

    (tmp_path / "x.xlsx").write_text("code: A\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tmp_path / "x.xlsx", "x.xlsx")
    assert caught.value.problem.code == "not-a-workbook" and "另存为" in caught.value.problem.fix_zh


# --- the commands ------------------------------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    print(result.output)
    return result


def test_form_then_import_leaves_an_unchanged_record_alone(sample_city: Path) -> None:
    record = sample_city / "data" / "schools" / "JT-CZ-001.yaml"
    before = record.read_bytes()
    assert _run("form", "JT-CZ-001", "-o", "f.xlsx", "--plan", str(PLAN_FILE)).exit_code == 0
    result = _run("import", "f.xlsx", "--plan", str(PLAN_FILE))
    assert result.exit_code == 0 and "内容未变" in result.output
    assert record.read_bytes() == before


def test_import_shows_the_diff_and_writes_only_with_replace(sample_city: Path, tmp_path: Path) -> None:
    record = sample_city / "data" / "schools" / "JT-CZ-001.yaml"
    other = sample_city / "elsewhere"
    other.mkdir()
    text = record.read_text(encoding="utf-8").replace("金坛区第二中学", "金坛区第二初级中学", 1)
    (other / "JT-CZ-001.yaml").write_text(text, encoding="utf-8")
    assert _run("form", "JT-CZ-001", "-o", "f.xlsx", "--into", str(other), "--plan", str(PLAN_FILE)).exit_code == 0
    before = record.read_bytes()
    refused = _run("import", "f.xlsx", "--plan", str(PLAN_FILE))
    assert refused.exit_code == 1 and "+name: 金坛区第二初级中学" in refused.output and "--replace" in refused.output
    assert record.read_bytes() == before
    assert _run("import", "f.xlsx", "--replace", "--plan", str(PLAN_FILE)).exit_code == 0
    assert "金坛区第二初级中学" in record.read_text(encoding="utf-8")
    written = validate(load_file(record, record.name), SCHOOL, CTX)
    assert [p for p in written.problems if p.level == "error"] == []


def test_a_workbook_with_errors_writes_nothing(sample_city: Path) -> None:
    assert _run("form", "NEW-001", "-o", "new.xlsx", "--plan", str(PLAN_FILE)).exit_code == 0
    result = _run("import", "new.xlsx", "--plan", str(PLAN_FILE))
    assert result.exit_code == 3
    assert "new.xlsx 基本信息!B3：错误：缺少必填项“学校全称”（name）" in result.output
    assert not (sample_city / "data" / "schools" / "NEW-001.yaml").exists()


def test_export_workbook_has_the_tables_frozen_filtered_and_is_deterministic(sample_city: Path) -> None:
    from python_calamine import CalamineWorkbook

    assert _run("export", "-o", "a.xlsx", "--as-of", "2024-12-31").exit_code in (0, 3)
    assert _run("export", "-o", "b.xlsx", "--as-of", "2024-12-31").exit_code in (0, 3)
    assert (sample_city / "a.xlsx").read_bytes() == (sample_city / "b.xlsx").read_bytes()
    book = CalamineWorkbook.from_path(str(sample_city / "a.xlsx"))
    assert book.sheet_names == ["汇总", "各区", "学校", "整改清单", "数据问题"]
    gaps = book.get_sheet_by_name("整改清单").to_python()
    assert gaps[0][:7] == ["区", "学校代码", "学校名称", "规则", "要求", "级别", "状态"]
    assert len(gaps) > 10 and {row[5] for row in gaps[1:]} <= {"必须", "应当", "建议"}
    schools = book.get_sheet_by_name("学校").to_python()
    assert {row[1] for row in schools[1:]} >= {p.stem for p in SAMPLES}
    absent = [row for row in schools[1:] if row[4] == "未报送"]
    assert absent and len(schools) - 1 == len(SAMPLES) + len(absent)  # the roster's schools without a record
    with zipfile.ZipFile(sample_city / "a.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet4.xml").decode()
    assert "<autoFilter" in sheet and 'state="frozen"' in sheet


def test_export_csv_has_a_bom_english_headers_and_redacted_names(sample_city: Path) -> None:
    assert _run("export", "-o", "gaps.csv", "--lang", "en", "--as-of", "2024-12-31").exit_code in (0, 3)
    data = (sample_city / "gaps.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdistrict,code,school,rule")
    assert _run("export", "-o", "hidden.csv", "--redact", "--as-of", "2024-12-31").exit_code in (0, 3)
    plain = (sample_city / "gaps.csv").read_text(encoding="utf-8-sig")
    hidden = (sample_city / "hidden.csv").read_text(encoding="utf-8-sig")
    names = {v for p in SAMPLES for v in _names(p)}
    shown = {n for n in names if n in plain}
    assert shown, "the sample gaps name people"
    assert not {n for n in names if len(n) > 1 and n in hidden}
    assert mask(next(iter(shown))) in hidden


def _names(path: Path) -> set[str]:
    from carework.schema.redact import person_names

    return set(person_names(load_file(path, path.name).value))


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui, or run "
                           "scripts/libreoffice-roundtrip.sh")
def test_a_form_saved_again_by_libreoffice_still_imports(tmp_path: Path) -> None:
    source = tmp_path / "in" / "form.xlsx"
    source.parent.mkdir()
    doc = load_file(SAMPLES[0], "x")
    source.write_bytes(form_bytes(SCHOOL, doc.value, {}, "t"))
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=300)
    resaved = read_workbook(out / "form.xlsx", "form.xlsx")
    checked = validate(read_form(resaved, SCHOOL), SCHOOL, CTX)
    assert [p for p in checked.problems if p.level == "error"] == []
    assert checked.value == validate(doc, SCHOOL, CTX).value


# --- the round trip as a property: any valid record the schema allows ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from carework.schema.fieldtypes import Boolean, Choice, Date, FieldType, Integer, Number, Text  # noqa: E402

#: Text as a secretary types it into a cell: no leading or trailing blanks, no line breaks (they separate list items),
#: no control characters; person names without the separators of a list of names.
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")), min_size=1,
                max_size=12).map(lambda s: s.strip(" \t\u3000\u00a0\u2028\u2029\x85")).filter(bool)
_NAME = st.text(st.sampled_from("王李张刘陈杨黄赵建国明华秀英"), min_size=2, max_size=4)


def values(t: FieldType) -> st.SearchStrategy[Any]:
    if isinstance(t, Record):
        return st.fixed_dictionaries({}, optional={f.name: values(f.type) for f in t.fields if not f.required}).flatmap(
            lambda optional: st.fixed_dictionaries({f.name: values(f.type) for f in t.fields if f.required}).map(
                lambda required: required | optional))
    if isinstance(t, ListOf):
        return st.lists(values(t.item), max_size=2)
    if isinstance(t, Choice):
        return st.sampled_from(t.values)
    if isinstance(t, Boolean):
        return st.booleans()
    if isinstance(t, Date):
        return st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31))
    if isinstance(t, Integer):
        return st.integers(t.minimum if t.minimum is not None else -10**6, t.maximum if t.maximum is not None else 10**6)
    if isinstance(t, Number):
        # Amounts in yuan and fen: a spreadsheet keeps 15 significant digits, as Excel does, not a float's 17.
        return st.one_of(st.integers(0, 10**7), st.integers(0, 10**9).map(lambda fen: fen / 100))
    assert isinstance(t, Text)
    if t.pattern:
        return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{1,20}", fullmatch=True)
    return _NAME if t.person else _TEXT


@settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(values(SCHOOL))
def test_any_valid_record_comes_back_from_its_form(record: dict[str, Any]) -> None:
    checked = validate(parse(record_yaml(record, SCHOOL), "r.yaml"), SCHOOL, CTX)
    if any(p.level == "error" for p in checked.problems):
        return  # e.g. a text YAML reads as something else; the property is about records that are valid
    value, problems = _round_trip(record, CTX)
    assert problems == []
    assert value == checked.value


def test_a_form_for_a_school_without_a_record_takes_its_identity_from_the_roster(sample_city: Path) -> None:
    (sample_city / "data" / "schools" / "TN-CZ-001.yaml").unlink()
    result = _run("form", "TN-CZ-001", "-o", "new.xlsx", "--plan", str(PLAN_FILE))
    assert result.exit_code == 0 and "学校名册" in result.output
    grid = read_workbook(sample_city / "new.xlsx", "new.xlsx").sheets["基本信息"]
    assert [row[1] for row in grid[1:6]] == ["TN-CZ-001", "云溪市朝阳中学", "天宁区", "初中", "公办"]


def test_a_malformed_code_is_refused_before_anything_is_written(sample_city: Path) -> None:
    result = _run("form", "../x", "-o", "x.xlsx")
    assert result.exit_code == 2 and not (sample_city / "x.xlsx").exists()


def test_the_summary_names_target_bands_and_explains_denominators(sample_city: Path) -> None:
    from python_calamine import CalamineWorkbook

    assert _run("export", "-o", "a.xlsx", "--as-of", "2024-12-31").exit_code in (0, 3)
    rows = CalamineWorkbook.from_path(str(sample_city / "a.xlsx")).get_sheet_by_name("汇总").to_python()
    targets = [row for row in rows if row[0] == "目标"]
    assert targets and {row[9] for row in targets} <= {"已达成", "接近目标", "差距较大", "无数据"}
    assert all(str(row[11]).startswith(f"分母 {int(row[6])} 所") for row in targets)
    sections = [row for row in rows if row[0] == "部分"]
    assert [row[1] for row in sections] == ["1", "2", "3", "4", "5"]


def test_an_extra_empty_column_is_harmless() -> None:
    header, row = GOOD["学习培训（含轮训）"]
    _, found = _import({"学习培训（含轮训）": [[*header, "备注"], [*row, ""]]})
    assert found == []


def test_importing_several_workbooks_says_what_became_of_each(sample_city: Path) -> None:
    assert _run("form", "JT-CZ-001", "-o", "a.xlsx", "--plan", str(PLAN_FILE)).exit_code == 0
    assert _run("form", "NEW-001", "-o", "b.xlsx", "--plan", str(PLAN_FILE)).exit_code == 0
    (sample_city / "c.xlsx").write_bytes(b"not a workbook")
    result = _run("import", "a.xlsx", "b.xlsx", "c.xlsx", "--plan", str(PLAN_FILE))
    assert result.exit_code == 3
    assert "c.xlsx：错误：无法作为 .xlsx 工作簿读取" in result.output
    assert "共 3 份：写出 0，未变 1，未覆盖 0，有错误 2" in result.output
