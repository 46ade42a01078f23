"""The README shows real output: its excerpt of `carework check` on the sample city must still be what it prints."""

from __future__ import annotations

import re

from conftest import ROOT
from typer.testing import CliRunner

from carework.cli import app


def test_readme_check_excerpt_is_current(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## What it looks like"):]
    excerpt = re.search(r"```text\n(.*?)\n```", section, re.S)
    assert excerpt, "the README lost its excerpt"
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "--as-of", "2024-12-31", "--format", "text", "--no-cache"])
    printed = [line.rstrip() for line in result.output.splitlines()]
    missing = [line for line in excerpt.group(1).splitlines() if line != "…" and line not in printed]
    assert missing == [], "update the README excerpt from: carework check --as-of 2024-12-31"
