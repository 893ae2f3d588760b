"""Parsing speed and peak memory of the Bitwarden readers on a generated 100k-item export.

The reference is the naive loop people write: ``csv.DictReader`` (or ``json.load``) and a list
of dicts. pwhygiene does more per row (typed fields, timestamps, error locations, lenient-mode
bookkeeping), so the ratio shows what that costs. Peak memory is measured in a separate run
under :mod:`tracemalloc` so timing is not skewed by it.

    python benchmarks/bench_vault_parse.py           # 100,000 items
    python benchmarks/bench_vault_parse.py --quick   # 10,000 items
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pwhygiene import read_vault
from strategies.vault_core import Login, bitwarden_csv, bitwarden_json


def generate(n: int) -> list[Login]:
    """``n`` distinct logins with a few URLs, folders, history entries and notes."""
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    return [
        Login(
            title=f"Site {i}",
            username=f"user{i}@example.com",
            password=f"pw-{i:07d}-Xq!",
            urls=tuple(f"https://s{i}.example/{k}" for k in range(i % 3)),
            folder=f"Folder {i % 50}" if i % 4 else None,
            totp=i % 7 == 0,
            notes="a note\nwith two lines" if i % 5 == 0 else "",
            created=base + timedelta(minutes=i),
            changed=base + timedelta(days=1, minutes=i),
            history=((f"old-{i}", base),) if i % 10 == 0 else (),
            trashed=i % 97 == 0,
        )
        for i in range(n)
    ]


def naive_csv(path: Path) -> int:
    """Reference: csv.DictReader into a list of dicts."""
    with path.open(newline="", encoding="utf-8") as fh:
        return len(list(csv.DictReader(fh)))


def naive_json(path: Path) -> int:
    """Reference: json.load and a list of the item dicts."""
    with path.open(encoding="utf-8") as fh:
        return len(list(json.load(fh)["items"]))


def timed(run: Callable[[], int], repeat: int) -> float:
    """Best wall time of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mib(run: Callable[[], int]) -> float:
    """Peak Python heap while ``run`` executes, in MiB."""
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    """Generate the exports, time every reader against its reference, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 items, one repeat")
    parser.add_argument("--items", type=int, default=None)
    args = parser.parse_args()
    n = args.items or (10_000 if args.quick else 100_000)
    repeat = 1 if args.quick else 3
    logins = generate(n)
    with tempfile.TemporaryDirectory() as tmp:  # generated data only, no real secrets
        csv_path, json_path = Path(tmp) / "bw.csv", Path(tmp) / "bw.json"
        csv_path.write_text(bitwarden_csv(logins), encoding="utf-8", newline="")
        json_path.write_text(json.dumps(bitwarden_json(logins)), encoding="utf-8")
        del logins
        cases: list[tuple[str, Callable[[], int], Callable[[], int]]] = [
            ("bitwarden-csv", lambda: len(read_vault(csv_path)), lambda: naive_csv(csv_path)),
            ("bitwarden-json", lambda: len(read_vault(json_path)), lambda: naive_json(json_path)),
        ]
        print(f"{n:,} items; best of {repeat}; MiB = peak traced heap")
        print(f"{'reader':<16}{'items/s':>12}{'peak MiB':>10}{'ref items/s':>13}"
              f"{'ref MiB':>9}{'time ratio':>12}{'mem ratio':>11}")  # fmt: skip
        for name, ours, ref in cases:
            assert ours() == ref() == n
            t_ours, t_ref = timed(ours, repeat), timed(ref, repeat)
            m_ours, m_ref = peak_mib(ours), peak_mib(ref)
            print(
                f"{name:<16}{n / t_ours:>12,.0f}{m_ours:>10.1f}{n / t_ref:>13,.0f}"
                f"{m_ref:>9.1f}{t_ours / t_ref:>11.2f}x{m_ours / m_ref:>10.2f}x"
            )


if __name__ == "__main__":
    main()
