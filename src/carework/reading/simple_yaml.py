"""The simple YAML that records are written in: the grammar the fast path accepts, and nothing more.

The fast path (`fastload`) takes a text only when it is written wholly in this grammar, one line at a time: blank
lines and comments; block mapping keys (`name:`, letters, digits, `_`, `-`, `.` and CJK, starting with a letter) and
sequence items (`- `), each with at most one value on its line; and values that are plain text (not starting with an
indicator, a sign, a dot or a digit, unless digits run straight into CJK as in `3人`), simple numbers (`12`, `-3`,
`1.5`), ISO dates (`2024-03-05`), quoted text on one line without escapes (and not starting like a date, which
yaml-rs reads as a date even when quoted), or flow collections of those closed on their line and nested at most
twice. Everything else — tags, anchors, aliases, block scalars, merge keys, directives, several documents, text over
several lines, octal, hexadecimal, sexagesimal or exponent numbers, tabs, control characters and invisible line
breaks — is not in the grammar and goes to the PyYAML reference: a construct missed here is only slow, never wrong.

The grammar only decides which texts the two parsers read alike; `fastload` still checks the values yaml-rs returns
(YAML 1.1 booleans, text PyYAML resolves to another type, the limits) before trusting them.
"""

from __future__ import annotations

import re

#: What is never in a record's text: control characters, U+2028/9 (line breaks to PyYAML), surrogates, a BOM inside,
#: the non-characters U+FFFE/F. Classes are written as what they leave out: a class of a few short ranges compiles in
#: microseconds, one listing the printable ranges up to U+10FFFF takes the regex compiler a good part of a second.
_NEVER = "\x00-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF"
_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def _chars(ascii_: str) -> str:
    """A character class of the printable ASCII characters in `ascii_` and every printable wide character."""
    left_out = "".join(re.escape(c) for c in _PRINTABLE if c not in ascii_)
    return f"[^{_NEVER}{left_out}]"


def _without(excluded: str) -> str:
    return "".join(c for c in _PRINTABLE if c not in excluded)


_WIDE = f"[^{_NEVER}\x20-\x7E]"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_KEY = f"(?:{_chars(_LETTERS)}{_chars(_LETTERS + '0123456789-.')}*+)"
#: Inside plain text: no comment, mapping indicator or flow bracket; a colon only when something follows it.
_INNER = _chars(_without(" #:[]{}"))
_FLOW_INNER = _chars(_without(" #:[]{},"))
#: Plain text starts with none of YAML's indicators, nor with what might make it a number, a null or a merge key.
_FIRST = _chars(_without(" #:[]{}-?,&*!|>'\"%@`+.0123456789<=~"))
_DIGITS_THEN_WIDE = f"[0-9]++{_WIDE}"
_NUMBER = r"[-+]?+(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_SCALAR_END = r"(?=[ ,\]}\n]|\Z)"
_NUMBER_OR_DATE = f"(?:{_NUMBER}|{_DATE}){_SCALAR_END}"
_SINGLE_QUOTED = f"'(?![0-9]{{4}}-)(?:{_chars(_without(chr(39)))}|'')*+'"
_DOUBLE_QUOTED = f'"(?![0-9]{{4}}-){_chars(_without(chr(34) + chr(92)))}*+"'
_TEXT_TAIL = f"(?:{_INNER}|:(?=[^ \\n])|[ ]++(?=[^ #\\n]))*+"
_PLAIN = f"(?:{_FIRST}|{_DIGITS_THEN_WIDE}){_TEXT_TAIL}"
_FLOW_PLAIN = f"(?:{_FIRST}|{_DIGITS_THEN_WIDE})(?:{_FLOW_INNER}|[ ]++(?={_FLOW_INNER}))*+"
_FLOW_SCALAR = f"(?:{_NUMBER_OR_DATE}|{_FLOW_PLAIN}|{_SINGLE_QUOTED}|{_DOUBLE_QUOTED})"


def _sequence(item: str) -> str:
    """`[item, item, …]` on one line: each item followed by a comma and another item, or by the closing bracket."""
    return rf"\[[ ]*+(?:{item}[ ]*+(?:,[ ]*+(?=[^\]])|(?=\])))*+\]"


def _mapping(item: str) -> str:
    return rf"\{{[ ]*+(?:{_KEY}:[ ]++{item}[ ]*+(?:,[ ]*+(?=[^}}])|(?=\}})))*+\}}"


_FLOW_ITEM = f"(?:{_FLOW_SCALAR}|{_sequence(_FLOW_SCALAR)}|{_mapping(_FLOW_SCALAR)})"
_VALUE = (f"(?:{_NUMBER_OR_DATE}|{_PLAIN}|{_SINGLE_QUOTED}|{_DOUBLE_QUOTED}"
          f"|{_sequence(_FLOW_ITEM)}|{_mapping(_FLOW_ITEM)})")
_AFTER_INDICATOR = r"(?:[ ]++|(?=\n|\Z))"
#: An item's dash, a key, or both, each followed by a space or the end of the line; then at most one value.
_ENTRY = (f"(?=-{_AFTER_INDICATOR}|{_KEY}:{_AFTER_INDICATOR})"
          f"(?:-{_AFTER_INDICATOR})?+(?:{_KEY}:{_AFTER_INDICATOR})?+{_VALUE}?+")
#: A comment after an entry starts after a space.
_LINE = f"[ ]*+(?:#[^\\n]*+|{_ENTRY}(?:[ ]*+(?<=[ ])#[^\\n]*+)?[ ]*+)?"

#: A whole text in the simple grammar (use `fullmatch`); one call, no backtracking across lines.
SIMPLE_YAML = re.compile(f"(?:{_LINE}\\n)*+(?:{_LINE})?")


def is_simple(text: str) -> bool:
    """Whether every line of `text` is in the grammar records use (see the module's docstring)."""
    return SIMPLE_YAML.fullmatch(text) is not None
