"""How right the strength estimate is: passphrase error, common passwords, rank correlation.

Three measurements, each printed for zxcvbn-python 4.5.0 (raw), pwhygiene ``model="zxcvbn"``,
pwhygiene's default model and, when Node.js and ``benchmarks/zxcvbn_ts`` are installed
(``npm ci --prefix benchmarks/zxcvbn_ts``), zxcvbn-ts 4.2.0 with its common and English
packages, in the same run:

* **passphrase error**: phrases of n = 3..6 words drawn at random from the EFF large list
  (7,776 words) joined by each common separator; the error is ``guesses_log10 - n*log10(7776)``
  (the generator's true space). Median, p10, p90 and the share within +-1 order of magnitude.
* **common passwords**: the share of common passwords of 8+ characters that score >= 3 (the
  safety floor is 0 %). The list is Django's ``common-passwords.txt.gz`` (Royce Williams'
  20,000 most common Pwned Passwords entries, lower-cased and deduplicated: 19,640 passwords,
  8,354 of them 8+ characters). The default model ships this list, so for it the figure is a
  regression check, not a test of generalisation; the reference files below give that
  (``--common zxcvbn`` uses the first 10,000 entries of zxcvbn's own list instead).
* **against real-world references** (``--reference FILE...``): wCorr's weighted Spearman of
  ``guesses_log10`` and of the 0-4 score against each file's reference strength, weighted by
  its weight column; the share of the file's passwords of 8+ characters chosen by at least
  100 people (weight >= 100) that score >= 3 (an independent safety floor); and how often each
  scorer's 0-4 score equals zxcvbn-python's. A file is either a RUB-SysSec
  password-strength-meter result table (``src/analyze/result_*.csv`` of
  github.com/RUB-SysSec/Password-Strength-Meter-Accuracy: tab-separated with a header naming
  ``password``, ``strength`` and ``weight``; Golla & Duermuth, CCS 2018) or lines of
  ``password<TAB>reference[<TAB>weight]``. ``--fetch-rub DIR`` downloads the six RUB-SysSec
  tables into DIR at run time. Leaked passwords are never committed to this repository.

    python benchmarks/bench_accuracy.py                    # passphrases + common passwords
    python benchmarks/bench_accuracy.py --phrases 200      # phrases per (n, separator) cell
    python benchmarks/bench_accuracy.py --fetch-rub rub/ --reference rub/result_*.csv
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import shutil
import statistics
import subprocess
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from zxcvbn import zxcvbn

from pwhygiene._strength.estimate import estimate
from pwhygiene._strength.passphrase import SEPARATORS, word_lists

Scorer = Callable[[str], tuple[int, float]]
"""password -> (score, guesses_log10)."""

ZXCVBN_TS = Path(__file__).with_name("zxcvbn_ts")
RUB_COMMIT = "c894683ca97e91479d55b369dd98b5f89d151af9"
RUB_SAMPLES = [
    f"result_{leak}_{kind}.csv"
    for leak in ("rockyou", "linkedin", "000webhost")
    for kind in ("online", "offline")
]


def _zxcvbn_raw(password: str) -> tuple[int, float]:
    result = zxcvbn(password[:72])  # zxcvbn raises above 72 characters
    return int(result["score"]), float(result["guesses_log10"])


def _ours(model: str) -> Scorer:
    def score(password: str) -> tuple[int, float]:
        strength = estimate(password, model=model)  # type: ignore[arg-type]
        return strength.score, strength.guesses_log10

    return score


class ZxcvbnTs:
    """zxcvbn-ts through Node.js (``zxcvbn_ts/score.mjs``), one Node process per batch."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, float]] = {}

    @staticmethod
    def installed() -> bool:
        """Whether Node.js and the pinned zxcvbn-ts packages are there."""
        return shutil.which("node") is not None and (ZXCVBN_TS / "node_modules").is_dir()

    def prefetch(self, passwords: Sequence[str]) -> None:
        """Score every password of ``passwords`` not yet scored, in one Node.js process."""
        todo = sorted(set(passwords) - self.answers.keys())
        if not todo:
            return
        done = subprocess.run(
            ["node", str(ZXCVBN_TS / "score.mjs")],
            input=json.dumps(todo),
            capture_output=True,
            text=True,
            check=True,
        )
        for password, (score, log10) in zip(todo, json.loads(done.stdout), strict=True):
            self.answers[password] = (int(score), float(log10))

    def __call__(self, password: str) -> tuple[int, float]:
        """``(score, guesses_log10)`` of one password."""
        self.prefetch([password])
        return self.answers[password]


