"""Output formats of `carework check`, declared once: their names are the CLI's `--format` choices and their suffixes
choose the format of an `--output` file.

The registry is data and loads a format's code only when that format is asked for, so the command line can list the
choices without importing the checking stage (or Jinja, for markdown).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carework.formats.base import Format, FormatOptions


@dataclass(frozen=True)
class FormatSpec:
    """One output format as the command line knows it, before its code is loaded."""

    name: str
    #: `module:Class` under carework.formats.
    code: str
    #: File name endings that choose this format for `--output` (lower case, with the dot).
    suffixes: tuple[str, ...] = ()
    #: One document that must stay parseable: anything else the run says goes to standard error beside it.
    whole_document: bool = True
    #: Machine-readable: no progress bar, no decoration.
    machine: bool = True

    def load(self) -> type[Format]:
        module, name = self.code.split(":")
        loaded: type[Format] = getattr(importlib.import_module(f"carework.formats.{module}"), name)
        return loaded

    def make(self, options: FormatOptions) -> Format:
        return self.load()(options)


FORMATS: dict[str, FormatSpec] = {spec.name: spec for spec in (
    FormatSpec("text", "text:TextFormat", (".txt",), whole_document=False, machine=False),
    FormatSpec("json", "json:JsonFormat", (".json",)),
    FormatSpec("github", "github:GithubFormat", whole_document=False),
    FormatSpec("junit", "junit:JunitFormat", (".xml",)),
    FormatSpec("sarif", "sarif:SarifFormat", (".sarif", ".sarif.json")),
    FormatSpec("markdown", "markdown:MarkdownFormat", (".md",)),
)}
#: The format of an `--output` file whose name no format claims.
FALLBACK = "text"


def format_for_file(path: PurePath) -> str:
    """The format an `--output` file's name chooses: the longest suffix any format claims (`.sarif.json` before
    `.json`), else FALLBACK."""
    name = path.name.lower()
    claims = [(len(suffix), spec.name) for spec in FORMATS.values() for suffix in spec.suffixes if name.endswith(suffix)]
    return max(claims)[1] if claims else FALLBACK


__all__ = ["FALLBACK", "FORMATS", "FormatSpec", "format_for_file"]
