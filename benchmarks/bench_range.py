"""Range lookups against a loopback RangeServer with injected latency: pwhygiene vs pwnedpasswords.

The peer is the loop most code uses: ``pwnedpasswords.check(password)`` once per password,
sequential, a new connection each time. pwhygiene's ``count_many`` deduplicates prefixes and
fetches them concurrently over one pooled session. The server runs in its own process (so the
client's threads do not compete with it for the GIL) and sleeps ``--latency-ms`` per request,
roughly a real round trip to the API's CDN. pwhygiene's clients talk to a second server that
also turns ``--fault-rate`` of its answers into a fault (503, 429 with ``Retry-After:
--retry-after``, a truncated or a garbled body), which they must retry; the peer cannot retry,
so it gets the fault-free server.

``--compare-src DIR`` also runs the pwhygiene clients from another checkout's ``src`` (say,
``main``'s) against the same servers in the same run: an A/B of the client's cost.

    python benchmarks/bench_range.py            # 2,500 distinct prefixes, 50 ms latency
    python benchmarks/bench_range.py --quick    # 200 prefixes
    mkdir -p /tmp/main && git archive main src | tar -x -C /tmp/main && \
        python benchmarks/bench_range.py --compare-src /tmp/main/src
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.connection
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

import pwnedpasswords
import pwnedpasswords.pwnedpasswords as peer_module

from pwhygiene import RangeClient
from pwhygiene._breach.range.client import DEFAULT_MAX_WORKERS
from pwhygiene.breach import sha1_digest
from pwhygiene.testing import RangeServer


def make_corpus(prefixes: int) -> dict[str, int]:
    """Passwords with distinct SHA-1 prefixes, each with a known count."""
    corpus: dict[str, int] = {}
    seen: set[str] = set()
    n = 0
    while len(corpus) < prefixes:
        password = f"bench-password-{n}"
        n += 1
        if (prefix := sha1_digest(password)[:5]) not in seen:
            seen.add(prefix)
            corpus[password] = n % 5000 + 1
    return corpus


FAULTS = ("unavailable", "rate_limited", "truncated", "garbage")


def serve(
    conn: multiprocessing.connection.Connection,
    corpus: dict[str, int],
    latency: float,
    fault_rate: float,
    retry_after: int,
) -> None:
    """Child process: run a clean and a faulty server until the parent says stop."""
    faulty = RangeServer.from_passwords(
        corpus,
        latency_ms=latency,
        fault_rate=fault_rate,
        fault_kinds=FAULTS,
        retry_after=retry_after,
        log_requests=False,
        seed=7,
    )
    with RangeServer.from_passwords(corpus, latency_ms=latency) as server, faulty:
        conn.send((server.url, faulty.url))
        conn.recv()


def point_peer_at(base_url: str) -> None:
    """Redirect the peer to loopback: it hard-codes its base URL in a static method."""

    def url(*components: str, **kwargs: str) -> str:
        return f"{base_url}/" + "/".join(components)

    peer_module.PwnedPasswordsAPI.url = staticmethod(url)


def timed(run: Callable[[], Mapping[str, int]]) -> tuple[float, float, Mapping[str, int]]:
    """Wall time and this process's CPU time (the client's: the server is another process)."""
    start, cpu = time.perf_counter(), time.process_time()
    answers = run()
    return time.perf_counter() - start, time.process_time() - cpu, answers


Row = tuple[str, float, float, int, int]


def run_clients(url: str, passwords: list[str], workers: list[int], tag: str) -> list[Row]:
    """The pwhygiene rows: a count() loop on a sample, then count_many at each pool size."""
    expected = make_corpus(len(passwords))
    rows: list[Row] = []
    with RangeClient(url, cache=False) as client:
        sample = passwords[: max(1, len(passwords) // 10)]
        loop_time, loop_cpu, loop_answers = timed(
            lambda: {pw: client.count(sha1_digest(pw)) for pw in sample}
        )
    loop_wrong = sum(loop_answers[pw] != expected[pw] for pw in sample)
    rows.append((f"{tag}count() loop (10 % sample)", loop_time, loop_cpu, len(sample), loop_wrong))
    configs = [(w, True) for w in workers] + [(max(workers), False)]
    for count, padding in configs:
        with RangeClient(url, cache=False, max_workers=count, padding=padding) as client:

            def batch(client: RangeClient = client) -> dict[str, int]:
                digests = {pw: sha1_digest(pw) for pw in passwords}
                counts = client.count_many(digests.values())
                return {pw: counts[d] for pw, d in digests.items()}

            batch_time, batch_cpu, batch_answers = timed(batch)
        wrong = sum(batch_answers[pw] != n for pw, n in expected.items())
        label = f"{tag}count_many, {count} workers" + ("" if padding else ", unpadded")
        label += " (default)" if count == DEFAULT_MAX_WORKERS and padding else ""
        rows.append((label, batch_time, batch_cpu, len(passwords), wrong))
    return rows


def run_other_src(src: str, url: str, size: int, workers: list[int]) -> list[Row]:
    """The same client rows, from the pwhygiene under ``src``, in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": src}
    command = [sys.executable, __file__, "--clients-only", url, "--prefixes", str(size)]
    command += ["--workers", *map(str, workers)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return [(f"A {r[0]}", float(r[1]), float(r[2]), int(r[3]), int(r[4])) for r in json.loads(out)]


def main() -> None:
    """Run the comparison and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 prefixes instead of 2,500")
    parser.add_argument("--prefixes", type=int, default=None)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--workers", type=int, nargs="*", default=[16, DEFAULT_MAX_WORKERS, 64])
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--retry-after", type=int, default=0, help="the 429s' Retry-After, s")
    parser.add_argument("--compare-src", help="also run the clients from this src dir (A)")
    parser.add_argument("--clients-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = args.prefixes or (200 if args.quick else 2500)
    corpus = make_corpus(size)
    expected = dict(corpus)
    passwords = list(corpus)

    if args.clients_only:  # a child of --compare-src: print rows for the parent
        print(json.dumps(run_clients(args.clients_only, passwords, args.workers, "")))
        return

    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(
        target=serve, args=(child, corpus, args.latency_ms, args.fault_rate, args.retry_after)
    )
    process.start()
    url, faulty_url = parent.recv()
    rows: list[Row] = []
    try:
        point_peer_at(url)
        peer_time, peer_cpu, peer_answers = timed(
            lambda: {pw: pwnedpasswords.check(pw) for pw in passwords}
        )
        peer_wrong = sum(peer_answers[pw] != n for pw, n in expected.items())
        rows.append(("pwnedpasswords.check loop (peer)", peer_time, peer_cpu, size, peer_wrong))
        if args.compare_src:
            rows += run_other_src(args.compare_src, faulty_url, size, args.workers)
        tag = "B " if args.compare_src else ""
        rows += run_clients(faulty_url, passwords, args.workers, tag)
    finally:
        parent.send("stop")
        process.join()

    peer_rate = size / peer_time
    print(
        f"{size} distinct prefixes, {args.latency_ms:g} ms injected latency; pwhygiene's "
        f"server faults {args.fault_rate:.0%} of answers ({', '.join(FAULTS)}), "
        f"Retry-After {args.retry_after} s"
    )
    if args.compare_src:
        print(f"A: pwhygiene from {args.compare_src}; B: this checkout")
    print("pwhygiene asks for padding (800-1000 rows per answer); the peer does not (1 row)")
    print("cpu ms/req: the client's own CPU per request (the server runs in another process)")
    print(
        f"{'client':<44} {'requests':>8} {'wall s':>8} {'req/s':>8} {'vs peer':>8} "
        f"{'cpu ms/req':>10} {'wrong':>6}"
    )
    for name, seconds, cpu, requests, wrong in rows:
        rate = requests / seconds
        print(
            f"{name:<44} {requests:>8} {seconds:>8.2f} {rate:>8.1f} "
            f"{rate / peer_rate:>7.1f}x {cpu / requests * 1000:>10.2f} {wrong:>6}"
        )


if __name__ == "__main__":
    main()
