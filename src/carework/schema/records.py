"""Load school records: each file read and validated on its own, so one bad file stops nothing."""

from __future__ import annotations

from pathlib import Path

from carework.core.model import NO_DISTRICT, School
from carework.core.paths import printable
from carework.core.problems import Problem
from carework.reading.fastload import load_record
from carework.reading.loader import DEFAULT_LIMITS, Limits, YamlError
from carework.reading.source import Source
from carework.schema.identity import record_identity
from carework.schema.school import SCHOOL
from carework.schema.validate import Context, validate


def load_school(source: Source, ctx: Context, limits: Limits = DEFAULT_LIMITS) -> tuple[School | None, list[Problem]]:
    """Load and validate one record read by `source.read_source`; a file that cannot be read yields no school but its
    problem."""
    try:
        doc = load_record(source, limits)
    except YamlError as exc:
        return None, [exc.problem]
    checked = validate(doc, SCHOOL, ctx)
    data = checked.value
    identity = record_identity(data, doc.locate)
    problems = checked.problems + identity
    if (not isinstance(doc.value, dict) or any(p[:1] == ("code",) for p in checked.invalid) or not data.get("code")
            or any(p.location.path[:1] == ("code",) for p in identity)):
        return None, problems
    path, display = source.path, source.display
    stem = path.stem
    if stem != data["code"]:
        name = printable(path.name)
        problems.append(Problem(doc.locate(("code",)), "file-name", f"文件名 {name} 与学校代码 {data['code']} 不一致",
                                f"file name {name} does not match school code {data['code']}",
                                f"把文件改名为 {data['code']}.yaml", f"rename the file to {data['code']}.yaml", "warning"))
    invalid = [tuple(str(part) for part in p if isinstance(part, str)) for p in checked.invalid]
    return School(
        code=data["code"], name=data["name"] or data["code"], district=data["district"] or NO_DISTRICT,
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

