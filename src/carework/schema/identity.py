"""A school's identity — code, name, district — made hard to forge by accident.

The headline figure counts schools by code and groups them by district, so a trailing space, a zero-width space
pasted from a web page, a decomposed character or a newline inside a quoted code would make a second school or a
second 钟楼区 that looks identical. Every identity value is therefore NFC-normalised and stripped, and refused when
it still holds an invisible or control character; a near miss against a known list gets a did-you-mean.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable
from typing import Any

from carework.core.problems import Location, Problem

#: Unicode categories that print as nothing (or break lines): controls, format characters such as U+200B and
#: U+FEFF, private use, surrogates, line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def normalise(value: str) -> str:
    """The value as it is compared and shown: NFC, surrounding white space (full-width included) removed."""
    return unicodedata.normalize("NFC", value).strip()


def invisible_character(value: str) -> str | None:
    """A description of the first invisible or control character in `value` (`U+200B ZERO WIDTH SPACE`), if any."""
    for char in value:
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            name = unicodedata.name(char, "CONTROL CHARACTER")
            return f"U+{ord(char):04X} {name}"
    return None


def did_you_mean(value: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The known value `value` most likely meant: one that starts with it or it starts with (金坛 → 金坛区), else the
    closest by spelling; None when nothing is close."""
    stripped = normalise(value)
    near = [k for k in known if k.startswith(stripped) or stripped.startswith(k)] if stripped else []
    if len(near) == 1:
        return near[0]
    close = difflib.get_close_matches(stripped, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


#: The code the commented template ships with: a copy not yet filled in is not a school.
TEMPLATE_CODE = "record-template"
#: The identity fields of a record, with their Chinese and English names.
IDENTITY_FIELDS = (("code", "学校代码", "school code"), ("name", "学校全称", "school name"), ("district", "所属区", "district"))


def record_identity(data: dict[str, Any], locate: Callable[[tuple[str | int, ...]], Location]) -> list[Problem]:
    """Normalise a validated record's code, name and district in place; the problems of those that cannot be trusted
    (an invisible character: the field is dropped; the template's placeholder code)."""
    problems: list[Problem] = []
    for key, zh, en in IDENTITY_FIELDS:
        value = data.get(key)
        if not isinstance(value, str):
            continue
        value = data[key] = normalise(value)
        hidden = invisible_character(value)
        if hidden:
            data[key] = None  # never a second school or district that looks like the first
            problems.append(Problem(locate((key,)), "invisible-character", f"{zh}（{key}）含有看不见的字符 {hidden}",
                                    f"the {en} ({key}) holds an invisible character {hidden}",
                                    f"删掉{zh}后重新输入（不要从网页或 Word 粘贴）", f"delete the {en} and type it again (do not paste it from a web page or Word)"))
    if data.get("code") == TEMPLATE_CODE:
        problems.append(Problem(locate(("code",)), "template-code", "学校代码还是模板里的占位符 record-template",
                                "the school code is still the template's placeholder record-template",
                                "写上本校的学校代码（如 TN-XX-001），并把文件命名为“代码.yaml”",
                                "write your school's code (like TN-XX-001) and name the file after it (TN-XX-001.yaml)"))
    return problems
