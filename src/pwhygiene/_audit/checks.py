"""The audit checks: one pure function per check, entries in, findings out.

An :class:`Entry` is a vault item plus what the runner measured about its password (strength,
breach count). Checks see passwords but return only :class:`~pwhygiene.Finding` objects, whose
messages and details name items, counts and transform labels, never a password or a digest.
Every check is deterministic and depends only on its arguments, which is what lets the tests
plant problems and assert that exactly those are found.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice

from pwhygiene._audit.report import (
    Finding,
    FrozenDetails,
    ReuseGroup,
    Severity,
    StrengthSummary,
)
from pwhygiene._audit.similarity import Transform, describe, similar_pairs
from pwhygiene._audit.sites import Sites, email_local_part
from pwhygiene._audit.urls import display_url, insecure_login_url
from pwhygiene._strength.checker import BreachStatus
from pwhygiene._strength.context import MIN_TOKEN_LENGTH
from pwhygiene._vault.model import Timestamp, VaultItem

WEAK_MAX_SCORE = 2
MAX_LISTED = 10  # items named in one message
MAX_DETAILS = 10  # similar items listed in a finding's details (the count says how many)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as the checks see it: the item plus the runner's measurements."""

    item: VaultItem
    strength: StrengthSummary | None = None
    breach_status: BreachStatus = "not_checked"
    breach_count: int | None = None
    breach_label: str = ""
    email_account: bool | None = None  # None: judge from the item (Sites.is_email_account)

    def __post_init__(self) -> None:
        if self.email_account is None:
            object.__setattr__(self, "email_account", Sites().is_email_account(self.item))

    @property
    def password(self) -> str | None:
        """The current password, or ``None`` when the item has none."""
        return self.item.password or None


def _titles(entries: Sequence[Entry]) -> dict[str, str]:
    return {e.item.id: e.item.title or e.item.id for e in entries}


def _names(titles: Mapping[str, str], ids: Sequence[str], total: int | None = None) -> str:
    """Up to MAX_LISTED quoted titles, then how many more (of ``total``, default all ids)."""
    shown = [repr(titles[i]) for i in ids[:MAX_LISTED]]
    more = (len(ids) if total is None else total) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def weak(
    entries: Sequence[Entry], *, min_score: int = WEAK_MAX_SCORE + 1, min_length: int = 0
) -> list[Finding]:
    """A zxcvbn score below ``min_score`` (default 3), or under ``min_length`` characters.

    Lengths count NFKC code points, as :class:`~pwhygiene.Policy` does. Severity is high for a
    score of 0-1 and medium otherwise.
    """
    found = []
    shared: dict[str, str] = {}  # equal messages are stored once
    for e in entries:
        if e.password is None or e.strength is None:
            continue
        length = len(unicodedata.normalize("NFKC", e.password))
        score = e.strength.score
        if score >= min_score and length >= min_length:
            continue
        reasons = []
        if score < min_score:
            reasons.append(
                f"zxcvbn score {score}/4, about 10^{e.strength.guesses_log10:.0f} guesses"
            )
        if length < min_length:
            reasons.append(f"{length} characters, policy minimum {min_length}")
        found.append(
            Finding(
                e.item.id,
                "weak",
                Severity.HIGH if score <= 1 else Severity.MEDIUM,
                _once(shared, f"weak password ({'; '.join(reasons)})"),
                {
                    "score": score,
                    "guesses_log10": round(e.strength.guesses_log10, 2),
                    "length": length,
                    "min_score": min_score,
                    "min_length": min_length,
                },
            )
        )
    return found


def breached(entries: Sequence[Entry]) -> list[Finding]:
    """The breach source counted the password, or it is on the blocklist of common ones.

    Unknown status is not a finding (nor clean: the report counts it apart).
    """
    found = []
    shared: dict[str, str] = {}  # equal messages are stored once
    for e in entries:
        if e.breach_status == "breached":
            message = f"password seen {e.breach_count or 0:,} times in data breaches"
        elif e.breach_status == "blocklisted":
            message = "password is on the list of most common passwords (embedded blocklist)"
        else:
            continue
        count = e.breach_count
        found.append(
            Finding(
                e.item.id,
                "breached",
                Severity.CRITICAL,
                _once(shared, message),
                {"count": count, "source": e.breach_label},
            )
        )
    return found


def reuse_groups(entries: Sequence[Entry]) -> list[ReuseGroup]:
    """Groups of two or more items sharing an exact password, numbered 1.. in vault order."""
    by_password: dict[str, list[Entry]] = {}
    for e in entries:
        if e.password is not None:
            by_password.setdefault(e.password, []).append(e)
    groups = [members for members in by_password.values() if len(members) > 1]
    return [
        ReuseGroup(
            number,
            tuple(m.item.id for m in members),
            any(bool(m.email_account) for m in members),
        )
        for number, members in enumerate(groups, start=1)
    ]


