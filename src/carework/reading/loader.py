"""Load YAML safely, keeping the line and column of every key and item.

Only the YAML core types are accepted (maps, lists, strings, numbers, booleans, null, dates); any other tag, a
duplicate key, a recursive alias or an alias bomb is an error with a position, never a Python object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from carework.core.problems import Location, Problem
from carework.reading.source import MAX_BYTES, Source, read_source

try:  # libyaml's composer is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    HAVE_LIBYAML = False

#: A path into a document: mapping keys and list indexes, from the root.
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """How much a single file may hold before it is refused."""

    max_bytes: int = MAX_BYTES
    max_depth: int = 40
    max_nodes: int = 200_000


DEFAULT_LIMITS = Limits()

_CORE = "tag:yaml.org,2002:"
_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SAFE = yaml.constructor.SafeConstructor()
_INVISIBLE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}
#: Control characters other than tab and newline: YAML's reader refuses them raw, but "\e" or "\x1b" escapes get through.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Document:
    """A loaded YAML document: its plain value and where each part of it starts (1-based)."""

    file: str
    value: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path_) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            mark = self.marks.get(probe)
            if mark is not None:
                return Location(self.file, mark[0], mark[1], path)
            probe = probe[:-1]
        line, col = self.marks.get((), (1, 1))
        return Location(self.file, line, col, path)


class YamlError(Exception):
    """A file that cannot be read as YAML; carries one problem with its position."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_text(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a file once, bounded (`source.read_source`), as UTF-8 text (a BOM is allowed), refusing binaries, other
    encodings and oversized files."""
    return source_text(read_source(path, max_bytes=limits.max_bytes, display=display, follow=True))


def source_text(source: Source) -> str:
    """The text of a source that was read, or its problem raised as a YamlError."""
    if source.problem is not None:
        raise YamlError(source.problem)
    return decode(source.data, source.display)


def decode(raw: bytes, display: str) -> str:
    """Decode UTF-8 (with or without BOM); say clearly what to do with anything else."""
    if _utf16(raw[:8192]):
        raise YamlError(
            _problem(display, 1, 1, "not-utf8",
                     "文件是 UTF-16 编码（Windows PowerShell 5 用“>”保存输出时就是这样），carework 只读 UTF-8",
                     "the file is UTF-16 (what Windows PowerShell 5 writes with '>'); carework reads UTF-8 only",
                     "用记事本打开，“另存为”时把编码选为 UTF-8；新记录用 carework new 或 carework template --output 生成，不要用“>”",
                     "open it in Notepad and Save As with encoding UTF-8; start records with carework new or "
                     "carework template --output rather than '>'")
        )
    if b"\x00" in raw[:8192]:
        raise YamlError(
            _problem(display, 1, 1, "binary-file", "这是二进制文件，不是 YAML 文本", "this is a binary file, not YAML text",
                     "学校记录须是 UTF-8 编码的 .yaml 文本文件", "a school record must be a UTF-8 .yaml text file")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            zh = "文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 中文默认编码）"
            en = "the file is not UTF-8; it looks like GBK/GB18030 (the Windows Chinese default)"
        except UnicodeDecodeError:
            zh, en = "文件不是 UTF-8 编码", "the file is not UTF-8"
        raise YamlError(
            _problem(display, line, col, "not-utf8", zh, en,
                     "用编辑器“另存为 UTF-8”，或运行 iconv -f GB18030 -t UTF-8 旧文件 > 新文件",
                     "re-save it as UTF-8 in your editor, or run: iconv -f GB18030 -t UTF-8 old > new")
        ) from None
    return text


def _utf16(head: bytes) -> bool:
    """UTF-16 text: a UTF-16 byte-order mark, or many zero bytes nearly all in the odd (or the even) places, as the
    ASCII characters (keys, spaces, line breaks) of UTF-16 text have them and a binary file does not."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    return odd + even >= len(head) // 8 > 0 and max(odd, even) >= 0.9 * (odd + even)


