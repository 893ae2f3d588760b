"""End-to-end vault audit: pwhygiene vs the sequential loop everyone writes.

A generated Bitwarden JSON export (password-manager style random passwords, human ones with
words and years, reuse, near-reuse, empty and http:// logins) is audited against a loopback
RangeServer answering after ``--latency-ms`` (50 ms, roughly a round trip to the API's CDN),
running in its own process. pwhygiene's path: parse, score on all cores while the range client
looks up every distinct prefix concurrently, run the checks, render JSON and HTML.

The peer is the loop most scripts contain: for each item, ``zxcvbn(password, user_inputs)``
then ``pwnedpasswords.check(password)`` (one request each, sequential). It is timed on a sample
of items and extrapolated to the whole export; the output says so.

Peak RSS is measured in a fresh child process auditing a larger export (100,000 items by
default) with the embedded blocklist as breach source (no 65,000-request range run); the
scoring workers' peak is reported separately.

    python benchmarks/bench_audit.py            # 10,000 items; RSS at 100,000 items
    python benchmarks/bench_audit.py --quick    # 1,000 items; RSS at 5,000 items
    python benchmarks/bench_audit.py --no-padding --rss-items 0   # unpadded answers, no RSS run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pwnedpasswords
import pwnedpasswords.pwnedpasswords as peer_module
from zxcvbn import zxcvbn

from pwhygiene import RangeClient, VaultItem, audit, read_vault, render
from pwhygiene.report import iter_render
from pwhygiene.testing import RangeServer

WORDS = [
    "summer",
    "winter",
    "autumn",
    "spring",
    "dragon",
    "monkey",
    "shadow",
    "master",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "welcome",
    "freedom",
    "whatever",
    "trustno",
    "orange",
    "purple",
    "coffee",
    "cookie",
    "pepper",
    "ginger",
    "tiger",
    "falcon",
    "harbor",
    "violin",
    "meadow",
    "quartz",
    "lantern",
    "marble",
    "velvet",
    "cinnamon",
]
SITES = [
    "mail.google.com",
    "outlook.com",
    "github.com",
    "gitlab.com",
    "amazon.com",
    "ebay.com",
    "bank.example",
    "shop.example",
    "forum.example",
    "news.example",
    "cloud.example",
    "tax.example",
    "airline.example",
]


def make_export(n: int, seed: int = 7) -> tuple[dict[str, object], dict[str, int]]:
    """A Bitwarden-style export of ``n`` logins and a breach corpus for its human passwords."""
    rng = random.Random(seed)  # benchmark data, not secrets
    alphabet = string.ascii_letters + string.digits + "!#%&*-_"
    items: list[dict[str, object]] = []
    passwords: list[str] = []
    breached: dict[str, int] = {}
    for k in range(n):
        roll = rng.random()
        if roll < 0.70:
            password: str | None = "".join(rng.choice(alphabet) for _ in range(rng.randint(14, 24)))
        elif roll < 0.85:
            password = (
                rng.choice(WORDS).capitalize() + str(rng.randint(1970, 2026)) + rng.choice("!?#.")
            )
            if rng.random() < 0.5:
                breached[password] = rng.randint(1, 90_000)
        elif roll < 0.97 and passwords:
            password = rng.choice(passwords)
        else:
            password = None
        if password:
            passwords.append(password)
        host = rng.choice(SITES)
        scheme = "http" if rng.random() < 0.03 else "https"
        year = rng.randint(2015, 2026)
        stamp = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00.000Z"
        items.append(
            {
                "id": f"00000000-0000-4000-8000-{k:012d}",
                "type": 1,
                "name": f"{host.split('.')[0].capitalize()} {k}",
                "revisionDate": stamp,
                "creationDate": stamp,
                "deletedDate": None,
                "login": {
                    "username": f"user{k % 997}@example.org",
                    "password": password,
                    "uris": [{"uri": f"{scheme}://{host}/login"}],
                    "passwordRevisionDate": stamp,
                },
            }
        )
    return {"encrypted": False, "folders": [], "items": items}, breached


def serve(
    conn: multiprocessing.connection.Connection, corpus: dict[str, int], latency: float
) -> None:
    """Child process: run the range server until the parent says stop."""
    with RangeServer.from_passwords(corpus, latency_ms=latency) as server:
        conn.send(server.url)
        conn.recv()


def point_peer_at(base_url: str) -> None:
    """Redirect pwnedpasswords to loopback: it hard-codes its base URL in a static method."""

    def url(*components: str, **kwargs: str) -> str:
        return f"{base_url}/" + "/".join(components)

    peer_module.PwnedPasswordsAPI.url = staticmethod(url)


def run_pwhygiene(path: Path, url: str, range_workers: int, padding: bool) -> dict[str, float]:
    """Parse, audit (scoring overlapped with lookups), render; the time of each phase."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    vault = read_vault(path)
    times["parse"] = time.perf_counter() - start
    finished: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if done >= total:
            finished[phase] = time.perf_counter() - mark

    with RangeClient(url, max_workers=range_workers, padding=padding) as client:
        mark = time.perf_counter()
        report = audit(vault, breach=client, progress=progress)
        times["score + breach + checks"] = time.perf_counter() - mark
    for phase in ("score", "breach"):
        times[f"  of which {phase} finished after"] = finished.get(phase, float("nan"))
    mark = time.perf_counter()
    render(report, "json")
    render(report, "html")
    times["render json + html"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - start
    if report.breach.unknown:
        raise SystemExit(f"{report.breach.unknown} lookups failed; the run is not comparable")
    return times


def user_inputs(item: VaultItem) -> list[str]:
    """What the peer passes zxcvbn: username, title and URL hosts (as pwhygiene's audit does)."""
    hosts = [urlsplit(u if "://" in u else "//" + u).hostname for u in item.urls]
    return [s for s in (item.username, item.title, *hosts) if s]


def run_peer(path: Path, sample: int) -> tuple[float, int]:
    """The sequential loop over ``sample`` items: seconds taken and items done."""
    vault = read_vault(path)
    items = [i for i in vault.logins() if i.password][:sample]
    start = time.perf_counter()
    for item in items:
        zxcvbn(item.password, user_inputs=user_inputs(item))
        with contextlib.suppress(ValueError):  # the peer cannot parse an empty range body
            pwnedpasswords.check(item.password)
    return time.perf_counter() - start, len(items)


def rss_child(path: Path) -> None:
    """In a fresh process: audit ``path`` (blocklist only), stream the JSON report to a file.

    Prints the peak RSS of this process and of its scoring workers as JSON.
    """
    start = time.perf_counter()
    report = audit(path)
    with (path.parent / "report.json").open("w", encoding="utf-8") as out:
        out.writelines(iter_render(report, "json"))
    elapsed = time.perf_counter() - start
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"main_mb": own_peak_mb(), "worker_mb": workers, "seconds": elapsed}))


