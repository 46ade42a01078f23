"""Imports run one way: each wing may import only the wings below it (docs/architecture.md draws them).

Every import counts — at the top of a module, inside a function (the CLI imports lazily to start fast) and under
`TYPE_CHECKING` — because each one is a dependency a reader has to follow. A backwards import fails here with the two
module names; move the shared piece down, or let the lower wing own a small protocol the upper one implements.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "carework"

#: Top to bottom. `formats` sits on `report` because the Markdown format renders the check summary with the
#: report renderer; nothing in `report` needs a format.
LAYERS = ("cli", "formats", "report", "export", "checking", "rules", "schema", "reading", "core")


def wing(module: str) -> str | None:
    """The wing of a module of carework (`carework.rules.expr` → `rules`); None for the package face itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def modules(package: Path = PACKAGE) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found.append((".".join(parts), path))
    return found


def imports_of(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported carework module, line) for every import statement in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names if alias.name.startswith("carework"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("carework"):
                if target == "carework":  # `from carework import x`: x may be a wing or a module of the face
                    out.extend((f"carework.{alias.name}", node.lineno) for alias in node.names)
                else:
                    out.append((target, node.lineno))
    return out


def violations(package: Path = PACKAGE) -> list[str]:
    found = []
    for module, path in modules(package):
        own = wing(module)
        if own is None:
            continue
        for target, line in imports_of(module, path):
            other = wing(target)
            if other is not None and LAYERS.index(other) < LAYERS.index(own):
                found.append(f"{module} (line {line}) imports {target}: {own} may not import from {other}, a wing above it")
    return found


def test_every_module_lives_in_a_wing() -> None:
    loose = [m for m, _ in modules() if wing(m) is None and m not in ("carework", "carework.__main__")]
    assert loose == [], f"modules outside the wings {LAYERS}: {loose}"


def test_imports_only_go_down() -> None:
    assert violations() == []


@pytest.mark.parametrize("source, expected", [
    ("from carework.cli import main", ["carework.rules.x (line 1) imports carework.cli: rules may not import from cli, a wing above it"]),
    ("def f():\n    from carework.checking.pool import forked_map", ["carework.rules.x (line 2) imports carework.checking.pool: rules may not import from checking, a wing above it"]),
    ("from carework.schema.school import SCHOOL", []),
    ("from ..core.model import Status", []),
    ("from ..formats import FORMATS", ["carework.rules.x (line 1) imports carework.formats: rules may not import from formats, a wing above it"]),
])
def test_the_contract_names_the_offending_pair(tmp_path: Path, source: str, expected: list[str]) -> None:
    rules = tmp_path / "carework" / "rules"
    rules.mkdir(parents=True)
    (rules / "x.py").write_text(source, encoding="utf-8")
    assert violations(tmp_path / "carework") == expected
