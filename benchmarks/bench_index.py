"""Offline index vs a binary search over the text corpus vs a Python set: size, build, lookups.

    python benchmarks/bench_index.py            # 10 M hashes
    python benchmarks/bench_index.py --quick    # 1 M hashes

A synthetic corpus in the downloader's single-file format (sorted SHA-1 ``HASH:COUNT`` CRLF
lines, Zipf(2) counts) is generated with numpy and cached under ``benchmarks/.cache/``. Each
method runs in its own child process so its peak RSS is its own. Lookups are half present,
half absent digests.
"""

from __future__ import annotations

import argparse
import bisect
import json
import mmap
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pwhygiene import OfflineIndex
from pwhygiene.breach import build_index

CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 1_000_000
SINGLES = 20_000
_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def generate(path: Path, n: int, seed: int = 2026) -> None:
    """Write ``n`` sorted random SHA-1 lines with heavy-tailed counts, in 1 M-line chunks."""
    rng = np.random.default_rng(seed)
    digests = rng.integers(0, 256, size=(n, 20), dtype=np.uint8)
    words = np.zeros((n, 24), dtype=np.uint8)
    words[:, :20] = digests
    w = words.view(">u8").astype(np.uint64)
    order = np.lexsort((w[:, 2], w[:, 1], w[:, 0]))
    digests = digests[order]
    counts = np.minimum(rng.zipf(2.0, size=n), 10**8).astype(np.uint64)
    temp = path.with_suffix(".part")
    with temp.open("wb") as out:
        for start in range(0, n, 1_000_000):
            out.write(_lines(digests[start : start + 1_000_000], counts[start : start + 1_000_000]))
    temp.replace(path)


def _lines(digests: np.ndarray, counts: np.ndarray) -> bytes:
    digits = np.floor(np.log10(counts.astype(np.float64))).astype(np.int64) + 1
    length = 40 + 1 + digits + 2
    starts = np.concatenate([[0], np.cumsum(length)[:-1]])
    out = np.empty(int(length.sum()), dtype=np.uint8)
    hexed = np.empty((len(digests), 40), dtype=np.uint8)
    hexed[:, 0::2] = _HEX[digests >> 4]
    hexed[:, 1::2] = _HEX[digests & 15]
    out[starts[:, None] + np.arange(40)] = hexed
    out[starts + 40] = ord(":")
    for k in range(int(digits.max())):
        valid = k < digits
        out[(starts + 40 + digits - k)[valid]] = 48 + (counts // np.uint64(10**k) % np.uint64(10))[
            valid
        ].astype(np.uint8)
    out[starts + length - 2] = 13
    out[starts + length - 1] = 10
    return out.tobytes()


