"""Throughput and worst-case latency of pwhygiene's check() against raw zxcvbn (and zxcvbn-rs).

Two fixed corpora, seeded so every run measures the same strings:

* ordinary: realistic ASCII passwords of at most 64 characters (common passwords, words,
  years, symbols, random strings), where check() must cost no more than zxcvbn itself;
* adversarial: the strings that stall or crash zxcvbn (long repeats and sequences, the
  ACsploit l33t string, 1 MiB inputs, surrogates, combining marks, full-width, RTL, emoji).
  zxcvbn raises above 72 characters, so it is given each string cut to 72.

Each adversarial string is timed several times and its fastest run kept (the machine is
shared; the fastest run is the least disturbed), then the worst string is reported. check() is
also timed in CPU time, which other processes cannot inflate, alone and with user inputs
whose tokens appear in the password (``+inputs``: the context rule scores the remainder too).

    python benchmarks/bench_check.py            # full run
    python benchmarks/bench_check.py --quick    # a smaller ordinary corpus, one repeat
    python benchmarks/bench_check.py --languages de fr es it nl pt   # with language packs
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import string
import time
from collections.abc import Callable
from typing import Any

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from pwhygiene import CheckResult
from pwhygiene import check as _check
from pwhygiene._strength.estimate import estimate

zxcvbn_rs: Callable[[str], Any] | None
try:
    from zxcvbn_rs_py import zxcvbn as _zxcvbn_rs

    zxcvbn_rs = _zxcvbn_rs
except ImportError:  # optional peer: pip install zxcvbn-rs-py
    zxcvbn_rs = None

ACSPLOIT = "4@8({[</369&#!1/|0$5+7%2/"
EFF_SHORT = ("acid", "acorn", "acre", "acts", "afar", "affix", "aged", "agent", "agile", "aging")
"""The first words of EFF's short list, which also split into shorter list words."""
ZXCVBN_LIMIT = 72


def ordinary_corpus(size: int, seed: int = 2024) -> list[str]:
    """Realistic passwords: common ones, word + year + symbol, passphrases, random strings."""
    rng = random.Random(seed)
    common = FREQUENCY_LISTS["passwords"][:5000]
    words = FREQUENCY_LISTS["english_wikipedia"][:5000]
    printable = string.ascii_letters + string.digits + "!@#$%^&*-_.?"
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(common),
        lambda: rng.choice(words).capitalize() + str(rng.randint(1950, 2030)) + rng.choice("!?#."),
        lambda: " ".join(rng.choice(words) for _ in range(rng.randint(3, 5))),
        lambda: "".join(rng.choice(printable) for _ in range(rng.randint(8, 24))),
        lambda: rng.choice(common) + rng.choice(common),
    ]
    return [rng.choice(makers)()[:64] for _ in range(size)]


def adversarial_corpus() -> dict[str, str]:
    """Named strings chosen to stall or crash a strength estimator."""
    rng = random.Random(7)
    return {
        "acsploit-72": (ACSPLOIT * 3)[:72],
        "acsploit-reversed-72": (ACSPLOIT[::-1] * 3)[:72],
        "acsploit-1k": ACSPLOIT * 40,
        "a*72": "a" * 72,
        "a*200": "a" * 200,
        "ab*100": "ab" * 100,
        "digits-200": "1234567890" * 20,
        "dates-200": "19911991" * 25,
        "qwerty-200": "qwertyuiop" * 20,
        "words-200": "passwordiloveyouprincess" * 9,
        # the passphrase matcher's worst cases: every position starts several list words
        "eff-short-words-64": "".join(EFF_SHORT)[:64],
        "eff-hyphen-72": "-".join(EFF_SHORT)[:72],
        "eff-spaced-1k": " ".join(EFF_SHORT * 3)[:1000],
        "eff-dense-64": "foeboatfeednailrailicegladelmgigplowsudsflipfaxhadruseduhyogazit",
        "random-200": "".join(rng.choice(string.printable[:94]) for _ in range(200)),
        "F*64": "F" * 64,
        "a-1MiB": "a" * (1 << 20),
        "fdfa-1MiB": "\ufdfa" * (1 << 20),
        "surrogates-1MiB": "\ud800\udfff" * (1 << 19),
        "combining-64k": "e\u0301\u0302\u0303" * (1 << 14),
        "full-width-72": "".join(chr(0xFF01 + i % 94) for i in range(72)),
        "rtl-72": "\u202e" + "\u05d0\u05d1\u05d2\u0627\u0644" * 14,
        "emoji-72": "\U0001f600\U0001f389\U0001f512" * 24,
        "nul-72": "\x00" * 72,
    }


