"""The sandbox a report template runs in: Jinja's immutable sandbox, read only from its folders, bounded in what it
may build.

A `--templates` folder comes with the data repository, so a pull request can change it: a template must not read
outside its folder (a link such as `up -> ..` and `{% include 'up/.git/config' %}` would put a CI token into a
report), and must not exhaust the machine. Every way a template can make a long text is bounded before the text is
made — repetition, widths (`center`, `'{:>N}'`, `'%Ns'`), `replace('', …)`, `+` and `~` — as are powers, batches
and slices; the page as a whole is bounded in size and in time (README: Limits).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.filters import sync_do_slice  # the `slice` filter without its async wrapper, which takes the environment
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from carework.core.reference import reference_mode
from carework.reading.source import NotRegular, TooLarge, read_bounded
from carework.report.records import RECORDS

#: A template may compute, not exhaust the machine: `9**9**9` or `'a' * 10**10` is refused, not attempted.
MAX_EXPONENT = 64
MAX_REPEAT = 100_000
#: The longest text a template may build in one step (a width, a replacement, a concatenation), in characters.
MAX_TEXT = 1_000_000
#: The most items `batch` and `slice` may make.
MAX_ITEMS = 100_000
#: The largest page a template may produce, in characters (a city's page of 1,000 schools is well under 1 MB).
MAX_PAGE = 8_000_000
#: The longest a page may take to render, in seconds (a city's page takes well under one).
MAX_RENDER_SECONDS = 30
#: The largest template file, in bytes.
MAX_TEMPLATE_BYTES = 1_048_576

#: `{:>100000000}`, `{:.99999999f}`: the numbers in a replacement field's format spec.
_SPEC_NUMBER = re.compile(r"\d+")
#: A printf-style conversion: `%-10.3f`, `%*d`; its width and precision.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")


class TemplateRefused(jinja2.TemplateNotFound):
    """A template that exists but may not be used: it leads outside the template folder, is too large, is not a
    regular file or is not UTF-8. A TemplateNotFound, so Jinja reports it where it was included."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, f"{name}: {reason}")
        self.reason = reason


class RenderTimeout(Exception):
    """A page took longer than its limit to render (not an OSError, so no file-reading code mistakes it for one)."""


class ConfinedLoader(jinja2.BaseLoader):
    """Templates by name from `folders`, in order; a name that resolves (through links) outside its folder is
    refused, and a file is read bounded and only when it is a regular file."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = tuple(folders)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses `..` and empty parts
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            root, real = folder.resolve(), path.resolve()
            if root not in real.parents:
                raise TemplateRefused(template, f"leads outside the template folder {folder.as_posix()} "
                                                f"(to {real.as_posix()}); links out of it are refused")
            try:
                data = read_bounded(real, MAX_TEMPLATE_BYTES)
            except FileNotFoundError:
                continue
            except TooLarge as exc:
                raise TemplateRefused(template, f"too large ({exc.size} bytes, at most {MAX_TEMPLATE_BYTES})") from None
            except NotRegular:
                if real.is_dir():
                    continue
                raise TemplateRefused(template, "not a regular file") from None
            except OSError as exc:
                raise TemplateRefused(template, exc.strerror or str(exc)) from None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateRefused(template, "not UTF-8; save it as UTF-8") from None
            return text, os.fspath(path), lambda: True
        raise jinja2.TemplateNotFound(template)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with every text builder bounded (see the module's docstring)."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, direct: tuple[Callable[..., Any], ...] = (), **options: Any) -> None:
        super().__init__(**options)
        #: carework's own globals (`t`, `tr`): safe to call, and they take no context.
        self.direct = direct
        #: The getattr and call shortcuts below are a twin of the sandbox's own checks, which `CAREWORK_REFERENCE=1` keeps.
        self.shortcuts = not reference_mode()
        #: When the page being rendered must be done (`time.monotonic`), checked at every call a template makes.
        self.due: float | None = None
        self.filters.update(center=_center(self.filters["center"]), indent=_indent(self.filters["indent"]),
                            format=_printf(self.filters["format"]), batch=_counted(self.filters["batch"]), slice=_counted(sync_do_slice))

    #: The fields of carework's own context records, by type: reading one needs none of the sandbox's checks.
    _fields = {cls: frozenset(f.name for f in fields(cls)) for cls in RECORDS}

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Templates read record fields hundreds of times per page; the sandbox's per-access checks (which a data
        # field of a frozen dataclass always passes) were a third of the rendering time.
        known = self._fields.get(type(obj)) if self.shortcuts else None
        if known is not None and attribute in known:
            return getattr(obj, attribute)
        value = super().getattr(obj, attribute)
        if isinstance(obj, str) and attribute in _TEXT_METHODS and callable(value):
            return _TEXT_METHODS[attribute](obj, value)
        return _short(value)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _short(super().getitem(obj, argument))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        # `t` and `tr` are called dozens of times per page and are safe: they skip the sandbox's safety check (the
        # context's own `call` still handles the call as Jinja means it).
        if self.shortcuts and any(obj is known for known in self.direct):
            return context.call(obj, *args, **kwargs)
        if self.due is not None and time.monotonic() > self.due:
            raise RenderTimeout(MAX_RENDER_SECONDS)
        for value in (*args, *kwargs.values()):  # a macro calling itself with `s ~ s` doubles a text each time
            _short(value)
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent too big: {right} (at most {MAX_EXPONENT})")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"repetition too big: {len(seq)} × {times} (at most {MAX_REPEAT})")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _fits(len(left) + len(right), "concatenation")
        if operator == "%" and isinstance(left, str):
            _printf_fits(left)
        return super().call_binop(context, operator, left, right)


@contextlib.contextmanager
def deadline(env: BoundedSandbox, seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in the block once `seconds` have passed: at the template's next call, and — in the main
    thread of a POSIX process — from a timer signal, which also stops a loop that calls nothing."""
    env.due = time.monotonic() + seconds
    timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timer:
        previous = signal.signal(signal.SIGALRM, _too_slow)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        env.due = None
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _too_slow(signum: int, frame: Any) -> None:
    raise RenderTimeout(MAX_RENDER_SECONDS)


