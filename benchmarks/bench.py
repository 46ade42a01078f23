"""Time carework against the YAML parse floor on generated records, and print the ratios as a Markdown table.

For each size, on the same files and in one run: reading every file's bytes; loading every file with PyYAML's
libyaml loader in one process (the *parse floor*: no carework could load the records faster with this parser);
`carework check --format json` cold (empty cache) as a subprocess writing to a file; the same again after one record
changed (warm cache); and the peak memory of the check's whole process tree (proportional set size, so pages a fork
shares with its parent count once). Then how long `carework --help` and `carework --version` take to start, and, when
the `report` command exists, how long rendering every school's report takes.

    python benchmarks/bench.py 1000 10000          # generates into bench-data/ (gitignored) when missing

Nothing here is a test: figures depend on the machine and on what else runs on it (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATOR = ROOT / "tests" / "support" / "generate.py"
sys.path.insert(0, str(ROOT / "tests"))

from support.generate import generate  # noqa: E402

AS_OF = "2024-12-31"
PLAN = ROOT / "data" / "plans" / "2024.yaml"
FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


@dataclass
class Row:
    records: int
    megabytes: float
    read: float
    floor: float
    cold: float
    warm: float
    peak_mb: float
    exit_code: int


def carework() -> list[str]:
    """The carework command of the interpreter running this script (so a venv's carework is measured)."""
    script = Path(sys.executable).with_name("carework")
    return [str(script)] if script.exists() else [sys.executable, "-m", "carework"]


def ensure_data(count: int, root: Path) -> Path:
    """The folder of `count` generated records, generated once and reused while the generator is unchanged."""
    folder = root / f"{count}"
    stamp = folder / ".generated"
    want = f"{count} {GENERATOR.stat().st_mtime_ns}"
    if not (stamp.is_file() and stamp.read_text() == want):
        print(f"generating {count} records into {folder} …", file=sys.stderr)
        generate(count, folder)
        stamp.write_text(want)
    return folder


class PeakMemory:
    """Samples the summed PSS (falling back to RSS) of a process and its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid = pid
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    @staticmethod
    def _size_kb(pid: int) -> int:
        for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                with open(f"/proc/{pid}/{name}", encoding="ascii") as f:
                    for line in f:
                        if line.startswith(field):
                            return int(line.split()[1])
            except OSError:
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(self._size_kb(pid) for pid in self._tree()))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def timed_run(cmd: list[str], cwd: Path, out: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run `cmd` with stdout to `out`; (seconds, peak MB of its process tree, exit code)."""
    with out.open("wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=sink, stderr=subprocess.PIPE, env=env)
        memory = PeakMemory(proc.pid)
        _, err = proc.communicate()
        elapsed = time.perf_counter() - start
        peak = memory.stop()
    if proc.returncode not in (0, 1, 3):
        sys.stderr.write(err.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return elapsed, peak, proc.returncode


def touch_one_record(folder: Path) -> None:
    """Change one value in one record, as a secretary's edit would."""
    path = sorted(folder.rglob("*.yaml"))[len(list(folder.rglob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("students: ", "students: 1", 1), encoding="utf-8")


def measure(count: int, data_root: Path, jobs: str | None) -> Row:
    source = ensure_data(count, data_root)
    files = sorted(source.rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files)
    for path in files:  # warm the page cache, so every figure below reads from memory alike
        path.read_bytes()
    start = time.perf_counter()
    for path in files:
        path.read_bytes()
    read = time.perf_counter() - start

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR, str(source)], check=True)
    floor = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="carework-bench-") as tmp:
        work = Path(tmp)
        data = work / "schools"
        shutil.copytree(source, data)
        cmd = carework() + ["check", str(data), "--plan", str(PLAN), "--format", "json", "--as-of", AS_OF]
        env = dict(os.environ, CAREWORK_CACHE_DIR=str(work / "cache"))
        if jobs:
            env["CAREWORK_JOBS"] = jobs
        cold, peak_cold, code = timed_run(cmd, work, work / "cold.json", env)
        touch_one_record(data)
        warm, peak_warm, _ = timed_run(cmd, work, work / "warm.json", env)
    return Row(count, size / 1e6, read, floor, cold, warm, max(peak_cold, peak_warm), code)


def startup(args: list[str], repeat: int = 7) -> float:
    """Best wall time of `carework ARGS` over a few runs (the best is the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(carework() + args, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def report_timing(count: int, data_root: Path) -> str | None:
    """Milliseconds per school to render and write every report (`carework report` without its check), if it exists."""
    try:
        from carework.report import Scope, make_renderer, pages, render_pages, write_reports
    except ImportError:
        return None
    import datetime as dt

    from carework.checking.config import Inputs
    from carework.checking.pipeline import run_check

    source = ensure_data(count, data_root)
    run = run_check(Inputs((source,), PLAN, None), dt.date.fromisoformat(AS_OF), dt.date.today())
    with tempfile.TemporaryDirectory(prefix="carework-bench-") as tmp:
        start = time.perf_counter()
        districts = tuple(sorted({s.district for s in run.schools}))
        files = render_pages(make_renderer("zh", None), pages(run, Scope(True, districts)))
        rendered = time.perf_counter()
        write_reports(Path(tmp) / "reports", files, prune=True)
        written = time.perf_counter()
    per = (written - start) / count * 1000
    return (f"{len(files):,} report files for {count:,} schools: rendering {rendered - start:.2f} s, writing "
            f"{written - rendered:.2f} s, {per:.2f} ms per school")


def table(rows: list[Row]) -> str:
    lines = [
        "| records | MB | read bytes | parse floor | cold check | cold / floor | warm check | warm / cold | peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r.records:,} | {r.megabytes:.0f} | {r.read:.2f} s | {r.floor:.2f} s | {r.cold:.2f} s | "
                     f"{r.cold / r.floor:.2f}× | {r.warm:.2f} s | {r.warm / r.cold:.2f}× | {r.peak_mb:.0f} MB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="record counts (default: 1000 10000)")
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data", help="where generated records are kept")
    parser.add_argument("--jobs", help="processes for carework (CAREWORK_JOBS); default: carework's own choice")
    parser.add_argument("--report-records", type=int, default=0, help="also time `carework report` on this many")
    args = parser.parse_args()
    rows = []
    for count in args.sizes:
        rows.append(measure(count, args.data, args.jobs))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
    load = os.getloadavg()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average before the last run {load[0]:.2f}")
    print()
    print(table(rows))
    print()
    if len(rows) > 1:
        for small, big in zip(rows, rows[1:], strict=False):
            print(f"scaling {small.records:,} → {big.records:,}: cold × {big.cold / small.cold:.1f} "
                  f"for × {big.records / small.records:.0f} records")
    print(f"startup: `carework --help` {startup(['--help']):.3f} s, `carework --version` {startup(['--version']):.3f} s")
    if args.report_records:
        print(f"reports: {report_timing(args.report_records, args.data) or 'no carework.report package yet'}")


if __name__ == "__main__":
    main()
