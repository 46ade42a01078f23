"""Check one record file on its own: load, validate, evaluate every school rule, and the school's target facts.

This is the unit of work the process pool hands out and the cache stores. A FileOutcome holds only what the rest of
the run needs, in plain tuples: problems, one small tuple per rule result (what the plan and the school already say —
rule, severity, file, the path a result points at — is left out and put back by `results`), the target facts and
the school's identity. Never the parsed record or its YAML nodes: that keeps the transfer between processes and
the cache cheap (about a fifth of a record's size); `plain` and `from_plain` turn one into plain values for the cache
and back. Waivers and the user's selection are
applied afterwards by the pipeline, so one outcome serves every waiver file and every filter.

The rule results are kept encoded (`plain.dumps`) and compressed, as one bytes object per file, until output asks for them: a run
holds every school's outcome at once, and forty tuples a school would be millions of objects in a province
(gigabytes, and a garbage collector scanning them), where one blob a school is about a kilobyte. Likewise the pieces
of output written here for formats that write each school's results as one piece (`PieceWriter`, JSON's 12 KB a
school) are kept compressed, about a tenth of their size, until they are written out.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from carework.checking import plain
from carework.core.model import Result, School, Status, result_maker
from carework.core.problems import Location, Problem
from carework.reading.loader import Document
from carework.reading.source import Source
from carework.rules.engine import evaluate_school, school_scope
from carework.rules.model import Plan, Rule
from carework.rules.rectify import LedgerItem, in_progress_note, ledger
from carework.rules.targets import TargetFact, target_facts
from carework.schema.records import load_school
from carework.schema.validate import Context

#: One rule's result on one school: (status, line, column, found, expected, message in Chinese, in English).
CompactResult = tuple[str, int, int, Any, Any, str, str]
#: (code, name, district, kind, ownership, quality, updated, where the code is written, where the record starts).
SchoolCard = tuple[str, str, str, str, str, Any, Any, tuple[int, int] | None, tuple[int, int] | None]

_STATUS = {s.value: s for s in Status}


class PieceWriter(Protocol):
    """An output format that writes each school's results as one piece of text depending on nothing else, so the
    worker that checks a record can write it (in parallel) and the cache can keep it; the parent only joins pieces.

    The checking stage owns this protocol; `formats.base.Format` implements it (JSON and text give a key)."""

    def piece_key(self) -> str | None:
        """The key the piece is kept under, naming all it depends on besides the results; None: no pieces."""

    def piece(self, plan: Plan, school: School, results: list[Result]) -> str:
        """One school's results as the format writes them."""


@dataclass(frozen=True)
class Job:
    """What every record of a run is checked against; the same for all of them."""

    plan: Plan
    ctx: Context
    as_of: dt.date
    roots: tuple[Path, ...]
    #: Formats whose per-school pieces are written along with the results (see `PieceWriter`).
    pieces: tuple[PieceWriter, ...] = ()


@dataclass(frozen=True)
class FileOutcome:
    """Everything one record file contributes to a run."""

    file: str
    problems: tuple[Problem, ...]
    #: The school's identity; None when the file holds no usable school.
    card: SchoolCard | None = None
    #: Every school rule's result, in plan order, judged without waivers: a tuple of CompactResult, encoded
    #: (`plain.dumps`) and compressed with zlib.
    packed: bytes = b""
    #: The school's standing for each aggregate target, in plan order.
    facts: tuple[TargetFact, ...] = ()
    #: (PieceWriter.piece_key, the piece as UTF-8 compressed with zlib) for each format of `Job.pieces`.
    written: tuple[tuple[str, bytes], ...] = ()
    #: The school's rectifications with their state (`LedgerItem.plain`), in record order.
    rectifications: tuple[tuple[Any, ...], ...] = ()

    def school(self) -> School | None:
        """The school as a run keeps it: identity, `quality` (which reports show) and where its code is written.

        Keeping whole records would cost memory in proportion to the city; everything else a rule needs has
        already been turned into results.
        """
        if self.card is None:
            return None
        code, name, district, kind, ownership, quality, updated, code_mark, root_mark = self.card
        marks: dict[tuple[str | int, ...], tuple[int, int]] = {}
        for path, mark in (((), root_mark), (("code",), code_mark)):
            if mark is not None:
                marks[path] = mark
        return School(code=code, name=name, district=district, kind=kind, ownership=ownership, file=self.file,
                      data={"quality": quality, "updated": updated}, document=Document(self.file, None, marks), problems=list(self.problems),
                      invalid=[])

    def results(self, rules: Sequence[Rule]) -> list[Result]:
        """The results as `engine.evaluate_school` gives them; `rules` are the plan's school rules, in order."""
        if self.card is None:
            return []
        compact = self.compact()
        if len(rules) != len(compact):
            raise ValueError(f"{self.file}: {len(compact)} results for {len(rules)} rules")
        code, file, make = self.card[0], self.file, result_maker()
        return [make(code, rule.id, _STATUS[status], rule.severity, zh, en, Location(file, line, column, rule.anchor),
                           found, expected)
                for rule, (status, line, column, found, expected, zh, en) in zip(rules, compact, strict=True)]

    def compact(self) -> tuple[CompactResult, ...]:
        """The rule results as `check_file` judged them, in plan order."""
        return plain.loads(zlib.decompress(self.packed)) if self.packed else ()

    def statuses(self) -> list[Status]:
        """The status of each rule result, in plan order."""
        return [_STATUS[compact[0]] for compact in self.compact()]

    def plain(self) -> tuple[Any, ...]:
        """This outcome as plain values, which `plain.dumps` can write (the cache stores them)."""
        problems = tuple((p.location.file, p.location.line, p.location.column, p.location.path, p.code, p.message_zh,
                          p.message_en, p.fix_zh, p.fix_en, p.level) for p in self.problems)
        return (self.file, problems, self.card, self.packed, tuple(tuple(f) for f in self.facts), self.written,
                self.rectifications)

    @classmethod
    def from_plain(cls, value: Any) -> FileOutcome:
        """The outcome whose `plain` values these are; raises ValueError for anything of another shape."""
        try:
            file, problems, card, packed, facts, written, rectifications = value
            outcome = cls(file, tuple(_problem(p) for p in problems), _card(card), packed,
                          tuple(TargetFact(bool(member), bool(counted), progress) for member, counted, progress in facts),
                          tuple((key, data) for key, data in written), tuple(rectifications))
            for item in outcome.rectifications:
                LedgerItem.from_plain("", file, item)  # raises ValueError for an item of the wrong shape
            _expect(type(file) is str and type(packed) is bytes and all(type(p) is tuple for _, _, p in facts)
                    and all(type(k) is str and type(d) is bytes for k, d in written))
            _expect(all(len(r) == 7 and r[0] in _STATUS and type(r[1]) is int and type(r[2]) is int
                        and type(r[5]) is str and type(r[6]) is str for r in outcome.compact()))
        except (TypeError, ValueError, zlib.error) as exc:
            raise ValueError(f"not a FileOutcome: {exc}") from None
        return outcome

    def ledger(self) -> list[LedgerItem]:
        """The school's rectifications as the run shows them (see `rules.rectify`)."""
        if self.card is None:
            return []
        return [LedgerItem.from_plain(self.card[0], self.file, item) for item in self.rectifications]

    def piece(self, key: str) -> str | None:
        """The piece a format wrote of these results under `key`, if it was written."""
        for written, data in self.written:
            if written == key:
                return zlib.decompress(data).decode("utf-8")
        return None


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("a value of the wrong shape")


