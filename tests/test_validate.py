"""Validation against the declared record: every problem has a path, a position and a way to fix it."""

from __future__ import annotations

import datetime as dt

from carework.reading.loader import parse
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate

CTX = Context(vocabularies={"campaigns": ("读懂中国", "老少同声爱国情 同心奋进新征程")}, today=dt.date(2026, 11, 29),
              period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
HEAD = "code: T-001\nname: 测试小学\ndistrict: 天宁区\nkind: primary\n"


def check(text: str):  # type: ignore[no-untyped-def]
    return validate(parse(text, "T-001.yaml"), SCHOOL, CTX)


def codes(text: str) -> list[tuple[str, int, str]]:
    return [(p.code, p.location.line, p.location.dotted()) for p in check(text).problems]


def test_a_minimal_record_is_valid_and_complete() -> None:
    result = check(HEAD)
    assert result.problems == []
    assert result.value["activities"] == [] and result.value["committee"]["director"]["name"] is None


def test_unknown_key_suggests_the_field() -> None:
    result = check(HEAD + "committee:\n  directr: {name: 王, status: in_service, post: principal}\n")
    (problem,) = result.problems
    assert problem.code == "unknown-field" and problem.location.line == 6
    assert "director" in problem.fix_en and "director" in problem.fix_zh


def test_a_chinese_label_used_as_a_key_maps_to_the_field() -> None:
    (problem,) = check(HEAD + "学校全称: 测试小学\n").problems
    assert "name" in problem.fix_zh


def test_missing_required_fields_are_named() -> None:
    assert codes("code: T-001\nname: 测试小学\nkind: primary\n") == [("missing-field", 1, "district")]


def test_wrong_types_and_yes_no_read_as_booleans() -> None:
    problems = check(HEAD + "committee:\n  director: {name: no, status: in_service, post: principal}\n").problems
    (problem,) = problems
    assert problem.code == "wrong-type" and "quote" in problem.message_en and "引号" in problem.message_zh


def test_unknown_enum_value_lists_the_choices() -> None:
    (problem,) = check(HEAD.replace("primary", "primry")).problems
    assert problem.code == "unknown-value" and "primary" in problem.fix_en


def test_chinese_option_labels_are_accepted() -> None:
    assert check(HEAD.replace("primary", "小学")).value["kind"] == "primary"


def test_dates_future_impossible_and_written_the_chinese_way() -> None:
    text = HEAD + ("party_hearings:\n  - date: 2027-01-01\n  - date: '2024年3月5日'\n  - date: 1900-01-01\n"
                   "  - date: 2023-06-01\n")
    found = codes(text)
    assert ("future-date", 6, "party_hearings[0].date") in found
    assert ("bad-date", 7, "party_hearings[1].date") in found
    assert ("impossible-date", 8, "party_hearings[2].date") in found
    assert ("out-of-period", 9, "party_hearings[3].date") in found
    fix = next(p.fix_zh for p in check(text).problems if p.code == "bad-date")
    assert "2024-03-05" in fix


def test_an_impossible_date_is_an_error_on_its_field_and_the_record_is_kept() -> None:
    result = validate(parse(HEAD + "party_hearings:\n  - date: 2024-02-30\n", "T-001.yaml"), SCHOOL, CTX)
    assert [(p.code, p.location.line, p.location.dotted()) for p in result.problems] == [
        ("impossible-date", 6, "party_hearings[0].date")]
    assert result.value["name"] == "测试小学"


def test_out_of_period_is_only_a_warning_and_the_date_is_kept() -> None:
    result = check(HEAD + "party_hearings:\n  - date: 2023-06-01\n")
    assert [p.level for p in result.problems] == ["warning"]
    assert result.value["party_hearings"][0]["date"] == dt.date(2023, 6, 1)
    assert result.invalid == []


def test_vocabulary_values_tolerate_spacing_and_suggest_the_closest() -> None:
    ok = check(HEAD + "activities:\n  - {date: 2024-05-01, title: 活动, kind: other, campaign: 老少同声爱国情同心奋进新征程}\n")
    assert ok.problems == [] and ok.value["activities"][0]["campaign"] == "老少同声爱国情 同心奋进新征程"
    bad = check(HEAD + "activities:\n  - {date: 2024-05-01, title: 活动, kind: other, campaign: 读懂中华}\n")
    (problem,) = bad.problems
    assert problem.code == "unknown-value" and "读懂中国" in problem.fix_zh


def test_invalid_paths_are_remembered_for_the_engine() -> None:
    result = check(HEAD + "party_hearings:\n  - date: soon\n")
    assert ("party_hearings", 0, "date") in result.invalid


def test_a_list_or_scalar_file_is_not_a_record() -> None:
    for text in ("- a\n- b\n", "just text\n", ""):
        (problem,) = check(text).problems
        assert problem.code == "not-a-mapping" and problem.location.line == 1


def test_several_names_in_one_attendee_item_are_flagged() -> None:
    result = check(HEAD + "trainings:\n  - {date: 2024-03-01, title: 培训, attendees: [王建国，李明华, 陈晓燕]}\n")
    (problem,) = result.problems
    assert (problem.code, problem.level, problem.location.dotted()) == ("joined-names", "warning", "trainings[0].attendees[0]")
    assert result.value["trainings"][0]["attendees"] == ["王建国，李明华", "陈晓燕"]


def test_numbers_at_and_past_their_bounds() -> None:
    text = HEAD + ("budget:\n  - {year: 1990, amount: 0}\n  - {year: 2100, amount: 0.5}\n  - {year: 1989, amount: -1}\n"
                   "  - {year: 2101, amount: .nan}\n  - {year: true, amount: 1e999}\n")
    assert codes(text) == [
        ("out-of-range", 8, "budget[2].year"), ("out-of-range", 8, "budget[2].amount"),
        ("out-of-range", 9, "budget[3].year"), ("bad-number", 9, "budget[3].amount"),
        ("wrong-type", 10, "budget[4].year"), ("wrong-type", 10, "budget[4].amount")]
    budget = check(text).value["budget"]
    assert [(b["year"], b["amount"]) for b in budget] == [(1990, 0), (2100, 0.5)] + [(None, None)] * 3


def test_a_timestamp_or_a_quoted_iso_date_is_the_date() -> None:
    result = check(HEAD + "party_hearings:\n  - date: 2024-03-05 10:00:00\n  - date: '2024-03-05'\n")
    assert result.problems == []
    dates = [h["date"] for h in result.value["party_hearings"]]
    assert dates == [dt.date(2024, 3, 5)] * 2 and all(type(d) is dt.date for d in dates)


def test_an_empty_list_item_is_an_empty_record_or_is_dropped() -> None:
    result = check(HEAD + "activities:\n  - ~\nreaders: [~, 少年读本]\n")
    assert result.problems == []
    assert result.value["activities"] == [{"date": None, "title": None, "kind": None, "campaign": None, "students": None,
                                           "elders": None, "partners": [], "evidence": []}]
    assert result.value["readers"] == ["少年读本"]


def test_left_out_values_are_fresh_for_each_record() -> None:
    first, second = check(HEAD).value, check(HEAD).value
    first["activities"].append("x")
    first["committee"]["member_offices"].append("x")
    assert second["activities"] == [] and second["committee"]["member_offices"] == []


def test_yes_and_no_written_in_chinese_are_booleans() -> None:
    result = check(HEAD + "office:\n  dedicated: 是\n  sign: 否\n  archives: 有\n")
    assert result.problems == []
    assert (result.value["office"]["dedicated"], result.value["office"]["sign"], result.value["office"]["archives"]) == (True, False, True)


def test_a_sentence_for_true_or_false_says_how_to_write_it() -> None:
    (problem,) = check(HEAD + "office:\n  dedicated: 有一间\n").problems
    assert problem.message_zh.startswith("办公场所和办公条件 › 是否有专门办公场所（office.dedicated）：")
    assert "如 dedicated: true" in problem.fix_zh and "e.g. dedicated: true" in problem.fix_en


def test_a_choice_s_label_or_its_short_form_is_accepted() -> None:
    people = "committee:\n  director: {name: 王, status: 在职, post: 校长}\n  executive_deputies:\n    - {name: 李, status: 退休, post: 园长}\n"
    result = check(HEAD + people + "    - {name: 赵, status: retired, post: 中层干部}\n")
    assert result.problems == []
    committee = result.value["committee"]
    assert committee["director"] == {"name": "王", "status": "in_service", "post": "principal"}
    assert [d["post"] for d in committee["executive_deputies"]] == ["principal", "middle_manager"]


def test_a_short_form_two_options_share_is_not_guessed() -> None:
    from carework.schema.fieldtypes import Choice, Option
    from carework.schema.general import choice_spellings

    spellings = choice_spellings(Choice((Option("a", "校长（园长）", "a"), Option("b", "校长（书记）", "b"))))
    assert "校长" not in spellings and spellings["园长"] == "a" and spellings["书记"] == "b"


def test_positions_in_messages_count_from_one() -> None:
    text = HEAD + "trainings:\n  - {date: 2024-03-01, title: 学习}\n  - {date: 2024-04-01, title: 培训, organiser: 全国}\n"
    (problem,) = check(text).problems
    assert problem.location.path == ("trainings", 1, "organiser")  # the path itself stays the document's
    assert "第 2 条" in problem.message_zh and "(item 2)" in problem.message_en and "[1]" not in problem.message_zh


def test_a_text_where_a_list_belongs_is_shown_as_the_list() -> None:
    (problem,) = check(HEAD + "trainings:\n  - date: 2024-03-01\n    title: 学习\n    attendees: 周建华、钱晓燕，孙德明\n").problems
    assert problem.code == "wrong-type"
    assert "“- 周建华” “- 钱晓燕” “- 孙德明”" in problem.fix_zh and "[周建华, 钱晓燕, 孙德明]" in problem.fix_zh


def test_choices_joined_in_one_item_ask_for_one_item_per_line() -> None:
    (problem,) = check(HEAD + "trainings:\n  - date: 2024-03-01\n    title: 学习\n    topics:\n      - xi_thought，instructions\n").problems
    assert problem.code == "joined-items" and "每项单独一行" in problem.fix_zh and "one item per line" in problem.fix_en
