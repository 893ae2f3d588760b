"""How right the strength estimate is: passphrase error, common passwords, rank correlation.

Three measurements, each printed for zxcvbn-python 4.5.0 (raw), pwhygiene ``model="zxcvbn"``
and pwhygiene's default model, in the same run:

* **passphrase error**: phrases of n = 3..6 words drawn at random from the EFF large list
  (7,776 words) joined by each common separator; the error is ``guesses_log10 - n*log10(7776)``
  (the generator's true space). Median, p10, p90 and the share within +-1 order of magnitude.
* **common passwords**: the share of common passwords of 8+ characters that score >= 3 (the
  safety floor is 0 %). The list is Django's ``common-passwords.txt.gz`` (Royce Williams'
  20,000 most common Pwned Passwords entries, lower-cased and deduplicated: 19,640 passwords,
  8,354 of them 8+ characters), which is independent of zxcvbn's own lists; ``--common
  zxcvbn`` uses the first 10,000 entries of zxcvbn's bundled ``passwords`` list instead
  (circular for zxcvbn: it is its own dictionary).
* **rank correlation** (only with ``--reference FILE``): wCorr's weighted Spearman of
  ``guesses_log10`` and of the 0-4 score against a reference guess number, on a file the user
  fetched (the RUB-SysSec password-strength-meter samples, Golla & Duermuth, CCS 2018). Lines
  are ``password<TAB>reference guesses[<TAB>weight]``; ``#`` lines are skipped. Leaked
  passwords are never committed to this repository.

    python benchmarks/bench_accuracy.py                    # passphrases + common passwords
    python benchmarks/bench_accuracy.py --phrases 200      # phrases per (n, separator) cell
    python benchmarks/bench_accuracy.py --reference rockyou-sample.tsv
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from zxcvbn import zxcvbn

from pwhygiene._strength.estimate import estimate
from pwhygiene._strength.passphrase import SEPARATORS, word_lists

Scorer = Callable[[str], tuple[int, float]]
"""password -> (score, guesses_log10)."""


def _zxcvbn_raw(password: str) -> tuple[int, float]:
    result = zxcvbn(password[:72])  # zxcvbn raises above 72 characters
    return int(result["score"]), float(result["guesses_log10"])


def _ours(model: str) -> Scorer:
    def score(password: str) -> tuple[int, float]:
        strength = estimate(password, model=model)  # type: ignore[arg-type]
        return strength.score, strength.guesses_log10

    return score


SCORERS: dict[str, Scorer] = {
    "zxcvbn-python": _zxcvbn_raw,
    'model="zxcvbn"': _ours("zxcvbn"),
    "default": _ours("default"),
}


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
            for name, scorer in SCORERS.items():
                errors = [scorer(p)[1] - count * true_log10 for p in phrases]
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
    for name, scorer in SCORERS.items():
        strong = [p for p in passwords if scorer(p)[0] >= 3]
        print(f"  {name:16} {len(strong):6,} ({len(strong) / len(passwords):.2%})")


def reference_correlation(path: Path) -> None:
    """Print the weighted Spearman of each scorer against the reference file's guess numbers."""
    passwords: list[str] = []
    reference: list[float] = []
    weights: list[float] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            raise SystemExit(f"{path}:{number}: expected password<TAB>guesses[<TAB>weight]")
        passwords.append(fields[0])
        reference.append(float(fields[1]))
        weights.append(float(fields[2]) if len(fields) == 3 else 1.0)
    print(f"\nWeighted Spearman against {path.name} ({len(passwords):,} passwords)")
    print(f"  {'scorer':16} {'log10':>7} {'score':>7}")
    for name, scorer in SCORERS.items():
        results = [scorer(p) for p in passwords]
        log10s = [r[1] for r in results]
        scores = [float(r[0]) for r in results]
        print(
            f"  {name:16} {weighted_spearman(log10s, reference, weights):7.3f} "
            f"{weighted_spearman(scores, reference, weights):7.3f}"
        )


def main() -> None:
    """Run the measurements the arguments ask for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=100, help="phrases per table cell")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--common", choices=("django", "zxcvbn"), default="django")
    parser.add_argument("--reference", type=Path, help="password<TAB>guesses[<TAB>weight] file")
    args = parser.parse_args()
    passphrase_errors(args.phrases, args.seed)
    common_share(args.common)
    if args.reference is not None:
        reference_correlation(args.reference)


if __name__ == "__main__":
    main()