def _problem(value: Any) -> Problem:
    file, line, column, path, code, zh, en, fix_zh, fix_en, level = value
    _expect(type(file) is str and type(line) is int and type(column) is int and type(path) is tuple
            and all(type(part) in (str, int) for part in path) and level in ("error", "warning")
            and all(type(text) is str for text in (code, zh, en, fix_zh, fix_en)))
    return Problem(Location(file, line, column, path), code, zh, en, fix_zh, fix_en, level)


def _card(value: Any) -> SchoolCard | None:
    if value is None:
        return None
    _expect(type(value) is tuple and len(value) == 9 and all(type(text) is str for text in value[:5])
            and (value[6] is None or type(value[6]) is dt.date)
            and all(mark is None or (type(mark) is tuple and len(mark) == 2 and all(type(n) is int for n in mark))
                    for mark in value[7:]))
    return value  # type: ignore[no-any-return]


def school_rules(plan: Plan) -> tuple[Rule, ...]:
    """The rules checked on each school, in the order their results come."""
    return tuple(rule for rule in plan.rules if rule.scope == "school")


def check_file(source: Source, job: Job) -> FileOutcome:
    """Load, validate and evaluate one record file, read once by `source.read_source`."""
    school, problems = load_school(source, job.ctx)
    if school is None:
        return FileOutcome(source.display, tuple(problems))
    scope = school_scope(job.plan, school, job.as_of)
    results = evaluate_school(job.plan, school, job.as_of, {}, scope)
    items, findings = ledger(school, results, job.as_of)
    if items:
        problems = sorted(problems + findings)
        results = _being_fixed(results, items)
    compact = tuple((r.status.value, r.location.line, r.location.column, r.found, r.expected, r.message_zh, r.message_en)
                    for r in results)
    written = tuple((str(f.piece_key()), zlib.compress(f.piece(job.plan, school, results).encode("utf-8"), 1)) for f in job.pieces)
    card = school_card(school)
    packed = zlib.compress(plain.dumps(compact), 1)
    return FileOutcome(school.file, tuple(problems), card, packed, target_facts(job.plan, school, scope), written,
                       tuple(item.plain() for item in items))


def school_card(school: School) -> SchoolCard:
    """The school's identity as an outcome keeps it (see `FileOutcome.school`)."""
    code, root = school.locate(("code",)), school.locate(())
    return (school.code, school.name, school.district, school.kind, school.ownership, school.data.get("quality"),
            school.data.get("updated"), (code.line, code.column), (root.line, root.column))


def _being_fixed(results: list[Result], items: list[LedgerItem]) -> list[Result]:
    """The results with each gap that is being fixed saying so (整改中) in its message: still a gap, counted as one."""
    fixing = {item.rule: item for item in items if item.state == "in_progress"}
    if not fixing:
        return results
    return [replace(r, message_zh=r.message_zh + in_progress_note(fixing[r.rule], "zh"),
                    message_en=r.message_en + in_progress_note(fixing[r.rule], "en"))
            if r.rule in fixing and r.status == Status.FAIL else r for r in results]
