"""zxcvbn scoring for an audit: once per distinct input, on every core for large vaults.

An item's own words (username, title, hosts) only change zxcvbn's estimate when one of them
can match inside the password, so items sharing a password usually share one estimate. Worker
processes receive passwords through the pool's pipes (never a file) and return only
``(score, log10 guesses)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import lru_cache

from pwhygiene import _strength
from pwhygiene._audit import sites
from pwhygiene._audit.report import StrengthSummary
from pwhygiene._policy import user_tokens
from pwhygiene._vault.model import VaultItem

PARALLEL_MIN_JOBS = 600  # below this, starting processes costs more than it saves
CHUNK = 128

ScoreJob = tuple[str, tuple[str, ...]]

# zxcvbn's l33t table folded so every alternative of a character maps to one letter.
_SKELETON = str.maketrans(
    {"4": "a", "@": "a", "8": "b", "(": "c", "{": "c", "[": "c", "<": "c", "3": "e"}
    | {"6": "g", "9": "g", "1": "i", "!": "i", "|": "i", "l": "i", "7": "i", "t": "i"}
    | {"+": "i", "0": "o", "$": "s", "5": "s", "%": "x", "2": "z"}
)


def score_job(item: VaultItem) -> ScoreJob:
    """The zxcvbn input for an item: its words only if one could match inside the password.

    zxcvbn matches user inputs as lower-cased, possibly reversed, possibly leet-substituted
    substrings of the NFKC-normalised password; the skeleton folds every leet alternative into
    one letter, so "no token's skeleton occurs" proves the words cannot change the estimate.
    """
    password = item.password or ""
    words = sites.user_inputs(item)
    skeleton = _strength.normalise(password).text.lower().translate(_SKELETON)
    for token in _tokens(words):
        w = token.lower().translate(_SKELETON)
        if w and (w in skeleton or w[::-1] in skeleton):
            return password, words
    return password, ()


@lru_cache(maxsize=4096)
def _tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    """``user_tokens`` for an item's words; items of one export share usernames and hosts."""
    return tuple(user_tokens(words))


def _score_chunk(chunk: Sequence[ScoreJob]) -> list[tuple[int, float]]:
    """Score a chunk (in a worker process or not); returns only (score, log10 guesses)."""
    return [_strength.score_and_log10(password, words) for password, words in chunk]


def _ready() -> None:
    """A no-op task: submitting one per worker makes the pool start all its processes."""


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers all exist when this yields (see ``runner._measure``)."""
    _strength.estimate("warm-up")  # build zxcvbn's tables once; forked workers inherit them
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(_ready) for _ in range(workers)]:
            future.result()
        yield pool


def score(
    jobs: Sequence[ScoreJob],
    pool: ProcessPoolExecutor | None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[StrengthSummary]:
    """Strength of every job, in order; on ``pool`` when given, else in this process."""
    chunks = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
    results: list[list[tuple[int, float]]] = [[] for _ in chunks]
    done = 0
    if pool is None:
        for k, chunk in enumerate(chunks):
            results[k] = _score_chunk(chunk)
            done += len(chunk)
            if progress:
                progress("score", done, len(jobs))
    else:
        futures = {pool.submit(_score_chunk, chunk): k for k, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            done += len(chunks[k])
            if progress:
                progress("score", done, len(jobs))
    return [StrengthSummary(s, g) for chunk in results for s, g in chunk]
