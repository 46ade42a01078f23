"""The files that travel with a plan, in the folder named after it: `data/plans/2024.yaml` → `data/plans/2024/`.

The folder holds what a plan author needs besides the rules: the source text the rules quote (`source.zh.md`), that
text cut into clauses with a disposition each (`clauses.yaml`), the rule cases (`cases/<RULE>.yaml` over
`base-record.yaml`) and, for a plan made from last year's, the crosswalk (`crosswalk.yaml`). Plan discovery reads
only `data/plans/*.yaml`, so nothing in the folder is ever taken for a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOURCE = "source.zh.md"
CLAUSES = "clauses.yaml"
CASES = "cases"
BASE_RECORD = "base-record.yaml"
CROSSWALK = "crosswalk.yaml"


@dataclass(frozen=True)
class Companion:
    """Where a plan's companion files are; each may be missing (the command that needs one says so)."""

    plan: Path

    @property
    def folder(self) -> Path:
        return self.plan.with_suffix("")

    @property
    def source(self) -> Path:
        return self.folder / SOURCE

    @property
    def clauses(self) -> Path:
        return self.folder / CLAUSES

    @property
    def cases(self) -> Path:
        return self.folder / CASES

    @property
    def base_record(self) -> Path:
        return self.folder / BASE_RECORD

    @property
    def crosswalk(self) -> Path:
        return self.folder / CROSSWALK
