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

from pwhygiene._audit.lookalike import SKELETON
from pwhygiene._audit.report import StrengthSummary
from pwhygiene._audit.sites import Sites
from pwhygiene._strength import estimate as _strength
from pwhygiene._vault.model import VaultItem

PARALLEL_MIN_JOBS = 600  # below this, starting processes costs more than it saves
CHUNK = 128

ScoreJob = tuple[str, tuple[str, ...]]


def score_job(item: VaultItem, sites: Sites) -> ScoreJob:
    """The zxcvbn input for an item: its words only if one could match inside the password.

    zxcvbn matches user inputs as lower-cased, possibly reversed, possibly leet-substituted
    substrings of the NFKC-normalised password; the skeleton folds every letter and look-alike
    into its class (:data:`~pwhygiene._audit.lookalike.SKELETON`), so "no token's skeleton
    occurs" proves the words cannot change the estimate.
    """
    password = item.password or ""
    words = sites.user_inputs(item)
    skeleton = _strength.normalise(password).text.lower().translate(SKELETON)
    for token in sites.tokens(words):
        w = token.lower().translate(SKELETON)
        if w and (w in skeleton or w[::-1] in skeleton):
            return password, words
    return password, ()


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
    items: Iterable[VaultItem], pool: ProcessPoolExecutor, sites: Sites
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
        job = score_job(item, sites)
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
