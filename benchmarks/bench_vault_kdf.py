"""KDF cost of opening a Bitwarden encrypted export vs the bare derivation in argon2-cffi.

Opening a password-protected export is one key derivation plus HKDF, two HMACs and one
AES-CBC pass over a small payload. The derivation should be all of it: the ratio of the full
``read_vault`` to ``argon2.low_level.hash_secret_raw`` with the same parameters (and to
cryptography's PBKDF2 for PBKDF2) should be ~1.00.

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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

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


def best_pair(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall times of ``a`` and ``b``, run alternately so machine load hits both alike."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(repeat):
        for run, times in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return min(times_a), min(times_b)


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
    """The derivation alone, with the same primitive the reader uses (cryptography's PBKDF2).

    Not hashlib: a Python built without OpenSSL's PBKDF2 falls back to a slow pure-Python
    loop there, which would flatter the reader.
    """
    return PBKDF2HMAC(hashes.SHA256(), 32, SALT.encode(), 600_000).derive(PASSWORD.encode())


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
            t_open, t_bare = best_pair(partial(read_vault, path, password=PASSWORD), bare, repeat)
            rows.append((name, t_open, t_bare))
    print(f"best of {repeat}")
    print(f"{'KDF':<36}{'open export s':>15}{'bare KDF s':>12}{'ratio':>8}")
    for name, t_open, t_bare in rows:
        print(f"{name:<36}{t_open:>15.3f}{t_bare:>12.3f}{t_open / t_bare:>7.2f}x")


if __name__ == "__main__":
    main()
