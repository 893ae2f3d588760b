"""KDF cost of opening a Bitwarden encrypted export vs the bare derivation in argon2-cffi.

Opening a password-protected export is one key derivation plus HKDF, two HMACs and one
AES-CBC pass over a small payload. The derivation should be all of it: the ratio of the full
``read_vault`` to ``argon2.low_level.hash_secret_raw`` with the same parameters (and to
``hashlib.pbkdf2_hmac`` for PBKDF2) should be ~1.00.

    python benchmarks/bench_vault_kdf.py           # Argon2id 64 MiB/3/4 and PBKDF2 600,000
    python benchmarks/bench_vault_kdf.py --quick   # one repeat each
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pwhygiene import read_vault
from strategies.vault_core import bitwarden_encrypted

PASSWORD = "benchmark password"
SALT = "c2FsdHNhbHRzYWx0c2FsdA=="
INNER = {"encrypted": False, "folders": [], "items": []}
ARGON2: dict[str, int | None] = {
    "kdfType": 1,
    "kdfIterations": 3,
    "kdfMemory": 64,
    "kdfParallelism": 4,
}
PBKDF2: dict[str, int | None] = {
    "kdfType": 0,
    "kdfIterations": 600_000,
    "kdfMemory": None,
    "kdfParallelism": None,
}


def best(run: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_argon2() -> bytes:
    """The derivation alone, as argon2-cffi does it (Bitwarden's salt: SHA-256 of the string)."""
    return hash_secret_raw(
        PASSWORD.encode(),
        hashlib.sha256(SALT.encode()).digest(),
        time_cost=3,
        memory_cost=64 * 1024,
        parallelism=4,
        hash_len=32,
        type=Type.ID,
    )


def bare_pbkdf2() -> bytes:
    """The derivation alone, with hashlib."""
    return hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), SALT.encode(), 600_000, 32)


def main() -> None:
    """Write both exports, time opening them against the bare KDF, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat each")
    args = parser.parse_args()
    repeat = 1 if args.quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name, kdf, bare in (
            ("Argon2id 64 MiB, 3 passes, 4 lanes", ARGON2, bare_argon2),
            ("PBKDF2-SHA256 600,000", PBKDF2, bare_pbkdf2),
        ):
            path = Path(tmp) / f"{kdf['kdfType']}.json"
            path.write_text(json.dumps(bitwarden_encrypted(INNER, PASSWORD, kdf, SALT)))
            t_open = best(partial(read_vault, path, password=PASSWORD), repeat)
            t_bare = best(bare, repeat)
            rows.append((name, t_open, t_bare))
    print(f"best of {repeat}")
    print(f"{'KDF':<36}{'open export s':>15}{'bare KDF s':>12}{'ratio':>8}")
    for name, t_open, t_bare in rows:
        print(f"{name:<36}{t_open:>15.3f}{t_bare:>12.3f}{t_open / t_bare:>7.2f}x")


if __name__ == "__main__":
    main()
