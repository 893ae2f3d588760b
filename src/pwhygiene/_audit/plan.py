"""A fix-first plan: the report's findings turned into an ordered list of things to do.

Health reports that list every problem at once leave people to guess where to start. The plan
makes one action per thing to do (change this password; replace this reused password on these
N sites; turn on 2FA here; add a passkey there; fix this address) and ranks them by blast
radius: accounts that can reset or unlock others (e-mail, password managers) first, then
passwords known to attackers (breached), then passwords shared across sites, then weak ones,
then missing second factors, then housekeeping. Each action says why it has its rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pwhygiene._audit.report import Action, ActionKind, ItemResult, ReuseGroup, Severity

PASSWORD_CHECKS: frozenset[str] = frozenset(
    {
        "breached",
        "weak",
        "empty",
        "similar",
        "history_reuse",
        "personal_info",
        "old",
        "site_breached",
    }
)
KEY_ACCOUNT_SITES = frozenset(
    {
        "1password.com",
        "bitwarden.com",
        "dashlane.com",
        "enpass.io",
        "keepersecurity.com",
        "lastpass.com",
        "nordpass.com",
        "proton.me",
        "roboform.com",
    }
)
"""Password-manager services: whoever holds that password holds every other one."""

# Tiers, lowest first: what makes an action more urgent than another.
_KEY_ACCOUNT, _BREACHED, _REUSED, _WEAK, _SECOND_FACTOR, _HOUSEKEEPING = range(6)
_WHY = {
    _KEY_ACCOUNT: "it can reset or unlock your other accounts",
    _BREACHED: "attackers already have this password or this site's data",
    _REUSED: "one leak unlocks every site that shares it",
    _WEAK: "it is easy to guess",
    _SECOND_FACTOR: "a second factor stops most account takeovers",
    _HOUSEKEEPING: "worth fixing when convenient",
}


def is_key_account(item: ItemResult, sites: Mapping[str, str]) -> bool:
    """E-mail accounts and password-manager accounts: the widest blast radius."""
    return item.email_account or sites.get(item.id) in KEY_ACCOUNT_SITES


@dataclass(frozen=True, slots=True)
class _Draft:
    """An action before ranking; ``order`` sorts tier, then severity, then size, then title."""

    order: tuple[int, int, int, str]
    kind: ActionKind
    item_ids: tuple[str, ...]
    checks: tuple[str, ...]
    severity: Severity
    title: str
    tier: int


_ITEM_ACTIONS: tuple[tuple[ActionKind, frozenset[str], str], ...] = (
    ("enable_two_factor", frozenset({"two_factor_available"}), "Turn on two-factor sign-in for"),
    ("add_passkey", frozenset({"passkey_available"}), "Add a passkey to"),
    ("fix_url", frozenset({"insecure_url"}), "Use an https:// address for"),
    ("tidy_up", frozenset({"duplicate"}), "Merge or remove the duplicate of"),
)


def plan(
    items: Sequence[ItemResult],
    reuse_groups: Sequence[ReuseGroup],
    sites: Mapping[str, str] | None = None,
) -> tuple[Action, ...]:
    """The ordered actions for ``items`` (their active findings) and the reuse groups.

    ``sites`` maps item ids to registrable domains, to spot password-manager accounts.
    """
    sites = sites or {}
    drafts, grouped = _reuse_drafts(items, reuse_groups, sites)
    for item in items:
        if item.id not in grouped and (checks := _checks([item], PASSWORD_CHECKS)):
            title = f"Change the password of {item.title or item.id}"
            tier = _tier_for_password(item, checks, sites)
            drafts.append(
                _draft("change_password", [item], checks=checks, wanted=PASSWORD_CHECKS,
                       title=title, tier=tier)
            )  # fmt: skip
        for kind, wanted, verb in _ITEM_ACTIONS:
            if checks := _checks([item], wanted):
                second = kind in ("enable_two_factor", "add_passkey")
                tier = _SECOND_FACTOR if second else _HOUSEKEEPING
                if second and is_key_account(item, sites):
                    tier = _KEY_ACCOUNT
                title = f"{verb} {item.title or item.id}"
                drafts.append(
                    _draft(kind, [item], checks=checks, wanted=wanted, title=title, tier=tier)
                )
    drafts.sort(key=lambda draft: draft.order)
    return tuple(
        Action(rank, d.kind, d.item_ids, d.checks, d.severity, d.title, _WHY[d.tier])
        for rank, d in enumerate(drafts, start=1)
    )


def _reuse_drafts(
    items: Sequence[ItemResult], reuse_groups: Sequence[ReuseGroup], sites: Mapping[str, str]
) -> tuple[list[_Draft], set[str]]:
    """One action per reuse group; its members' own password findings fold into it."""
    by_id = {item.id: item for item in items}
    drafts: list[_Draft] = []
    grouped: set[str] = set()
    wanted = PASSWORD_CHECKS | {"reused"}
    for group in reuse_groups:
        members = [by_id[i] for i in group.item_ids if i in by_id]
        if len(members) < 2:
            continue
        grouped.update(m.id for m in members)
        checks = _checks(members, wanted)
        tier = _BREACHED if "breached" in checks else _REUSED
        if any(is_key_account(m, sites) for m in members):
            tier = _KEY_ACCOUNT
        title = f"Replace the password shared by {len(members)} items with a different one each"
        drafts.append(
            _draft("replace_reused_password", members, checks=checks, wanted=wanted,
                   title=title, tier=tier)
        )  # fmt: skip
    return drafts, grouped


def _draft(
    kind: ActionKind,
    items: Sequence[ItemResult],
    *,
    checks: Sequence[str],
    wanted: frozenset[str],
    title: str,
    tier: int,
) -> _Draft:
    severity = _worst(items, wanted)
    order = (tier, -severity.rank, -len(items), items[0].title)
    ids = tuple(item.id for item in items)
    return _Draft(order, kind, ids, tuple(checks), severity, title, tier)


def _checks(items: Sequence[ItemResult], wanted: frozenset[str]) -> list[str]:
    found = {f.check for item in items for f in item.findings if f.check in wanted}
    return sorted(found)


def _worst(items: Sequence[ItemResult], wanted: frozenset[str]) -> Severity:
    severities = [f.severity for i in items for f in i.findings if f.check in wanted]
    return max(severities, key=lambda s: s.rank, default=Severity.INFO)


def _tier_for_password(item: ItemResult, checks: Sequence[str], sites: Mapping[str, str]) -> int:
    if is_key_account(item, sites) and _worst([item], PASSWORD_CHECKS) >= Severity.MEDIUM:
        return _KEY_ACCOUNT
    if "breached" in checks or "site_breached" in checks:
        return _BREACHED
    if {"weak", "empty", "similar", "history_reuse", "personal_info"} & set(checks):
        return _WEAK
    return _HOUSEKEEPING
