"""How far past its deadline a lookup ends, against servers that would hold it for ever.

Each scenario is the issue's: ``timeout=(2, 3), retries=0`` (``retries=3`` for the 429), and a
loopback ``HostileServer`` that drips a body, drips chunks, floods ``100 Continue``, holds the
connection open, or answers ``429 Retry-After: 59``. Without a deadline these held ``check()``
for 40 s, 75 s and 59 s per retry. The goal is to end less than 1 s past the deadline.

    python benchmarks/bench_deadline.py                 # deadline 3 s, 5 runs per scenario
    python benchmarks/bench_deadline.py --deadline 1 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from pwhygiene import RangeClient
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import BreachServiceUnavailable
from pwhygiene.testing import HostileServer, RawAnswer, http_response

DIGEST = sha1_digest("zephyr-marrow-glyph-tundra")
BATCH = [sha1_digest(f"batch-{n}") for n in range(64)]
SCENARIOS = {
    "drip-body": RawAnswer(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n",
        drip=b"A",
        interval=0.05,
        endless=True,
    ),
    "drip-chunks": RawAnswer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        drip=b"1\r\nA\r\n",
        interval=0.05,
        endless=True,
    ),
    "100-continue": RawAnswer(
        b"", drip=b"HTTP/1.1 100 Continue\r\n\r\n", interval=0.01, endless=True
    ),
    "hold-open": RawAnswer(b"", ending="hold"),
    "429-retry-after-59": RawAnswer(
        http_response(b"", status="429 Too Many Requests", headers=[("Retry-After", "59")])
    ),
}


def overshoot(answer: RawAnswer, deadline: float, *, batch: bool) -> float:
    """Seconds past ``deadline`` at which one count() (or one count_many batch) ended."""
    with HostileServer(answer) as server:
        retries = 3 if "429" in repr(answer.head) else 0
        client = RangeClient(
            server.url, timeout=(2, 3), retries=retries, cache=False, deadline=deadline
        )
        start = time.monotonic()
        try:
            if batch:
                client.count_many(BATCH)
            else:
                client.count(DIGEST)
        except BreachServiceUnavailable:
            pass
        else:
            raise SystemExit("the lookup returned a count from a server that never answers")
        ended = time.monotonic() - start
        client.close()
        closed = time.monotonic() - start
    return max(ended, closed) - deadline


def main() -> None:
    """Run every scenario and print how late each lookup ended."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deadline", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"deadline {args.deadline:g} s, {args.runs} runs; seconds past it (lookup + close):")
    for name, answer in SCENARIOS.items():
        for batch in (False, True):
            late = [overshoot(answer, args.deadline, batch=batch) for _ in range(args.runs)]
            what = f"count_many({len(BATCH)})" if batch else "count()"
            print(
                f"  {name:20} {what:15} median {statistics.median(late):+.3f}  max {max(late):+.3f}"
            )


if __name__ == "__main__":
    main()
