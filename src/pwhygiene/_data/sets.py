"""The data sets the audit reads: where each comes from, its licence, and how it is parsed.

Each source publishes JSON; a parser validates it and keeps only what a check needs, keyed by
lower-case domain, so the stored form is small and a lookup is a dict access. A parser never
trusts its input: anything that is not the published shape is a :class:`DataSetError` naming
the data set and the entry, and a data set that parses to nothing is refused (an empty list
would make every check silently say "nothing to report").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pwhygiene.exceptions import DataSetError

TwoFactorRecord = tuple[str, tuple[str, ...]]
"""A site in the 2FA Directory: its name and the sign-in methods it offers (``tfa``)."""
PasskeyRecord = tuple[str | None, str | None]
"""A site in the Passkeys Directory: ``passwordless`` and ``mfa``, each allowed/required/None."""
BreachRecord = tuple[str, str, str, tuple[str, ...], bool]
"""A breach in the HIBP catalogue: name, title, ISO breach date, data classes, verified."""

TWO_FACTOR_METHODS = ("totp", "u2f", "custom-software", "custom-hardware", "sms", "call", "email")
"""The 2FA Directory's ``tfa`` values (its API v3 schema), strongest kinds first."""
_PASSKEY_SUPPORT = ("allowed", "required")
MAX_ENTRIES = 200_000  # each source has a few thousand; more is not that source


@dataclass(frozen=True)
class DataSetSpec:
    """One data set: what it is called, where it comes from, and how it is parsed."""

    name: str
    title: str
    url: str
    licence: str
    attribution: str
    parse: Callable[[object], dict[str, Any]]


def parse_json(name: str, raw: bytes) -> object:
    """The JSON document in ``raw``, or a :class:`DataSetError` saying why it is not one."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # ValueError covers UnicodeDecodeError too
        raise DataSetError(name, f"is not JSON ({type(exc).__name__})") from None


def _domain(name: str, value: object, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 253 or " " in value:
        raise DataSetError(name, f"{where}: expected a domain name")
    return value.strip().lower().rstrip(".")


def parse_two_factor(document: object) -> dict[str, TwoFactorRecord]:
    """2FA Directory API v3 ``all.json``: ``[[name, {domain, tfa?, additional-domains?}], ...]``."""
    if not isinstance(document, list):
        raise DataSetError("2fa", "expected a JSON array of [name, entry] pairs (API v3)")
    sites: dict[str, TwoFactorRecord] = {}
    for position, pair in enumerate(document[: MAX_ENTRIES + 1]):
        where = f"entry {position}"
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], dict)):
            raise DataSetError("2fa", f"{where}: expected [name, {{...}}]")
        title, entry = str(pair[0])[:200], pair[1]
        methods = entry.get("tfa", [])
        if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
            raise DataSetError("2fa", f"{where}: 'tfa' must be a list of method names")
        if not methods:
            continue  # listed without 2FA (a contact entry): nothing to offer the user
        record = (title, tuple(m for m in TWO_FACTOR_METHODS if m in methods))
        domains = [entry.get("domain"), *entry.get("additional-domains", ())]
        for domain in domains:
            sites[_domain("2fa", domain, where)] = record
    return _non_empty("2fa", sites)


def parse_passkeys(document: object) -> dict[str, PasskeyRecord]:
    """Passkeys Directory API v1 ``all.json``: ``{domain: {passwordless?, mfa?, ...}}``."""
    if not isinstance(document, dict):
        raise DataSetError("passkeys", "expected a JSON object keyed by domain (API v1)")
    sites: dict[str, PasskeyRecord] = {}
    for position, (domain, entry) in enumerate(list(document.items())[: MAX_ENTRIES + 1]):
        where = f"entry {position}"
        if not isinstance(entry, dict):
            raise DataSetError("passkeys", f"{where}: expected an object")
        passwordless, mfa = entry.get("passwordless"), entry.get("mfa")
        for value in (passwordless, mfa):
            if value is not None and value not in _PASSKEY_SUPPORT:
                raise DataSetError("passkeys", f"{where}: expected 'allowed' or 'required'")
        if passwordless or mfa:
            sites[_domain("passkeys", domain, where)] = (passwordless, mfa)
    return _non_empty("passkeys", sites)


def parse_breaches(document: object) -> dict[str, list[BreachRecord]]:
    """HIBP ``/api/v3/breaches``: ``[{Name, Title, Domain, BreachDate, DataClasses, ...}]``.

    Fabricated breaches and spam lists are dropped (they say nothing about a site's own
    passwords); breaches with no domain cannot be matched to a login and are dropped too.
    """
    if not isinstance(document, list):
        raise DataSetError("breaches", "expected a JSON array of breach objects (API v3)")
    sites: dict[str, list[BreachRecord]] = {}
    for position, entry in enumerate(document[: MAX_ENTRIES + 1]):
        where = f"entry {position}"
        if not isinstance(entry, dict):
            raise DataSetError("breaches", f"{where}: expected an object")
        if entry.get("IsFabricated") or entry.get("IsSpamList") or not entry.get("Domain"):
            continue
        classes = entry.get("DataClasses", [])
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise DataSetError("breaches", f"{where}: 'DataClasses' must be a list of names")
        when = entry.get("BreachDate")
        try:
            day = date.fromisoformat(str(when)[:10]).isoformat()
        except ValueError:
            raise DataSetError("breaches", f"{where}: 'BreachDate' must be YYYY-MM-DD") from None
        record = (
            str(entry.get("Name", ""))[:100],
            str(entry.get("Title", entry.get("Name", "")))[:200],
            day,
            tuple(c[:80] for c in classes[:50]),
            bool(entry.get("IsVerified", False)),
        )
        sites.setdefault(_domain("breaches", entry["Domain"], where), []).append(record)
    return _non_empty("breaches", sites)


def _non_empty(name: str, sites: Mapping[str, Any]) -> dict[str, Any]:
    if not sites:
        raise DataSetError(name, "holds no usable entry; refusing an empty data set")
    if len(sites) > MAX_ENTRIES:
        raise DataSetError(name, f"has more than {MAX_ENTRIES} entries; not this source")
    return dict(sites)


DATA_SETS: dict[str, DataSetSpec] = {
    spec.name: spec
    for spec in (
        DataSetSpec(
            "2fa",
            "2FA Directory",
            "https://api.2fa.directory/v3/all.json",
            "MIT",
            "2FA Directory (2fa.directory), MIT licence",
            parse_two_factor,
        ),
        DataSetSpec(
            "passkeys",
            "Passkeys Directory",
            "https://api.passkeys.2fa.directory/v1/all.json",
            "CC BY 4.0",
            "Passkeys Directory (passkeys.2fa.directory), CC BY 4.0",
            parse_passkeys,
        ),
        DataSetSpec(
            "breaches",
            "Have I Been Pwned breach catalogue",
            "https://haveibeenpwned.com/api/v3/breaches",
            "CC BY 4.0",
            "Have I Been Pwned (haveibeenpwned.com), CC BY 4.0",
            parse_breaches,
        ),
    )
}
