"""Time `carework export` (xlsx) and `carework import` against `carework check --format json` on the same records.

    python benchmarks/spreadsheets.py [--sizes 1000 10000] [--data bench-data]

Records come from tests/support/generate.py (made once under --data). Export is timed on the whole city; import on
one filled form per school (`carework form` writes them first, timed too), imported into an empty folder. Every
command runs with --no-cache, so each reads and checks every record. Prints seconds and the ratio to the check.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "plans" / "2024.yaml"


def carework(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "carework", *args], cwd=cwd, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ensure(size: int, data: Path) -> Path:
    folder = data / str(size)
    if not folder.is_dir():
        subprocess.run([sys.executable, str(ROOT / "tests" / "support" / "generate.py"), str(size), str(folder)], check=True)
    return folder


def forms_and_import(records: Path, work: Path) -> tuple[float, float]:
    """Write a form for every record (in one process, as a script would) and import them all in one command."""
    sys.path.insert(0, str(ROOT / "src"))
    from carework.export.form import form_bytes
    from carework.reading.loader import load_file
    from carework.rules.plan import load_plan
    from carework.schema.school import SCHOOL

    vocabularies = load_plan(PLAN, "plan").vocabularies
    forms = work / "forms"
    forms.mkdir()
    start = time.perf_counter()
    for path in sorted(records.rglob("*.yaml")):
        value = load_file(path, path.name).value
        (forms / f"{path.stem}.xlsx").write_bytes(form_bytes(SCHOOL, value if isinstance(value, dict) else {}, vocabularies, "t"))
    written = time.perf_counter() - start
    imported = carework("import", *sorted(str(p) for p in forms.glob("*.xlsx")), "--into", str(work / "out"),
                        "--plan", str(PLAN), cwd=work)
    return written, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    options = parser.parse_args()
    print(f"{'schools':>8} {'check json':>11} {'export xlsx':>12} {'ratio':>6} {'forms':>8} {'import':>8} {'ratio':>6}",
          flush=True)
    for size in options.sizes:
        records = ensure(size, options.data)
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            common = (str(records), "--plan", str(PLAN), "--as-of", "2024-12-31", "--no-cache")
            check = carework("check", *common, "--format", "json", cwd=work)
            export = carework("export", *common, "-o", str(work / "city.xlsx"), cwd=work)
            print(f"{size:>8} {check:>10.1f}s {export:>11.1f}s {export / check:>6.2f}", end="", flush=True)
            forms, imported = forms_and_import(records, work)
        print(f" {forms:>7.1f}s {imported:>7.1f}s {imported / check:>6.2f}", flush=True)

if __name__ == "__main__":
    main()
