"""Where the files that ship with carework are: the plan and the templates.

They live at the top of the repository, where people edit them, and are copied into the package when a wheel is
built (pyproject's force-include). A source checkout (editable install, or running the tests from the repository)
reads them where they are.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # src/carework/core -> src/carework
_SHIPPED = _PACKAGE / "_shipped"
_CHECKOUT = _PACKAGE.parent.parent  # src/carework -> repository root


def shipped(*parts: str) -> Path:
    """The shipped copy of `data/plans/...` (as `plans/...`) or `templates/...`."""
    inside = _SHIPPED.joinpath(*parts)
    if inside.exists():
        return inside
    top = {"plans": ("data", "plans"), "templates": ("templates",)}[parts[0]]
    return _CHECKOUT.joinpath(*top, *parts[1:])


DEFAULT_PLAN = ("plans", "2024.yaml")


def default_plan() -> Path:
    return shipped(*DEFAULT_PLAN)


def templates_dir() -> Path:
    return shipped("templates")


#: The CI recipes `carework init` writes into a data repository, by name: the folder under `templates/ci/` whose
#: files are laid out exactly as they land in the repository (`github/.github/workflows/carework.yml` →
#: `.github/workflows/carework.yml`).
RECIPES = ("github", "gitea", "gitlab", "pre-commit")


def recipes_dir() -> Path:
    return shipped("templates", "ci")


def recipe_files(name: str) -> dict[str, Path]:
    """A recipe's files: where each lands in a data repository (a POSIX path) → the shipped file."""
    if name not in RECIPES:
        raise KeyError(name)
    folder = recipes_dir() / name
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