def probes(corpus: Path, n: int, count: int) -> list[str]:
    """Half present digests (read at random lines), half random absent ones."""
    rng = np.random.default_rng(7)
    with corpus.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        present = []
        for offset in rng.integers(0, len(mm) - 100, size=count // 2):
            start = mm.find(b"\n", int(offset)) + 1
            present.append(mm[start : start + 40].decode())
    absent = [
        bytes(row).hex().upper()
        for row in rng.integers(0, 256, (count - len(present), 20), dtype=np.uint8)
    ]
    mixed = present + absent
    rng.shuffle(mixed)
    return mixed


def _status_mb(field: str) -> float:
    """``VmRSS``/``VmHWM`` of this process (ru_maxrss would include the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def best_of(rounds: int, action: Callable[[], object]) -> float:
    """The fastest of ``rounds`` wall-clock timings, in seconds (the least disturbed)."""
    return min(timed(action) for _ in range(rounds))[0]


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call.

    On a shared machine CPU time shows what the code costs when it has a core to itself.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_cpu(rounds: int, action: Callable[[], object]) -> float:
    """The smallest CPU time of ``rounds`` calls, in seconds."""
    return min(timed(action)[1] for _ in range(rounds))


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def child_index(corpus: Path, n: int) -> dict[str, float]:
    """Build the index, then time batched and single lookups."""
    target = corpus.with_suffix(".idx")
    base = _rss_mb()
    info = None

    def build_it() -> None:
        nonlocal info
        info = build_index(corpus, target)

    build, build_cpu = timed(build_it)
    assert info is not None
    build_peak = _peak_mb() - base
    queries = probes(corpus, n, BATCH)
    start = time.perf_counter()
    index = OfflineIndex.open(target)
    opened = time.perf_counter() - start
    batched = best_of(3, lambda: index.count_many(queries))
    raw = np.frombuffer(bytes.fromhex("".join(queries)), dtype=np.uint8).reshape(-1, 20)
    vectorised = best_of(3, lambda: index.count_array(raw))
    singles = queries[:SINGLES]
    single = best_of(5, lambda: [index.count(digest) for digest in singles]) / SINGLES
    cpu = {
        "build_cpu_rate": n / build_cpu,
        "many_cpu_rate": BATCH / best_cpu(3, lambda: index.count_many(queries)),
        "array_cpu_rate": BATCH / best_cpu(3, lambda: index.count_array(raw)),
        "single_cpu_us": best_cpu(5, lambda: [index.count(d) for d in singles]) / SINGLES * 1e6,
    }
    return {
        "bytes_per_hash": info.file_size / n,
        "ram_mb": build_peak,
        "prepare_s": build,
        "prepare_rate": n / build,
        "open_ms": opened * 1000,
        "batched_per_s": BATCH / batched,
        "array_per_s": BATCH / vectorised,
        "single_us": single * 1e6,
        "overflow_share": info.overflow_count / n,
        **cpu,
    }


def child_text(corpus: Path, n: int) -> dict[str, float]:
    """Binary search on line boundaries of the mmapped text (KeePassXC-style, but sorted)."""
    queries = probes(corpus, n, SINGLES * 5)
    with corpus.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:

        def line_at(offset: int) -> bytes:
            start = mm.rfind(b"\n", 0, offset) + 1
            return mm[start : start + 40]

        class Lines:
            def __len__(self) -> int:
                return len(mm)

            def __getitem__(self, offset: int) -> bytes:
                return line_at(offset)

        def count(digest: str) -> int:
            key = digest.encode()
            lines = Lines()
            # the first byte offset whose line sorts >= key is the start of that line
            start = bisect.bisect_left(lines, key)
            if mm[start : start + 40] != key:
                return 0
            end = mm.find(b"\r", start)
            return int(mm[start + 41 : end])

        single = best_of(3, lambda: [count(digest) for digest in queries]) / len(queries)
    return {
        "bytes_per_hash": corpus.stat().st_size / n,
        "ram_mb": 0.0,
        "prepare_s": 0.0,
        "prepare_rate": float("inf"),
        "open_ms": 0.0,
        "batched_per_s": 1 / single,
        "single_us": single * 1e6,
    }


def child_set(corpus: Path, n: int) -> dict[str, float]:
    """Load every hash into a Python set (counts dropped), then time membership tests."""
    queries = probes(corpus, n, BATCH)
    base = _rss_mb()
    start = time.perf_counter()
    with corpus.open("rb") as f:
        hashes = {line[:40].decode() for line in f}
    load = time.perf_counter() - start
    ram = _peak_mb() - base
    batched = best_of(3, lambda: [q in hashes for q in queries])
    return {
        "bytes_per_hash": corpus.stat().st_size / n,
        "ram_mb": ram,
        "prepare_s": load,
        "prepare_rate": n / load,
        "open_ms": load * 1000,
        "batched_per_s": BATCH / batched,
        "single_us": batched / BATCH * 1e6,
    }


def _rate(value: float) -> str:
    return "-" if value == float("inf") else f"{value:,.0f}"


CHILDREN = {"index": child_index, "text": child_text, "set": child_set}
LABELS = {
    "index": "pwhygiene OfflineIndex",
    "text": "text file, mmap + bisect",
    "set": "Python set of hashes",
}


def main() -> None:
    """Generate (or reuse) the corpus, run each method in a child process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 M hashes instead of 10 M")
    parser.add_argument("--size", type=int, help="number of hashes")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.size or (1_000_000 if args.quick else 10_000_000)
    corpus = CACHE / f"corpus-{n}.txt"
    if args.child:
        print(json.dumps(CHILDREN[args.child](corpus, n)))
        return
    CACHE.mkdir(exist_ok=True)
    if not corpus.exists():
        start = time.perf_counter()
        generate(corpus, n)
        print(f"generated {corpus} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    results = {}
    for name in CHILDREN:
        command = [sys.executable, __file__, "--size", str(n), "--child", name]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[name] = json.loads(output)
    ours = results["index"]
    print(f"{n:,} SHA-1 hashes, {corpus.stat().st_size / 2**20:,.0f} MiB of text")
    print(f"index overflow share (counts >= 255): {ours['overflow_share']:.2%}")
    print(
        f"{'method':<26} {'B/hash':>7} {'peak RAM MB':>11} {'build/load s':>12} "
        f"{'hashes/s':>11} {'open ms':>8} {'batched/s':>11} {'single us':>9} {'vs index':>9}"
    )
    for name, r in results.items():
        ratio = ours["batched_per_s"] / r["batched_per_s"]
        print(
            f"{LABELS[name]:<26} {r['bytes_per_hash']:>7.2f} {r['ram_mb']:>11,.0f} "
            f"{r['prepare_s']:>12.1f} {_rate(r['prepare_rate']):>11} {r['open_ms']:>8.1f} "
            f"{r['batched_per_s']:>11,.0f} {r['single_us']:>9.2f} {ratio:>8.1f}x"
        )
    print(
        f"index count_array (raw digests, no dict): {ours['array_per_s']:,.0f} lookups/s; "
        "batched/s above is count_many (hex in, dict out)"
    )
    print(
        f"index by CPU time (what it costs given a free core): build "
        f"{ours['build_cpu_rate']:,.0f} hashes/s, count_many {ours['many_cpu_rate']:,.0f}/s, "
        f"count_array {ours['array_cpu_rate']:,.0f}/s, single {ours['single_cpu_us']:.2f} us"
    )
    print(
        "(vs index: how many times faster the index's count_many is; lookups are the best of "
        "3-5 rounds, the build a single run; a shared machine makes all of it noisy)"
    )


if __name__ == "__main__":
    main()