def own_peak_mb() -> float:
    """Peak RSS of the running program (not of the process before its exec).

    Linux carries ``ru_maxrss`` across fork and exec, so a child started by a parent that had
    grown to 600 MB reports at least 600 MB whatever it did; VmHWM belongs to the new program.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the comparison and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 items, RSS at 5,000")
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--rss-items", type=int, default=None)
    parser.add_argument("--sample", type=int, default=300, help="items timed for the peer")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--range-workers", type=int, default=64, help="concurrent range requests")
    parser.add_argument(
        "--no-padding",
        action="store_true",
        help="ask for unpadded range answers (the default pads, as the CLI does; padding costs "
        "the loopback server and the client ~900 extra rows per answer on the same CPUs)",
    )
    parser.add_argument("--rss-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child is not None:
        rss_child(args.rss_child)
        return
    n = args.items or (1_000 if args.quick else 10_000)
    rss_n = (5_000 if args.quick else 100_000) if args.rss_items is None else args.rss_items
    data, corpus = make_export(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(data))
        parent, child = multiprocessing.Pipe()
        server = multiprocessing.Process(target=serve, args=(child, corpus, args.latency_ms))
        server.start()
        try:
            url = parent.recv()
            ours = run_pwhygiene(path, url, args.range_workers, not args.no_padding)
            point_peer_at(url)
            peer_time, done = run_peer(path, min(args.sample, n))
        finally:
            parent.send("stop")
            server.join()
    peer_total = peer_time / done * n
    print(
        f"\nVault audit, {n:,} items, range server latency {args.latency_ms:.0f} ms, "
        f"{args.range_workers} concurrent range requests, "
        f"{'unpadded' if args.no_padding else 'padded'} answers, "
        f"{multiprocessing.cpu_count()} CPUs\n"
    )
    print(f"{'what':<48}{'seconds':>10}{'vs peer':>10}")
    for phase, seconds in ours.items():
        label = f"pwhygiene: {phase}"
        ratio = f"{peer_total / seconds:>9.1f}x" if phase == "total" else ""
        print(f"{label:<48}{seconds:>10.2f}{ratio:>10}")
    print(f"{'sequential zxcvbn + pwnedpasswords.check loop':<48}{peer_total:>10.1f}{'1.0x':>10}")
    print(f"  (peer: {done} items timed, {peer_time:.1f} s, extrapolated to {n:,} items)")
    print(f"goal: total <= 12 s -> {'met' if ours['total'] <= 12 else 'NOT met'}\n")
    if rss_n <= 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "export.json"
        big.write_text(json.dumps(make_export(rss_n)[0]))
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(big)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rss = json.loads(out.strip().splitlines()[-1])
    print(f"Peak RSS, {rss_n:,} items (blocklist breach source, parse + audit + JSON to a file):")
    print(
        f"  main process {rss['main_mb']:.0f} MB, largest scoring worker "
        f"{rss['worker_mb']:.0f} MB, {rss['seconds']:.1f} s; goal main <= 300 MB -> "
        f"{'met' if rss['main_mb'] <= 300 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
