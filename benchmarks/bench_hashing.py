"""Cost of pwhygiene.hashing next to the hashers people already use, and assess() throughput.

``hash``/``verify`` should cost what argon2-cffi costs with the same parameters (ratio ~1.00:
the wrapper adds a regex check and nothing else). The other rows put the profile in context:
Django's default Argon2 (100 MiB, 2 passes, 8 lanes) and PBKDF2 (1,000,000 iterations), and
Werkzeug's scrypt default (Flask). ``assess`` is pure parsing; it is measured per hash over a
mix of every format it reads.

    python benchmarks/bench_hashing.py           # 5 repeats, 20,000 assess() calls
    python benchmarks/bench_hashing.py --quick   # 1 repeat, 2,000 calls
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    ScryptPasswordHasher,
)
from werkzeug.security import check_password_hash, generate_password_hash

from pwhygiene import hashing

PASSWORD = "correct horse battery staple"


def best(run: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def best_pair(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best times of ``a`` and ``b`` run alternately, so machine load hits both alike."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(repeat):
        for run, times in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return min(times_a), min(times_b)


def sample_hashes() -> list[str]:
    """One hash of every family assess() reads, made by the real producers where we have them."""
    pbkdf2 = PBKDF2PasswordHasher()
    return [
        hashing.hash(PASSWORD),
        Argon2PasswordHasher().encode(PASSWORD, pbkdf2.salt()),
        pbkdf2.encode(PASSWORD, pbkdf2.salt(), iterations=1000),
        ScryptPasswordHasher().encode(PASSWORD, pbkdf2.salt()),
        generate_password_hash(PASSWORD),
        generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        "$2b$12$" + "a" * 53,
        "$6$rounds=656000$saltsalt$" + "a" * 86,
        hashlib.md5(PASSWORD.encode()).hexdigest(),
        hashlib.sha1(PASSWORD.encode()).hexdigest(),
        "not a hash at all",
    ]


def main() -> None:
    """Print one table: operation, seconds, ratio to the named peer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, fewer assess() calls")
    args = parser.parse_args()
    repeat, calls = (1, 2_000) if args.quick else (5, 20_000)

    ours = hashing.hash(PASSWORD)
    peer = PasswordHasher()
    django_argon2, django_pbkdf2 = Argon2PasswordHasher(), PBKDF2PasswordHasher()
    salt = django_pbkdf2.salt()
    django_a2 = django_argon2.encode(PASSWORD, salt)
    django_pb = django_pbkdf2.encode(PASSWORD, salt)
    werkzeug = generate_password_hash(PASSWORD)

    rows: list[tuple[str, float, str]] = []
    base_hash, t = best_pair(lambda: peer.hash(PASSWORD), lambda: hashing.hash(PASSWORD), repeat)
    rows.append(("argon2-cffi hash (same profile)", base_hash, "1.00 (peer)"))
    rows.append(("pwhygiene.hashing.hash", t, f"{t / base_hash:.2f} x argon2-cffi"))
    base_verify, t = best_pair(
        lambda: peer.verify(ours, PASSWORD), lambda: hashing.verify(ours, PASSWORD), repeat
    )
    rows.append(("argon2-cffi verify (same profile)", base_verify, "1.00 (peer)"))
    rows.append(("pwhygiene.hashing.verify", t, f"{t / base_verify:.2f} x argon2-cffi"))
    t = best(lambda: django_argon2.verify(PASSWORD, django_a2), repeat)
    rows.append(("Django Argon2 verify (100 MiB/2/8)", t, f"{t / base_verify:.2f} x ours"))
    t = best(lambda: django_pbkdf2.verify(PASSWORD, django_pb), repeat)
    rows.append(("Django PBKDF2 verify (1,000,000)", t, f"{t / base_verify:.2f} x ours"))
    t = best(lambda: check_password_hash(werkzeug, PASSWORD), repeat)
    rows.append(("Werkzeug scrypt verify (2^15/8/1)", t, f"{t / base_verify:.2f} x ours"))

    samples = sample_hashes()
    work = [samples[i % len(samples)] for i in range(calls)]
    t = best(lambda: [hashing.assess(h) for h in work], repeat)
    rows.append(
        (f"assess() per hash ({len(samples)} formats mixed)", t / calls, f"{calls / t:,.0f}/s")
    )

    print(f"{'operation':<44} {'seconds':>12}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<44} {seconds:>12.6f}  {ratio}")


if __name__ == "__main__":
    main()
