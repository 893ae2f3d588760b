"""Regenerate the sample breach corpus and offline index the README's first command uses.

The corpus is *synthetic*: the counts of the sample's breached passwords are made up (the real
corpus cannot be downloaded here), and the rest are random digests that stand in for the other
~2 billion. The output is deterministic, so a test can check the shipped files are current::

    python examples/make_sample_index.py
"""

from __future__ import annotations

import random
from pathlib import Path

import pwhygiene
import pwhygiene.breach

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "pwned-sample.txt"
INDEX = HERE / "pwned-sample.idx"
BUILT_AT = 1_764_028_800  # 2025-11-25T00:00:00Z, fixed so rebuilds are byte-identical
FILLER = 2_000

# Passwords of examples/sample-bitwarden.json that the demo shows as breached.
BREACHED = {
    "password123": 2_542_133,
    "Summer2023!": 3_271,
    "Summer2024!": 1_903,
    "alexdoe1987!": 2,
    "hunter2": 50_193,
}


def corpus_lines() -> list[str]:
    """The downloader's single-file format: ``HASH:COUNT``, sorted, CRLF-free."""
    rng = random.Random(20261125)  # noqa: S311 -- reproducible filler, not a secret
    rows = {pwhygiene.breach.sha1_digest(pw): count for pw, count in BREACHED.items()}
    while len(rows) < len(BREACHED) + FILLER:
        rows.setdefault(f"{rng.getrandbits(160):040X}", max(1, int(rng.paretovariate(1.2))))
    return [f"{digest}:{count}" for digest, count in sorted(rows.items())]


def main() -> None:
    """Write the corpus, then build the index from it."""
    CORPUS.write_text("\n".join(corpus_lines()) + "\n", encoding="ascii")
    pwhygiene.breach.build_index(CORPUS, INDEX, source_name=CORPUS.name, built_at=BUILT_AT)
    print(f"wrote {CORPUS.name} and {INDEX.name}")


if __name__ == "__main__":
    main()