def reused(entries: Sequence[Entry]) -> list[Finding]:
    """Exact reuse; critical when an e-mail account shares the password (resets everything)."""
    found = []
    titles = _titles(entries)
    for group in reuse_groups(entries):
        severity = Severity.CRITICAL if group.includes_email_account else Severity.HIGH
        for item_id in group.item_ids:
            others = [i for i in group.item_ids if i != item_id]
            mail = "; includes an e-mail account" if group.includes_email_account else ""
            found.append(
                Finding(
                    item_id,
                    "reused",
                    severity,
                    f"same password as {_names(titles, others)} (reuse group {group.group}{mail})",
                    {
                        "group": group.group,
                        "other_item_ids": others,
                        "includes_email_account": group.includes_email_account,
                    },
                )
            )
    return found


def similar(entries: Sequence[Entry], *, sites: Sites | None = None) -> list[Finding]:
    """Near-reuse among distinct passwords, with the transform that relates them."""
    sites = sites or Sites()
    holders: dict[str, list[Entry]] = {}
    for e in entries:
        if e.password is not None:
            holders.setdefault(e.password, []).append(e)
    passwords = list(holders)
    names = [
        tuple(dict.fromkeys(n for h in holders[p] for n in sites.names(h.item))) for p in passwords
    ]
    related: defaultdict[str, list[tuple[str, tuple[Transform, ...]]]] = defaultdict(list)
    for pair in similar_pairs(passwords, names):
        first, second = passwords[pair.first], passwords[pair.second]
        related[first].append((second, pair.transforms))
        related[second].append((first, pair.transforms))
    found = []
    titles = _titles(entries)
    for e in entries:
        if e.password is None or e.password not in related:
            continue
        near = related[e.password]
        links = list(
            islice(((o.item.id, ts) for other, ts in near for o in holders[other]), MAX_DETAILS)
        )
        total = sum(len(holders[other]) for other, _ in near)
        found.append(
            Finding(
                e.item.id,
                "similar",
                Severity.MEDIUM,
                f"password is a small variation of the one on "
                f"{_names(titles, [i for i, _ in links], total)} ({describe(near[0][1])})",
                {
                    "similar_to": [
                        FrozenDetails({"item_id": i, "transforms": ts}) for i, ts in links
                    ],
                    "similar_count": total,
                    "transforms": sorted({t for _, ts in near for t in ts}),
                },
            )
        )
    return found


def history_reuse(entries: Sequence[Entry]) -> list[Finding]:
    """The current password was used before, by this item or any other (per export history)."""
    previous: defaultdict[str, list[str]] = defaultdict(list)
    for e in entries:
        for old in e.item.history:
            if old.password and e.item.id not in previous[old.password]:
                previous[old.password].append(e.item.id)
    found = []
    titles = _titles(entries)
    for e in entries:
        owners = previous.get(e.password or "") if e.password else None
        if not owners:
            continue
        where = "its own history" if owners == [e.item.id] else _names(titles, owners) + " history"
        found.append(
            Finding(
                e.item.id,
                "history_reuse",
                Severity.MEDIUM,
                f"current password was used before (in {where})",
                {"history_of": list(owners)},
            )
        )
    return found


def insecure_url(entries: Sequence[Entry]) -> list[Finding]:
    """A login URL over plain ``http://`` to anything but this machine."""
    found = []
    for e in entries:
        bad = [u for u in e.item.urls if insecure_login_url(u)]
        if bad:
            found.append(
                Finding(
                    e.item.id,
                    "insecure_url",
                    Severity.MEDIUM,
                    f"login URL without TLS: {', '.join(display_url(u) for u in bad[:3])}",
                    {"urls": [display_url(u) for u in bad]},
                )
            )
    return found


def password_timestamp(item: VaultItem) -> tuple[Timestamp, str] | None:
    """The best evidence of the password's age and which model field it came from."""
    if item.password_changed is not None:
        return item.password_changed, "password_changed"
    if item.modified is not None:
        return item.modified, "modified"
    return None


def age_days(item: VaultItem, as_of: datetime) -> int | None:
    """Whole days between the password's timestamp and ``as_of`` (``None`` when unknown)."""
    found = password_timestamp(item)
    if found is None:
        return None
    return (_aware(as_of) - _aware(found[0].at)).days


def _once(shared: dict[str, str], text: str) -> str:
    """``text``, or the equal string already in ``shared`` (so it is stored once)."""
    return shared.setdefault(text, text)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def old(entries: Sequence[Entry], *, as_of: datetime, max_age_days: int) -> list[Finding]:
    """Password unchanged for more than ``max_age_days``; never flagged when unknown.

    Many items share an age and a date, so equal messages and dates are stored once.
    """
    found = []
    shared: dict[str, str] = {}
    for e in entries:
        stamp = password_timestamp(e.item)
        days = age_days(e.item, as_of)
        if e.password is None or stamp is None or days is None or days <= max_age_days:
            continue
        ts, model_field = stamp
        found.append(
            Finding(
                e.item.id,
                "old",
                Severity.LOW,
                _once(
                    shared,
                    f"password unchanged for {days} days (limit {max_age_days}; from the "
                    f"export's {ts.source!r})",
                ),
                {
                    "age_days": days,
                    "max_age_days": max_age_days,
                    "judged_from": model_field,
                    "export_field": ts.source,
                    "since": _once(shared, ts.at.date().isoformat()),
                },
            )
        )
    return found


