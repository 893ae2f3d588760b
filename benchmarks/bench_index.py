"""Offline index lookups on a corpus shaped like the real one: heavy tail, skewed lookups, A/B.

    python benchmarks/bench_index.py                    # 8 M hashes
    python benchmarks/bench_index.py --quick            # 1 M hashes
    python benchmarks/bench_index.py --ab 2f36d54       # also today's index against REF's
    python benchmarks/bench_index.py --others           # also a text bisect and a Python set

A synthetic corpus in the downloader's single-file format (sorted SHA-1 ``HASH:COUNT`` lines)
is generated with numpy and cached under ``benchmarks/.cache/``. What it stands for:

* **counts**: the real Pwned Passwords counts have a heavy tail, about 1 % of hashes seen 255
  times or more (issue 14). A Zipf(1.75) draw, capped at 50 million, has that shape: about half
  of the hashes are seen once and 1.06 % reach 255 (the overflow table).
* **lookups**: ``uniform`` draws half present hashes uniformly and half absent ones (a bulk
  audit of random accounts); ``skewed`` draws half of its lookups from the heavy hitters,
  weighted by their count (what signups and logins type: common passwords, most often the
  most common), a quarter from the other hashes and a quarter absent.

Each implementation runs in its own child process (its peak RSS its own); ``--ab REF`` runs
the same child on ``git archive REF src`` (builds its own index in REF's format) in the same
run, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import bisect
import json
import mmap
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pwhygiene import OfflineIndex

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BATCH = 1_000_000
SINGLES = 20_000
ZIPF = 1.75
MAX_COUNT = 50_000_000
HEAVY = 255
_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def generate(folder: Path, n: int, seed: int = 2026) -> None:
    """Write ``n`` sorted random SHA-1 lines with Zipf counts, and the arrays for the probes."""
    rng = np.random.default_rng(seed)
    digests = rng.integers(0, 256, size=(n, 20), dtype=np.uint8)
    words = np.zeros((n, 24), dtype=np.uint8)
    words[:, :20] = digests
    w = words.view(">u8").astype(np.uint64)
    digests = digests[np.lexsort((w[:, 2], w[:, 1], w[:, 0]))]
    counts = np.minimum(rng.zipf(ZIPF, size=n), MAX_COUNT).astype(np.uint64)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.part").open("wb") as out:
        for start in range(0, n, 1_000_000):
            out.write(_lines(digests[start : start + 1_000_000], counts[start : start + 1_000_000]))
    np.save(folder / "digests.npy", digests)
    np.save(folder / "counts.npy", counts)
    (folder / "corpus.part").replace(folder / "corpus.txt")


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
        place = (counts // np.uint64(10**k) % np.uint64(10))[valid].astype(np.uint8)
        out[(starts + 40 + digits - k)[valid]] = 48 + place
    out[starts + length - 2] = 13
    out[starts + length - 1] = 10
    return out.tobytes()


def probes(folder: Path, mix: str, count: int, seed: int = 7) -> np.ndarray:
    """``count`` raw digests ``(count, 20)`` of the ``uniform`` or ``skewed`` mix, shuffled."""
    rng = np.random.default_rng(seed)
    digests = np.load(folder / "digests.npy", mmap_mode="r")
    counts = np.load(folder / "counts.npy", mmap_mode="r")
    if mix == "uniform":
        parts = [digests[np.sort(rng.integers(0, len(digests), count // 2))]]
    else:
        heavy = np.flatnonzero(counts >= HEAVY)
        weights = counts[heavy].astype(np.float64)
        hot = rng.choice(heavy, size=count // 2, p=weights / weights.sum())
        light = np.flatnonzero(counts < HEAVY)
        cold = light[rng.integers(0, len(light), count // 4)]
        parts = [digests[np.sort(hot)], digests[np.sort(cold)]]
    taken = sum(len(p) for p in parts)
    parts.append(rng.integers(0, 256, size=(count - taken, 20), dtype=np.uint8))
    mixed = np.concatenate(parts)
    return mixed[rng.permutation(len(mixed))]


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU: what it costs with a core to itself)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(rounds: int, action: Callable[[], object]) -> tuple[float, float]:
    """The fastest wall-clock and CPU time of ``rounds`` calls (the least disturbed)."""
    runs = [timed(action) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _status_mb(field: str) -> float:
    """``VmRSS``/``VmHWM`` of this process (ru_maxrss would include the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_index(folder: Path, n: int, rounds: int, tag: str) -> dict[str, float | str]:
    """Build the index with whichever pwhygiene is importable, then time every lookup path."""
    import pwhygiene  # noqa: PLC0415 -- the tree under test, chosen by the parent's PYTHONPATH
    from pwhygiene import OfflineIndex  # noqa: PLC0415
    from pwhygiene.breach import build_index  # noqa: PLC0415

    target = folder / f"index-{tag}.idx"
    base = _status_mb("VmRSS")
    build_wall, build_cpu = timed(lambda: build_index(folder / "corpus.txt", target))
    out: dict[str, float | str] = {
        "code": str(Path(pwhygiene.__file__).parent),
        "build_per_s": n / build_wall,
        "build_cpu_per_s": n / build_cpu,
        "build_peak_mb": _status_mb("VmHWM") - base,
    }
    with OfflineIndex.open(target) as index:
        out["bytes_per_hash"] = index.info.file_size / n
        out["overflow_share"] = index.info.overflow_count / n
        for mix in ("uniform", "skewed"):
            out |= _time_mix(index, mix, probes(folder, mix, BATCH), rounds)
    target.unlink()
    return out


def _time_mix(
    index: OfflineIndex, mix: str, raw: np.ndarray, rounds: int
) -> dict[str, float | str]:
    """Batched (raw and hex) and single lookups of one probe mix."""
    hexed = [bytes(row).hex().upper() for row in raw]
    singles = hexed[:SINGLES]
    out: dict[str, float | str] = {}
    wall, cpu = best(rounds, lambda: index.count_array(raw))
    out[f"{mix}_array_per_s"], out[f"{mix}_array_cpu_per_s"] = BATCH / wall, BATCH / cpu
    wall, cpu = best(rounds, lambda: index.count_many(hexed))
    out[f"{mix}_many_per_s"], out[f"{mix}_many_cpu_per_s"] = BATCH / wall, BATCH / cpu
    wall, cpu = best(rounds + 2, lambda: [index.count(d) for d in singles])
    out[f"{mix}_single_us"], out[f"{mix}_single_cpu_us"] = (
        wall / SINGLES * 1e6,
        cpu / SINGLES * 1e6,
    )
    return out


def child_others(folder: Path, n: int, rounds: int, tag: str) -> dict[str, float | str]:
    """A binary search over the mmapped text, and a Python set of the digests (no counts)."""
    hexed = [bytes(row).hex().upper() for row in probes(folder, "uniform", BATCH)]
    singles = hexed[:SINGLES]
    corpus = folder / "corpus.txt"
    with corpus.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:

        class Lines:
            """Byte offsets that read as the 40 hex digits of the line they fall in."""

            def __len__(self) -> int:
                return len(mm)

            def __getitem__(self, offset: int) -> bytes:
                start = mm.rfind(b"\n", 0, offset) + 1
                return mm[start : start + 40]

        def count(digest: str) -> int:
            key = digest.encode()
            start = bisect.bisect_left(Lines(), key)  # the first offset whose line sorts >= key
            if mm[start : start + 40] != key:
                return 0
            return int(mm[start + 41 : mm.find(b"\r", start)])

        text_wall, text_cpu = best(rounds, lambda: [count(d) for d in singles])
    base = _status_mb("VmRSS")
    start = time.perf_counter()
    with corpus.open("rb") as f:
        hashes = {line[:40].decode() for line in f}
    load = time.perf_counter() - start
    wall, cpu = best(rounds, lambda: [q in hashes for q in hexed])
    return {
        "code": "others",
        "text_bytes_per_hash": corpus.stat().st_size / n,
        "text_single_us": text_wall / SINGLES * 1e6,
        "text_single_cpu_us": text_cpu / SINGLES * 1e6,
        "load_s": load,
        "ram_mb": _status_mb("VmHWM") - base,
        "set_per_s": BATCH / wall,
        "set_cpu_per_s": BATCH / cpu,
    }


CHILDREN = {"index": child_index, "others": child_others}


def _baseline(ref: str) -> Path:
    """``src/`` of ``ref``, extracted once under the cache (``git archive``)."""
    root = CACHE / f"ab-{ref}"
    if not (root / "src").exists():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", ref, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root / "src"


def _run(child: str, n: int, rounds: int, tag: str, src: Path | None) -> dict[str, float | str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    command = [sys.executable, __file__, "--size", str(n), "--child", child]
    command += ["--rounds", str(rounds), "--tag", tag]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    result: dict[str, float | str] = json.loads(done.stdout)
    return result


def _report(results: dict[str, dict[str, float | str]], n: int, folder: Path) -> None:
    text_mb = (folder / "corpus.txt").stat().st_size / 2**20
    print(f"{n:,} SHA-1 hashes ({text_mb:,.0f} MiB of text), Zipf({ZIPF}) counts")
    for label, r in results.items():
        if r["code"] == "others":
            continue
        print(
            f"\n[{label}] {r['code']}\n"
            f"  bytes/hash {float(r['bytes_per_hash']):.3f}, overflow share (counts >= 255) "
            f"{float(r['overflow_share']):.2%}, build {float(r['build_per_s']):,.0f} hashes/s "
            f"({float(r['build_cpu_per_s']):,.0f} by CPU), build peak "
            f"{float(r['build_peak_mb']):,.0f} MB"
        )
        print(
            f"  {'mix':<8} {'count_array/s':>14} {'(CPU)':>12} {'count_many/s':>13} "
            f"{'(CPU)':>12} {'single us':>10} {'(CPU)':>7}"
        )
        for mix in ("uniform", "skewed"):
            print(
                f"  {mix:<8} {float(r[f'{mix}_array_per_s']):>14,.0f} "
                f"{float(r[f'{mix}_array_cpu_per_s']):>12,.0f} "
                f"{float(r[f'{mix}_many_per_s']):>13,.0f} "
                f"{float(r[f'{mix}_many_cpu_per_s']):>12,.0f} "
                f"{float(r[f'{mix}_single_us']):>10.2f} {float(r[f'{mix}_single_cpu_us']):>7.2f}"
            )
    if "others" in results:
        o = results["others"]
        print(
            f"\n[text file, mmap + bisect] {float(o['text_bytes_per_hash']):.1f} B/hash, single "
            f"{float(o['text_single_us']):.2f} us ({float(o['text_single_cpu_us']):.2f} by CPU)"
            f"\n[Python set, no counts] load {float(o['load_s']):.1f} s, "
            f"{float(o['ram_mb']):,.0f} MB RAM, {float(o['set_per_s']):,.0f} lookups/s "
            f"({float(o['set_cpu_per_s']):,.0f} by CPU), uniform mix"
        )
    print(
        "\ncount_array: raw digests in, numpy counts out; count_many: hex in, dict out; single: "
        "count() per digest. Lookups are the best of the rounds, the build a single run."
    )


def main() -> None:
    """Generate (or reuse) the corpus, run each child, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 M hashes instead of 8 M")
    parser.add_argument("--size", type=int, help="number of hashes")
    parser.add_argument("--ab", metavar="REF", help="also run REF's code (git ref) in this run")
    parser.add_argument("--others", action="store_true", help="also a text bisect and a set")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per lookup path")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="new", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.size or (1_000_000 if args.quick else 8_000_000)
    folder = CACHE / f"zipf-{n}"
    if args.child:
        print(json.dumps(CHILDREN[args.child](folder, n, args.rounds, args.tag)))
        return
    if not (folder / "corpus.txt").exists():
        took, _ = timed(lambda: generate(folder, n))
        print(f"generated {folder} in {took:.1f} s", file=sys.stderr)
    results = {"this tree": _run("index", n, args.rounds, "new", None)}
    if args.ab:  # one round: the old code's skewed batches take seconds each
        results[f"{args.ab} (A/B)"] = _run("index", n, 1, "old", _baseline(args.ab))
    if args.others:
        results["others"] = _run("others", n, args.rounds, "set", None)
    _report(results, n, folder)


if __name__ == "__main__":
    main()
