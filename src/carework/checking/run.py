"""What one check produced: every school's results, decoded lazily, with the problems and the targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from carework.checking.city import Stale
from carework.core.model import Result, School, Status, TargetResult
from carework.core.problems import Problem
from carework.rules.model import Plan
from carework.rules.rectify import LedgerItem
from carework.schema.roster import Roster, RosterSchool

if TYPE_CHECKING:
    from carework.checking.comparison import Comparison


def no_piece(key: str) -> None:
    """A school with no piece written (see `SchoolResults.pieces`)."""
    return None



@dataclass(frozen=True)
class LazySchool:
    """One school's results in a SchoolResults: how to decode them, and cheaper views of them where there are any."""

    code: str
    results: Callable[[], list[Result]]
    #: The piece a format wrote of these very results, by `Format.piece_key`, if it was written.
    piece: Callable[[str], str | None] = no_piece
    #: (rule, status) of each result, without building Results; None: taken from `results`.
    statuses: Callable[[], list[tuple[str, Status]]] | None = None



class SchoolResults:
    """A run's results, school by school, each school's decoded only while it is being read.

    A province is millions of results: held as objects they take gigabytes, while each school's outcome stays small
    until asked for (see `record_check`). Iterating gives every Result in order, as a list would; iterate again and
    they are decoded again, so read them in as few passes as possible, and count with `statuses`.

    A school may also carry its results already written out by a format (`Format.piece`, made in the worker process
    that checked the record, and kept in the cache), looked up by `Format.piece_key`; `pieces` hands them out.
    """

    def __init__(self, schools: Sequence[LazySchool]) -> None:
        self._schools = schools

    def __iter__(self) -> Iterator[Result]:
        for school in self._schools:
            yield from school.results()

    def by_school(self) -> Iterator[tuple[str, list[Result]]]:
        """(school code, its results) in order, schools without a result included."""
        for school in self._schools:
            yield school.code, school.results()

    def statuses(self) -> Iterator[tuple[str, str, Status]]:
        """(school, rule, status) of every result in order: what counting needs, at a fraction of decoding."""
        for school in self._schools:
            if school.statuses is None:
                yield from ((r.school, r.rule, r.status) for r in school.results())
            else:
                code = school.code
                yield from ((code, rule, status) for rule, status in school.statuses())

    def pieces(self, key: str, write: Callable[[str, list[Result]], str]) -> Iterator[str]:
        """Each school's results as text: the piece stored under `key`, else what `write(code, results)` makes."""
        for school in self._schools:
            piece = school.piece(key)
            yield write(school.code, school.results()) if piece is None else piece

    def where(self, keep: Callable[[Result], bool]) -> SchoolResults:
        """The results `keep` accepts, just as lazily (without the written pieces, which hold them all)."""
        return SchoolResults([LazySchool(s.code, _kept(s.results, keep)) for s in self._schools])

    def changed(self, change: Callable[[str, list[Result]], list[Result]]) -> SchoolResults:
        """Each school's results as `change(code, results)` makes them, just as lazily (without the written pieces)."""
        return SchoolResults([LazySchool(s.code, _changed(s.code, s.results, change)) for s in self._schools])

    @classmethod
    def of(cls, results: Iterable[Result]) -> SchoolResults:
        """Results already in memory (a test's, say), grouped by school in the order they come."""
        grouped: dict[str, list[Result]] = {}
        for result in results:
            grouped.setdefault(result.school, []).append(result)
        return cls([LazySchool(code, items.copy) for code, items in grouped.items()])



def _kept(load: Callable[[], list[Result]], keep: Callable[[Result], bool]) -> Callable[[], list[Result]]:
    return lambda: [r for r in load() if keep(r)]


def _changed(code: str, load: Callable[[], list[Result]],
             change: Callable[[str, list[Result]], list[Result]]) -> Callable[[], list[Result]]:
    return lambda: change(code, load())



@dataclass
class CheckRun:
    """Everything one `check` found; formats and reports read only this."""

    plan: Plan
    as_of: dt.date
    schools: list[School]
    #: Every result, school by school (`SchoolResults.of(a_list)` for results already in memory).
    results: SchoolResults
    problems: list[Problem]
    targets: list[TargetResult]
    #: Codes of the schools the user asked about (all of them unless filtered).
    selected: list[str] = field(default_factory=list)
    #: The bureau's roster of schools, when there is one (targets then count the whole city).
    roster: Roster | None = None
    #: Roster schools (among those asked about) that sent no record: 未报送, by district then code.
    not_reported: list[RosterSchool] = field(default_factory=list)
    #: Records (among those asked about) not updated within the plan's `record_max_age_days`: 未更新.
    stale: list[Stale] = field(default_factory=list)
    #: With `--baseline`: the gaps compared with the baseline's (new, known, resolved).
    baseline: Comparison | None = None
    #: The results that listings show (each school's gap list, CI annotations): with a baseline only the new gaps
    #: and what is not a gap; None: all of `results`. Counts, rates and verdicts always use `results`.
    listed: SchoolResults | None = None
    #: The school codes and districts asked about (`--school`, `--district`): a run about one school or one district
    #: is shown without the rest of the city's figures.
    asked_schools: tuple[str, ...] = ()
    asked_districts: tuple[str, ...] = ()
    #: The rectification ledger (整改台账) of the schools asked about, school by school in record order, each item
    #: with its state as of the run's date (`rules.rectify`): plain data for reports and spreadsheets.
    rectifications: list[LedgerItem] = field(default_factory=list)

    def overdue(self) -> list[LedgerItem]:
        """The rectifications past their due date with the gap still there (整改逾期)."""
        return [item for item in self.rectifications if item.state == "overdue"]

    @property
    def listing(self) -> SchoolResults:
        """The results a listing shows (see `listed`)."""
        return self.results if self.listed is None else self.listed

