"""The one switch that runs the plain reference paths instead of the fast ones.

Every speed trick in carework is a twin of a plain version that stays runnable: with `CAREWORK_REFERENCE=1` in the
environment, each fast path steps aside and its reference runs instead (docs/architecture.md lists the twins and the
invariant each one keeps). The differential tests in tests/twins/ run both and require equal outputs; the whole
suite passes either way.
"""

from __future__ import annotations

import os

#: The environment variable that turns the reference paths on ("1"; anything else, or unset, keeps the fast ones).
SWITCH = "CAREWORK_REFERENCE"


def reference_mode() -> bool:
    """Whether the plain reference paths should run (read when asked, so a test can set it for one call)."""
    return os.environ.get(SWITCH) == "1"