def bounded_replace(text: str, old: str, new: str, count: int = -1) -> str:
    """`text.replace(old, new, count)`, refused when the result would be longer than MAX_TEXT."""
    return _replace(text, text.replace)(old, new, count)


def _short(value: Any) -> Any:
    """`value`, refused when it is a text longer than MAX_TEXT (the sandbox's hooks see every text a template reads
    back, so a text doubled with `~` in a loop is stopped at the next read)."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise SecurityError(f"text too long: {len(value)} characters (at most {MAX_TEXT})")
    return value


def _fits(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise SecurityError(f"{what} too long: {size} characters (at most {MAX_TEXT})")


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _padded(text: str, method: Callable[..., str]) -> Callable[..., str]:
    """`center`, `ljust`, `rjust`, `zfill`: the width is the length of the result."""
    def padded(width: Any, *rest: Any) -> str:
        _fits(_number(width), f"{method.__name__} width")
        return method(width, *rest)

    return padded


def _expandtabs(text: str, method: Callable[..., str]) -> Callable[..., str]:
    def expandtabs(tabsize: Any = 8) -> str:
        _fits(len(text) + text.count("\t") * _number(tabsize), "expandtabs")
        return method(tabsize)

    return expandtabs


def _replace(text: str, method: Callable[..., str]) -> Callable[..., str]:
    def replace(old: Any, new: Any, count: Any = -1) -> str:
        if isinstance(old, str) and isinstance(new, str):
            times = len(text) + 1 if old == "" else text.count(old)
            times = min(times, count) if isinstance(count, int) and count >= 0 else times
            _fits(len(text) + times * (len(new) - len(old)), "replace")
        return method(old, new, count)

    return replace


def _formatted(text: str, method: Callable[..., str]) -> Callable[..., str]:
    """`format` and `format_map` (already the sandbox's safe formatter): no width or precision over MAX_TEXT, no
    width taken from the values (`{0:{1}}`)."""
    def formatted(*args: Any, **kwargs: Any) -> str:
        format_fits(text)
        return _short(method(*args, **kwargs))

    return formatted


def format_fits(text: str) -> None:
    """Refuse a `str.format` pattern whose fields could make a text longer than MAX_TEXT."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # the call itself says what is wrong with the pattern
    for _, field, spec, _ in parsed:
        if field is None or not spec:
            continue
        if "{" in spec:
            raise SecurityError(f"a width taken from the values is not allowed: {{{field}:{spec}}}")
        for number in _SPEC_NUMBER.findall(spec):
            _fits(int(number), "format width")


def _printf_fits(text: str) -> None:
    """Refuse a `%` pattern with `*` widths or widths and precisions over MAX_TEXT."""
    for match in _PRINTF.finditer(text):
        for part in match.groups():
            if part == "*":
                raise SecurityError("a width taken from the values (%*) is not allowed")
            if part:
                _fits(int(part), "format width")


def _center(original: Callable[..., Any]) -> Callable[..., Any]:
    def center(value: Any, width: Any = 80) -> Any:
        _fits(_number(width), "center width")
        return original(value, width)

    return center


def _indent(original: Callable[..., Any]) -> Callable[..., Any]:
    def indent(value: Any, width: Any = 4, *rest: Any, **options: Any) -> Any:
        pad = len(width) if isinstance(width, str) else _number(width)
        _fits(len(str(value)) + (str(value).count("\n") + 1) * pad, "indent")
        return original(value, width, *rest, **options)

    return indent


def _printf(original: Callable[..., Any]) -> Callable[..., Any]:
    def printf(value: Any, *args: Any, **kwargs: Any) -> Any:
        _printf_fits(str(value))
        return _short(original(value, *args, **kwargs))

    return printf


def _counted(original: Callable[..., Any]) -> Callable[..., Any]:
    """`batch(n, fill)` pads to `n` items and `slice(n)` makes `n` lists: `n` is bounded."""
    def counted(value: Any, count: Any, *rest: Any) -> Any:
        if _number(count) > MAX_ITEMS:
            raise SecurityError(f"{original.__name__} count too big: {count} (at most {MAX_ITEMS})")
        return original(value, count, *rest)

    return counted


_TEXT_METHODS: dict[str, Callable[[str, Callable[..., str]], Callable[..., str]]] = {
    "center": _padded, "ljust": _padded, "rjust": _padded, "zfill": _padded,
    "expandtabs": _expandtabs, "replace": _replace, "format": _formatted, "format_map": _formatted,
}
