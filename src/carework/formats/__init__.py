"""Output formats of `carework check`, by name; the names are also the CLI's `--format` choices."""

from __future__ import annotations

from carework.formats.base import Format, FormatOptions
from carework.formats.github import GithubFormat
from carework.formats.json import JsonFormat
from carework.formats.junit import JunitFormat
from carework.formats.markdown import MarkdownFormat
from carework.formats.sarif import SarifFormat
from carework.formats.text import TextFormat

FORMATS: dict[str, type[Format]] = {
    "text": TextFormat,
    "json": JsonFormat,
    "github": GithubFormat,
    "junit": JunitFormat,
    "sarif": SarifFormat,
    "markdown": MarkdownFormat,
}

__all__ = ["FORMATS", "Format", "FormatOptions"]