def throughputs(
    peers: dict[str, Callable[[str], Any]], corpus: list[str], chunk: int = 100
) -> dict[str, float]:
    """Passwords per CPU-second for each peer.

    The corpus is run in chunks, every peer in turn on each chunk, and timed in CPU time, so
    load from other processes (this machine is shared) falls on all peers alike.
    """
    spent = dict.fromkeys(peers, 0.0)
    for function in peers.values():
        function(corpus[0])  # warm-up
    for start in range(0, len(corpus), chunk):
        part = corpus[start : start + chunk]
        for name, function in peers.items():
            began = time.process_time()
            for password in part:
                function(password)
            spent[name] += time.process_time() - began
    return {name: len(corpus) / seconds for name, seconds in spent.items()}


def latency_ms(function: Callable[[str], Any], password: str, repeat: int) -> float:
    """Fastest of ``repeat`` calls, wall-clock milliseconds."""
    return _fastest(function, password, repeat, time.perf_counter)


def cpu_ms(function: Callable[[str], Any], password: str, repeat: int) -> float:
    """Fastest of ``repeat`` calls, CPU milliseconds (what other processes cannot inflate)."""
    return _fastest(function, password, repeat, time.process_time)


def _fastest(
    function: Callable[[str], Any], password: str, repeat: int, clock: Callable[[], float]
) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        function(password)
        best = min(best, clock() - start)
    return best * 1000


LANGUAGES: tuple[str, ...] = ()  # --languages: packs every check() of the run matches too


def check_with_inputs(password: str) -> CheckResult:
    """check() with an e-mail whose tokens appear in part of the password (context rule)."""
    return _check(
        "alice" + password, user_inputs=["alice.wonderland@example.org"], languages=LANGUAGES
    )


def main() -> None:
    """Run both corpora and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus, one repeat")
    parser.add_argument("--languages", nargs="*", default=[], help="language packs to add")
    args = parser.parse_args()
    global LANGUAGES  # noqa: PLW0603 -- set once, before anything is timed
    LANGUAGES = tuple(args.languages)
    check = functools.partial(_check, languages=LANGUAGES)
    if LANGUAGES:
        print(f"check() with the language packs {', '.join(LANGUAGES)}")
    size, repeat = (300, 1) if args.quick else (3000, 3)
    corpus = ordinary_corpus(size)
    check(corpus[0])  # load word lists before timing anything

    print(f"Ordinary passwords: {size} ASCII strings of at most 64 characters")
    peers: dict[str, Callable[[str], Any]] = {
        "zxcvbn 4.5.0 zxcvbn()": zxcvbn,
        "pwhygiene estimate_strength()": estimate,
        "pwhygiene check()": check,
    }
    if zxcvbn_rs is not None:
        peers["zxcvbn-rs-py zxcvbn()"] = zxcvbn_rs
    rates = throughputs(peers, corpus)
    base = rates["zxcvbn 4.5.0 zxcvbn()"]
    print(f"  {'implementation':34} {'per CPU-s':>12} {'vs zxcvbn':>10}")
    for name, rate in rates.items():
        print(f"  {name:34} {rate:12,.0f} {rate / base:9.2f}x")

    print(f"\nAdversarial strings: fastest of {repeat} run(s) each, milliseconds")
    print(f"  zxcvbn and zxcvbn-rs-py get each string cut to {ZXCVBN_LIMIT} characters")
    header = f"  {'string':22} {'length':>8} {'check()':>9} {'cpu':>6} {'+inputs':>8} {'zxcvbn':>9}"
    print(header + (f" {'zxcvbn-rs':>10}" if zxcvbn_rs is not None else ""))
    ours: list[float] = []
    ours_cpu: list[float] = []
    theirs: list[float] = []
    for name, password in adversarial_corpus().items():
        mine = latency_ms(check, password, repeat)
        mine_cpu = cpu_ms(check, password, repeat)
        with_inputs = cpu_ms(check_with_inputs, password, repeat)
        ours_cpu += [mine_cpu, with_inputs]
        cut = password[:ZXCVBN_LIMIT]
        reference = latency_ms(zxcvbn, cut, 1 if name.startswith("acsploit") else repeat)
        ours.append(mine)
        theirs.append(reference)
        row = (
            f"  {name:22} {len(password):8,} {mine:9.1f} {mine_cpu:6.1f} {with_inputs:8.1f} "
            f"{reference:9.1f}"
        )
        if zxcvbn_rs is not None:
            try:
                row += f" {latency_ms(zxcvbn_rs, cut, 1):10.1f}"
            except (UnicodeError, ValueError) as exc:  # it refuses lone surrogates
                row += f" {type(exc).__name__:>10}"
        print(row)
    print(
        f"\n  worst case: check() {max(ours):.1f} ms wall, {max(ours_cpu):.1f} ms CPU "
        f"(with inputs included); zxcvbn {max(theirs):.1f} ms "
        f"(median {statistics.median(ours):.1f} vs {statistics.median(theirs):.1f})"
    )


if __name__ == "__main__":
    main()
