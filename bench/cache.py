"""What the parse cache saves: `briefing validate` on 10,000 facts, with and without it.

    .venv/bin/python bench/cache.py              # 10,000 facts, 5 runs each
    .venv/bin/python bench/cache.py --facts 2000 --runs 3

Works on a copy of the shipped fact base grown with bench/run.py's generator (copies of the
facts with new ids, the same citations), in a temporary folder. Prints the median wall time
and CPU time of `briefing validate` in a fresh process (CPU is steadier on a
shared machine): cache off, cache cold (the run that fills it), and
cache warm (the same files again).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import copy_factbase, scale_facts  # bench/run.py: this folder is first on sys.path

ROOT = Path(__file__).resolve().parent.parent


def validate(factbase: Path, cache: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `briefing validate` in a fresh process."""
    env = {**os.environ, "BRIEFING_CACHE": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begun = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "validate", "--facts", str(factbase)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - begun
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"validate failed:\n{proc.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000, help="facts in the grown fact base")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; median shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-cache-bench-") as work:
        factbase = copy_factbase(ROOT / "factbase", Path(work) / "fb")
        scale_facts(factbase, args.facts)
        size = (factbase / "facts.yaml").stat().st_size / 1024 / 1024
        off = [validate(factbase, "off") for _ in range(args.runs)]
        cold, warm = [], []
        for run in range(args.runs):
            cache = str(Path(work) / f"cache-{run}")
            cold.append(validate(factbase, cache))
            warm.append(validate(factbase, cache))
        print(f"validate, {args.facts:,} facts (facts.yaml {size:.1f} MiB), median of {args.runs}:")
        for name, runs in (("cache off", off), ("cache cold", cold), ("cache warm", warm)):
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"  {name:11} {wall:6.2f} s wall {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()
