"""``audit()``: read a vault, measure every password once, run the checks, build the report.

The expensive parts run side by side: breach lookups (network or disk bound) on a thread while
zxcvbn scoring (CPU bound) runs on every core for large vaults. Each distinct password is
scored and looked up once; an item's own words (username, title, host) are passed to zxcvbn
only when they can matter, so items sharing a password usually share one estimate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from functools import lru_cache
from os import PathLike
from pathlib import Path

from pwhygiene import _strength
from pwhygiene._audit import checks, sites
from pwhygiene._audit.breach import BreachOutcome, lookup
from pwhygiene._audit.ignore import IgnoreList, load_ignore
from pwhygiene._audit.report import (
    AuditReport,
    Finding,
    ItemResult,
    StrengthSummary,
    Suppressed,
    summarize,
)
from pwhygiene._breach.source import BreachSource
from pwhygiene._errors import InvalidInput
from pwhygiene._policy import Policy, user_tokens
from pwhygiene._vault.model import Vault, VaultItem, fingerprint

ProgressHook = Callable[[str, int, int], None]
"""Called as ``hook(phase, done, total)`` with phase ``"score"`` or ``"breach"``."""

DEFAULT_MAX_AGE_DAYS = 1095
PARALLEL_MIN_JOBS = 600  # below this, starting processes costs more than it saves
CHUNK = 128

_SKELETON = str.maketrans(
    {"4": "a", "@": "a", "8": "b", "(": "c", "{": "c", "[": "c", "<": "c", "3": "e"}
    | {"6": "g", "9": "g", "1": "i", "!": "i", "|": "i", "l": "i", "7": "i", "t": "i"}
    | {"+": "i", "0": "o", "$": "s", "5": "s", "%": "x", "2": "z"}
)

ScoreJob = tuple[str, tuple[str, ...]]


def audit(
    vault_or_path: Vault | str | PathLike[str],
    *,
    breach: BreachSource | None = None,
    policy: Policy | None = None,
    as_of: datetime | None = None,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ignore: IgnoreList | str | PathLike[str] | None = None,
    password: str | None = None,
    format: str = "auto",
    workers: int | None = None,
    progress: ProgressHook | None = None,
) -> AuditReport:
    """Audit a vault (or an export path) and return the report.

    ``breach=None`` uses the embedded blocklist of common passwords (offline, labelled as such
    in the report); pass a :class:`~pwhygiene.RangeClient` or :class:`~pwhygiene.OfflineIndex`
    for the full corpus. A failing breach source never makes a password clean: its items get
    status ``"unknown"`` and the report a warning. Without a ``policy`` the ``weak`` line is a
    zxcvbn score of 2 or less; with one, ``weak`` fires below its ``min_score`` or
    ``min_length``.
    """
    if max_age_days < 0:
        raise InvalidInput(f"max_age_days must be zero or more (got {max_age_days})")
    vault = _as_vault(vault_or_path, format=format, password=password)
    rules = load_ignore(ignore) if isinstance(ignore, (str, PathLike)) else ignore
    moment = (as_of or datetime.now(timezone.utc)).astimezone(timezone.utc)
    logins = vault.logins()
    audited = [i for i in logins if not i.excluded]

    outcome, strengths = _measure(audited, breach, workers, progress)
    emails = {i.id: sites.is_email_account(i) for i in logins}
    entries = [
        checks.Entry(
            item=i,
            strength=strengths.get(i.id),
            breach_status=outcome.status(i.password),
            breach_count=outcome.count(i.password),
            breach_label=outcome.label_for(i.password),
            email_account=emails[i.id],
        )
        if not i.excluded
        else checks.Entry(item=i, email_account=emails[i.id])
        for i in logins
    ]
    findings = checks.run_checks(
        entries,
        as_of=moment,
        max_age_days=max_age_days,
        **(
            {}
            if policy is None
            else {"min_score": policy.min_score, "min_length": policy.min_length}
        ),
    )

    warnings = list(vault.warnings) + list(outcome.warnings)
    kept, suppressed = _apply_ignore(findings, entries, rules, moment, warnings)
    by_item: dict[str, list[Finding]] = {}
    for f in kept:
        by_item.setdefault(f.item_id, []).append(f)
    groups = checks.reuse_groups(entries)
    group_of = {item_id: g.group for g in groups for item_id in g.item_ids}
    results = tuple(
        _result(e, by_item.get(e.item.id, []), group_of.get(e.item.id), moment)
        for e in entries
        if not e.item.excluded
    )
    return AuditReport(
        items=results,
        reuse_groups=tuple(groups),
        summary=summarize(
            results,
            items_total=len(vault),
            items_excluded=len(logins) - len(audited),
            suppressed=len(suppressed),
        ),
        breach=outcome.info,
        as_of=moment,
        max_age_days=max_age_days,
        source_format=vault.source_format,
        source_path=None if vault.path is None else str(vault.path),
        warnings=tuple(warnings),
        suppressed=tuple(suppressed),
    )


def _as_vault(source: Vault | str | PathLike[str], *, format: str, password: str | None) -> Vault:
    if isinstance(source, Vault):
        return source
    from pwhygiene._vault.registry import read_vault  # noqa: PLC0415 -- loads every reader

    return read_vault(Path(source), format=format, password=password)


def _measure(
    items: Sequence[VaultItem],
    breach: BreachSource | None,
    workers: int | None,
    progress: ProgressHook | None,
) -> tuple[BreachOutcome, dict[str, StrengthSummary]]:
    """Breach lookups on a thread, overlapped with scoring; both once per distinct input."""
    distinct = list(dict.fromkeys(i.password for i in items if i.password))
    jobs: dict[ScoreJob, list[str]] = {}
    for item in items:
        if item.password:
            jobs.setdefault(_score_job(item), []).append(item.id)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pwhygiene-breach") as side:

        def start_lookups() -> Future[BreachOutcome]:
            return side.submit(lookup, distinct, breach, progress)

        scored, pending = _score(list(jobs), workers, progress, start_lookups)
        outcome = pending.result()
    strengths = {
        item_id: summary for job, summary in zip(jobs, scored, strict=True) for item_id in jobs[job]
    }
    return outcome, strengths


def _score_job(item: VaultItem) -> ScoreJob:
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
    """Score a chunk in a worker process; returns only (score, log10 guesses)."""
    results = []
    for password, words in chunk:
        s = _strength.estimate(password, user_inputs=words)
        results.append((int(s.score), float(s.guesses_log10)))
    return results


def _score(
    jobs: Sequence[ScoreJob],
    workers: int | None,
    progress: ProgressHook | None,
    start_lookups: Callable[[], Future[BreachOutcome]],
) -> tuple[list[StrengthSummary], Future[BreachOutcome]]:
    """Score ``jobs`` (in order) and start the breach lookups alongside.

    With a process pool, the lookups start only once the workers exist: forking a process
    while our lookup threads run could copy a held lock into the child.
    """
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(jobs) < PARALLEL_MIN_JOBS:
        pending = start_lookups()
        out = []
        for start in range(0, len(jobs), CHUNK):
            out.extend(_score_chunk(jobs[start : start + CHUNK]))
            if progress:
                progress("score", len(out), len(jobs))
        return [StrengthSummary(s, g) for s, g in out], pending
    _strength.estimate("warm-up")  # build zxcvbn's tables once; forked workers inherit them
    chunks = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
    results: list[list[tuple[int, float]] | None] = [None] * len(chunks)
    done = 0
    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = {pool.submit(_score_chunk, chunk): k for k, chunk in enumerate(chunks)}
        pending = start_lookups()
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += len(chunks[futures[future]])
            if progress:
                progress("score", done, len(jobs))
    return [StrengthSummary(s, g) for chunk in results for s, g in chunk or ()], pending


def _apply_ignore(
    findings: Sequence[Finding],
    entries: Sequence[checks.Entry],
    rules: IgnoreList | None,
    moment: datetime,
    warnings: list[str],
) -> tuple[list[Finding], list[Suppressed]]:
    if rules is None:
        return list(findings), []
    today = moment.date()
    where = rules.path or "ignore file"
    for rule in rules.expired(today):
        warnings.append(
            f"{where}: the rule for item {rule.item!r} / check {rule.check!r} expired on "
            f"{rule.expires}; its findings are reported again"
        )
    prints = {e.item.id: _fingerprint(e.item) for e in entries}
    kept, suppressed = [], []
    for f in findings:
        waiver = rules.match(f, prints[f.item_id], today)
        if waiver is None:
            kept.append(f)
        else:
            expiry = None if waiver.expires is None else waiver.expires.isoformat()
            suppressed.append(Suppressed(f, waiver.reason, expiry))
    return kept, suppressed


def _fingerprint(item: VaultItem) -> str:
    """The id an ignore file may use instead of the item id: stable over title/user/urls."""
    return fingerprint(item.title, item.username, *item.urls)


def _result(
    entry: checks.Entry, findings: list[Finding], group: int | None, moment: datetime
) -> ItemResult:
    item = entry.item
    return ItemResult(
        id=item.id,
        title=item.title,
        username=item.username,
        urls=tuple(sites.display_url(u) for u in item.urls),
        fingerprint=_fingerprint(item),
        strength=entry.strength,
        breach_status=entry.breach_status,
        breach_count=entry.breach_count,
        password_age_days=checks.age_days(item, moment),
        reuse_group=group,
        email_account=bool(entry.email_account),
        findings=tuple(findings),
    )
