"""A copy of the shipped plan and its companion folder, to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"


def copy_plan(folder: Path, name: str = "2024") -> Path:
    """`folder`/data/plans/<name>.yaml and its companion folder, copied from the shipped 2024 plan; the plan's path."""
    plans = folder / "data" / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLANS / "2024.yaml", plans / f"{name}.yaml")
    shutil.copytree(PLANS / "2024", plans / name)
    return plans / f"{name}.yaml"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
