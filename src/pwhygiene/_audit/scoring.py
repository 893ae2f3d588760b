"""zxcvbn scoring for an audit: once per distinct input, on every core for large vaults.

An item's own words (username, title, hosts) only change zxcvbn's estimate when one of them
can match inside the password, so items sharing a password usually share one estimate. Worker
processes receive passwords through the pool's pipes (never a file) and return only
``(score, log10 guesses)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import lru_cache

from pwhygiene._audit import sites
from pwhygiene._audit.report import StrengthSummary
from pwhygiene._strength import estimate as _strength
from pwhygiene._strength.context import user_tokens
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


def submit(
    items: Iterable[VaultItem], pool: ProcessPoolExecutor
) -> tuple[dict[ScoreJob, list[str]], list[Future[list[tuple[int, float]]]]]:
    """Each item's job (distinct ones once), chunks submitted as they fill: workers start at once.

    Returns ``{job: item ids}`` in first-seen order and one future per chunk, in that order.
    """
    jobs: dict[ScoreJob, list[str]] = {}
    futures: list[Future[list[tuple[int, float]]]] = []
    chunk: list[ScoreJob] = []
    for item in items:
        if not item.password:
            continue
        job = score_job(item)
        holders = jobs.get(job)
        if holders is None:
            jobs[job] = [item.id]
            chunk.append(job)
            if len(chunk) == CHUNK:
                futures.append(pool.submit(_score_chunk, chunk))
                chunk = []
        else:
            holders.append(item.id)
    if chunk:
        futures.append(pool.submit(_score_chunk, chunk))
    return jobs, futures


def gather(
    futures: Sequence[Future[list[tuple[int, float]]]],
    total: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[StrengthSummary]:
    """The results of :func:`submit`'s futures, in job order, reporting progress as they land."""
    done = 0
    for future in as_completed(futures):
        done += len(future.result())
        if progress:
            progress("score", done, total)
    return [StrengthSummary(s, g) for future in futures for s, g in future.result()]


def score(
    jobs: Sequence[ScoreJob],
    progress: Callable[[str, int, int], None] | None = None,
) -> list[StrengthSummary]:
    """Strength of every job, in order, in this process (small vaults)."""
    results: list[StrengthSummary] = []
    for start in range(0, len(jobs), CHUNK):
        results.extend(StrengthSummary(s, g) for s, g in _score_chunk(jobs[start : start + CHUNK]))
        if progress:
            progress("score", len(results), len(jobs))
    return results
