"""KeePass reader speed: KDF overhead, AES-KDF, and entries/s for KDBX 4, KDBX 3.1 and XML.

* Argon2id (64 MiB, 3 passes, 2 lanes): opening a one-entry KDBX 4 with ``read_vault`` vs the
  same derivation with argon2-cffi's ``hash_secret_raw`` alone. The difference is our overhead.
* AES-KDF: our CBC-over-zero-blocks form vs the obvious ECB loop (one ``update`` per round,
  as a straightforward pure-Python reader does it). The loop is timed on a tenth of the rounds
  and scaled; the table says so.
* Parsing: a generated database of N entries (two history snapshots each) read as KDBX 4
  (ChaCha20 inner stream), KDBX 3.1 (our pure-Python Salsa20) and the XML export, with the
  cheapest KDF so only parsing and decryption are timed.

    python benchmarks/bench_keepass.py            # 2,000,000 AES-KDF rounds, 10,000 entries
    python benchmarks/bench_keepass.py --quick    # 200,000 rounds, 1,000 entries
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from argon2.low_level import Type, hash_secret_raw

from kdbx_writer import (
    Entry,
    Group,
    KdfSpec,
    Snapshot,
    build_xml,
    naive_aes_kdf,
    write_kdbx3,
    write_kdbx4,
)
from pwhygiene import read_vault
from pwhygiene._vault.kdbx.keys import aes_kdf


def timed(func: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` calls, in seconds (the minimum is the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def database(count: int) -> Group:
    """``count`` entries with realistic fields and two history snapshots each."""
    base = datetime(2022, 1, 1, tzinfo=timezone.utc)
    entries = [
        Entry(
            f"Site {i}",
            username=f"user{i}@example.org",
            password=f"pw-{i}-{os.urandom(6).hex()}",
            url=f"https://site{i}.example/login",
            notes="notes" if i % 3 == 0 else "",
            created=base,
            modified=base + timedelta(days=30),
            history=[
                Snapshot(f"old-{i}", base + timedelta(days=10)),
                Snapshot(f"older-{i}", base + timedelta(days=20)),
            ],
        )
        for i in range(count)
    ]
    return Group(
        "Root", entries=entries[: count // 2], groups=[Group("Sub", entries=entries[count // 2 :])]
    )


def main() -> None:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run")
    args = parser.parse_args()
    rounds = 200_000 if args.quick else 2_000_000
    count = 1_000 if args.quick else 10_000

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        spec = KdfSpec("argon2id", memory=64 * 2**20, iterations=3, parallelism=2)
        one = Group("Root", entries=[Entry("x", password="y")])
        path = directory / "argon2.kdbx"
        path.write_bytes(write_kdbx4(one, password="pw", kdf=spec))
        ours = timed(lambda: read_vault(path, password="pw"))
        alone = timed(
            lambda: hash_secret_raw(os.urandom(32), os.urandom(32), 3, 65536, 2, 32, Type.ID, 0x13)
        )
        print("Argon2id 64 MiB, t=3, p=2          seconds")
        print(f"  read_vault (KDF + decrypt + parse) {ours:8.3f}")
        print(f"  argon2-cffi hash_secret_raw alone  {alone:8.3f}")
        print(f"  overhead                           {ours - alone:+8.3f}  ({ours / alone:.2f}x)")

        key, seed = os.urandom(32), os.urandom(32)
        fast = timed(lambda: aes_kdf(key, seed, rounds))
        naive = timed(lambda: naive_aes_kdf(key, seed, rounds // 10)) * 10
        print(f"\nAES-KDF, {rounds:,} rounds                seconds")
        print(f"  pwhygiene (CBC over zero blocks)   {fast:8.3f}")
        print(f"  ECB loop, one update per round     {naive:8.3f}  (timed on 1/10, scaled)")
        print(f"  speed-up                           {naive / fast:8.1f}x")

        root = database(count)
        cheap = KdfSpec("aes", rounds=1)
        files = {
            "KDBX 4 (AES, ChaCha20 inner)": write_kdbx4(root, password="pw", kdf=cheap),
            "KDBX 3.1 (AES, Salsa20 inner)": write_kdbx3(root, password="pw", rounds=1),
            "KeePass XML export": build_xml(root, binary_times=False),
        }
        print(f"\nParsing {count:,} entries              seconds   entries/s")
        for label, data in files.items():
            target = directory / ("db.xml" if "XML" in label else "db.kdbx")
            target.write_bytes(data)
            seconds = timed(partial(read_vault, target, password="pw"))
            print(f"  {label:<34}{seconds:8.3f}  {count / seconds:10,.0f}")
    print("\nBest of three runs on a shared machine: treat the numbers as indicative.")


if __name__ == "__main__":
    main()
