"""A fast path for loading school records: yaml-rs (Rust) for the values, line numbers only when a finding needs them.

PyYAML with libyaml (`loader.parse`) stays the reference: it composes every node with its position, and that is most
of a check's time. Here a record is loaded with yaml-rs, about ten times faster, but only when its text is written
wholly in the simple grammar records use (an allowlist, `simple_yaml`), and the values yaml-rs returns are ones
PyYAML reads the same: a YAML 1.1 boolean (`yes`, `on`) written unquoted is made the boolean PyYAML reads (unless it
is also written quoted somewhere, see `_plain`); text PyYAML would read as another type, duplicate keys (yaml-rs
refuses them) or a file past the limits go to PyYAML, which also gives every error message and position. So a
construct the grammar does not know is only slow, never wrong. `tests/test_fastload.py` and `tests/twins/` prove both
give the same values and the same locations on the sample city, the generated records and every bad-input case.

Locations come from a cheap index of the lines, read one collection at a time as locations are asked for (rules
point at top-level keys and the keys of a few top-level mappings) and checked against the parsed keys before it is
trusted. What that reading cannot follow composes the file with PyYAML once, on demand: only files with such
findings pay for a second parse.

With `CAREWORK_REFERENCE=1` (`core.reference`) every record goes to PyYAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from carework.core.problems import Location
from carework.core.reference import reference_mode
from carework.reading.loader import DEFAULT_LIMITS, Document, Limits, Path_, parse, source_text
from carework.reading.simple_yaml import is_simple
from carework.reading.source import Source

try:  # an optional speed-up: without it every record takes the PyYAML path
    import yaml_rs

    YAML_RS: str | None = getattr(yaml_rs, "__version__", "present")
except ImportError:  # pragma: no cover - depends on the platform's wheels
    yaml_rs = None  # type: ignore[assignment]
    YAML_RS = None

#: By first character ("" included: an empty text is null), the texts PyYAML reads, unquoted, as something other
#: than text: its implicit resolvers in one pattern (PyYAML registers none for text itself, so any match is another
#: type; each keeps its own flags).
_RESOLVED = {
    first: re.compile("|".join(f"(?x:{p.pattern})" if p.flags & re.VERBOSE else f"(?:{p.pattern})" for _, p in rules))
    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items() if first is not None
}
#: The YAML 1.1 booleans, each as PyYAML reads it (its bool resolver and `SafeConstructor.bool_values`).
_BOOLEANS = {word: value for lower, value in yaml.constructor.SafeConstructor.bool_values.items()
             for word in (lower, lower.capitalize(), lower.upper())}
_SCALARS = frozenset({float, bool, dt.date, type(None)})
_KEY = re.compile(r"([^\s#'\"\[\]{},&*!|>%@`\-?:][^#]*?|[\-?:][^\s#'\"][^#]*?)[ ]*:(?:[ ]|$)")


class LazyDocument(Document):
    """A Document that reads positions from the layout of its lines, level by level, as locations are asked for.

    The first location reads the top-level keys (where most rules point); a location inside a collection reads
    just the collections on its way; only what the line reading cannot follow composes the whole file with PyYAML
    (`complete`).
    """

    def __init__(self, file: str, value: Any, text: str, limits: Limits) -> None:
        super().__init__(file, value, {})
        self._text = text
        self._limits = limits
        self._index: _Index | None = None
        self._complete = False

    def locate(self, path: Path_) -> Location:
        if not self._complete:
            if self._index is None:
                self._index = _Index(self._text, self.value)
            mark = self._index.find(self.value, tuple(path))
            if mark is not None:
                return Location(self.file, mark[0], mark[1], tuple(path))
            self.complete()
        return super().locate(path)

    def complete(self) -> None:
        """Compose the file with PyYAML for every position (the same table `loader.parse` builds)."""
        if not self._complete:
            self.marks = parse(self._text, self.file, self._limits).marks
            self._complete = True


def load_record(source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse one record read by `source.read_source`: the fast path when it is safe, else `loader.parse`; raises
    loader.YamlError (also for a source that could not be read)."""
    text = source_text(source)
    return fast_parse(text, source.display, limits) or parse(text, source.display, limits)


