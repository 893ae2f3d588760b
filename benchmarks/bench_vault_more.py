"""Parsing speed and peak memory of six more readers on generated 100k-item exports.

The readers: Dashlane, NordPass, Proton Pass, Keeper, Enpass and RoboForm.

Each reader is compared with the naive loop people write for that file: ``csv.reader`` /
``csv.DictReader`` into a list, or ``json.load``. pwhygiene does more per row (typed fields,
URL lists, timestamps, error locations, unique ids), so the ratio shows what that costs. Peak
memory is measured in a separate run under :mod:`tracemalloc` so timing is not skewed by it;
the CSV readers stream, so their peak is the items kept, not the file.

    python benchmarks/bench_vault_more.py           # 100,000 items
    python benchmarks/bench_vault_more.py --quick   # 10,000 items, one repeat
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
from strategies.vault_more import (
    Entry,
    dashlane_csv,
    enpass_json,
    keeper_csv,
    keeper_json,
    nordpass_csv,
    protonpass_csv,
    protonpass_json,
    roboform_csv,
)


def generate(n: int) -> list[Entry]:
    """``n`` distinct logins with a few URLs, folders, notes, TOTP flags and history."""
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    return [
        Entry(
            title=f"Site {i}",
            username=f"user{i}@example.com",
            password=f"pw-{i:07d}-Xq!",
            urls=tuple(f"https://s{i}.example/{k}" for k in range(i % 3)),
            folder=f"Folder {i % 50}" if i % 4 else None,
            note="a note\nwith two lines, and a comma" if i % 5 == 0 else "",
            totp=i % 7 == 0,
            created=base + timedelta(minutes=i),
            changed=base + timedelta(days=1, minutes=i),
            modified=base + timedelta(days=2, minutes=i),
            history=((f"old-{i}", base),) if i % 10 == 0 else (),
            trashed=i % 97 == 0,
        )
        for i in range(n)
    ]


def naive_csv(path: Path, *, header: bool = True) -> int:
    """Reference: csv.DictReader (or csv.reader for Keeper's header-less file) into a list."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh) if header else csv.reader(fh))
    return len(rows)


def naive_json(path: Path, count: Callable[[object], int]) -> int:
    """Reference: json.load and counting the item objects."""
    with path.open(encoding="utf-8") as fh:
        return count(json.load(fh))


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


def _proton_count(data: object) -> int:
    vaults = data["vaults"].values()  # type: ignore[index]
    return sum(len(v["items"]) for v in vaults)


def main() -> None:
    """Generate every export, time each reader against its naive reference, print a table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 items, one repeat")
    parser.add_argument("--items", type=int, default=None)
    args = parser.parse_args()
    n = args.items or (10_000 if args.quick else 100_000)
    repeat = 1 if args.quick else 3
    entries = generate(n)
    exports: dict[str, tuple[str, bytes, Callable[[Path], int]]] = {
        "dashlane-csv": ("c.csv", dashlane_csv(entries).encode(), naive_csv),
        "nordpass-csv": ("n.csv", nordpass_csv(entries).encode(), naive_csv),
        "protonpass-csv": (
            "p.csv", protonpass_csv(entries, structured=True).encode(), naive_csv
        ),
        "protonpass-json": (
            "p.json", json.dumps(protonpass_json(entries)).encode(),
            lambda p: naive_json(p, _proton_count),
        ),
        "keeper-csv": ("k.csv", keeper_csv(entries).encode(), lambda p: naive_csv(p, header=False)),
        "keeper-json": (
            "k.json", json.dumps(keeper_json(entries)).encode(),
            lambda p: naive_json(p, lambda d: len(d["records"])),  # type: ignore[index]
        ),
        "enpass-json": (
            "e.json", json.dumps(enpass_json(entries)).encode(),
            lambda p: naive_json(p, lambda d: len(d["items"])),  # type: ignore[index]
        ),
        "roboform-csv": ("r.csv", roboform_csv(entries), naive_csv),
    }  # fmt: skip
    del entries
    print(f"{n:,} items; best of {repeat}; MiB = peak traced heap")
    print(f"{'reader':<17}{'items/s':>11}{'peak MiB':>10}{'ref items/s':>13}"
          f"{'ref MiB':>9}{'time ratio':>12}{'mem ratio':>11}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:  # generated data only, no real secrets
        for name, (file_name, data, reference) in exports.items():
            path = Path(tmp) / file_name
            path.write_bytes(data)
            nordpass_folders = 50 if name == "nordpass-csv" else 0  # folder rows are not items

            def ours(p: Path = path, fmt: str = name) -> int:
                return len(read_vault(p, format=fmt))

            def ref(p: Path = path, count: Callable[[Path], int] = reference) -> int:
                return count(p)

            assert ours() == n
            assert ref() == n + nordpass_folders
            t_ours, t_ref = timed(ours, repeat), timed(ref, repeat)
            m_ours, m_ref = peak_mib(ours), peak_mib(ref)
            print(
                f"{name:<17}{n / t_ours:>11,.0f}{m_ours:>10.1f}{n / t_ref:>13,.0f}"
                f"{m_ref:>9.1f}{t_ours / t_ref:>11.2f}x{m_ours / m_ref:>10.2f}x"
            )
            path.unlink()


if __name__ == "__main__":
    main()
