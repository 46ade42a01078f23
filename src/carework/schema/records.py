"""Load school records: each file read and validated on its own, so one bad file stops nothing."""

from __future__ import annotations

from pathlib import Path

from carework.core.model import School
from carework.core.paths import display_path, printable
from carework.core.problems import Location, Problem
from carework.reading.fastload import load_record
from carework.reading.loader import DEFAULT_LIMITS, Limits, YamlError
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate


def load_school(path: Path, ctx: Context, roots: list[Path], limits: Limits = DEFAULT_LIMITS,
                raw: bytes | None = None) -> tuple[School | None, list[Problem]]:
    """Load and validate one record (`raw`: its bytes, when already read); a file that cannot be read yields no school
    but its problems."""
    display = display_path(path)
    if _broken_link(path):
        return None, [Problem(Location(display), "broken-link", "符号链接没有指向可读的文件（目标不存在、是文件夹或链接成环）",
                              "symbolic link leads to no readable file (missing target, a folder, or a loop)",
                              "删除这个链接，或把记录文件本身放进数据文件夹", "remove the link, or put the record itself in the data folder")]
    escape = _escapes(path, roots)
    if escape:
        return None, [Problem(Location(display), "outside-data", escape[0], escape[1],
                              "把记录文件本身放进数据文件夹，不要用指向别处的链接",
                              "put the record itself in the data folder, not a link to elsewhere")]
    try:
        doc = load_record(path, display, limits, raw)
    except YamlError as exc:
        return None, [exc.problem]
    checked = validate(doc, SCHOOL, ctx)
    data = checked.value
    problems = list(checked.problems)
    if not isinstance(doc.value, dict) or any(p[:1] == ("code",) for p in checked.invalid) or not data.get("code"):
        return None, problems
    stem = path.stem
    if stem != data["code"]:
        name = printable(path.name)
        problems.append(Problem(doc.locate(("code",)), "file-name", f"文件名 {name} 与学校代码 {data['code']} 不一致",
                                f"file name {name} does not match school code {data['code']}",
                                f"把文件改名为 {data['code']}.yaml", f"rename the file to {data['code']}.yaml", "warning"))
    invalid = [tuple(str(part) for part in p if isinstance(part, str)) for p in checked.invalid]
    return School(
        code=data["code"], name=data["name"] or data["code"], district=data["district"] or "（未填区）",
        kind=data["kind"] or "", ownership=data["ownership"] or "public", file=display, data=data, document=doc,
        problems=problems, invalid=invalid,
    ), problems


def unique_codes(schools: list[School]) -> tuple[list[School], list[Problem]]:
    """Keep one school of each code and report every other as an error naming the one kept.

    The one kept is the file named after the code, else the first in file order: a copy of `TN-XX-001.yaml` saved as
    `新学校.yaml` and not yet edited must not push the real record out.
    """
    first: dict[str, School] = {}
    kept: list[School] = []
    problems: list[Problem] = []
    for school in sorted(schools, key=lambda s: Path(s.file).stem != s.code):  # stable: file order otherwise
        if school.code in first:
            other = first[school.code]
            problems.append(Problem(school.locate(("code",)), "duplicate-code",
                                    f"学校代码 {school.code} 与 {other.file} 重复", f"school code {school.code} is also used by {other.file}",
                                    "每所学校一个唯一代码；合并或改正其中一个文件", "each school has one unique code; merge or correct one file"))
            continue
        first[school.code] = school
        kept.append(school)
    return kept, problems


def _broken_link(path: Path) -> bool:
    if not path.is_symlink():
        return False
    try:
        return not path.resolve(strict=True).is_file()
    except (OSError, RuntimeError):  # missing target; a loop is RuntimeError before Python 3.13
        return True


def _escapes(path: Path, roots: list[Path]) -> tuple[str, str] | None:
    if not path.is_symlink():
        return None
    target = path.resolve()
    for root in roots:
        base = root.resolve() if root.is_dir() else root.resolve().parent
        if target == base or base in target.parents:
            return None
    shown = printable(target.as_posix())
    return (f"符号链接指向数据文件夹之外（{shown}），已拒绝读取", f"symbolic link points outside the data folder ({shown}); refused")