def personal_info(entries: Sequence[Entry], *, sites: Sites | None = None) -> list[Finding]:
    """The password contains the username, the e-mail local part or the site's name."""
    sites = sites or Sites()
    found = []
    for e in entries:
        if e.password is None:
            continue
        haystack = e.password.casefold()
        kinds: list[str] = []
        username = (e.item.username or "").casefold()
        local = email_local_part(e.item.username)
        if "@" not in username and len(username) >= MIN_TOKEN_LENGTH and username in haystack:
            kinds.append("username")
        if local and len(local) >= MIN_TOKEN_LENGTH and local in haystack:
            kinds.append("email_local_part")
        if any(name in haystack for name in sites.names(e.item)):
            kinds.append("site_name")
        if kinds:
            found.append(
                Finding(
                    e.item.id,
                    "personal_info",
                    Severity.MEDIUM,
                    "password contains the " + " and the ".join(k.replace("_", " ") for k in kinds),
                    {"contains": kinds},
                )
            )
    return found


def empty(entries: Sequence[Entry]) -> list[Finding]:
    """A login without a password."""
    return [
        Finding(e.item.id, "empty", Severity.MEDIUM, "login has no password", {})
        for e in entries
        if e.password is None
    ]


def duplicate(entries: Sequence[Entry], *, sites: Sites | None = None) -> list[Finding]:
    """The same username on the same site more than once (stale copies drift apart)."""
    sites = sites or Sites()
    seen: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for e in entries:
        user = (e.item.username or "").strip().casefold()
        if not user:
            continue
        for site in sorted(sites.keys(e.item)):
            seen[(site, user)].append(e.item.id)
    # Each item points at its groups, shared: a list of the others per item would be
    # quadratic in a group's size.
    groups: defaultdict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for (site, _), ids in seen.items():
        unique = tuple(dict.fromkeys(ids))
        for item_id in unique if len(unique) > 1 else ():
            groups[item_id].append((site, unique))
    del seen
    found = []
    titles = _titles(entries)
    for e in entries:
        mine = groups.get(e.item.id)
        if not mine:
            continue
        per_site = sorted(site for site, _ in mine)
        ids = list(dict.fromkeys(i for _, group in mine for i in group if i != e.item.id))
        found.append(
            Finding(
                e.item.id,
                "duplicate",
                Severity.LOW,
                f"same username on {', '.join(per_site)} as {_names(titles, ids)}",
                {"sites": per_site, "other_item_ids": ids},
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Unmeasured:
    """Findings of the checks that need no strength or breach answer (see :func:`run_checks`).

    The runner computes them while passwords are being scored and looked up.
    """

    empty: list[Finding]
    rest: list[Finding]


def unmeasured_checks(
    entries: Sequence[Entry], *, as_of: datetime, max_age_days: int, sites: Sites | None = None
) -> Unmeasured:
    """Every check that reads only the items: all but ``breached`` and ``weak``.

    ``sites`` is the run's :class:`~pwhygiene._audit.sites.Sites` (a fresh one if not given).
    """
    sites = sites or Sites()
    return Unmeasured(
        empty=empty(entries),
        rest=[
            *reused(entries),
            *similar(entries, sites=sites),
            *history_reuse(entries),
            *personal_info(entries, sites=sites),
            *insecure_url(entries),
            *old(entries, as_of=as_of, max_age_days=max_age_days),
            *duplicate(entries, sites=sites),
        ],
    )


def run_checks(
    entries: Sequence[Entry],
    *,
    as_of: datetime,
    max_age_days: int,
    min_score: int = WEAK_MAX_SCORE + 1,
    min_length: int = 0,
    unmeasured: Unmeasured | None = None,
    sites: Sites | None = None,
) -> list[Finding]:
    """Every check over ``entries``, findings of excluded items dropped, in vault order.

    ``unmeasured`` is :func:`unmeasured_checks` of the same items, when already computed.
    """
    if unmeasured is None:
        unmeasured = unmeasured_checks(entries, as_of=as_of, max_age_days=max_age_days, sites=sites)
    found = [
        *unmeasured.empty,
        *breached(entries),
        *weak(entries, min_score=min_score, min_length=min_length),
        *unmeasured.rest,
    ]
    order = {e.item.id: n for n, e in enumerate(entries)}
    excluded = {e.item.id for e in entries if e.item.excluded}
    return sorted((f for f in found if f.item_id not in excluded), key=lambda f: order[f.item_id])
