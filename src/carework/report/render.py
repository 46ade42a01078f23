"""The template environment: sandboxed Jinja, strict about undefined names, escaping every printed value.

Templates come from `--templates DIR` first, then the ones shipped with carework, looked up by name, so a user can
override one template (or one macro file) and keep the rest. Every `{{ ... }}` goes through `escape_md` (see
`markdown.py`); `t`, `tr` and the bilingual values of the context give one template set for both languages.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from markupsafe import Markup

from carework.core.errors import CareworkError, Failure
from carework.core.i18n import percent, t
from carework.core.paths import display_path
from carework.core.problems import Lang
from carework.core.resources import templates_dir
from carework.report.markdown import escape_md, localize, mermaid_label, url_path
from carework.report.paths import relative_link
from carework.report.sandbox import (
    MAX_PAGE,
    MAX_RENDER_SECONDS,
    BoundedSandbox,
    ConfinedLoader,
    RenderTimeout,
    TemplateRefused,
    bounded_replace,
    deadline,
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_BLANK_LINES = re.compile(r"\n{3,}")


def template_error(where: str, message: str) -> CareworkError:
    """A template could not be loaded or rendered; `where` is `file:line` of the template, `message` Jinja's own."""
    return CareworkError(Failure.PLAN, f"模板出错：{where}: {message}", f"template error: {where}: {message}")


@dataclass(frozen=True)
class Renderer:
    """Renders named templates in one language; build it with `make_renderer`."""

    env: BoundedSandbox

    def render(self, name: str, context: dict[str, Any]) -> str:
        """The template `name` rendered with `context`, blank-line runs folded, ending in one newline; a page over
        MAX_PAGE characters or MAX_RENDER_SECONDS seconds is refused."""
        try:
            pieces, size = [], 0
            with deadline(self.env, MAX_RENDER_SECONDS):
                for piece in self.env.get_template(name).generate(context):
                    size += len(piece)
                    if size > MAX_PAGE:
                        raise template_error(name, f"page too large: over {MAX_PAGE:,} characters")
                    pieces.append(piece)
            text = "".join(pieces)
        except RenderTimeout:
            raise template_error(name, f"rendering took over {MAX_RENDER_SECONDS} seconds") from None
        except jinja2.TemplateSyntaxError as exc:
            where = f"{display_path(Path(exc.filename)) if exc.filename else exc.name or name}:{exc.lineno}"
            raise template_error(where, exc.message or str(exc)) from None
        except Exception as exc:
            if isinstance(exc, CareworkError):
                raise
            frame = _template_frame(exc, name)
            if frame is None:
                raise
            raise template_error(frame, _describe(exc)) from None
        return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def make_renderer(lang: Lang, override: Path | None = None) -> Renderer:
    """A sandboxed environment for `lang`, reading `override` before the shipped templates."""
    folders = ([override] if override else []) + [templates_dir()]
    word, phrase = partial(t, lang=lang), _tr(lang)
    env = BoundedSandbox(
        direct=(word, phrase),
        loader=ConfinedLoader(folders),
        # A renderer lives for one run: each template is read and compiled once, not checked for changes per page.
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=partial(escape_md, lang=lang),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(lang=lang, t=word, tr=phrase)
    env.filters.update(_filters(lang))
    return Renderer(env)


def _tr(lang: Lang) -> Callable[..., str]:
    def tr(zh: str, en: str, **values: Any) -> str:
        """A phrase written in the template in both languages; `{name}` is replaced by values[name], nothing more."""
        pieces = _pieces(zh if lang == "zh" else en)
        if len(pieces) == 1:
            return pieces[0]
        # Odd pieces are placeholder names.
        return "".join(_plain(values[piece], lang) if i % 2 else piece for i, piece in enumerate(pieces))

    return tr


@lru_cache(maxsize=4096)
def _pieces(text: str) -> tuple[str, ...]:
    """`text` cut at its `{name}` placeholders: text, name, text, …, text (a template has a few hundred phrases)."""
    return tuple(_PLACEHOLDER.split(text))


def _plain(value: Any, lang: Lang) -> str:
    value = localize(value, lang)
    return "—" if value is None else str(value)


def _filters(lang: Lang) -> dict[str, Callable[..., Any]]:
    def md(value: Any) -> Markup:
        return escape_md(value, lang)

    def join(values: Iterable[Any], separator: str = "") -> Markup:
        # Jinja's own join only HTML-escapes items when autoescaping; Markdown needs escape_md.
        return Markup(md(separator).join(md(v) for v in values))

    def replace(value: Any, old: str, new: str, count: int | None = None) -> str:
        return bounded_replace(str(localize(value, lang)), old, new, -1 if count is None else count)

    @pass_context
    def href(context: Any, target: str) -> Markup:
        return url_path(relative_link(context["page"], target))

    return {
        "md": md, "e": md, "escape": md, "forceescape": md, "join": join, "replace": replace,
        "loc": lambda value: localize(value, lang),
        "t": lambda key: t(key, lang),
        "mermaid": lambda value: mermaid_label(value, lang),
        "percent": percent,
        "number": _number,
        "href": href,
    }


def _number(value: float | int | None, digits: int = 1) -> str:
    """A figure for a table or a chart: integers as they are, others with `digits` decimals."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def _template_frame(exc: BaseException, name: str) -> str | None:
    """`file:line` of the innermost template frame of the traceback (Jinja maps them to template lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    if not frames:
        if isinstance(exc, jinja2.TemplateNotFound):
            return name
        return None
    frame = frames[-1]
    shown = frame.filename if frame.filename.startswith("<") else display_path(Path(frame.filename))
    return f"{shown}:{frame.lineno}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TemplateRefused):
        return f"template refused: {exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template not found: {exc.name}"
    if isinstance(exc, jinja2.UndefinedError):
        return exc.message or str(exc)
    return f"{type(exc).__name__}: {exc}"
