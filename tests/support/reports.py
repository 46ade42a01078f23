"""Helpers for the report tests: the fixture data repository, the CLI, and a real Markdown parser's view of a file."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from conftest import not_checked
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from carework.cli import app

TESTS = Path(__file__).resolve().parent.parent
FIXTURE = TESTS / "fixtures" / "reports"
GOLDEN = TESTS / "golden" / "reports"
AS_OF = "2024-12-31"
#: `CAREWORK_REGENERATE=1 pytest tests/test_report_golden.py` rewrites the golden files instead of comparing.
REGENERATE = os.environ.get("CAREWORK_REGENERATE") == "1"

runner = CliRunner()
#: CommonMark plus GitHub's tables and strikethrough; raw HTML is parsed so that any of it can be seen.
PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
ALLOWED_INLINE_HTML = {"<br>"}


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output if result.exception is None or isinstance(result.exception, SystemExit) else repr(result.exception)
    print(output)  # shown by pytest when a test fails
    return result.exit_code, output


def fixture_repo(into: Path) -> Path:
    """A copy of the fixture data repository in `into` (records show as data/schools/CODE.yaml from there)."""
    shutil.copytree(FIXTURE / "data", into / "data")
    return into


def compare_golden(produced: dict[str, bytes], golden: Path) -> None:
    """Assert `produced` (relative path → bytes) equals the files under `golden`, or rewrite them when regenerating."""
    if REGENERATE:
        for stale in set(tree(golden)) - set(produced) if golden.exists() else ():
            (golden / stale).unlink()
        for rel, data in produced.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
        regenerated(golden)
    expected = tree(golden)
    assert sorted(produced) == sorted(expected), "the set of files changed; regenerate on purpose (tests/test_report_golden.py)"
    for rel, data in produced.items():
        assert data.decode("utf-8") == expected[rel].decode("utf-8"), f"{rel} differs from {golden / rel}"


def regenerated(golden: Path) -> NoReturn:
    """Golden files were just written: comparing output with itself proves nothing, so the test does not pass."""
    not_checked(f"regenerated {golden}: review the change (git diff) and run the tests again without CAREWORK_REGENERATE")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative POSIX path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Table:
    first_line: int
    header: list[str]
    rows: list[list[str]]


def split_row(line: str) -> list[str]:
    """A table row split the way GFM splits it: on `|` not preceded by a backslash, outer pipes dropped."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return re.split(r"(?<!\\)\|", line)


def check_markdown(text: str, name: str = "") -> list[Table]:
    """Parse `text`; assert every table row keeps the header's column count and no raw HTML but <br> slipped in.

    Returns the tables with each cell's text as a reader sees it (a <br> read as a newline).
    """
    tokens = PARSER.parse(text)
    lines = text.splitlines()
    tables: list[Table] = []
    for i, token in enumerate(tokens):
        if token.type == "html_block":
            assert token.content.startswith("<!--") and token.content.rstrip().endswith("-->"), (name, token.content)
        if token.type == "inline":
            for child in token.children or []:
                assert child.type != "html_inline" or child.content in ALLOWED_INLINE_HTML, (name, child.content)
        if token.type != "table_open":
            continue
        assert token.map is not None
        start, end = token.map
        raw = lines[start:end]
        width = len(split_row(raw[0]))
        assert len(split_row(raw[1])) == width, (name, start + 2, raw[1])
        for offset, line in enumerate(raw[2:], start=3):
            assert len(split_row(line)) == width, f"{name}:{start + offset}: {len(split_row(line))} cells, header has {width}: {line}"
        tables.append(_cells(tokens, i, start + 1))
        parsed_rows = len(tables[-1].rows)
        assert parsed_rows == len(raw) - 2, (name, start + 1, "a row was lost or split")
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == sum(1 for line in lines if line.startswith("```mermaid")), name
    delimiter_rows = sum(1 for line in lines if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line))
    assert delimiter_rows == len(tables), (name, "a table was not recognised as one")
    return tables


def _cells(tokens: list[Token], start: int, first_line: int) -> Table:
    header: list[str] = []
    rows: list[list[str]] = []
    current: list[str] | None = None
    in_head = False
    for token in tokens[start + 1:]:
        if token.type == "table_close":
            break
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
        elif token.type == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(current)
        elif token.type == "inline" and current is not None:
            current.append(plain(token))
    return Table(first_line, header, rows)


def plain(token: Token) -> str:
    """An inline token's text as a reader sees it."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "html_inline" and child.content == "<br>":
            out.append("\n")
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)
