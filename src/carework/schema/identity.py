"""A school's identity — code, name, district — made hard to forge by accident.

The headline figure counts schools by code and groups them by district, so a trailing space, a zero-width space
pasted from a web page, a decomposed character or a newline inside a quoted code would make a second school or a
second 钟楼区 that looks identical. Every identity value is therefore NFC-normalised and stripped, and refused when
it still holds an invisible or control character; a near miss against a known list gets a did-you-mean.
"""

from __future__ import annotations

import difflib
import unicodedata

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