SCORERS: dict[str, Scorer] = {
    "zxcvbn-python": _zxcvbn_raw,
    'model="zxcvbn"': _ours("zxcvbn"),
    "default": _ours("default"),
}
_TS = ZxcvbnTs() if ZxcvbnTs.installed() else None
if _TS is not None:
    SCORERS["zxcvbn-ts 4.2.0"] = _TS


def score_all(passwords: Sequence[str]) -> dict[str, list[tuple[int, float]]]:
    """Every scorer's ``(score, guesses_log10)`` for ``passwords``."""
    if _TS is not None:
        _TS.prefetch(passwords)
    return {name: [scorer(p) for p in passwords] for name, scorer in SCORERS.items()}


# --- weighted Spearman (wCorr) --------------------------------------------------------------


def weighted_ranks(values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The ranks of wCorr's ``wrank``: ties share the rank at their group's weighted midpoint.

    A group of ``n`` tied values with total weight ``t``, after values of total weight ``t1``,
    gets rank ``t1 + t * (n + 1) / (2 * n)``; with unit weights that is the ordinary mid-rank.
    """
    order = sorted(range(len(values)), key=lambda k: values[k])
    ranks = [0.0] * len(values)
    below = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        group = order[start : end + 1]
        total = sum(weights[k] for k in group)
        rank = below + total * (len(group) + 1) / (2 * len(group))
        for k in group:
            ranks[k] = rank
        below += total
        start = end + 1
    return ranks


def weighted_pearson(x: Sequence[float], y: Sequence[float], w: Sequence[float]) -> float:
    """Pearson's r with each pair counted ``w`` times (wCorr's ``wpc``)."""
    total = sum(w)
    mx = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    my = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    sxy = sum(wi * (xi - mx) * (yi - my) for wi, xi, yi in zip(w, x, y, strict=True))
    sxx = sum(wi * (xi - mx) ** 2 for wi, xi in zip(w, x, strict=True))
    syy = sum(wi * (yi - my) ** 2 for wi, yi in zip(w, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


def weighted_spearman(x: Sequence[float], y: Sequence[float], w: Sequence[float]) -> float:
    """The weighted Spearman of wCorr: weighted Pearson of the weighted ranks."""
    return weighted_pearson(weighted_ranks(x, w), weighted_ranks(y, w), w)


# --- the measurements -----------------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def passphrase_errors(per_cell: int, seed: int) -> None:
    """Print the error table of random EFF large-list phrases, per word count and separator."""
    large = sorted(w for w, mask in word_lists().words.items() if mask & 1)
    true_log10 = math.log10(len(large))
    rng = random.Random(seed)
    print(f"Passphrase error: log10 estimate - n*log10({len(large)}), {per_cell} phrases a cell")
    print(f"  {'n':>2} {'sep':>5} {'scorer':16} {'median':>7} {'p10':>7} {'p90':>7} {'<=1':>6}")
    for count in range(3, 7):
        for separator in SEPARATORS:
            phrases = [separator.join(rng.sample(large, count)) for _ in range(per_cell)]
            for name, results in score_all(phrases).items():
                errors = [log10 - count * true_log10 for _, log10 in results]
                within = sum(abs(e) <= 1 for e in errors) / len(errors)
                print(
                    f"  {count:2} {separator!r:>5} {name:16} {statistics.median(errors):7.2f} "
                    f"{_percentile(errors, 0.1):7.2f} {_percentile(errors, 0.9):7.2f} "
                    f"{within:6.0%}"
                )


def common_passwords(source: str) -> tuple[str, list[str]]:
    """The common-password list to test, and a one-line description of it."""
    if source == "zxcvbn":
        from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415

        top = FREQUENCY_LISTS["passwords"][:10_000]
        return "zxcvbn's bundled passwords list, top 10,000", [p for p in top if len(p) >= 8]
    import django  # noqa: PLC0415

    path = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        listed = handle.read().splitlines()
    return f"Django's common-passwords.txt.gz ({len(listed):,} entries)", [
        p for p in listed if len(p) >= 8
    ]


def common_share(source: str) -> None:
    """Print the share of common 8+-character passwords each scorer rates 3 or 4."""
    label, passwords = common_passwords(source)
    print(f"\nCommon passwords of 8+ characters scoring >= 3: {len(passwords):,} from {label}")
    for name, results in score_all(passwords).items():
        strong = sum(score >= 3 for score, _ in results)
        print(f"  {name:16} {strong:6,} ({strong / len(passwords):.2%})")


def read_reference(path: Path) -> tuple[list[str], list[float], list[float]]:
    """``(passwords, reference strengths, weights)`` of a RUB-SysSec table or a plain file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t") if lines else []
    if {"password", "strength", "weight"} <= set(header):
        columns = [header.index(name) for name in ("password", "strength", "weight")]
        body = lines[1:]
    else:
        columns = [0, 1, 2]
        body = lines
    passwords: list[str] = []
    reference: list[float] = []
    weights: list[float] = []
    for number, line in enumerate(body, 2 if body is not lines else 1):
        if not line or (body is lines and line.startswith("#")):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or (body is not lines and len(fields) != len(header)):
            raise SystemExit(f"{path}:{number}: expected password<TAB>strength[<TAB>weight]")
        passwords.append(fields[columns[0]])
        reference.append(float(fields[columns[1]]))
        weights.append(float(fields[columns[2]]) if len(fields) > columns[2] else 1.0)
    return passwords, reference, weights


