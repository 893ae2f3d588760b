"""``audit()``: read a vault, measure every password once, run the checks, build the report.

The expensive parts run side by side: breach lookups (network or disk bound) on a thread while
zxcvbn scoring (CPU bound) runs on every core for large vaults. Each distinct password is
scored and looked up once; an item's own words (username, title, host) are passed to zxcvbn
only when they can matter, so items sharing a password usually share one estimate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from typing import NamedTuple, TypeVar

from pwhygiene._audit import checks, scoring
from pwhygiene._audit.breach import BreachOutcome, lookup
from pwhygiene._audit.directory import Directories
from pwhygiene._audit.ignore import IgnoreList, load_ignore
from pwhygiene._audit.plan import KEY_ACCOUNT_SITES, plan
from pwhygiene._audit.report import (
    AuditReport,
    BreachInfo,
    Finding,
    ItemResult,
    ReuseGroup,
    StrengthSummary,
    Suppressed,
    summarize,
)
from pwhygiene._audit.sites import Sites
from pwhygiene._audit.urls import display_url
from pwhygiene._breach.source import BreachSource
from pwhygiene._strength.policy import Policy
from pwhygiene._vault.model import Vault, VaultItem, fingerprint
from pwhygiene.exceptions import InvalidInput

ProgressHook = Callable[[str, int, int], None]
"""Called as ``hook(phase, done, total)`` with phase ``"score"`` or ``"breach"``."""

DEFAULT_MAX_AGE_DAYS = 1095

T = TypeVar("T")


def audit(
    vault_or_path: Vault | str | PathLike[str],
    *,
    breach: BreachSource | None = None,
    policy: Policy | None = None,
    as_of: datetime | None = None,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ignore: IgnoreList | str | PathLike[str] | None = None,
    password: str | None = None,
    key_file: str | PathLike[str] | None = None,
    format: str = "auto",
    workers: int | None = None,
    progress: ProgressHook | None = None,
    data_dir: str | PathLike[str] | None = None,
) -> AuditReport:
    """Audit a vault (or an export path) and return the report.

    ``breach=None`` uses the embedded blocklist of common passwords (offline, labelled as such
    in the report); pass a :class:`~pwhygiene.RangeClient` or :class:`~pwhygiene.OfflineIndex`
    for the full corpus. A failing breach source never makes a password clean: its items get
    status ``"unknown"`` and the report a warning. Without a ``policy`` the ``weak`` line is a
    zxcvbn score of 2 or less; with one, ``weak`` fires below its ``min_score`` or
    ``min_length``. ``password`` and ``key_file`` open an encrypted export given as a path
    (``key_file`` is a KeePass key file). The directory checks read the 2FA, passkey and
    site-breach data sets from the user's data directory (``pwhygiene data update``), or only
    from ``data_dir`` when given; a missing one is listed in ``report.checks_not_run``.
    """
    if max_age_days < 0:
        raise InvalidInput(f"max_age_days must be zero or more (got {max_age_days})")
    vault = _as_vault(vault_or_path, format=format, password=password, key_file=key_file)
    rules = load_ignore(ignore) if isinstance(ignore, (str, PathLike)) else ignore
    return _audit(
        vault,
        breach=breach,
        policy=policy,
        as_of=as_of,
        max_age_days=max_age_days,
        rules=rules,
        workers=workers,
        progress=progress,
        directories=Directories.load()
        if data_dir is None
        else Directories.load_from(Path(data_dir)),
    )


def _audit(
    vault: Vault,
    *,
    breach: BreachSource | None,
    policy: Policy | None,
    as_of: datetime | None,
    max_age_days: int,
    rules: IgnoreList | None,
    workers: int | None,
    progress: ProgressHook | None,
    directories: Directories,
) -> AuditReport:
    moment = (as_of or datetime.now(timezone.utc)).astimezone(timezone.utc)
    judged = _judge(
        vault,
        breach=breach,
        policy=policy,
        moment=moment,
        max_age_days=max_age_days,
        rules=rules,
        workers=workers,
        progress=progress,
        directories=directories,
    )
    # Only the results are alive now: the entries, findings lists and the run's Sites the
    # checks needed are gone before the summary is built, which lowers the peak of a large audit.
    return AuditReport(
        items=judged.results,
        reuse_groups=judged.groups,
        summary=summarize(
            judged.results,
            items_total=len(vault),
            items_excluded=judged.excluded,
            suppressed=len(judged.suppressed),
        ),
        breach=judged.breach,
        as_of=moment,
        max_age_days=max_age_days,
        source_format=vault.source_format,
        source_path=None if vault.path is None else str(vault.path),
        warnings=judged.warnings,
        suppressed=judged.suppressed,
        checks_not_run=directories.not_run(),
        data_sets=directories.info(),
        actions=plan(judged.results, judged.groups, judged.key_sites),
    )


class _Judged(NamedTuple):
    """What the report keeps of an audit; everything else the checks used can be freed."""

    results: tuple[ItemResult, ...]
    groups: tuple[ReuseGroup, ...]
    suppressed: tuple[Suppressed, ...]
    warnings: tuple[str, ...]
    breach: BreachInfo
    excluded: int
    key_sites: dict[str, str]  # item id -> password-manager domain, for the plan's ranking


class _Checked(NamedTuple):
    """Every login as the checks saw it, their findings, and the breach answers."""

    entries: list[checks.Entry]
    findings: list[Finding]
    outcome: BreachOutcome
    key_sites: dict[str, str]


def _check(
    logins: Sequence[VaultItem],
    *,
    breach: BreachSource | None,
    policy: Policy | None,
    moment: datetime,
    max_age_days: int,
    workers: int | None,
    progress: ProgressHook | None,
    directories: Directories,
) -> _Checked:
    """Measure every password and run every check, with one :class:`Sites` for this run.

    The run's ``Sites`` lives only in this call: the checks share its parsed hosts and words,
    and it goes (with everything it learnt about the vault) when this returns.
    """
    audited = [i for i in logins if not i.excluded]
    site_index = Sites()
    emails = {i.id: site_index.is_email_account(i) for i in logins}

    def item_checks() -> checks.Unmeasured:
        bare = [checks.Entry(item=i, email_account=emails[i.id]) for i in logins]
        return checks.unmeasured_checks(
            bare, as_of=moment, max_age_days=max_age_days, sites=site_index
        )

    outcome, strengths, unmeasured = _measure(
        audited,
        breach=breach,
        workers=workers,
        progress=progress,
        meanwhile=item_checks,
        sites=site_index,
    )
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
        unmeasured=unmeasured,
        sites=site_index,
        **(
            {}
            if policy is None
            else {"min_score": policy.min_score, "min_length": policy.min_length}
        ),
    )
    findings += directories.findings(audited, site_index)
    key_sites = {i.id: d for i in audited for d in site_index.keys(i) if d in KEY_ACCOUNT_SITES}
    return _Checked(entries, findings, outcome, key_sites)


def _judge(
    vault: Vault,
    *,
    breach: BreachSource | None,
    policy: Policy | None,
    moment: datetime,
    max_age_days: int,
    rules: IgnoreList | None,
    workers: int | None,
    progress: ProgressHook | None,
    directories: Directories,
) -> _Judged:
    """Measure, run the checks, apply the ignore rules and build one result per item."""
    logins = vault.logins()
    entries, findings, outcome, key_sites = _check(
        logins,
        breach=breach,
        policy=policy,
        moment=moment,
        max_age_days=max_age_days,
        workers=workers,
        progress=progress,
        directories=directories,
    )
    warnings = list(vault.warnings) + list(outcome.warnings)
    kept, suppressed = _apply_ignore(findings, entries, rules, moment, warnings)
    by_item: dict[str, list[Finding]] = {}
    for f in kept:
        by_item.setdefault(f.item_id, []).append(f)
    groups = tuple(checks.reuse_groups(entries))
    group_of = {item_id: g.group for g in groups for item_id in g.item_ids}
    results = tuple(
        # pop: each item's list is freed as soon as its result holds the findings as a tuple
        _result(e, by_item.pop(e.item.id, []), group_of.get(e.item.id), moment)
        for e in entries
        if not e.item.excluded
    )
    return _Judged(
        results=results,
        groups=groups,
        suppressed=tuple(suppressed),
        warnings=tuple(warnings),
        breach=outcome.info,
        excluded=sum(1 for i in logins if i.excluded),
        key_sites=key_sites,
    )


def _as_vault(
    source: Vault | str | PathLike[str],
    *,
    format: str,
    password: str | None,
    key_file: str | PathLike[str] | None,
) -> Vault:
    if isinstance(source, Vault):
        return source
    from pwhygiene._vault.registry import read_vault  # noqa: PLC0415 -- loads every reader

    return read_vault(Path(source), format=format, password=password, key_file=key_file)


def _measure(
    items: Sequence[VaultItem],
    *,
    breach: BreachSource | None,
    workers: int | None,
    progress: ProgressHook | None,
    meanwhile: Callable[[], T],
    sites: Sites,
) -> tuple[BreachOutcome, dict[str, StrengthSummary], T]:
    """Breach lookups on a thread, overlapped with scoring; both once per distinct input.

    The scoring processes are forked before the lookup thread starts (forking while our
    threads hold a lock could copy it into a child), and the lookups start before the score
    jobs are prepared, so the network is busy from the first moment. Score chunks go to the
    workers as soon as they fill; while the workers score, this process runs ``meanwhile``
    (the checks that need no measurement) instead of waiting.
    """
    distinct = list(dict.fromkeys(i.password for i in items if i.password))
    n = workers if workers is not None else (os.cpu_count() or 1)
    parallel = n > 1 and len(distinct) >= scoring.PARALLEL_MIN_JOBS
    with (
        scoring.worker_pool(n) if parallel else nullcontext() as pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="pwhygiene-breach") as side,
    ):
        pending = side.submit(lookup, distinct, breach, progress)
        if pool is None:
            jobs = _jobs(items, sites)
            scored = scoring.score(list(jobs), progress)
            extra = meanwhile()
        else:
            jobs, futures = scoring.submit(items, pool, sites)
            extra = meanwhile()
            scored = scoring.gather(futures, len(jobs), progress)
        outcome = pending.result()
    strengths = {
        item_id: summary for job, summary in zip(jobs, scored, strict=True) for item_id in jobs[job]
    }
    return outcome, strengths, extra


def _jobs(items: Sequence[VaultItem], sites: Sites) -> dict[scoring.ScoreJob, list[str]]:
    """``{score job: ids of the items it measures}``, distinct jobs in first-seen order."""
    jobs: dict[scoring.ScoreJob, list[str]] = {}
    for item in items:
        if item.password:
            jobs.setdefault(scoring.score_job(item, sites), []).append(item.id)
    return jobs


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
            f"{where}: the rule for {rule.target} / check {rule.check!r} expired on "
            f"{rule.expires}; its findings are reported again"
        )
    prints = {e.item.id: _fingerprint(e.item) for e in entries}
    folders = {e.item.id: e.item.folder for e in entries}
    kept, suppressed = [], []
    for f in findings:
        waiver = rules.match(f, prints[f.item_id], today, folders[f.item_id])
        if waiver is None:
            kept.append(f)
        else:
            expiry = None if waiver.expires is None else waiver.expires.isoformat()
            suppressed.append(Suppressed(f, waiver.reason, expiry))
    return kept, suppressed


def _fingerprint(item: VaultItem) -> str:
    """The id an ignore file may use instead of the item id: stable over title/user/urls.

    Made from the URLs as shown (credentials masked): a hash of a password is no fingerprint.
    """
    return fingerprint(item.title, item.username, *map(display_url, item.urls))


def _result(
    entry: checks.Entry, findings: list[Finding], group: int | None, moment: datetime
) -> ItemResult:
    item = entry.item
    return ItemResult(
        id=item.id,
        title=item.title,
        username=item.username,
        urls=tuple(display_url(u) for u in item.urls),
        fingerprint=_fingerprint(item),
        strength=entry.strength,
        breach_status=entry.breach_status,
        breach_count=entry.breach_count,
        password_age_days=checks.age_days(item, moment),
        reuse_group=group,
        email_account=bool(entry.email_account),
        findings=tuple(findings),
    )
