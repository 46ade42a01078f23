"""Escaping for Markdown: data never becomes markup, whatever a school name or a message holds.

`escape_md` is the one escaping function of the reports. The template environment applies it to every value a
template prints (`{{ ... }}`), so a template cannot forget it; what it returns is safe both in running text and in a
GitHub-flavoured table cell. `mermaid_label` is the counterpart for the only other context values are printed in:
labels inside a Mermaid code block, where Markdown escapes would show literally.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from carework.core.model import Bilingual
from carework.core.problems import Lang
from carework.rules.checks import Label

_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r"[ \t]+")
#: Characters with inline meaning anywhere in GFM (emphasis, code, links, tables, strikethrough, GitHub's math,
#: ATX headings) are backslash-escaped; CommonMark lets any ASCII punctuation be escaped this way.
_INLINE = re.compile(r"([\\`*_\[\]|~$#])")
#: What starts a block when it begins a line: a list marker, an ordered-list number, a setext underline.
_BLOCK_START = re.compile(r"^( ?)(?:([-+=])(?=[-+=\s]|$)|(\d{1,9})([.)])(?=\s|$))")
_MERMAID_KEEP = set(" -_.,:/%()·、，。（）：")
_MERMAID_MAX = 40

EMPTY = "—"


def localize(value: Any, lang: Lang) -> Any:
    """A bilingual value in `lang`; anything else unchanged."""
    if isinstance(value, (Bilingual, Label)):
        return value.get(lang)
    return value


def escape_md(value: Any, lang: Lang = "zh") -> Markup:
    """`value` as Markdown text that reads exactly as the data: one line, no markup, safe in a table cell.

    Line breaks become `<br>` (the only way to keep them inside a table cell), HTML-special characters become
    entities, Markdown punctuation is backslash-escaped, and a leading list or heading marker is neutralised.
    Values already marked safe pass through unchanged, so escaping twice is harmless.
    """
    kind = type(value)
    if kind is Bilingual or kind is Label:
        value = value.get(lang)
        kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is Markup:
        return value
    if kind is int:
        return _escape_text(str(value))
    if isinstance(value, Markup):
        return value
    value = localize(value, lang)
    if value is None:
        return Markup(EMPTY)
    if isinstance(value, bool):
        value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return _escape_text(str(value))


@lru_cache(maxsize=1 << 16)
def _escape_text(text: str) -> Markup:
    # Memoized: a report set prints the same labels, titles and remedies thousands of times, and the result depends
    # on the text alone (the language only chose the text).
    text = unicodedata.normalize("NFC", text).strip("\r\n")
    text = _CONTROL.sub("", text).replace("\t", " ")
    lines = [_escape_line(line) for line in _LINE_BREAK.split(text)]
    return Markup("<br>".join(lines))


def _escape_line(line: str) -> str:
    # One space at most: never an indented code block, never a trailing hard line break.
    line = _SPACES.sub(" ", line)
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # `&` first: once each
    line = _INLINE.sub(r"\\\1", line)
    return _BLOCK_START.sub(_neutralise, line)


def _neutralise(match: re.Match[str]) -> str:
    space, marker, number, dot = match.groups()
    return f"{space}\\{marker}" if marker else f"{space}{number}\\{dot}"


def mermaid_label(value: Any, lang: Lang = "zh") -> Markup:
    """A label for a quoted string inside a Mermaid block: letters, digits and plain punctuation only, short."""
    text = str(localize(value, lang) if value is not None else EMPTY)
    kept = "".join(ch if ch.isalnum() or ch in _MERMAID_KEEP else " " for ch in unicodedata.normalize("NFC", text))
    # `%%` starts a Mermaid comment or directive.
    kept = re.sub(r"%+", "%", _SPACES.sub(" ", kept)).strip() or EMPTY
    return Markup(kept if len(kept) <= _MERMAID_MAX else kept[: _MERMAID_MAX - 1] + "…")


def url_path(path: str) -> Markup:
    """A relative path as a link destination: percent-encoded, so no character in it can end the link."""
    return Markup(quote(path, safe="/"))