def fast_parse(text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> LazyDocument | None:
    """The document through yaml-rs, or None when the text needs PyYAML (see the module's docstring)."""
    if yaml_rs is None or reference_mode() or not is_simple(text):
        return None
    try:
        value = yaml_rs.loads(text)
    except Exception:  # any refusal: PyYAML says precisely what and where
        return None
    if not isinstance(value, dict) or not _plain(value, text, limits):
        return None
    return LazyDocument(display, value, text, limits)


def _plain(root: Any, text: str, limits: Limits) -> bool:
    """Whether every value is one PyYAML reads the same, within the limits (the caller then trusts yaml-rs).

    A YAML 1.1 boolean (`yes`, `off`) written unquoted is text to yaml-rs and a boolean to PyYAML: it is made the
    boolean PyYAML reads, provided the text holds no quoted `"yes"` or `'yes'` that yaml-rs would read as the same
    text. Without escapes or block scalars (not in the grammar) a quoted scalar can only be exactly `yes` when it is
    written so on one line, so every `yes` yaml-rs returned was then written plain.
    """
    if limits.max_depth < 0 or limits.max_nodes < 1:
        return False
    words: set[str] = set()
    try:
        nodes = _walk(root, 0, limits.max_depth, words) if type(root) in (dict, list) else 0
    except RecursionError:  # a limit set far deeper than Python recurses: PyYAML says so
        return False
    if nodes < 0 or nodes + 1 > limits.max_nodes:
        return False
    return not any(f'"{word}"' in text or f"'{word}'" in text for word in words)


def _walk(node: dict[Any, Any] | list[Any], depth: int, max_depth: int, words: set[str]) -> int:
    """How many values `node` holds at every depth, or -1 when one is not plain (see `_plain`).

    Unquoted YAML 1.1 booleans are replaced in place by their value and collected in `words`.
    """
    count = len(node)
    if count and depth >= max_depth:  # its values would lie deeper than the limit
        return -1
    if type(node) is dict:
        if not _PLAIN_KEYS.issuperset(node):  # records repeat the same few hundred keys: each is checked once
            for key in node:
                if key not in _PLAIN_KEYS:
                    if not _plain_key(key):
                        return -1
                    if len(_PLAIN_KEYS) < 10_000:
                        _PLAIN_KEYS.add(key)
        pairs: Any = node.items()
    else:
        pairs = enumerate(node)
    for place, value in pairs:
        kind = type(value)
        if kind is str:
            pattern = _RESOLVED.get(value[:1])
            if pattern is not None and pattern.match(value):
                flag = _BOOLEANS.get(value)
                if flag is None:
                    return -1
                node[place] = flag  # a value replaced, no key added: iterating on is safe
                words.add(value)
        elif kind is dict or kind is list:
            inner = _walk(value, depth + 1, max_depth, words)
            if inner < 0:
                return -1
            count += inner
        elif kind is int:
            if value.bit_length() >= 13_000:  # Python refuses to read integers of over 4,300 digits; PyYAML reports them
                return -1
        elif kind not in _SCALARS:
            return -1  # datetimes (time zones differ) and anything unforeseen
    return count


#: Keys `_plain_key` has accepted (a cache: the answer depends on the key alone).
_PLAIN_KEYS: set[str] = set()


def _plain_key(key: Any) -> bool:
    """Text both parsers read the same as a key: not another type to PyYAML, and on one line.

    A key written over several lines (or a quoted one folded from them) holds a space or a line break; PyYAML
    refuses such a key inside braces where yaml-rs takes it, so keys holding either go to PyYAML.
    """
    if type(key) is not str or " " in key or "\n" in key:
        return False
    pattern = _RESOLVED.get(key[:1])
    return pattern is None or not pattern.match(key)


def _exists(value: Any, path: Path_) -> bool:
    for part in path:
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            value = value[part]
        elif isinstance(value, list) and type(part) is int and 0 <= part < len(value):
            value = value[part]
        else:
            return False
    return True


#: Lines `start` to `end` (exclusive) of a file, with the first one read as the given text when not None.
Region = tuple[int, int, "str | None"]


class _Index:
    """Reads where each key and item starts from the layout of the lines, checked against the parsed value.

    Records are written in block mappings and sequences and in flow collections that fit on one line; that is all
    this reading follows. A mapping's positions are kept only when the keys read from the lines are exactly the
    parsed keys, in order, and a sequence's only when it has as many items; anything else (a scalar spread over
    lines, a flow collection over several lines, a quoted key) is left out, and a location inside it is found by
    composing the file with PyYAML after all. Each reading takes one collection's keys or items (the first, the
    top-level keys); the collections inside are kept `pending`, each read when a location inside it is asked for
    (in whatever order, the positions found are the same: each collection's come from its own lines alone).
    """

    def __init__(self, text: str, value: Any) -> None:
        self.lines = text.split("\n")
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.pending: dict[Path_, tuple[Any, Region, int] | tuple[Any, int, int]] = {}
        for n, line in enumerate(self.lines):
            stripped = line.lstrip(" ")
            if stripped and not stripped.startswith("#"):
                indent = len(line) - len(stripped)
                self.marks[()] = (n + 1, indent + 1)
                self.block(value, (), (n, len(self.lines), None), indent)
                break

    def find(self, value: Any, path: Path_) -> tuple[int, int] | None:
        """The position `Document.locate` gives for `path` (its nearest existing ancestor's), or None if unknown."""
        probe = path
        while probe and not _exists(value, probe):
            probe = probe[:-1]
        while probe not in self.marks:
            reading = next((probe[:n] for n in range(len(probe), 0, -1) if probe[:n] in self.pending), None)
            if reading is None:
                return None
            work = self.pending.pop(reading)
            if isinstance(work[1], tuple):
                self.block(work[0], reading, work[1], work[2])  # type: ignore[arg-type]
            else:
                self.flow(work[0], reading, work[1], work[2])  # type: ignore[arg-type]
        return self.marks[probe]

    def block(self, node: Any, path: Path_, region: Region, indent: int) -> None:
        """`node` written in block style in `region`, its entries at `indent` (if -1, its first content line's)."""
        is_list = isinstance(node, list)
        entries: list[tuple[int, str]] = []
        bounds: list[int] = []
        start, end, first = region
        lines = self.lines
        if indent < 0:  # found only now, when a location inside is asked for: most never are
            content = next((m for m in range(start, end) if lines[m].strip()
                            and not lines[m].lstrip(" ").startswith("#")), None)
            if content is None:
                return
            indent = len(lines[content]) - len(lines[content].lstrip(" "))
        if indent == 0 and first is None and not is_list:  # the top level: every line not indented is a key
            entries = [(n, lines[n]) for n in range(start, end)
                       if lines[n][:1] not in ("", " ", "#") and not lines[n].startswith("- ") and lines[n] != "-"]
            bounds = [n for n, _ in entries]
        for n in range(start, end) if not entries else ():
            line = first if n == start and first is not None else lines[n]
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            depth = len(line) - len(stripped)
            if depth < indent:
                return
            dash = stripped.startswith("- ") or stripped == "-"
            if depth == indent and dash == is_list:
                entries.append((n, line))
                bounds.append(n)
        bounds.append(end)
        found: dict[Path_, tuple[int, int]] = {}
        children: list[tuple[Any, Path_, Region, int]] = []
        flows: list[tuple[Any, Path_, int, int]] = []
        if is_list:
            if len(entries) != len(node):
                return
            for i, (n, line) in enumerate(entries):
                column = len(line) - len(line[indent + 1:].lstrip(" "))
                if column >= len(line) or line[column] == "#":
                    return  # the item starts on a later line
                found[path + (i,)] = (n + 1, column + 1)
                item = node[i]
                if line[column] in "[{":
                    flows.append((item, path + (i,), n, column))
                elif isinstance(item, dict):  # a block mapping whose first key follows the dash
                    children.append((item, path + (i,), (n, bounds[i + 1], " " * column + line[column:]), column))
        else:
            keys = []
            for i, (n, line) in enumerate(entries):
                match = _KEY.match(line, indent)
                if not match:
                    return
                key = match.group(1)
                keys.append(key)
                found[path + (key,)] = (n + 1, indent + 1)
                after = line[match.end():]
                rest = after.strip()
                if not isinstance(node, dict) or key not in node:
                    return
                child = node[key]
                if rest[:1] in ("[", "{"):
                    flows.append((child, path + (key,), n, len(line) - len(after.lstrip(" "))))
                elif (not rest or rest.startswith("#")) and isinstance(child, (dict, list)) and child:
                    children.append((child, path + (key,), (n + 1, bounds[i + 1], None), -1))
            if not isinstance(node, dict) or keys != list(node):
                return
        self.marks.update(found)
        for child, child_path, child_region, child_indent in children:
            self.pending[child_path] = (child, child_region, child_indent)
        for child, child_path, n, column in flows:
            self.pending[child_path] = (child, n, column)

    def flow(self, node: Any, path: Path_, n: int, column: int) -> int:
        """A flow collection starting at `column` of line `n`; returns where it ends, or -1 when it cannot be read."""
        line = self.lines[n]
        closing = "}" if line[column] == "{" else "]"
        if (closing == "}") != isinstance(node, dict) or (closing == "]") != isinstance(node, list):
            return -1
        found: dict[Path_, tuple[int, int]] = {}
        nested: list[tuple[Any, Path_, int]] = []
        keys: list[str] = []
        count = 0
        at = column + 1
        while True:
            while at < len(line) and line[at] == " ":
                at += 1
            if at >= len(line):
                return -1  # continues on the next line
            if line[at] == closing:
                break
            start = at
            if closing == "}":
                match = _FLOW_KEY.match(line, at)
                if not match:
                    return -1
                key = match.group(1)
                keys.append(key)
                found[path + (key,)] = (n + 1, start + 1)
                at = match.end()
                while at < len(line) and line[at] == " ":
                    at += 1
                child_path, value_start = path + (key,), at
            else:
                child_path, value_start = path + (count,), at
                found[child_path] = (n + 1, start + 1)
            count += 1
            if value_start < len(line) and line[value_start] in "[{":
                child = _child(node, child_path[-1])
                end = self.flow(child, child_path, n, value_start) if child is not None else -1
                if end < 0:
                    return -1
                nested.append((child, child_path, value_start))
                at = end
            else:
                at = _scalar_end(line, value_start, closing)
                if at < 0:
                    return -1
            while at < len(line) and line[at] == " ":
                at += 1
            if at < len(line) and line[at] == ",":
                at += 1
            elif at >= len(line) or line[at] != closing:
                return -1
        if (keys != list(node)) if closing == "}" else (count != len(node)):
            return -1
        self.marks.update(found)
        return at + 1


_FLOW_KEY = re.compile(r"([^\s#'\"\[\]{},&*!|>%@`\-?:][^,\[\]{}#]*?|-[^\s,\[\]{}#][^,\[\]{}#]*?)[ ]*:(?:[ ]|(?=[,}]))")


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    return node[part] if isinstance(part, int) and part < len(node) else None


def _scalar_end(line: str, at: int, closing: str) -> int:
    """Where a scalar inside a flow collection ends (at the `,` or closing bracket after it), or -1."""
    if at < len(line) and line[at] in "'\"":
        quote = line[at]
        at += 1
        while at < len(line):
            if line[at] == quote:
                if quote == "'" and line[at + 1:at + 2] == "'":
                    at += 2
                    continue
                return at + 1
            at += 1
        return -1
    while at < len(line) and line[at] not in ",[]{}":
        if line[at] == "#" and line[at - 1] == " ":
            return -1
        at += 1
    return at if at < len(line) and line[at] in (",", closing) else -1