def reference_correlation(path: Path) -> None:
    """Print each scorer's weighted Spearman, floor and agreement on one reference file."""
    passwords, reference, weights = read_reference(path)
    common = [k for k, p in enumerate(passwords) if len(p) >= 8 and weights[k] >= 100]
    results = score_all(passwords)
    zxcvbn_scores = [score for score, _ in results["zxcvbn-python"]]
    print(f"\n{path.name}: {len(passwords):,} passwords, {len(common):,} of 8+ chars weight >= 100")
    print(f"  {'scorer':16} {'log10':>7} {'score':>7} {'common>=3':>10} {'=zxcvbn':>8}")
    for name, scored in results.items():
        scores = [float(score) for score, _ in scored]
        strong = sum(scores[k] >= 3 for k in common)
        same = sum(a == b for a, b in zip(scores, zxcvbn_scores, strict=True)) / len(scores)
        print(
            f"  {name:16} {weighted_spearman([lg for _, lg in scored], reference, weights):7.3f} "
            f"{weighted_spearman(scores, reference, weights):7.3f} {strong:10,} {same:8.1%}"
        )


def fetch_rub(directory: Path) -> None:
    """Download the six RUB-SysSec result tables (pinned commit) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    base = (
        "https://raw.githubusercontent.com/RUB-SysSec/Password-Strength-Meter-Accuracy/"
        f"{RUB_COMMIT}/src/analyze/"
    )
    for name in RUB_SAMPLES:
        target = directory / name
        if not target.exists():
            with urllib.request.urlopen(base + name, timeout=60) as answer:
                target.write_bytes(answer.read())
        print(f"fetched {target}")


def main() -> None:
    """Run the measurements the arguments ask for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=100, help="phrases per table cell")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--common", choices=("django", "zxcvbn"), default="django")
    parser.add_argument("--reference", type=Path, nargs="*", default=[], help="reference files")
    parser.add_argument("--fetch-rub", type=Path, metavar="DIR", help="download RUB-SysSec data")
    parser.add_argument("--skip-phrases", action="store_true", help="no passphrase table")
    args = parser.parse_args()
    print(f"scorers: {', '.join(SCORERS)}")
    if args.fetch_rub is not None:
        fetch_rub(args.fetch_rub)
    if not args.skip_phrases:
        passphrase_errors(args.phrases, args.seed)
    common_share(args.common)
    for path in args.reference:
        reference_correlation(path)


if __name__ == "__main__":
    main()
