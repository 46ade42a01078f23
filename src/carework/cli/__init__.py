"""The command line: parse options, run a stage, print, and return a documented exit code.

All printing and exiting happens here; the stages below only return results or raise CareworkError.
`app` (the typer application) and `main` (the console script `carework`) live in `carework.cli.app`.
"""

from __future__ import annotations

from carework.cli.app import app, main

__all__ = ["app", "main"]
