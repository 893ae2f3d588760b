"""``pwhygiene index fetch`` over a loopback range server: prefixes per second, full-fetch time.

The server (the test fake, in its own process so it does not share the GIL with the fetch)
answers ``--rows`` real rows per prefix, about what the real API holds, after ``--latency-ms``
(roughly a round trip to the API's CDN). The rate measured here, times 1,048,576 prefixes, is
how long a full fetch takes from a server that answers like this one; against the real API the
round trip and its rate limits decide.

    python benchmarks/bench_fetch.py                      # 2,048 prefixes, 16 workers, 50 ms
    python benchmarks/bench_fetch.py --latency-ms 0       # what the client side can do at most
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import random
import tempfile
import time
from pathlib import Path

from pwhygiene._breach.index.fetch import fetch_index
from pwhygiene.testing import InMemoryCorpus, RangeServer

ALL_PREFIXES = 16**5


def _serve(
    conn: multiprocessing.connection.Connection, prefixes: int, rows: int, latency: float
) -> None:
    rng = random.Random(3)
    counts = {
        f"{n:05X}{rng.getrandbits(140):035X}": min(int(rng.paretovariate(0.9)), 10**7)
        for n in range(prefixes)
        for _ in range(rows)
    }
    with RangeServer(InMemoryCorpus(counts), latency_ms=latency, log_requests=False) as server:
        conn.send(server.url)
        conn.recv()


def main() -> None:
    """Fetch the span once and print the rate and the extrapolated full-corpus time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefixes", type=int, default=2048)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve, args=(child, args.prefixes, args.rows, args.latency_ms)
    )
    server.start()
    try:
        url = parent.recv()
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            result = fetch_index(
                Path(tmp) / "f.idx",
                base_url=url,
                prefixes=range(args.prefixes),
                workers=args.workers,
            )
            seconds = time.perf_counter() - started
    finally:
        parent.send("stop")
        server.join(30)
    assert result.info is not None
    rate = result.downloaded / seconds
    print(
        f"{result.downloaded:,} prefixes x {args.rows} rows, {args.workers} workers, "
        f"{args.latency_ms:g} ms latency: {seconds:.1f} s, {rate:,.0f} prefixes/s "
        f"(index built included), {result.info.hash_count:,} hashes"
    )
    print(f"a full fetch (1,048,576 prefixes) at this rate: {ALL_PREFIXES / rate / 3600:.1f} h")


if __name__ == "__main__":
    main()
