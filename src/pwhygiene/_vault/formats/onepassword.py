"""1Password exports: the 1PUX archive (complete) and the 1Password 8 CSV (logins only).

A 1PUX file is a zip holding ``export.attributes`` and ``export.data``; the latter is JSON:
accounts, each with vaults, each with items. The vault name becomes the folder. Archived items
are kept but marked ``trashed`` because 1Password itself leaves them out of Watchtower, and an
item with ``overview.watchtowerExclusions`` is marked ``excluded``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    designated_fields,
    header_has,
    kind_for,
    make_vault,
    password_or_none,
    read_checked_csv,
    split_urls,
    text_or_none,
    timestamp,
    truthy,
)
from pwhygiene._vault.io import CsvRow, SafeZip, get, load_json, opt, read_text
from pwhygiene._vault.model import (
    ItemKind,
    PasswordHistoryEntry,
    Timestamp,
    Vault,
    VaultItem,
    fingerprint,
)
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

PUX_NAME = "1password-1pux"
CSV_NAME = "1password-csv"
DATA_MEMBER = "export.data"

_KINDS = {
    "001": ItemKind.LOGIN,
    "002": ItemKind.CARD,
    "003": ItemKind.NOTE,
    "004": ItemKind.IDENTITY,
    "005": ItemKind.LOGIN,  # a standalone "Password" item: audited like a login
    "114": ItemKind.SSH_KEY,
}
# Section fields that hold a password in the other categories (102 database, 109 wireless
# router, 110 server, 111 email account, 112 API credential, ...), in the ids 1Password's
# templates give them; any other concealed field titled or named "password" counts too.
# PINs, CVVs and recovery phrases are not passwords and stay out of the audit.
_PASSWORD_IDS = ("password", "wireless_password", "pop_password", "smtp_password", "credential")
_USERNAME_IDS = ("username", "pop_username", "smtp_username")


# --- 1PUX -----------------------------------------------------------------------------------


def _section_fields(
    details: Mapping[str, object], path: Path, where: str
) -> list[tuple[str, str, Mapping[str, object]]]:
    """``(id, title, value)`` of every section field, in order."""
    found: list[tuple[str, str, Mapping[str, object]]] = []
    for s, section in enumerate(opt(details, "sections", list, path, where) or []):
        for f, entry in enumerate(
            opt(section, "fields", list, path, f"{where}.sections[{s}]") or []
        ):
            here = f"{where}.sections[{s}].fields[{f}]"
            value = opt(entry, "value", dict, path, here) or {}
            ident = opt(entry, "id", str, path, here) or ""
            found.append((ident, opt(entry, "title", str, path, here) or "", value))
    return found


def _section_login(
    details: Mapping[str, object], path: Path, where: str
) -> tuple[str | None, str | None]:
    """Username and password kept in sections, for items other than logins and passwords."""
    ranked: list[tuple[bool, str]] = []
    username: str | None = None
    for ident, title, value in _section_fields(details, path, where):
        concealed, plain = value.get("concealed"), value.get("string")
        if isinstance(concealed, str) and concealed:
            if ident in _PASSWORD_IDS or "password" in f"{ident} {title}".lower():
                ranked.append((ident not in _PASSWORD_IDS, concealed))  # template ids first
        elif ident in _USERNAME_IDS and isinstance(plain, str) and username is None:
            username = text_or_none(plain)
    ranked.sort(key=lambda pair: pair[0])
    return username, (ranked[0][1] if ranked else None)


def _has_totp(details: Mapping[str, object], path: Path, where: str) -> bool:
    for s, section in enumerate(opt(details, "sections", list, path, where) or []):
        for f, entry in enumerate(
            opt(section, "fields", list, path, f"{where}.sections[{s}]") or []
        ):
            value = opt(entry, "value", dict, path, f"{where}.sections[{s}].fields[{f}]") or {}
            if value.get("totp"):
                return True
    return False


def _history(
    details: Mapping[str, object], path: Path, where: str
) -> tuple[PasswordHistoryEntry, ...]:
    entries = []
    for n, entry in enumerate(opt(details, "passwordHistory", list, path, where) or []):
        here = f"{where}.passwordHistory[{n}]"
        password = get(entry, "value", str, path, here)
        when = timestamp(opt(entry, "time", int, path, here), "time", path, here)
        entries.append(PasswordHistoryEntry(password, None if when is None else when.at))
    return tuple(entries)


def _urls(overview: Mapping[str, object], path: Path, where: str) -> tuple[str, ...]:
    urls: list[str] = []
    main = opt(overview, "url", str, path, where)
    if main:
        urls.append(main)
    for n, entry in enumerate(opt(overview, "urls", list, path, where) or []):
        url = opt(entry, "url", str, path, f"{where}.urls[{n}]")
        if url and url not in urls:
            urls.append(url)
    return tuple(urls)


def _last_change(history: tuple[PasswordHistoryEntry, ...]) -> datetime | None:
    dates = [h.changed for h in history if h.changed is not None]
    return max(dates) if dates else None


def _pux_item(
    item: object, where: str, path: Path, vault_name: str | None, name: str = PUX_NAME
) -> VaultItem:
    if not isinstance(item, Mapping):
        raise MalformedExport(path, where, "an object")
    overview = get(item, "overview", dict, path, where)
    details = opt(item, "details", dict, path, where) or {}
    category = get(item, "categoryUuid", str, path, where)
    here = f"{where}.details"
    fields = designated_fields(details, "loginFields", path, here) if category == "001" else {}
    username, password = fields.get("username"), fields.get("password")
    if category == "005":
        password = password_or_none(opt(details, "password", str, path, here))
    elif category not in _KINDS:  # database, server, Wi-Fi, email, API credential, ...
        username, password = _section_login(details, path, here)
    kind = kind_for(_KINDS.get(category), password is not None)
    title = opt(overview, "title", str, path, f"{where}.overview") or ""
    urls = _urls(overview, path, f"{where}.overview")
    created = timestamp(opt(item, "createdAt", int, path, where), "createdAt", path, where)
    modified = timestamp(opt(item, "updatedAt", int, path, where), "updatedAt", path, where)
    history = _history(details, path, here) if kind is ItemKind.LOGIN else ()
    # 1PUX has no password-change date; the newest history entry is when the current password
    # replaced the previous one, and without history the password is as old as the item.
    last = _last_change(history)
    changed = Timestamp(last, "passwordHistory") if last else created
    state = opt(item, "state", str, path, where) or "active"
    return VaultItem(
        id=opt(item, "uuid", str, path, where) or fingerprint(title, username, *urls),
        title=title,
        source_format=name,
        kind=kind,
        username=username if kind is ItemKind.LOGIN else None,
        password=password if kind is ItemKind.LOGIN else None,
        urls=urls,
        totp=_has_totp(details, path, here),
        folder=vault_name,
        notes_present=bool(opt(details, "notesPlain", str, path, here)),
        created=created,
        modified=modified,
        password_changed=changed if password is not None else None,
        history=history,
        trashed=state != "active" or opt(item, "trashed", bool, path, where) is True,
        excluded=bool(overview.get("watchtowerExclusions")),
    )


def _pux_records(data: object, path: Path) -> list[tuple[object, str, str | None]]:
    """Every item with its JSON path and the name of the vault holding it."""
    records: list[tuple[object, str, str | None]] = []
    for a, account in enumerate(get(data, "accounts", list, path, "$")):
        for v, vault in enumerate(get(account, "vaults", list, path, f"$.accounts[{a}]")):
            where = f"$.accounts[{a}].vaults[{v}]"
            attrs = opt(vault, "attrs", dict, path, where) or {}
            name = opt(attrs, "name", str, path, f"{where}.attrs")
            for i, item in enumerate(get(vault, "items", list, path, where)):
                records.append((item, f"{where}.items[{i}]", name))
    return records


def read_1pux(path: Path, options: ReadOptions) -> Vault:
    """Read a 1PUX archive through :class:`SafeZip` (size, ratio and member limits)."""
    with SafeZip(path) as archive:
        if DATA_MEMBER not in archive.names():
            raise MalformedExport(path, None, f"a 1PUX archive with an {DATA_MEMBER} member")
        raw = archive.read(DATA_MEMBER)
    return vault_from_export_data(load_json(path, read_text(path, raw)), path, options, PUX_NAME)


def vault_from_export_data(data: object, path: Path, options: ReadOptions, name: str) -> Vault:
    """Items of a parsed ``export.data``; shared by the 1PUX and bare ``export.data`` readers."""
    warnings: list[str] = []
    items = collect(
        _pux_records(data, path),
        lambda rec: _pux_item(rec[0], rec[1], path, rec[2], name),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, name, path, warnings)


def sniff_1pux(sample: Sample) -> Detection:
    """YES for a zip with both 1PUX members; MAYBE with only ``export.data``."""
    names = set(sample.zip_names or ())
    if {DATA_MEMBER, "export.attributes"} <= names:
        return Detection.YES
    return Detection.MAYBE if DATA_MEMBER in names else Detection.NO


# --- CSV ------------------------------------------------------------------------------------

_CSV_REQUIRED = ("Title", "Url", "Username", "Password")


def _csv_item(row: CsvRow) -> VaultItem:
    values = row.values
    title, username = values["Title"], text_or_none(values["Username"])
    urls = split_urls(values["Url"])
    return VaultItem(
        id=fingerprint(title, username, *urls),
        title=title,
        source_format=CSV_NAME,
        username=username,
        password=password_or_none(values["Password"]),
        urls=urls,
        totp=bool(values.get("OTPAuth", "").strip()),
        notes_present=bool(values.get("Notes", "").strip()),
        trashed=truthy(values.get("Archived", "")),
    )


def read_csv(path: Path, options: ReadOptions) -> Vault:
    """Read a 1Password 8 CSV export (logins only; archived ones kept as trashed)."""
    return read_checked_csv(
        path,
        options,
        name=CSV_NAME,
        what="1Password CSV",
        required=_CSV_REQUIRED,
        convert=_csv_item,
    )


def sniff_csv(sample: Sample) -> Detection:
    """YES for 1Password's ``Title,Url,Username,Password`` header (``Url``, not ``URL``)."""
    return Detection.YES if header_has(sample, _CSV_REQUIRED) else Detection.NO


register(
    FormatSpec(
        name=PUX_NAME,
        description="1Password 1PUX export (zip with export.data; every item type)",
        detection="zip archive with export.data and export.attributes members",
        sniff=sniff_1pux,
        read=read_1pux,
        extensions=(".1pux", ".zip"),
    )
)
register(
    FormatSpec(
        name=CSV_NAME,
        description="1Password 8 CSV export (Title,Url,Username,Password,OTPAuth,...)",
        detection="CSV header with Title, Url, Username, Password",
        sniff=sniff_csv,
        read=read_csv,
        extensions=(".csv",),
    )
)
