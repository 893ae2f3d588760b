"""What the public directories say about a login's site: 2FA, passkeys, breaches after a change.

Three checks read the data sets of :mod:`pwhygiene._data` (the 2FA Directory, the Passkeys
Directory and the HIBP breach catalogue). Each is a dictionary look-up per item: the login's
host is matched to the most specific listed domain at or above it, never past its registrable
domain (so ``alice.github.io`` is not matched to an entry for ``github.io``, and
``mail.example.co.uk`` is matched to ``example.co.uk``). A data set that is missing makes its
check *not run*, which the report states; it never makes the check say "nothing found".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timezone
from pathlib import Path
from typing import Literal, TypeVar

from pwhygiene._audit.checks import password_timestamp
from pwhygiene._audit.report import CheckName, DataSetInfo, Finding, JSONValue, directory_severity
from pwhygiene._audit.sites import Sites
from pwhygiene._data.sets import DATA_SETS
from pwhygiene._data.store import LoadedDataSet, Location, MissingDataSet, load
from pwhygiene._vault.model import VaultItem

DirectoryCheck = Literal["two_factor_available", "passkey_available", "site_breached"]
NEEDS: dict[DirectoryCheck, str] = {
    "two_factor_available": "2fa",
    "passkey_available": "passkeys",
    "site_breached": "breaches",
}
STRONG_METHODS = frozenset({"totp", "u2f", "custom-software", "custom-hardware"})
METHOD_NAMES = {
    "totp": "authenticator app (TOTP)",
    "u2f": "security key",
    "custom-software": "the site's own app",
    "custom-hardware": "the site's own hardware token",
    "sms": "SMS",
    "call": "phone call",
    "email": "e-mail code",
}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Login:
    """What the directory checks need to know about one item (no password)."""

    item_id: str
    host: str
    registrable: str
    has_totp: bool
    has_passkey: bool
    changed: date | None  # when the password was last set, if the export says


@dataclass(frozen=True, slots=True)
class Hit:
    """One directory check firing on one item, before it becomes a report finding."""

    check: DirectoryCheck
    item_id: str
    strong: bool  # the higher of the check's two severities applies
    message: str
    details: Mapping[str, object]


@dataclass(frozen=True)
class Directories:
    """The three data sets as one audit run loaded them (each loaded or missing)."""

    two_factor: LoadedDataSet | MissingDataSet
    passkeys: LoadedDataSet | MissingDataSet
    breaches: LoadedDataSet | MissingDataSet

    @classmethod
    def load(cls) -> Directories:
        """Load each data set from the user's data directory or the package snapshot."""
        return cls(load("2fa"), load("passkeys"), load("breaches"))

    @classmethod
    def load_from(cls, directory: Path) -> Directories:
        """Load each data set from ``directory`` only (``audit(data_dir=...)``)."""
        where: tuple[tuple[Path, Location], ...] = ((Path(directory), "user"),)
        return cls(load("2fa", where), load("passkeys", where), load("breaches", where))

    def not_run(self) -> dict[CheckName, str]:
        """The checks that cannot run, each with the reason its data set gives."""
        sets = {"2fa": self.two_factor, "passkeys": self.passkeys, "breaches": self.breaches}
        return {
            check: f"data set {name!r} {state.reason}"
            for check, name in NEEDS.items()
            if isinstance(state := sets[name], MissingDataSet)
        }

    def used(self) -> list[LoadedDataSet]:
        """The loaded data sets, for the report's provenance footer."""
        states = (self.two_factor, self.passkeys, self.breaches)
        return [state for state in states if isinstance(state, LoadedDataSet)]

    def info(self) -> tuple[DataSetInfo, ...]:
        """What the report says of each data set used: title, date, size, licence, credit."""
        return tuple(
            DataSetInfo(
                name=p.name,
                title=DATA_SETS[p.name].title,
                source=p.source,
                fetched=p.fetched,
                entries=p.entries,
                licence=p.licence,
                attribution=p.attribution,
            )
            for p in (state.provenance for state in self.used())
        )

    def findings(self, items: Iterable[VaultItem], sites: Sites) -> list[Finding]:
        """Every directory check that can run, as report findings, in item order."""
        if not self.used():  # a default install: no per-item work for checks that cannot run
            return []
        logins = logins_of(items, sites)
        hits: list[Hit] = []
        if isinstance(self.two_factor, LoadedDataSet):
            hits += two_factor_available(logins, self.two_factor)
        if isinstance(self.passkeys, LoadedDataSet):
            hits += passkey_available(logins, self.passkeys)
        if isinstance(self.breaches, LoadedDataSet):
            hits += site_breached(logins, self.breaches)
        order = {login.item_id: n for n, login in enumerate(logins)}
        seen: set[tuple[object, ...]] = set()
        found = []
        for hit in sorted(hits, key=lambda h: order[h.item_id]):  # stable: check order kept
            key = (hit.item_id, hit.check, hit.details.get("site"), hit.details.get("breach"))
            if key in seen:  # two URLs of one item on the same listed site
                continue
            seen.add(key)
            details: dict[str, JSONValue] = {k: _json(v) for k, v in hit.details.items()}
            severity = directory_severity(hit.check, hit.strong)
            found.append(Finding(hit.item_id, hit.check, severity, hit.message, details))
        return found


