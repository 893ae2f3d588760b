"""Hostile exports at scale: time and peak memory per MB of input, and the typed outcome.

Reads a seeded corpus of crafted exports (``tests/strategies/hostile_exports.py``: deep and
wide JSON, huge integers, lone surrogates, nested and dense KeePass XML, foreign encodings,
zips with many members, dense JSON in zips, corrupt LZMA members, JSON in CSV cells), each
in a fresh subprocess so one file's peak RSS is its own. Reports, per file, the outcome
(items or the error class), wall time, seconds per MB, tracemalloc peak and peak RSS, and
exits 1 if any outcome is an untyped exception or a file is over 10 s or 10 MB per MB of
input, plus fixed allowances (2 s, 16 MB) that no input size can justify or avoid.

    python benchmarks/bench_hostile_exports.py                 # scale 50, 39 files
    python benchmarks/bench_hostile_exports.py --quick         # scale 5, 13 files
    python benchmarks/bench_hostile_exports.py --scale 200 --count 26 --seed 7
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from strategies.hostile_exports import corpus

_CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
from pwhygiene.vault import formats, read_vault
from pwhygiene.exceptions import PwhygieneError
formats()  # import every reader before measuring
path, fmt = Path(sys.argv[1]), sys.argv[2]
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
try:
    outcome = f"{len(read_vault(path, format=fmt))} items"
except PwhygieneError as exc:
    outcome = type(exc).__name__
except BaseException as exc:  # reported as a failure of the bound, not hidden
    outcome = "UNTYPED " + type(exc).__name__
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak": peak,
                  "rss_growth": (rss - base_rss) * 1024}))
"""

MB = 2**20
ALLOWANCE = 16 * MB  # decompressor windows and the like, whatever the input
TIME_ALLOWANCE = 2.0  # seconds any read may take on a loaded machine, whatever the input


def main(argv: list[str] | None = None) -> int:
    """Run the corpus and print one row per file; non-zero exit when a bound is broken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--count", type=int, default=39)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="scale 5, 13 files")
    args = parser.parse_args(argv)
    scale, count = (5, 13) if args.quick else (args.scale, args.count)
    broken = 0
    print(f"{'shape':20} {'input':>9} {'outcome':>16} {'s':>7} {'s/MB':>6} "
          f"{'peak':>8} {'MB/MB':>6} {'rss+':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for index, hostile in enumerate(corpus(args.seed, count, scale)):
            path = Path(tmp) / f"{index}-{hostile.name}"
            path.write_bytes(hostile.data)
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path), hostile.format],
                capture_output=True,
                text=True,
                check=False,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CPU, (600, 600)),
            )
            row: dict[str, Any] = {
                "outcome": f"DIED rc={done.returncode}", "seconds": 0.0, "peak": 0, "rss_growth": 0,
            }  # fmt: skip
            if not done.returncode:
                row = json.loads(done.stdout.strip().splitlines()[-1])
            size_mb = max(len(hostile.data), 1) / MB
            per_mb = row["seconds"] / size_mb
            mem_per_mb = max(0, row["peak"] - ALLOWANCE) / MB / size_mb
            bad = (
                row["outcome"].startswith(("UNTYPED", "DIED"))
                or row["seconds"] > TIME_ALLOWANCE + 10 * size_mb
                or mem_per_mb > 10
            )
            broken += bad
            print(
                f"{hostile.shape:20} {len(hostile.data):>9,} {row['outcome']:>16} "
                f"{row['seconds']:7.2f} {per_mb:6.2f} {row['peak'] / MB:7.1f}M "
                f"{row['peak'] / MB / size_mb:6.1f} {row['rss_growth'] / MB:7.1f}M"
                + ("  <-- over a bound" if bad else "")
            )
    print(f"{broken} file(s) over a bound" if broken else "every file within its bounds")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