def parse(text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse one YAML document into plain Python values with the position of every key and item."""
    # YAML also breaks lines at U+0085, U+2028 and U+2029 (pasted in from web pages and Word); editors do not, so
    # every line number after one would be off. They become spaces: line numbers are the ones people see.
    if any(char in text for char in "\x85\u2028\u2029"):
        text = text.translate(_INVISIBLE_BREAKS)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:  # a control character; libyaml counts bytes, so find the character itself
        raise YamlError(_control_character(exc, text, display)) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlError(_syntax_problem(exc, text, display, limits)) from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise YamlError(
            _problem(display, 1, 1, "yaml-syntax", f"YAML 格式错误：{exc}", f"YAML syntax error: {exc}",
                     "每个文件只写一所学校的一份记录", "keep one document (one school) per file")
        ) from None
    except RecursionError:
        raise YamlError(
            _problem(display, 1, 1, "too-deep", "嵌套层级过深", "nesting is too deep",
                     f"记录的嵌套不应超过 {limits.max_depth} 层", f"records nest at most {limits.max_depth} levels")
        ) from None
    doc = Document(display, None)
    if node is None:
        return doc
    builder = _Builder(doc, limits)
    doc.value = builder.build(node, ())
    return doc


def load_file(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and parse one file; raises YamlError with a positioned problem."""
    return parse(read_text(path, display, limits), display, limits)


class _Builder:
    """Turns a composed node graph into plain values, recording marks and enforcing the limits."""

    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.count = 0
        self.active: set[int] = set()

    def fail(self, node: yaml.Node, code: str, zh: str, en: str, fix_zh: str, fix_en: str,
             at: tuple[int, int] | None = None) -> YamlError:
        line, col = at or (node.start_mark.line + 1, node.start_mark.column + 1)
        return YamlError(_problem(self.doc.file, line, col, code, zh, en, fix_zh, fix_en))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > self.limits.max_nodes:  # blamed on the top-level key whose value explodes, not a leaf
            top = self.doc.marks.get(path[:1])
            raise self.fail(node, "too-many-nodes", f"文件展开后超过 {self.limits.max_nodes} 个值（可能是别名炸弹）",
                            f"the file expands to over {self.limits.max_nodes} values (an alias bomb?)",
                            "不要用 & 锚点和 * 别名反复引用大段内容", "do not use anchors and aliases to repeat large blocks", top)
        if len(path) > self.limits.max_depth:
            raise self.fail(node, "too-deep", f"嵌套超过 {self.limits.max_depth} 层", f"nesting deeper than {self.limits.max_depth} levels",
                            "检查缩进是否正确", "check the indentation")
        self.doc.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise self.fail(node, "recursive-alias", "别名引用了自身（递归别名）", "an alias refers to itself (recursive alias)",
                            "删除这个 * 别名，直接写出内容", "remove the * alias and write the content out")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self.check_tag(node, _CORE + "seq")
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            self.check_tag(node, _CORE + "map")
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            shown = node.tag.replace(_CORE, "!!", 1)
            raise self.fail(node, "unsafe-tag", f"不允许的 YAML 标签 {shown}", f"YAML tag {shown} is not allowed",
                            "删除以 ! 开头的标签；记录只能包含普通的文字、数字、日期、列表和键值", 
                            "remove the tag starting with !; records hold only plain text, numbers, dates, lists and maps")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.check_tag(node, _CORE + "str")
        if tag == _CORE + "str":
            control = _CONTROL.search(node.value)
            if control:  # only a "\e"-style escape gets one this far; printed, it could drive the terminal
                raise self.fail(node, "control-character", f"文字中有控制字符 U+{ord(control.group()):04X}",
                                f"the text holds a control character U+{ord(control.group()):04X}",
                                "删除引号里的 \\ 转义（如 \\e、\\x1b）", "remove the \\ escape (such as \\e or \\x1b) from the quotes")
            return node.value
        if tag == _CORE + "null":
            return None
        # An explicit tag (`!!int abc`) or a number too long for Python (over 4300 digits) makes the constructors
        # raise; either is a value this file cannot hold, reported where it stands.
        try:
            if tag == _CORE + "bool":
                return _SAFE.construct_yaml_bool(node)
            if tag == _CORE + "int":
                return _SAFE.construct_yaml_int(node)
            if tag == _CORE + "float":
                return _SAFE.construct_yaml_float(node)
            return _SAFE.construct_yaml_timestamp(node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            shown = node.value[:40]
            if tag == _CORE + "timestamp" and _DATE_SHAPE.match(node.value):
                # 2024-02-30 stays text, so validation reports that one field and the rest of the record is kept.
                return node.value
            if tag == _CORE + "timestamp":
                raise self.fail(node, "impossible-date", f"不存在的日期：{shown}", f"impossible date: {shown}",
                                "检查年月日，例如 2024-02-30 并不存在", "check year, month and day; e.g. 2024-02-30 does not exist") from None
            raise self.fail(node, "bad-value", f"无法读取的值：{shown}", f"a value that cannot be read: {shown}",
                            "数字不能超过 4300 位；不要用 !! 标签，直接写值", "numbers have at most 4300 digits; write values without !! tags") from None

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, yaml.Node] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                merged.update(self.merge(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "complex-key", "键必须是简单的文字", "a key must be plain text",
                                "把键写成 名称: 值 的形式", "write keys as name: value")
            key = self.scalar(key_node)
            if isinstance(key, (bool, type(None), float)) or not isinstance(key, (str, int)):
                key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise self.fail(key_node, "duplicate-key", f"重复的键 {key!s}（第 {first} 行已出现）",
                                f"duplicate key {key!s} (first on line {first})",
                                "删除或合并重复的一项", "remove or merge one of the two entries")
            seen[key] = key_node
            child = path + (key,)
            self.doc.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def merge(self, node: yaml.Node, path: Path_) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out: dict[Any, Any] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise self.fail(source, "bad-merge", "<< 合并的必须是键值映射", "<< must merge a mapping",
                                "删除 << 这一行", "remove the << line")
            for key, value in self.build(source, path).items():
                out.setdefault(key, value)
        return out


#: Characters a Chinese input method slips in where YAML needs ASCII: (character, what it is, the fix, what to type).
INPUT_METHOD_SLIPS = (
    ("：", "全角冒号“：”（中文输入法下输入的）", "a full-width colon '：' (typed with a Chinese input method)",
     "把它改成英文半角冒号“:”，冒号后留一个空格", "replace it with the ASCII ':' followed by a space", ": "),
    ("\u3000", "全角空格（中文输入法下输入的）", "a full-width space (typed with a Chinese input method)",
     "缩进和冒号后的空格必须是英文半角空格", "indentation and the space after ':' must be ASCII spaces", " "),
    ("\t", "制表符（Tab）", "a tab character", "YAML 不允许用 Tab 缩进，请改用空格",
     "YAML does not allow tabs for indentation; use spaces", "  "),
)
#: How many lines above the reported one may hold the slip (YAML often notices it a line or two later).
_HINT_REACH = 3


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    what = exc.problem or "syntax error"
    slip = _input_method_slip(text, (line, col))
    if slip:
        (slip_line, slip_col), zh_what, en_what, fix_zh, fix_en = slip
        return _problem(display, slip_line, slip_col, "input-method", f"YAML 格式错误：这里有{zh_what}",
                        f"YAML syntax error: {en_what} here ({what})", fix_zh, fix_en)
    if what == "but found another document":
        return _problem(display, line, col, "multiple-documents", "一个文件里有不止一份记录（这里又出现了 ---）",
                        "the file holds more than one document (another --- here)",
                        "每个文件只写一所学校的一份记录；删除这一行，或把后面的内容移到另一个文件",
                        "keep one document (one school) per file; remove this line or move what follows to another file")
    if "nesting depth" in what:  # libyaml's own limit on flow nesting, far above ours
        return _problem(display, line, col, "too-deep", "嵌套层级过深", "nesting is too deep",
                        f"记录的嵌套不应超过 {limits.max_depth} 层", f"records nest at most {limits.max_depth} levels")
    said = next((zh for pattern, zh in _PARSER_PROBLEMS if re.search(pattern, f"{what} {exc.context or ''}")), what)
    return _problem(display, line, col, "yaml-syntax", f"YAML 格式错误：{said}", f"YAML syntax error: {what}",
                    "检查这一行和上一行的缩进、冒号和引号", "check indentation, colons and quotes on this line and the one before")


#: The parser's problems (libyaml's and PyYAML's wording) said in Chinese, for people who do not read YAML's English.
_PARSER_PROBLEMS = (
    (r"',' or '\]'", "方括号 [ ] 列表没有闭合，或各项之间缺少英文逗号“,”"),
    (r"',' or '}'", "花括号 { } 没有闭合，或各项之间缺少英文逗号“,”"),
    (r"end of stream.*quoted scalar", "引号没有闭合：到文件末尾也没有找到配对的引号"),
    (r"end of stream", "文件意外结束：引号或括号没有闭合"),
    (r"mapping values are not allowed", "这里不能出现“键: 值”：检查缩进是否对齐；文字本身含有“: ”时请给整段文字加引号"),
    (r"expected key|expected <block end>", "缩进没有对齐（同一层的键要左对齐），或一个值后面多写了内容"),
    (r"expected ':'", "缺少英文冒号“:”（键后要写“: ”），或上一行的引号、括号没有闭合"),
    (r"undefined alias", "使用了没有定义的 * 别名（* 后面的名字要先用 & 定义）"),
    (r"cannot start any token", "这个字符（如 @、`、%）不能作为值的开头：请给这段文字加引号"),
    (r"unknown escape character", "双引号里的反斜杠 \\ 转义无效：改用单引号，或删掉反斜杠"),
    (r"'-' indicator", "列表项的缩进不一致，或列表后面直接写了键"),
)


def _input_method_slip(text: str, error: tuple[int, int]) -> tuple[tuple[int, int], str, str, str, str] | None:
    """The full-width colon, full-width space or tab that caused a syntax error at `error`, if one did.

    A candidate on the reported line or the few above it counts only when typing the ASCII character instead moves
    the error further down (or removes it), so a full-width colon inside a value is never blamed.
    """
    lines = text.split("\n")
    for index in range(min(error[0], len(lines)) - 1, max(-1, error[0] - 2 - _HINT_REACH), -1):
        for needle, zh_what, en_what, fix_zh, fix_en, ascii_ in INPUT_METHOD_SLIPS:
            start = lines[index].find(needle)
            if start < 0:
                continue
            fixed = lines[index][:start] + ascii_ + lines[index][start + 1:].lstrip(" " if needle == "：" else "")
            later = _first_error("\n".join(lines[:index] + [fixed] + lines[index + 1:]))
            if later is None or later > error:
                return (index + 1, start + 1), zh_what, en_what, fix_zh, fix_en
    return None


def _first_error(text: str) -> tuple[int, int] | None:
    """Where YAML first fails to parse `text` (1-based), or None when it parses."""
    try:
        yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)
    except (yaml.YAMLError, RecursionError):
        return (1, 1)
    return None


def _control_character(exc: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    at = max(0, text.find(char))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    code = f"U+{ord(char):04X}"
    return _problem(display, line, col, "control-character", f"这里有不可见的控制字符 {code}，YAML 不允许",
                    f"an invisible control character {code} here; YAML does not allow it",
                    "删除这个字符（常见于从网页、Word 或微信复制的文字），或重新手工输入这一行",
                    "delete it (it often comes with text copied from web pages or Word), or retype the line")


def _problem(file: str, line: int, col: int, code: str, zh: str, en: str, fix_zh: str, fix_en: str) -> Problem:
    return Problem(Location(file, line, col, ()), code, zh, en, fix_zh, fix_en)