def logins_of(items: Iterable[VaultItem], sites: Sites) -> list[Login]:
    """One :class:`Login` per distinct host of each audited item (excluded items skipped)."""
    logins = []
    for item in items:
        if item.excluded:
            continue
        stamp = password_timestamp(item)
        changed = None
        if stamp is not None:
            at = stamp[0].at
            at = at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
            changed = at.astimezone(timezone.utc).date()
        hosts = dict.fromkeys(h for h in map(sites.host, item.urls) if h)
        for host in hosts:
            logins.append(
                Login(item.id, host, sites.domain(host), item.totp, item.passkey, changed)
            )
    return logins


def _json(value: object) -> JSONValue:
    """A hit's detail value as JSON (the checks put only these shapes in)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return str(value)


def match(entries: Mapping[str, T], host: str, registrable: str) -> tuple[str, T] | None:
    """The most specific listed domain at or above ``host``, stopping at ``registrable``."""
    candidate = host.lower().rstrip(".")
    bound = registrable.lower().rstrip(".")
    while True:
        record = entries.get(candidate)
        if record is not None:
            return candidate, record
        if candidate == bound or "." not in candidate or not candidate.endswith("." + bound):
            return None
        candidate = candidate.partition(".")[2]


def two_factor_available(logins: Sequence[Login], data: LoadedDataSet) -> list[Hit]:
    """Sites that offer two-factor sign-in, on items with neither a TOTP secret nor a passkey."""
    hits = []
    for login in logins:
        if login.has_totp or login.has_passkey:
            continue
        found = match(data.entries, login.host, login.registrable)
        if found is None:
            continue
        domain, (name, methods) = found
        strong = bool(STRONG_METHODS.intersection(methods))
        offered = ", ".join(METHOD_NAMES.get(m, m) for m in methods)
        message = (
            f"{name} offers two-factor sign-in ({offered}); turn it on"
            if strong
            else f"{name} offers only {offered} codes as a second factor; better than nothing"
        )
        details = {"site": domain, "methods": list(methods), "sms_only": not strong}
        hits.append(Hit("two_factor_available", login.item_id, strong, message, details))
    return hits


def passkey_available(logins: Sequence[Login], data: LoadedDataSet) -> list[Hit]:
    """Sites that accept passkeys, on items that hold none."""
    hits = []
    for login in logins:
        if login.has_passkey:
            continue
        found = match(data.entries, login.host, login.registrable)
        if found is None:
            continue
        domain, (passwordless, mfa) = found
        kind = "instead of a password" if passwordless else "as a second factor"
        message = f"{domain} accepts a passkey {kind}; add one"
        details = {"site": domain, "passwordless": passwordless, "mfa": mfa}
        hits.append(Hit("passkey_available", login.item_id, bool(passwordless), message, details))
    return hits


def site_breached(
    logins: Sequence[Login], data: LoadedDataSet, *, include_unverified: bool = False
) -> list[Hit]:
    """Sites breached after the password was last changed (or when that date is unknown)."""
    hits = []
    for login in logins:
        found = match(data.entries, login.host, login.registrable)
        if found is None:
            continue
        domain, breaches = found
        for name, title, day, classes, verified in breaches:
            if not verified and not include_unverified:
                continue
            breached = date.fromisoformat(day)
            if login.changed is not None and breached < login.changed:
                continue
            exposed = "Passwords" in classes
            when = (
                f"after this password was last changed ({login.changed.isoformat()})"
                if login.changed is not None
                else "and when this password was last changed is unknown"
            )
            what = "passwords were exposed" if exposed else "passwords were not among the data"
            message = f"{title} was breached on {day}, {when}; {what}"
            details = {
                "site": domain,
                "breach": name,
                "breach_date": day,
                "data_classes": list(classes),
                "verified": verified,
                "password_changed": None if login.changed is None else login.changed.isoformat(),
            }
            hits.append(Hit("site_breached", login.item_id, exposed, message, details))
    return hits
