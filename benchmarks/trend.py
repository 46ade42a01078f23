"""Time a 12-point `carework trend` against one cold `carework check`, on the same generated records, and print the ratio.

The issue's bar: a monthly trend over the plan year (12 points) costs at most 3× one cold check, because each record is
loaded and validated once and only judged again at each point.

    python benchmarks/trend.py 10000               # generates into bench-data/ (gitignored) when missing
    python benchmarks/trend.py 10000 --data DIR    # generate into / read from another folder

Both commands run as subprocesses with the same number of processes (CAREWORK_JOBS, default every core); the check
has an empty cache and writes JSON, as `bench.py`'s cold check does; the trend writes JSON too. Each is run `--repeat`
times and the best time is kept (the least disturbed by other load). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import AS_OF, PLAN, ROOT, carework, ensure_data, timed_run  # noqa: E402


def best(cmd: list[str], cwd: Path, env: dict[str, str], repeat: int, fresh_cache: bool) -> tuple[float, int]:
    times, code = [], 0
    for n in range(repeat):
        if fresh_cache:
            env = dict(env, CAREWORK_CACHE_DIR=str(cwd / f"cache-{n}"))
        elapsed, _, code = timed_run(cmd, cwd, cwd / "out.json", env)
        times.append(elapsed)
    return min(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=int, nargs="?", default=10000)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data", help="folder of generated records")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", help="CAREWORK_JOBS for both commands (default: every core)")
    args = parser.parse_args()
    source = ensure_data(args.records, args.data)
    for path in source.rglob("*.yaml"):  # warm the page cache for both
        path.read_bytes()
    env = dict(os.environ)
    if args.jobs:
        env["CAREWORK_JOBS"] = args.jobs
    with tempfile.TemporaryDirectory(prefix="carework-trend-bench-") as tmp:
        work = Path(tmp)
        check = carework() + ["check", str(source), "--plan", str(PLAN), "--format", "json", "--as-of", AS_OF]
        trend = carework() + ["trend", str(source), "--plan", str(PLAN), "--format", "json",
                              "--from", "2024-01-01", "--to", AS_OF, "--every", "month"]
        start = time.perf_counter()
        cold, check_code = best(check, work, env, args.repeat, fresh_cache=True)
        judged, trend_code = best(trend, work, env, args.repeat, fresh_cache=False)
        total = time.perf_counter() - start
    ratio = judged / cold
    print("| records | cold check (s) | 12-point trend (s) | trend ÷ check | bar |")
    print("| ---: | ---: | ---: | ---: | --- |")
    print(f"| {args.records} | {cold:.2f} | {judged:.2f} | {ratio:.2f}× | {'met' if ratio <= 3 else 'MISSED'} (≤ 3×) |")
    print(f"\nexit codes: check {check_code}, trend {trend_code}; jobs {args.jobs or 'every core'}; "
          f"{args.repeat} run(s) each, best kept; {total:.0f} s in all", file=sys.stderr)


if __name__ == "__main__":
    main()
