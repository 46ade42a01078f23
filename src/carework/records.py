"""Find and load school records: one file per school, each validated on its own so one bad file stops nothing."""

from __future__ import annotations

import os
from pathlib import Path

from carework.loader import DEFAULT_LIMITS, Document, Limits, YamlError, load_file
from carework.model import School
from carework.problems import Location, Problem
from carework.record_schema import SCHOOL
from carework.validate import Context, validate

RECORD_SUFFIXES = (".yaml", ".yml")


def discover(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their record files (sorted, recursively); report paths that do not exist."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in RECORD_SUFFIXES and p.is_file()
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file() or path.is_symlink():
            found.append(path)
        else:
            problems.append(Problem(Location(display_path(path)), "no-such-file", "没有这个文件或文件夹",
                                    "no such file or folder", "检查路径", "check the path"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def display_path(path: Path) -> str:
    """A path as users see it: relative to the current folder when inside it, with forward slashes."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def load_school(path: Path, ctx: Context, roots: list[Path], limits: Limits = DEFAULT_LIMITS) -> tuple[School | None, list[Problem]]:
    """Load and validate one record; a file that cannot be read yields no school but its problems."""
    display = display_path(path)
    escape = _escapes(path, roots)
    if escape:
        return None, [Problem(Location(display), "outside-data", escape[0], escape[1],
                              "把记录文件本身放进数据文件夹，不要用指向别处的链接",
                              "put the record itself in the data folder, not a link to elsewhere")]
    try:
        doc = load_file(path, display, limits)
    except YamlError as exc:
        return None, [exc.problem]
    checked = validate(doc, SCHOOL, ctx)
    data = checked.value
    problems = list(checked.problems)
    if not isinstance(doc.value, dict) or any(p[:1] == ("code",) for p in checked.invalid) or not data.get("code"):
        return None, problems
    stem = path.stem
    if stem != data["code"]:
        problems.append(Problem(doc.locate(("code",)), "file-name", f"文件名 {path.name} 与学校代码 {data['code']} 不一致",
                                f"file name {path.name} does not match school code {data['code']}",
                                f"把文件改名为 {data['code']}.yaml", f"rename the file to {data['code']}.yaml", "warning"))
    invalid = [tuple(str(part) for part in p if isinstance(part, str)) for p in checked.invalid]
    return School(
        code=data["code"], name=data["name"] or data["code"], district=data["district"] or "（未填区）",
        kind=data["kind"] or "", ownership=data["ownership"] or "public", file=display, data=data, document=doc,
        problems=problems, invalid=invalid,
    ), problems


def unique_codes(schools: list[School]) -> tuple[list[School], list[Problem]]:
    """Keep the first school of each code (in file order); every later one is an error naming the first."""
    first: dict[str, School] = {}
    kept: list[School] = []
    problems: list[Problem] = []
    for school in schools:
        if school.code in first:
            other = first[school.code]
            problems.append(Problem(school.locate(("code",)), "duplicate-code",
                                    f"学校代码 {school.code} 与 {other.file} 重复", f"school code {school.code} is also used by {other.file}",
                                    "每所学校一个唯一代码；合并或改正其中一个文件", "each school has one unique code; merge or correct one file"))
            continue
        first[school.code] = school
        kept.append(school)
    return kept, problems


def _escapes(path: Path, roots: list[Path]) -> tuple[str, str] | None:
    if not path.is_symlink():
        return None
    target = path.resolve()
    for root in roots:
        base = root.resolve() if root.is_dir() else root.resolve().parent
        if target == base or base in target.parents:
            return None
    return (f"符号链接指向数据文件夹之外（{target}），已拒绝读取", f"symbolic link points outside the data folder ({target}); refused")


__all__ = ["Document", "discover", "display_path", "load_school", "unique_codes"]
